"""Every launch of a placed catalogue item is recorded as an xAPI "launched" statement,
in the launch's own transaction."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, current_app

from lti_tool import db, events
from lti_tool.lti.identity import LaunchIdentity
from lti_tool.lti.launch import ValidLaunch

log = logging.getLogger(__name__)
NAMESPACE = uuid.UUID("6f1c3a52-8d0e-4c55-9f4e-0a7b2f1d9e31")  # this tool's launches and enrolments


def enrolment_registration(platform_id: int, user_sub: str, context_id: str) -> uuid.UUID:
    """The xAPI registration of a learner's enrolment in an LMS course: stable, derived."""
    return uuid.uuid5(NAMESPACE, f"enrolment:{platform_id}:{user_sub}:{context_id}")


def record_launched(valid: ValidLaunch, identity: LaunchIdentity) -> None:
    link = identity.resource_link
    if link is None or not link.item_id or identity.context is None:
        return  # not one of our placed items: nothing to say in xAPI
    from lti_tool.catalog.errors import ContentError
    from lti_tool.catalog.library import load_library

    try:
        library = load_library(current_app.config["SETTINGS"].resolved_content_path, strict=False)
        item = library.item(link.item_kind, link.item_id)
    except (ContentError, LookupError) as exc:
        item = _own_item(valid.platform.organisation_id, link)  # one of the organisation's own courses?
        if item is None:
            log.warning("launched statement skipped: item %s/%s: %s", link.item_kind, link.item_id, exc)
            return
    user, context = identity.user, identity.context
    ctx = events.course_context(
        course_id=item.course_id,
        course_title={"zh-CN": item.course_title("zh-CN"), "en": item.course_title("en")},
        registration=enrolment_registration(valid.platform.id, user.sub, context.lms_context_id),
        issuer=valid.platform.issuer,
        context_id=context.lms_context_id,
        context_title=context.title or None,
        platform=valid.platform.name,
        language="en" if (user.locale or "").lower().startswith("en") else "zh-CN",
    )
    from xapi.statements import build

    statement = build(
        "launched", ctx, events.actor(valid.platform.issuer, user.sub, user.name or None),
        launch_id=str(uuid.uuid5(NAMESPACE, f"launch:{valid.platform.id}:{valid.claims['nonce']}")),
        timestamp=valid.state.used_at,
    )
    events.emit(db.session(), [statement], organisation_id=valid.platform.organisation_id)


def _own_item(organisation_id: int, link):
    from lti_tool.banks.courses import own_items

    found = [i for i in own_items(db.session(), organisation_id) if (i.kind, i.id) == (link.item_kind, link.item_id)]
    return found[0] if found else None


def init_app(app: Flask) -> None:
    from lti_tool.lti.views import register_after_launch

    register_after_launch(app, record_launched)
