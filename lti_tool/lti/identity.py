"""Users, contexts, enrolments and resource links, created or refreshed by a launch."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from lti_tool.db import upsert, upsert_changed, utcnow
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


def _text(value, limit: int = 255) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _present(**values) -> dict:
    """Only the values the launch actually gave: an absent claim keeps what we know."""
    return {k: v for k, v in values.items() if v not in (None, "")}


def record_launch(session: Session, launch: ValidLaunch, hr_roles=role_map.DEFAULT_HR_ROLES) -> LaunchIdentity:
    """Create or refresh the user, context, enrolment and resource link of a launch,
    one statement each (the context and resource link, which a whole class shares, are
    written only when the launch changes them); ``hr_roles``: the LTI roles that grant HR in the
    platform's organisation (``roles.hr_roles_of``)."""
    claims = launch.claims
    now = utcnow()
    presentation = claims.get(CLAIM + "launch_presentation") or {}
    sourcedid = (claims.get(CLAIM + "lis") or {}).get("person_sourcedid")
    user = upsert(
        session, User, {"platform_id": launch.platform.id, "sub": str(claims.get("sub", ""))[:255]},
        _present(
            name=_text(claims.get("name")), given_name=_text(claims.get("given_name")),
            family_name=_text(claims.get("family_name")), email=_text(claims.get("email")),
            # Moodle sends the locale only in launch_presentation, and as "zh_cn".
            locale=_text(claims.get("locale") or presentation.get("locale"), 32),
            person_sourcedid=sourcedid[:255] if isinstance(sourcedid, str) else None,
            last_launch_at=now,
        ),
    )
    lti_roles = [r for r in claims.get(CLAIM + "roles", []) if isinstance(r, str)]
    granted = role_map.tool_roles(lti_roles, hr_roles)

    context = resource_link = None
    context_claim = claims.get(CLAIM + "context") or {}
    if context_claim.get("id"):
        ags = claims.get(AGS_CLAIM) or {}
        nrps = claims.get(NRPS_CLAIM) or {}
        context = upsert_changed(  # one row for the whole class: read, written only on a change
            session, Context,
            {"deployment_pk": launch.deployment.id, "lms_context_id": str(context_claim["id"])[:255]},
            _present(
                title=_text(context_claim.get("title")), label=_text(context_claim.get("label")),
                ags_lineitems_url=(ags.get("lineitems") or "")[:1024],
                ags_scopes=[s for s in ags.get("scope", []) if isinstance(s, str)] if ags.get("lineitems") else None,
                nrps_url=(nrps.get("context_memberships_url") or "")[:1024],
            ),
        )
        primary = role_map.primary(granted)
        if primary:
            upsert(
                session, Enrolment, {"user_id": user.id, "context_id": context.id},
                {"role": primary, "roles": lti_roles, "last_seen_at": now, "source": "launch"},
            )
        link_claim = claims.get(CLAIM + "resource_link") or {}
        if link_claim.get("id"):
            custom = claims.get(CLAIM + "custom") or {}
            item = custom.get("item_kind") and custom.get("item_id")
            resource_link = upsert_changed(
                session, ResourceLink,
                {"context_id": context.id, "lms_resource_link_id": str(link_claim["id"])[:255]},
                _present(
                    title=_text(link_claim.get("title")),
                    item_kind=_text(custom["item_kind"], 32) if item else None,
                    item_id=_text(custom["item_id"]) if item else None,
                    lineitem_url=((claims.get(AGS_CLAIM) or {}).get("lineitem") or "")[:1024],
                ),
            )
    return LaunchIdentity(user, context, resource_link, granted)
