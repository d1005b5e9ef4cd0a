"""Scheduling sessions, taking attendance (by the trainer, or by the learner's own
check-in with the rotating code), on plain values. Services only ``flush()``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.lti.models import User
from lti_tool.practical.content import course_version, placed_courses
from lti_tool.practical.helpers import DEFAULT_ZONE
from lti_tool.sessions import codes, outcomes
from lti_tool.sessions.models import STATUSES, Attendance, ClassSession


class Invalid(ValueError):
    """A field of the scheduling form is wrong; ``field`` names it."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class CheckInRefused(Exception):
    """``reason``: not_open, closed, cancelled, bad_code, already."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Schedule:
    course_id: str
    content_session_id: str | None
    title: str
    starts: str  # "2026-11-24T09:00" in ``timezone``
    ends: str
    timezone: str
    place: str
    trainer_name: str
    capacity: str = ""
    materials: str = ""


def zone(name: str | None) -> str:
    try:
        ZoneInfo(name or "")
        return name
    except (ZoneInfoNotFoundError, ValueError):
        return DEFAULT_ZONE


def _local(value: str, tz: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise Invalid(field) from None
    return parsed.replace(tzinfo=ZoneInfo(tz)) if parsed.tzinfo is None else parsed


def content_sessions(session: Session, course_id: str) -> list[dict]:
    version = course_version(session, course_id)
    return list((version.manifest.get("sessions") or [])) if version else []


def _fields(session: Session, context_id: int, form: Schedule) -> dict:
    """The session's fields from the form, checked; Invalid names the wrong field."""
    if form.course_id not in placed_courses(session, context_id):
        raise Invalid("course_id")
    known = {s["id"]: s for s in content_sessions(session, form.course_id)}
    content = None
    if form.content_session_id:
        content = known.get(form.content_session_id)
        if content is None:
            raise Invalid("content_session_id")
    tz = zone(form.timezone)
    starts, ends = _local(form.starts, tz, "starts"), _local(form.ends, tz, "ends")
    if ends <= starts or ends - starts > timedelta(days=14):
        raise Invalid("ends")
    capacity = None
    if str(form.capacity or "").strip():
        try:
            capacity = int(form.capacity)
        except ValueError:
            raise Invalid("capacity") from None
        if not 1 <= capacity <= 100000:
            raise Invalid("capacity")
    title = form.title.strip()[:255]
    if not title:
        raise Invalid("title")
    place = form.place.strip()[:255]
    if not place:
        raise Invalid("place")
    return {
        "course_id": form.course_id, "content_session_id": form.content_session_id or None, "title": title,
        "starts_at": starts, "ends_at": ends, "timezone": tz, "place": place, "capacity": capacity,
        "trainer_name": form.trainer_name.strip()[:255], "materials": form.materials.strip()[:10000],
        "hours": float(content["hours"]) if content else round((ends - starts).total_seconds() / 3600, 2),
    }


def schedule(session: Session, context_id: int, form: Schedule, creator: User,
             plan_item_id: int | None = None) -> ClassSession:
    """One session of a course placed in the LMS course (``plan_item_id``: the training
    plan item it delivers, when the training department schedules it from a plan)."""
    fields = _fields(session, context_id, form)
    fields["trainer_name"] = fields["trainer_name"] or creator.name[:255]
    row = ClassSession(uid=secrets.token_hex(16), context_id=context_id, trainer_id=creator.id,
                       checkin_secret=codes.new_secret(), created_by_id=creator.id, sequence=0,
                       plan_item_id=plan_item_id, **fields)
    session.add(row)
    session.flush()
    return row


def update(session: Session, class_session: ClassSession, form: Schedule) -> ClassSession:
    """A changed notice (time, place, ...): learners see it, calendars update (SEQUENCE)."""
    fields = _fields(session, class_session.context_id, form)
    fields["trainer_name"] = fields["trainer_name"] or class_session.trainer_name
    for name, value in fields.items():
        setattr(class_session, name, value)
    class_session.sequence += 1
    class_session.updated_at = utcnow()
    session.flush()
    return class_session


