"""Who is asking, and may they: checked on the server for every request.

A launch puts the user, platform, context and tool roles in the server-side
session. Views declare the roles they need; queries are scoped by the session's
context (instructors, learners) or the platform's organisation (HR), so nothing
crosses tenants.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import g, session
from flask_babel import gettext as _

from lti_tool import db
from lti_tool.errors import UserError
from lti_tool.lti.models import Context, Platform, User


@dataclass(frozen=True)
class Actor:
    user_id: int
    platform_id: int
    context_id: int | None
    roles: frozenset[str]
    resource_link_id: int | None

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def user(self) -> User:
        return db.session().get(User, self.user_id)

    @property
    def organisation_id(self) -> int:
        """The tenant: read from the platform at each request, so a platform moved to
        another organisation takes its HR users along at once."""
        return db.session().get(Platform, self.platform_id).organisation_id

    @property
    def context(self) -> Context | None:
        return db.session().get(Context, self.context_id) if self.context_id else None


def current_actor() -> Actor | None:
    if "actor" not in g:
        data = session.get("actor")
        g.actor = (
            Actor(
                user_id=data["user_id"],
                platform_id=data["platform_id"],
                context_id=data.get("context_id"),
                roles=frozenset(data.get("roles", [])),
                resource_link_id=data.get("resource_link_id"),
            )
            if data
            else None
        )
    return g.actor


def sign_in(actor: Actor) -> None:
    session["actor"] = {
        "user_id": actor.user_id,
        "platform_id": actor.platform_id,
        "context_id": actor.context_id,
        "roles": sorted(actor.roles),
        "resource_link_id": actor.resource_link_id,
    }
    g.actor = actor


def require_role(*roles: str, context: bool = False):
    """Allow the view only to a launched user holding one of ``roles``
    (and, with ``context=True``, launched from an LMS course)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                raise UserError(
                    _("Open this tool from your course in the learning platform."),
                    401,
                    hint=_("Your session may have expired. Go back to the course and open the activity again."),
                )
            if roles and not actor.has(*roles):
                raise UserError(_("Your role in this course does not give access to this page."), 403)
            if context and actor.context_id is None:
                raise UserError(_("This page is only available inside a course."), 403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the access-control tests
        return wrapped

    return decorator
