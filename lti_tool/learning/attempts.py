"""Quiz attempts: start (or resume), autosave, submit exactly once, close at the deadline.

The attempt's xAPI statements (started, completed, passed / failed) are emitted in its
transactions; the fifty-odd per-question "answered" statements of a submit are built
by the worker from the stored responses (``emit_due_statements``), flagged in the
submit transaction so none is lost, which keeps the submit request fast.

Submitting is one conditional update, ``UPDATE learning_attempt SET status=… WHERE
id=… AND status='open'``: whichever request changes the row grades it; a double
click, a retry or a second tab finds it already submitted and shows the same result.
The time limit is the server's: answers saved after the deadline (plus a short grace
for the network) are ignored, and an attempt left open past it is submitted as it was
at the deadline. Services only ``flush()``; the request boundary commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import set_committed_value

from lti_tool.catalog.models import CourseVersion
from lti_tool.db import utcnow
from lti_tool.learning import outcomes, statements
from lti_tool.learning.content import current_version
from lti_tool.learning.grading import Mark, strategy_for
from lti_tool.learning.models import GRADED, OPEN, PENDING_GRADING, AttemptResponse, QuizAttempt
from lti_tool.learning.paper import QuizDef, draw_paper, paper_maximum, quiz_def

#: Answers arriving this long after the deadline still count (a slow network).
GRACE = timedelta(seconds=20)


class AttemptRefused(Exception):
    """No new attempt may start: ``reason`` is "max_attempts" or "no_quiz"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Learner:
    user_id: int
    context_id: int
    resource_link_id: int | None = None


def attempts_of(session: Session, learner: Learner, item_id: str) -> list[QuizAttempt]:
    """A learner's attempts at a quiz (their papers and answers load only when used)."""
    return list(session.scalars(
        select(QuizAttempt).options(defer(QuizAttempt.paper), defer(QuizAttempt.answers)).where(QuizAttempt.user_id == learner.user_id, QuizAttempt.context_id == learner.context_id,
                                  QuizAttempt.item_id == item_id).order_by(QuizAttempt.number)
    ))


def quiz_of(session: Session, attempt: QuizAttempt, graded: bool = True) -> tuple[CourseVersion, QuizDef]:
    """The version (the one it was regraded under, if any) and quiz of an attempt."""
    version_id = (attempt.graded_version_id if graded else None) or attempt.course_version_id
    version = session.get(CourseVersion, version_id)
    return version, quiz_def(version, attempt.quiz_id)


def start_or_resume(session: Session, learner: Learner, course_id: str, quiz_id: str,
                    now: datetime | None = None) -> QuizAttempt:
    """The learner's open attempt, or a new one on the current version."""
    now = now or utcnow()
    item_id = f"{course_id}/{quiz_id}"
    existing = attempts_of(session, learner, item_id)
    for attempt in existing:
        if attempt.status == OPEN:
            if not close_if_expired(session, attempt, now):
                return attempt
    version = current_version(session, course_id)
    if version is None:
        raise AttemptRefused("no_quiz")
    try:
        quiz = quiz_def(version, quiz_id)
    except LookupError:
        raise AttemptRefused("no_quiz") from None
    limit = quiz.settings.max_attempts
    if limit is not None and len(existing) >= limit:
        raise AttemptRefused("max_attempts")
    paper = draw_paper(quiz.quiz)
    attempt = QuizAttempt(
        uuid=str(uuid.uuid4()), user_id=learner.user_id, context_id=learner.context_id,
        resource_link_id=learner.resource_link_id, course_id=course_id, quiz_id=quiz_id, item_id=item_id,
        number=len(existing) + 1, course_version_id=version.id, paper=paper, answers={}, status=OPEN,
        started_at=now, score_max=paper_maximum(paper, quiz.questions),
        deadline=now + timedelta(minutes=quiz.settings.time_limit_minutes) if quiz.settings.time_limit_minutes else None,
    )
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError:  # a second tab started the same attempt at the same moment
        for other in attempts_of(session, learner, item_id):
            if other.status == OPEN:
                return other
        raise AttemptRefused("max_attempts") from None
    statements.attempt_started(session, attempt, version, quiz)
    if len(existing) == 0:
        outcomes.record_started(session, attempt, version, quiz)
    return attempt


def accepting_answers(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.status == OPEN and (attempt.deadline is None or now <= attempt.deadline + GRACE)


def clean_answers(quiz: QuizDef, attempt: QuizAttempt, raw: dict) -> dict:
    """Only answers to questions on this attempt's paper, in the shape each type expects."""
    on_paper = {e["q"] for e in attempt.paper}
    cleaned = {}
    for question_id, value in raw.items():
        if question_id in on_paper and question_id in quiz.questions:
            question = quiz.questions[question_id]
            cleaned[question_id] = strategy_for(question).clean(question, value)
    return cleaned


def save_answers(session: Session, attempt: QuizAttempt, raw: dict, now: datetime | None = None) -> bool:
    """Merge answers into an open attempt (autosave). False when it no longer takes them."""
    now = now or utcnow()
    if not accepting_answers(attempt, now):
        return False
    _version, quiz = quiz_of(session, attempt, graded=False)
    merged = {**attempt.answers, **clean_answers(quiz, attempt, raw)}
    merged = {k: v for k, v in merged.items() if v is not None}
    done = session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.status == OPEN)
        .values(answers=merged, saved_at=now).execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(attempt)
    return done == 1


