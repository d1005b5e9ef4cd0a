"""Who may open what: a course (and its quizzes) only when it is placed in the LMS course
the user launched from, and an organisation's own course only from that organisation's
platforms; an attempt only by its learner, or an instructor of that course."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from lti_tool.auth import Actor
from lti_tool.catalog.models import CourseVersion
from lti_tool.errors import UserError
from lti_tool.learning.attempts import ATTEMPT_WITH_PEOPLE, Learner
from lti_tool.learning.content import current_version, split_item
from lti_tool.learning.models import QuizAttempt
from lti_tool.learning.paper import QuizDef, quiz_def
from lti_tool.lti.models import ResourceLink
from lti_tool.lti.roles import INSTRUCTOR


def learner(actor: Actor) -> Learner:
    return Learner(actor.user_id, actor.context_id, actor.resource_link_id)


def not_found() -> UserError:
    return UserError(_("This course item is not available in your course."), 404,
                     hint=_("Open it from the link your instructor placed in the learning platform."))


def placed(session: Session, context_id: int, course_id: str) -> bool:
    escaped = course_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return session.scalar(_PLACED, {"context_id": context_id, "course_id": course_id,
                                    "items": escaped + "/%"}) is not None


_PLACED = select(ResourceLink.id).where(  # every learner page asks: built once
    ResourceLink.context_id == bindparam("context_id"),
    or_(ResourceLink.item_id == bindparam("course_id"), ResourceLink.item_id.like(bindparam("items"), escape="\\")),
).limit(1)


def course_version(session: Session, actor: Actor, course_id: str) -> CourseVersion:
    if not placed(session, actor.context_id, course_id):
        raise not_found()
    version = current_version(session, course_id)
    if version is None:
        raise not_found()
    if version.course.owner_organisation_id is not None and not version.visible_to(actor.organisation_id):
        raise UserError(_("This course belongs to another organisation and cannot be opened from your learning platform."),
                        403, hint=_("Ask your instructor to place a course of the shared library or of your own organisation."))
    return version


def quiz(session: Session, actor: Actor, item_id: str) -> tuple[CourseVersion, QuizDef]:
    try:
        course_id, quiz_id = split_item(item_id)
    except LookupError:
        raise not_found() from None
    version = course_version(session, actor, course_id)
    try:
        return version, quiz_def(version, quiz_id)
    except LookupError:
        raise not_found() from None


def attempt(session: Session, actor: Actor, attempt_id: int, *, own: bool = True,
            with_people: bool = False) -> QuizAttempt:
    """The attempt, if it is the actor's own (or, with ``own=False``, one an instructor of
    this LMS course may see). Anything else is "not found": ids are never trusted.
    ``with_people``: its learner, LMS course and platform load in the same query."""
    if with_people:
        found = session.scalars(ATTEMPT_WITH_PEOPLE, {"attempt_id": attempt_id}).first()
    else:
        found = session.get(QuizAttempt, attempt_id)
    if found is None or found.context_id != actor.context_id:
        raise UserError(_("This attempt was not found."), 404)
    if found.user_id == actor.user_id:
        return found
    if not own and actor.has(INSTRUCTOR):
        return found
    raise UserError(_("This attempt was not found."), 404)
