"""Lessons read: progress per learner, resume where they left off, xAPI and the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.catalog.models import CourseVersion
from lti_tool.db import utcnow
from lti_tool.learning import statements
from lti_tool.learning.attempts import Learner, people
from lti_tool.learning.course_grade import publish_course_grade
from lti_tool.learning.models import COMPLETED, IN_PROGRESS, LessonProgress
from lti_tool.lti.models import User
from lti_tool.records.services import record_result


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


def _row(session: Session, learner: Learner, version: CourseVersion, lesson_id: str) -> LessonProgress | None:
    return session.scalar(
        select(LessonProgress).where(LessonProgress.user_id == learner.user_id,
                                     LessonProgress.context_id == learner.context_id,
                                     LessonProgress.course_id == version.slug, LessonProgress.lesson_id == lesson_id)
    )


def open_lesson(session: Session, learner: Learner, version: CourseVersion, lesson_id: str,
                now: datetime | None = None, who: tuple | None = None) -> LessonProgress:
    """The learner opened a lesson: remembered (to resume), experienced in xAPI.
    ``who``: the learner's (user, context), when the caller has loaded them."""
    now = now or utcnow()
    lesson = version.lesson(lesson_id)
    row = _row(session, learner, version, lesson_id)
    user, context = who or people(session, learner.user_id, learner.context_id)
    if row is None:
        row = LessonProgress(user_id=learner.user_id, context_id=learner.context_id, course_id=version.slug,
                             lesson_id=lesson_id, course_version_id=version.id, status=IN_PROGRESS, progress=0,
                             first_opened_at=now, last_opened_at=now)
        session.add(row)
        _record(session, user, learner, version, lesson, IN_PROGRESS, None)
    row.last_opened_at = now
    session.flush()
    statements.lesson_opened(session, user, context, version, lesson, now, completed=False)
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
    who = user, context = people(session, learner.user_id, learner.context_id)
    row = row or open_lesson(session, learner, version, lesson_id, now, who)
    if percent <= row.progress:
        return row
    row.progress = percent
    if percent == 100 and row.status != COMPLETED:
        row.status, row.completed_at = COMPLETED, now
        _record(session, user, learner, version, lesson, COMPLETED, now)
        session.flush()
        publish_course_grade(session, user, learner.context_id, version, now)
    session.flush()
    if percent:  # one statement per milestone reached, not per scroll
        statements.lesson_progressed(session, user, context, version, lesson, percent, now)
    return row


def _record(session: Session, user: User, learner: Learner, version: CourseVersion, lesson: dict, status: str,
            completed_at: datetime | None) -> None:
    record_result(
        session, user_id=user.id, platform_id=user.platform_id, context_id=learner.context_id,
        course_id=version.slug, kind="lesson", item_id=f"{version.slug}/{lesson['id']}", status=status,
        title=dict(lesson["title"]), course_version_id=version.id,
        hours=round(lesson["minutes"] / 60, 2) if status == COMPLETED else None, completed_at=completed_at,
        source={"feature": "learning"},
    )