def form_values(class_session: ClassSession) -> dict:
    """The scheduling form's values for an existing session, in its time zone."""
    tz = ZoneInfo(class_session.timezone)
    return {
        "course_id": class_session.course_id, "content_session_id": class_session.content_session_id or "",
        "title": class_session.title, "timezone": class_session.timezone, "place": class_session.place,
        "starts": class_session.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "ends": class_session.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "trainer_name": class_session.trainer_name, "capacity": str(class_session.capacity or ""),
        "materials": class_session.materials,
    }


def in_context(session: Session, context_id: int, session_id: int) -> ClassSession:
    found = session.get(ClassSession, session_id)
    if found is None or found.context_id != context_id:
        raise LookupError(session_id)
    return found


def listing(session: Session, context_id: int, *, page: int = 1, per_page: int = 50,
            content_item: str | None = None) -> tuple[list[ClassSession], int]:
    query = select(ClassSession).where(ClassSession.context_id == context_id)
    if content_item:
        course_id, _, content_id = content_item.partition("/")
        query = query.where(ClassSession.course_id == course_id, ClassSession.content_session_id == content_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ClassSession.starts_at.desc()).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def attendance_of(session: Session, class_session: ClassSession) -> dict[int, Attendance]:
    rows = session.scalars(select(Attendance).where(Attendance.session_id == class_session.id))
    return {row.user_id: row for row in rows}


def mark(session: Session, class_session: ClassSession, learner: User, status: str, remarks: str,
         marker: User) -> Attendance:
    """The trainer records (or corrects) one learner's attendance."""
    if status not in STATUSES:
        raise Invalid("status")
    row = session.scalar(select(Attendance).where(Attendance.session_id == class_session.id,
                                                  Attendance.user_id == learner.id))
    remarks = (remarks or "").strip()[:2000]
    if row is not None and row.status == status and row.remarks == remarks:
        return row
    if row is None:
        row = Attendance(session_id=class_session.id, user_id=learner.id, source="trainer")
        session.add(row)
    changed = row.status != status
    row.status, row.remarks, row.marked_by_id, row.marked_at = status, remarks, marker.id, utcnow()
    session.flush()
    if changed:
        outcomes.publish(session, class_session, row, learner, marker)
    return row


def check_in(session: Session, class_session: ClassSession, learner: User, code: str, now: datetime | None = None) -> Attendance:
    """The learner's own check-in with the code the trainer shows: inside the window, once."""
    now = now or utcnow()
    if class_session.cancelled_at is not None:
        raise CheckInRefused("cancelled")
    opens, closes = codes.window(class_session.starts_at, class_session.ends_at)
    if now < opens:
        raise CheckInRefused("not_open")
    if now > closes:
        raise CheckInRefused("closed")
    if not codes.verify(class_session.checkin_secret, class_session.uid, code, now):
        raise CheckInRefused("bad_code")
    existing = session.scalar(select(Attendance).where(Attendance.session_id == class_session.id,
                                                       Attendance.user_id == learner.id))
    if existing is not None and existing.checked_in_at is not None:
        raise CheckInRefused("already")
    status = "late" if codes.is_late(class_session.starts_at, now) else "present"
    try:
        with session.begin_nested():
            if existing is None:
                existing = Attendance(session_id=class_session.id, user_id=learner.id, remarks="")
                session.add(existing)
            existing.status, existing.checked_in_at, existing.source = status, now, "checkin"
            existing.marked_by_id, existing.marked_at = None, now
    except IntegrityError:  # the same learner checked in twice at the same moment
        raise CheckInRefused("already") from None
    outcomes.publish(session, class_session, existing, learner, None)
    return existing


def for_learner(session: Session, context_id: int, now: datetime | None = None) -> tuple[list[ClassSession], list[ClassSession]]:
    """The course's sessions a learner sees: those not over yet (soonest first), and the
    last 50 that are over (latest first)."""
    now = now or utcnow()
    base = select(ClassSession).where(ClassSession.context_id == context_id)
    upcoming = session.scalars(base.where(ClassSession.ends_at >= now).order_by(ClassSession.starts_at))
    past = session.scalars(base.where(ClassSession.ends_at < now).order_by(ClassSession.starts_at.desc()).limit(50))
    return list(upcoming), list(past)


def cancel(session: Session, class_session: ClassSession) -> ClassSession:
    if class_session.cancelled_at is None:
        class_session.cancelled_at = utcnow()
        session.flush()
    return class_session
