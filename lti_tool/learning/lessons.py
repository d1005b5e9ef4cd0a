"""Lessons read: progress per learner, resume where they left off, xAPI and the record.

Opening a lesson and reaching a milestone write the progress row and, the first time
and at completion, the training record in the request; the xAPI statements are noted
on the row in that same write and built by the worker (``emit_due_statements``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import Session

from lti_tool.catalog import cache
from lti_tool.catalog.models import CourseVersion
from lti_tool.db import utcnow
from lti_tool.jobs import kick
from lti_tool.learning import statements
from lti_tool.learning.attempts import STATEMENTS_DRAINER, Learner, claim_due, people
from lti_tool.learning.course_grade import publish_course_grade
from lti_tool.learning.models import COMPLETED, IN_PROGRESS, LessonProgress
from lti_tool.lti.models import User
from lti_tool.records.services import record_result

#: The statements a lesson row may owe: "experienced" at each opening, "progressed" at
#: each milestone reached.
EXPERIENCED, PROGRESSED = "experienced", "progressed"


@dataclass(frozen=True)
class CourseProgress:
    lessons: list[dict]  # as stored in the version
    progress: dict[str, LessonProgress]  # by lesson id
    resume: dict | None  # the lesson to continue with

    @property
    def completed(self) -> int:
        return sum(1 for p in self.progress.values() if p.status == COMPLETED)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / len(self.lessons)) if self.lessons else 100


def course_progress(session: Session, learner: Learner, version: CourseVersion) -> CourseProgress:
    rows = session.scalars(
        select(LessonProgress).where(LessonProgress.user_id == learner.user_id,
                                     LessonProgress.context_id == learner.context_id,
                                     LessonProgress.course_id == version.slug)
    ).all()
    progress = {row.lesson_id: row for row in rows}
    lessons = list(version.lessons)
    resume = None
    opened = [p for p in rows if p.status != COMPLETED and any(lesson["id"] == p.lesson_id for lesson in lessons)]
    if opened:  # the lesson last opened and not finished
        last = max(opened, key=lambda p: p.last_opened_at)
        resume = next(lesson for lesson in lessons if lesson["id"] == last.lesson_id)
    else:  # else the first lesson not finished
        resume = next((lesson for lesson in lessons if lesson["id"] not in progress), None)
    return CourseProgress(lessons, progress, resume)


_ROW = (select(LessonProgress).where(
    LessonProgress.user_id == bindparam("user_id"), LessonProgress.context_id == bindparam("context_id"),
    LessonProgress.course_id == bindparam("course_id"), LessonProgress.lesson_id == bindparam("lesson_id"))
    .with_for_update())  # a statement owed is added to the row: two requests never overwrite each other's


def _row(session: Session, learner: Learner, version: CourseVersion, lesson_id: str) -> LessonProgress | None:
    return session.scalar(_ROW, {"user_id": learner.user_id, "context_id": learner.context_id,
                                 "course_id": version.slug, "lesson_id": lesson_id})


def _owe(session: Session, row: LessonProgress, version: CourseVersion, kind: str, at: datetime,
         **values) -> None:
    """Note a statement the row owes, in the request's own write of it (the worker builds it)."""
    row.due_events = [*(row.due_events or []), {"kind": kind, "at": at.isoformat(), "version": version.id, **values}]
    row.statements_due = True
    kick(session, STATEMENTS_DRAINER)


def open_lesson(session: Session, learner: Learner, version: CourseVersion, lesson_id: str,
                now: datetime | None = None, who: tuple | None = None) -> LessonProgress:
    """The learner opened a lesson: remembered (to resume), experienced in xAPI.
    ``who``: the learner's (user, context), when the caller has loaded them."""
    now = now or utcnow()
    lesson = version.lesson(lesson_id)
    row = _row(session, learner, version, lesson_id)
    first = row is None
    if first:
        row = LessonProgress(user_id=learner.user_id, context_id=learner.context_id, course_id=version.slug,
                             lesson_id=lesson_id, course_version_id=version.id, status=IN_PROGRESS, progress=0,
                             first_opened_at=now, last_opened_at=now)
        session.add(row)
    row.last_opened_at = now
    _owe(session, row, version, EXPERIENCED, now)  # before any flush: one write of the row
    if first:
        user, _context = who or people(session, learner.user_id, learner.context_id)
        _record(session, user, learner, version, lesson, IN_PROGRESS, None)
    session.flush()
    return row