def submit(session: Session, attempt: QuizAttempt, raw: dict | None = None, key: str | None = None,
           now: datetime | None = None) -> bool:
    """Submit and grade the attempt. True when this call submitted it; False when it was
    already submitted (by a double click, a retry, another tab, or the deadline)."""
    now = now or utcnow()
    _version, quiz = quiz_of(session, attempt, graded=False)
    values = {}
    if raw and accepting_answers(attempt, now):  # the last answers and the claim, in one statement
        merged = {**attempt.answers, **clean_answers(quiz, attempt, raw)}
        values = {"answers": {k: v for k, v in merged.items() if v is not None}, "saved_at": now}
    late = attempt.deadline is not None and now > attempt.deadline + GRACE
    submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    values.update(status=GRADED, submitted_at=submitted_at, submit_key=(key or "")[:64] or None,
                  closed_by_deadline=late, statements_due=True)
    claimed = session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.status == OPEN).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.refresh(attempt)
        return False
    for name, value in values.items():  # what the row now holds, without reading it back
        set_committed_value(attempt, name, value)
    marks = grade_paper(quiz, attempt)
    rows = [row for question_id, mark in marks.items() for row in _rows(attempt, quiz, question_id, mark)]
    if rows:
        session.execute(insert(AttemptResponse), rows)  # one round trip for the whole paper
    settle(session, attempt, now)  # the per-question statements follow from the worker (statements_due)
    return True


def close_if_expired(session: Session, attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Submit an open attempt whose time ran out, as it stood at the deadline."""
    now = now or utcnow()
    if attempt.status == OPEN and attempt.deadline is not None and now > attempt.deadline + GRACE:
        submit(session, attempt, None, "deadline", now)
        return True
    return False


def close_expired(session: Session, now: datetime | None = None, limit: int = 100) -> int:
    """Close every attempt whose time ran out (the background worker calls this)."""
    now = now or utcnow()
    due = session.scalars(
        select(QuizAttempt).where(QuizAttempt.status == OPEN, QuizAttempt.deadline.is_not(None),
                                  QuizAttempt.deadline < now - GRACE).order_by(QuizAttempt.deadline).limit(limit)
    ).all()
    return sum(1 for attempt in due if close_if_expired(session, attempt, now))


def stored_marks(attempt: QuizAttempt) -> dict[str, Mark]:
    """Each question's mark from the stored responses (case analyses summed over parts)."""
    grouped: dict[str, list[AttemptResponse]] = {}
    for response in attempt.responses:
        grouped.setdefault(response.question_id, []).append(response)
    marks = {}
    for question_id, rows in grouped.items():
        maximum = sum(r.max_points for r in rows)
        if any(r.points is None for r in rows):
            marks[question_id] = Mark(None, maximum)
        else:
            points = round(sum(r.points for r in rows), 4)
            marks[question_id] = Mark(points, maximum, points >= maximum)
    return marks


def emit_due_statements(session: Session, limit: int = 50) -> int:
    """Emit the "answered" statements of submitted attempts that still owe them."""
    due = session.scalars(
        select(QuizAttempt).where(QuizAttempt.statements_due.is_(True)).order_by(QuizAttempt.id).limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for attempt in due:
        version, quiz = quiz_of(session, attempt)
        marks = {k: v for k, v in stored_marks(attempt).items() if k in quiz.questions}
        statements.answered(session, attempt, version, quiz, marks, attempt.submitted_at)
        attempt.statements_due = False
    session.flush()
    return len(due)


def grade_paper(quiz: QuizDef, attempt: QuizAttempt) -> dict[str, Mark]:
    marks = {}
    for entry in attempt.paper:
        question = quiz.questions.get(entry["q"])
        if question is not None:
            marks[question.id] = strategy_for(question).grade(question, attempt.answers.get(question.id))
    return marks


def _rows(attempt: QuizAttempt, quiz: QuizDef, question_id: str, mark: Mark) -> list[dict]:
    """The response rows of one graded question (a case analysis: one per part)."""
    question = quiz.questions[question_id]
    answer = attempt.answers.get(question_id)
    if mark.parts:
        types = {q.id: q.type for q in question.questions}
        return [dict(attempt_id=attempt.id, question_id=question_id, part_id=part_id, type=types[part_id],
                     answer=(answer or {}).get(part_id), points=part.points, max_points=part.max_points,
                     needs_grading=part.points is None) for part_id, part in mark.parts.items()]
    return [dict(attempt_id=attempt.id, question_id=question_id, part_id="", type=question.type, answer=answer,
                 points=mark.points, max_points=mark.max_points, needs_grading=mark.points is None)]


def settle(session: Session, attempt: QuizAttempt, now: datetime | None = None) -> None:
    """Total the responses; graded when none waits for an instructor. Then publish."""
    now = now or utcnow()
    session.flush()
    responses = session.scalars(select(AttemptResponse).where(AttemptResponse.attempt_id == attempt.id)).all()
    pending = any(r.points is None for r in responses)
    version, quiz = quiz_of(session, attempt)
    attempt.score = round(sum(r.points or 0.0 for r in responses), 4)
    if pending:
        attempt.status, attempt.passed, attempt.graded_at = PENDING_GRADING, None, None
    else:
        attempt.status, attempt.graded_at = GRADED, now
        attempt.passed = attempt.score >= attempt.score_max * quiz.settings.pass_percent / 100 - 1e-9
    session.flush()
    if not pending:
        statements.attempt_graded(session, attempt, version, quiz)
    outcomes.publish(session, attempt, version, quiz, now)


def attempt_count(session: Session, context_id: int, item_id: str) -> int:
    return session.scalar(select(func.count()).where(QuizAttempt.context_id == context_id,
                                                     QuizAttempt.item_id == item_id)) or 0
