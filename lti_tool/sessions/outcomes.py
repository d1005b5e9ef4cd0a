"""Attendance goes out in the marking transaction: an xAPI "attended" statement (a
changed status voids the earlier one) and the learner's training record."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool import events
from lti_tool.db import utcnow
from lti_tool.lti.launch_events import enrolment_registration
from lti_tool.lti.models import Context, User
from lti_tool.practical.content import course_version
from lti_tool.records.models import TrainingRecord
from lti_tool.records.services import record_result
from lti_tool.sessions.models import ATTENDED, Attendance, ClassSession
from xapi.statements import Item, build

RECORD_STATUS = {"present": "attended", "late": "attended", "left-early": "attended", "absent": "absent",
                 "excused": "excused"}


def _titles(class_session: ClassSession, version) -> dict:
    if version is not None and class_session.content_session_id:
        for item in version.manifest.get("sessions") or []:
            if item["id"] == class_session.content_session_id:
                return dict(item["title"])
    return {"zh-CN": class_session.title, "en": class_session.title}


def publish(session: Session, class_session: ClassSession, row: Attendance, learner: User, marker: User | None) -> None:
    context = session.get(Context, class_session.context_id)
    platform = context.deployment.platform
    version = course_version(session, class_session.course_id)
    titles = _titles(class_session, version)
    now = utcnow()
    row.revision = (row.revision or 0) + 1
    ctx = events.course_context(
        course_id=class_session.course_id,
        course_title=dict(version.manifest["title"]) if version else {"zh-CN": class_session.course_id},
        registration=uuid.uuid5(enrolment_registration(platform.id, learner.sub, context.lms_context_id),
                                f"attendance:{class_session.uid}:{row.revision}"),
        issuer=platform.issuer, context_id=context.lms_context_id, context_title=context.title or None,
        platform=platform.name, language="en" if (learner.locale or "").lower().startswith("en") else "zh-CN",
        revision=version.version if version else None,
    )
    learner_person = events.actor(platform.issuer, learner.sub, learner.name or None)
    statements = []
    if row.statement_id:
        statements.append(build("voided", events.actor(platform.issuer, (marker or learner).sub,
                                                       (marker or learner).name or None), row.statement_id, timestamp=now))
    attended = build(
        "session-attended", ctx, learner_person, Item(class_session.uid, titles),
        status=row.status, timestamp=row.checked_in_at or now,
        instructor=events.actor(platform.issuer, marker.sub, marker.name or None) if marker else None,
        checked_in_at=row.checked_in_at,
        duration=(class_session.ends_at - class_session.starts_at) if row.status in ATTENDED else None,
    )
    events.emit(session, statements + [attended], organisation_id=platform.organisation_id)
    row.statement_id = str(attended.id)
    _record(session, class_session, row, learner, platform.id, titles, version)


def _record(session, class_session, row, learner, platform_id, titles, version) -> None:
    status = RECORD_STATUS[row.status]
    existing = session.scalar(select(TrainingRecord).where(
        TrainingRecord.user_id == learner.id, TrainingRecord.context_id == class_session.context_id,
        TrainingRecord.kind == "session", TrainingRecord.item_id == class_session.item_id,
    ))
    if (existing is not None and existing.status == "attended" and status != "attended"
            and (existing.source or {}).get("session") != class_session.id):
        return  # attended another session of the same kind: an absence here takes nothing away
    record_result(
        session, user_id=learner.id, platform_id=platform_id, context_id=class_session.context_id,
        course_id=class_session.course_id, kind="session", item_id=class_session.item_id, status=status,
        title=titles, course_version_id=version.id if version else None,
        hours=class_session.hours if status == "attended" else 0.0, started_at=class_session.starts_at,
        completed_at=class_session.ends_at if status == "attended" else None,
        source={"session": class_session.id, "attendance": row.status},
    )
