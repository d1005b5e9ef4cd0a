"""Users, contexts, enrolments and resource links, created or refreshed by a launch."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.lti import roles as role_map
from lti_tool.lti.launch import CLAIM, ValidLaunch
from lti_tool.lti.models import Context, Enrolment, ResourceLink, User

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


@dataclass
class LaunchIdentity:
    user: User
    context: Context | None
    resource_link: ResourceLink | None
    roles: set[str]


def _get_or_create(session: Session, model, defaults: dict | None = None, **keys):
    """The row with ``keys``; two first launches at once both end up with the same row."""
    row = session.scalars(select(model).filter_by(**keys)).first()
    if row is None:
        try:
            with session.begin_nested():
                row = model(**keys, **(defaults or {}))
                session.add(row)
        except IntegrityError:  # a concurrent launch created it first
            row = session.scalars(select(model).filter_by(**keys)).one()
    return row


def _text(value, limit: int = 255) -> str:
    return value[:limit] if isinstance(value, str) else ""


def record_launch(session: Session, launch: ValidLaunch, extra_hr_roles=()) -> LaunchIdentity:
    claims = launch.claims
    now = utcnow()
    user = _get_or_create(session, User, platform_id=launch.platform.id, sub=str(claims.get("sub", ""))[:255])
    user.name = _text(claims.get("name")) or user.name
    user.given_name = _text(claims.get("given_name")) or user.given_name
    user.family_name = _text(claims.get("family_name")) or user.family_name
    user.email = _text(claims.get("email")) or user.email
    presentation = claims.get(CLAIM + "launch_presentation") or {}
    # Moodle sends the locale only in launch_presentation, and as "zh_cn".
    user.locale = _text(claims.get("locale") or presentation.get("locale"), 32) or user.locale
    sourcedid = (claims.get(CLAIM + "lis") or {}).get("person_sourcedid")
    if isinstance(sourcedid, str) and sourcedid:
        user.person_sourcedid = sourcedid[:255]
    user.last_launch_at = now

    lti_roles = [r for r in claims.get(CLAIM + "roles", []) if isinstance(r, str)]
    granted = role_map.tool_roles(lti_roles, extra_hr_roles)

    context = resource_link = None
    context_claim = claims.get(CLAIM + "context") or {}
    if context_claim.get("id"):
        context = _get_or_create(
            session, Context, deployment_pk=launch.deployment.id, lms_context_id=str(context_claim["id"])[:255]
        )
        context.title = _text(context_claim.get("title")) or context.title
        context.label = _text(context_claim.get("label")) or context.label
        ags = claims.get(AGS_CLAIM) or {}
        if ags.get("lineitems"):
            context.ags_lineitems_url = ags["lineitems"][:1024]
            context.ags_scopes = [s for s in ags.get("scope", []) if isinstance(s, str)]
        nrps = claims.get(NRPS_CLAIM) or {}
        if nrps.get("context_memberships_url"):
            context.nrps_url = nrps["context_memberships_url"][:1024]
        primary = role_map.primary(granted)
        if primary:
            enrolment = _get_or_create(
                session, Enrolment, defaults={"role": primary}, user_id=user.id, context_id=context.id
            )
            enrolment.role, enrolment.roles, enrolment.last_seen_at = primary, lti_roles, now
            enrolment.source = "launch"

        link_claim = claims.get(CLAIM + "resource_link") or {}
        if link_claim.get("id"):
            resource_link = _get_or_create(
                session, ResourceLink, context_id=context.id, lms_resource_link_id=str(link_claim["id"])[:255]
            )
            resource_link.title = _text(link_claim.get("title")) or resource_link.title
            custom = claims.get(CLAIM + "custom") or {}
            if custom.get("item_kind") and custom.get("item_id"):
                resource_link.item_kind = _text(custom["item_kind"], 32)
                resource_link.item_id = _text(custom["item_id"])
            lineitem = (claims.get(AGS_CLAIM) or {}).get("lineitem")
            if lineitem:
                resource_link.lineitem_url = lineitem[:1024]
    session.flush()
    return LaunchIdentity(user, context, resource_link, granted)
