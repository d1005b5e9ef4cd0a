"""What a quiz result says to the rest of the tool: the learner's training record and
the LMS gradebook (through the AGS outbox, never inside the request).

The counted result follows the quiz's grading method: the highest graded attempt, or
the last one. While an attempt that could change it waits for an instructor, the LMS
is sent PendingManual (only platforms that honour it get it; Moodle would null the
grade), then FullyGraded with the final score once grading is done. Where the whole
course is placed, its course grade (``course_grade``) is sent too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from lti_tool.catalog.models import CourseVersion
from lti_tool.learning.course_grade import publish_course_grade
from lti_tool.learning.models import GRADED, PENDING_GRADING, QuizAttempt
from lti_tool.learning.paper import QuizDef
from lti_tool.lti import ags
from lti_tool.lti.models import ResourceLink
from lti_tool.records.services import record_result


@dataclass(frozen=True)
class Outcome:
    attempt: QuizAttempt | Row | None  # the counted attempt (or its row: id, number, scores, submitted_at)
    score: float | None
    score_max: float
    passed: bool | None
    pending: bool  # an attempt that could change the result waits for an instructor

    @property
    def status(self) -> str:
        if self.pending:
            return "pending_grading"
        return "passed" if self.passed else "failed"


def outcome(attempts: list[QuizAttempt] | list[Row], grading: str) -> Outcome | None:
    """The counted result of a learner's attempts (ordered by number): attempts, or
    rows of ``FINISHED``."""
    finished = [a for a in attempts if a.status in (GRADED, PENDING_GRADING)]
    if not finished:
        return None
    graded = [a for a in finished if a.status == GRADED]
    if grading == "last":
        counted = graded[-1] if graded else None
        pending = finished[-1].status == PENDING_GRADING
    else:
        counted = max(graded, key=lambda a: (a.score or 0.0, -a.number), default=None)
        pending = any(a.status == PENDING_GRADING for a in finished)
    if counted is None:
        return Outcome(None, None, finished[-1].score_max, None, True)
    return Outcome(counted, counted.score, counted.score_max, counted.passed, pending)


#: What a result is counted from: a learner's finished attempts at one quiz, as plain
#: rows with what ``outcome`` and ``publish`` read (built once: every submit asks, and a
#: learner may have made many attempts).
FINISHED = (select(QuizAttempt.id, QuizAttempt.number, QuizAttempt.status, QuizAttempt.score, QuizAttempt.score_max,
                   QuizAttempt.passed, QuizAttempt.submitted_at, QuizAttempt.course_version_id)
            .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.context_id == bindparam("context_id"),
                   QuizAttempt.item_id == bindparam("item_id"), QuizAttempt.status.in_((GRADED, PENDING_GRADING)))
            .order_by(QuizAttempt.number))


def finished(session: Session, user_id: int, context_id: int, item_id: str) -> list[Row]:
    """A learner's finished attempts at one quiz, as rows of ``FINISHED``."""
    return list(session.execute(FINISHED, {"user_id": user_id, "context_id": context_id, "item_id": item_id}))


def record_started(session: Session, attempt: QuizAttempt, version: CourseVersion, quiz: QuizDef) -> None:
    user = attempt.user
    record_result(
        session, user_id=user.id, platform_id=user.platform_id, context_id=attempt.context_id,
        course_id=attempt.course_id, kind="quiz", item_id=attempt.item_id, status="in_progress",
        title=quiz.titles, course_version_id=version.id, started_at=attempt.started_at,
        source={"feature": "learning"},
    )


def placements(session: Session, attempt: QuizAttempt, course_id: str) -> tuple[list[ResourceLink], list[ResourceLink]]:
    """Where this quiz, and its whole course, are placed in the learner's LMS course
    (each may be placed twice), in one query."""
    links = session.scalars(_PLACEMENTS, {"context_id": attempt.context_id, "quiz": attempt.item_id,
                                          "course": course_id}).all()
    return [x for x in links if x.item_kind == "quiz"], [x for x in links if x.item_kind == "course"]


_PLACEMENTS = select(ResourceLink).where(ResourceLink.context_id == bindparam("context_id"), or_(
    and_(ResourceLink.item_kind == "quiz", ResourceLink.item_id == bindparam("quiz")),
    and_(ResourceLink.item_kind == "course", ResourceLink.item_id == bindparam("course")),
)).order_by(ResourceLink.id)


def publish(session: Session, attempt: QuizAttempt, version: CourseVersion, quiz: QuizDef, now: datetime) -> None:
    """Update the training record and queue the LMS score, in the caller's transaction."""
    result = outcome(finished(session, attempt.user_id, attempt.context_id, attempt.item_id),
                     quiz.settings.grading)
    if result is None:
        return
    counted = result.attempt
    user = attempt.user
    record_result(
        session, user_id=user.id, platform_id=user.platform_id, context_id=attempt.context_id,
        course_id=attempt.course_id, kind="quiz", item_id=attempt.item_id, status=result.status,
        title=quiz.titles, course_version_id=(counted or attempt).course_version_id,
        score=result.score, score_max=result.score_max, passed=result.passed,
        hours=round((quiz.settings.time_limit_minutes or 0) / 60, 2) if result.passed else None,
        completed_at=(counted.submitted_at if counted else None),
        source={"feature": "learning", "attempt": (counted or attempt).id},
    )
    quiz_links, course_links = placements(session, attempt, version.slug)
    for link in quiz_links:
        ags.enqueue_score(
            session, resource_link=link, user=user, resource_id=attempt.item_id, label=quiz.title("zh-CN"),
            score_given=result.score, score_maximum=result.score_max,
            activity_progress="Submitted" if result.pending else "Completed",
            grading_progress=ags.PENDING_MANUAL if result.pending else ags.FULLY_GRADED,
            scored_at=now, source={"feature": "learning", "attempt": attempt.id},
        )
    publish_course_grade(session, user, attempt.context_id, version, now, links=course_links)