def report_progress(session: Session, learner: Learner, version: CourseVersion, lesson_id: str, percent: int,
                    now: datetime | None = None) -> LessonProgress:
    """How far the learner got (0..100, from scrolling or the "finished" button); at 100
    the lesson is completed. Progress only grows."""
    now = now or utcnow()
    percent = max(0, min(100, int(percent)))
    percent -= percent % 25  # milestones: 25, 50, 75, 100
    lesson = version.lesson(lesson_id)
    row = _row(session, learner, version, lesson_id)
    if row is not None and percent <= row.progress:
        return row
    who = None  # the learner and LMS course, read only when a record or grade is written
    if row is None:
        who = people(session, learner.user_id, learner.context_id)
        row = open_lesson(session, learner, version, lesson_id, now, who)
        if percent <= row.progress:
            return row
    completing = percent == 100 and row.status != COMPLETED
    if completing and who is None:  # read before the row changes: one write of it
        who = people(session, learner.user_id, learner.context_id)
    row.progress = percent
    if percent:  # one statement per milestone reached, not per scroll
        _owe(session, row, version, PROGRESSED, now, progress=percent)
    if completing:
        user, _context = who
        row.status, row.completed_at = COMPLETED, now
        _record(session, user, learner, version, lesson, COMPLETED, now)
        session.flush()
        publish_course_grade(session, user, learner.context_id, version, now)
    session.flush()
    return row


_TABLE = LessonProgress.__table__
# Paid: the events go unless more were added since they were read (then the next pass
# builds them all again; each statement is stored once).
_PAID = (update(_TABLE).where(_TABLE.c.id == bindparam("paid_id"))
         .values(statements_lease=None,
                 statements_due=case((func.json_array_length(_TABLE.c.due_events) == bindparam("seen"), False),
                                     else_=_TABLE.c.statements_due),
                 due_events=case((func.json_array_length(_TABLE.c.due_events) == bindparam("seen"), None),
                                 else_=_TABLE.c.due_events)))


def claim_due_statements(session: Session, limit: int = 50, now: datetime | None = None) -> list[int]:
    """The lesson rows one pass builds the statements of (``attempts.claim_due``)."""
    return claim_due(session, LessonProgress, limit, now)


def pay_due_statements(session: Session, ids: list[int]) -> int:
    """Build and record the statements the claimed rows owe, each at its own moment and
    with the course version the learner read, reading the rows without a lock; returns
    how many rows paid. A statement already stored (the same id) is skipped."""
    due = session.scalars(select(LessonProgress).where(LessonProgress.id.in_(ids)).order_by(LessonProgress.id)).all() \
        if ids else []
    for row in due:
        user, context = people(session, row.user_id, row.context_id)
        for event in row.due_events or []:
            version = cache.version(session, event["version"])  # immutable: from memory once read
            lesson, at = version.lesson(row.lesson_id), datetime.fromisoformat(event["at"])
            if event["kind"] == EXPERIENCED:
                statements.lesson_opened(session, user, context, version, lesson, at, completed=False)
            else:
                statements.lesson_progressed(session, user, context, version, lesson, event["progress"], at)
    session.flush()
    for row in due:  # last, just before the commit: the rows are locked only from here
        session.execute(_PAID, {"paid_id": row.id, "seen": len(row.due_events or [])})
        session.expire(row)  # as it now stands
    return len(due)


def emit_due_statements(session: Session, limit: int = 50) -> int:
    """Claim and pay in one transaction (the worker's pass claims in a transaction of its own)."""
    return pay_due_statements(session, claim_due_statements(session, limit))


def _record(session: Session, user: User, learner: Learner, version: CourseVersion, lesson: dict, status: str,
            completed_at: datetime | None) -> None:
    record_result(
        session, user_id=user.id, platform_id=user.platform_id, context_id=learner.context_id,
        course_id=version.slug, kind="lesson", item_id=f"{version.slug}/{lesson['id']}", status=status,
        title=dict(lesson["title"]), course_version_id=version.id,
        hours=round(lesson["minutes"] / 60, 2) if status == COMPLETED else None, completed_at=completed_at,
        source={"feature": "learning"},
    )
