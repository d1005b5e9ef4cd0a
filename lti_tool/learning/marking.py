"""Instructors: the manual-grading queue for open answers, and regrading a quiz.

Regrading is an explicit instructor action, never automatic: importing a version with a
corrected key changes no result by itself (results point at the version they were
taken under). "Regrade under version X" re-marks every submitted attempt at the quiz
in this LMS course with X's questions, keeps the instructor's marks of open answers,
records who did it, when and what changed, and resends the scores to the LMS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from lti_tool.catalog.models import CourseVersion
from lti_tool.db import utcnow
from lti_tool.learning import statements
from lti_tool.learning.attempts import quiz_of, settle, stored_marks
from lti_tool.learning.grading import strategy_for
from lti_tool.learning.models import GRADED, PENDING_GRADING, AttemptResponse, QuizAttempt, Regrade
from lti_tool.learning.paper import quiz_def


class MarkingError(ValueError):
    """The mark does not fit the question (``reason``: "range", "graded")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int
    total: int


def paginate(session: Session, query, page: int, per_page: int = 25) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, pages, total)


def grading_queue(session: Session, context_id: int, page: int = 1) -> Page:
    """Open answers waiting for an instructor in this LMS course, oldest first."""
    query = (
        select(AttemptResponse).join(QuizAttempt)
        .where(QuizAttempt.context_id == context_id, AttemptResponse.needs_grading.is_(True),
               AttemptResponse.points.is_(None))
        .order_by(QuizAttempt.submitted_at, AttemptResponse.id)
        .options(joinedload(AttemptResponse.attempt).joinedload(QuizAttempt.user))  # the page shows both
    )
    return paginate(session, query, page)


def response_in_context(session: Session, context_id: int, response_id: int) -> AttemptResponse:
    """A response of an attempt in this LMS course (LookupError otherwise: forged ids)."""
    response = session.get(AttemptResponse, response_id)
    if response is None or response.attempt.context_id != context_id:
        raise LookupError(response_id)
    return response


def grade_response(session: Session, response: AttemptResponse, *, points: float, comment: str | None,
                   grader_id: int, now: datetime | None = None) -> None:
    """An instructor's mark for one open answer; the attempt is settled when it was the
    last one waiting (its score goes to the LMS as FullyGraded)."""
    now = now or utcnow()
    if not 0 <= points <= response.max_points:
        raise MarkingError("range")
    attempt = response.attempt
    if attempt.status not in (PENDING_GRADING, GRADED):
        raise MarkingError("graded")
    was_pending = attempt.status == PENDING_GRADING
    response.points, response.comment = round(float(points), 4), (comment or "").strip()[:5000] or None
    response.graded_by_id, response.graded_at = grader_id, now
    session.flush()
    settle(session, attempt, now)
    if was_pending and attempt.status == GRADED:  # the graded open answers, as statements
        version, quiz = quiz_of(session, attempt)
        manual = {r.question_id for r in attempt.responses if r.needs_grading}
        marks = {k: v for k, v in stored_marks(attempt).items() if k in manual and k in quiz.questions}
        statements.answered(session, attempt, version, quiz, marks, now)


def newer_versions(session: Session, attempt_version: CourseVersion, quiz_id: str) -> list[CourseVersion]:
    """Versions of the course that have this quiz, for "regrade under version X"."""
    from lti_tool.learning.content import versions_of

    out = []
    for version in versions_of(session, attempt_version.slug):
        try:
            version.quiz(quiz_id)
        except LookupError:
            continue
        out.append(version)
    return out


def regrade(session: Session, *, context_id: int, item_id: str, version: CourseVersion, by_user_id: int,
            now: datetime | None = None) -> Regrade:
    """Re-mark every submitted attempt at ``item_id`` in this LMS course under ``version``."""
    now = now or utcnow()
    quiz_id = item_id.split("/", 1)[1]
    quiz = quiz_def(version, quiz_id)
    attempts = session.scalars(
        select(QuizAttempt).where(QuizAttempt.context_id == context_id, QuizAttempt.item_id == item_id,
                                  QuizAttempt.status.in_((GRADED, PENDING_GRADING))).order_by(QuizAttempt.id)
    ).all()
    details = []
    for attempt in attempts:
        before = (attempt.score, attempt.passed, attempt.status)
        for response in attempt.responses:
            question = quiz.questions.get(response.question_id)
            if question is None or response.needs_grading:
                continue  # gone from the new version, or marked by a person: kept
            if response.part_id:
                question = next((q for q in getattr(question, "questions", []) if q.id == response.part_id), None)
                if question is None:
                    continue
            mark = strategy_for(question).grade(question, response.answer)
            if mark.points is not None:
                response.points, response.max_points = mark.points, mark.max_points
        attempt.graded_version_id = version.id
        attempt.score_max = float(sum(r.max_points for r in attempt.responses))
        settle(session, attempt, now)
        after = (attempt.score, attempt.passed, attempt.status)
        if after != before:
            details.append({"attempt": attempt.id, "user": attempt.user_id, "before": before[0], "after": after[0],
                            "passed_before": before[1], "passed_after": after[1]})
    row = Regrade(context_id=context_id, item_id=item_id, version_id=version.id, by_user_id=by_user_id, at=now,
                  attempts=len(attempts), changed=len(details), details=details)
    session.add(row)
    session.flush()
    return row


def regrades(session: Session, context_id: int, item_id: str) -> list[Regrade]:
    return list(session.scalars(
        select(Regrade).where(Regrade.context_id == context_id, Regrade.item_id == item_id).order_by(Regrade.id.desc())
    ))
