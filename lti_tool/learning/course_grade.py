"""The course grade, for a whole course placed in the LMS as one item (content/README.md
section 8): out of 100, Σ weight × the percentage of each quiz or practical task in
``grade_weights`` (their results as the learner's training records hold them); without
weights, the quizzes and tasks of ``completion`` weigh equally; with neither, the share
of lessons finished. Sent through the AGS outbox whenever one of its parts changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lti_tool.catalog.models import CourseVersion
from lti_tool.db import context_is
from lti_tool.learning.models import COMPLETED, LessonProgress
from lti_tool.lti import ags
from lti_tool.lti.models import ResourceLink, User
from lti_tool.records.models import TrainingRecord


@dataclass(frozen=True)
class CourseGrade:
    score: float  # 0..100
    complete: bool  # every part has a result (passed or not)
    pending: bool  # a part waits for an instructor


def weights(manifest: dict) -> dict[str, float]:
    given = manifest.get("grade_weights")
    if given:
        return {key: float(value) for key, value in given.items()}
    completion = manifest.get("completion") or {}
    parts = list(completion.get("quizzes") or []) + list(completion.get("practical") or [])
    return {key: 100.0 / len(parts) for key in parts} if parts else {}


# The records a course grade is made of: built once (every graded result asks).
_PARTS = {outside: select(TrainingRecord).where(
    TrainingRecord.user_id == bindparam("user_id"),
    context_is(TrainingRecord.context_id, outside),
    TrainingRecord.course_id == bindparam("course_id"), TrainingRecord.kind.in_(("quiz", "practical")),
) for outside in (False, True)}


def course_grade(session: Session, user_id: int, context_id: int, version: CourseVersion) -> CourseGrade:
    course_id = version.slug
    parts = weights(version.manifest)
    if not parts:  # a course of lessons only
        done = session.scalars(select(LessonProgress.lesson_id).where(
            LessonProgress.user_id == user_id, LessonProgress.context_id == context_id,
            LessonProgress.course_id == course_id, LessonProgress.status == COMPLETED)).all()
        total = len(version.lessons) or 1
        share = len(set(done) & {lesson["id"] for lesson in version.lessons}) / total
        return CourseGrade(round(100 * share, 2), share >= 1, False)
    records = {r.item_id: r for r in session.scalars(_PARTS[context_id is None], {
        "user_id": user_id, "context_id": context_id, "course_id": course_id})}
    score, complete, pending = 0.0, True, False
    for key, weight in parts.items():
        record = records.get(f"{course_id}/{key}")
        if record is None or record.status in ("in_progress",):
            complete = False
            continue
        pending = pending or record.status == "pending_grading"
        if record.score is not None and record.score_max:
            score += weight * min(1.0, record.score / record.score_max)
    return CourseGrade(round(score, 2), complete and not pending, pending)


def publish_course_grade(session: Session, user: User, context_id: int, version: CourseVersion,
                         now: datetime, links: list[ResourceLink] | None = None) -> int:
    """Queue the course grade for every placement of the course in this LMS course
    (``links``: those placements, when the caller has them already)."""
    if links is None:
        links = session.scalars(select(ResourceLink).where(
            ResourceLink.context_id == context_id, ResourceLink.item_kind == "course",
            ResourceLink.item_id == version.slug).order_by(ResourceLink.id)).all()
    if not links:
        return 0
    grade = course_grade(session, user.id, context_id, version)
    for link in links:
        ags.enqueue_score(
            session, resource_link=link, user=user, resource_id=version.slug, label=version.title("zh-CN"),
            score_given=grade.score, score_maximum=100.0,
            activity_progress="Completed" if grade.complete else "InProgress",
            grading_progress=ags.PENDING_MANUAL if grade.pending else ags.FULLY_GRADED,
            scored_at=now, source={"feature": "learning", "course_grade": version.slug},
        )
    return len(links)
