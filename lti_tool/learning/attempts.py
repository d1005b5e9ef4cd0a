"""Quiz attempts: start (or resume), autosave, submit exactly once, close at the deadline.

An attempt's xAPI statements, "attempted" when it starts, then at its end the
fifty-odd per-question "answered" ones and "completed" and "passed" / "failed" with the
score, are built by the worker from the stored attempt and responses
(``emit_due_statements``), flagged in the start's INSERT and the submit's UPDATE so
none is lost: each request writes its facts once and stays fast, and a statement built
twice has the same id and is stored once.

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

from sqlalchemy import bindparam, case, func, select, true, update
from sqlalchemy.orm import Session, defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from lti_tool.catalog import cache
from lti_tool.catalog.models import CourseVersion
from lti_tool.db import insert_new, insert_rows, utcnow
from lti_tool.jobs import kick
from lti_tool.learning import outcomes, statements
from lti_tool.learning.content import current_version
from lti_tool.learning.grading import Mark, strategy_for
from lti_tool.learning.models import GRADED, OPEN, PENDING_GRADING, AttemptResponse, QuizAttempt
from lti_tool.learning.paper import QuizDef, draw_paper, paper_maximum, quiz_def
from lti_tool.lti.models import Context, Deployment, User

#: The worker's pass that emits the statements attempts and lessons owe (``emit_due_statements``).
STATEMENTS_DRAINER = "learning-statements"
#: Answers arriving this long after the deadline still count (a slow network).
GRACE = timedelta(seconds=20)
#: Loads an attempt with its learner, LMS course and platform (for its statements and
#: scores) in the same query: ``session.get(QuizAttempt, id, options=WITH_PEOPLE)``.
WITH_PEOPLE = (joinedload(QuizAttempt.user).joinedload(User.platform),
               joinedload(QuizAttempt.context).joinedload(Context.deployment).joinedload(Deployment.platform))
#: The same, as a statement built once (the submit's first query): ``{"attempt_id": id}``.
ATTEMPT_WITH_PEOPLE = select(QuizAttempt).options(*WITH_PEOPLE).where(QuizAttempt.id == bindparam("attempt_id"))


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


#: A learner's attempts at one quiz, papers and answers left unloaded (built once: the
#: quiz and result pages ask).
_ATTEMPTS_OF = (select(QuizAttempt).options(defer(QuizAttempt.paper), defer(QuizAttempt.answers))
                .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.context_id == bindparam("context_id"),
                       QuizAttempt.item_id == bindparam("item_id")).order_by(QuizAttempt.number))


def attempts_of(session: Session, learner: Learner, item_id: str) -> list[QuizAttempt]:
    """A learner's attempts at a quiz (their papers and answers load only when used)."""
    return list(session.scalars(_ATTEMPTS_OF, {"user_id": learner.user_id, "context_id": learner.context_id,
                                               "item_id": item_id}))


def quiz_of(session: Session, attempt: QuizAttempt, graded: bool = True) -> tuple[CourseVersion, QuizDef]:
    """The version (the one it was regraded under, if any) and quiz of an attempt."""
    version_id = (attempt.graded_version_id if graded else None) or attempt.course_version_id
    version = cache.version(session, version_id)  # immutable: from memory once read
    return version, quiz_def(version, attempt.quiz_id)


_PEOPLE = (select(User, Context).join(Context, true())
           .where(User.id == bindparam("user_id"), Context.id == bindparam("context_id"))
           .options(joinedload(User.platform), joinedload(Context.deployment).joinedload(Deployment.platform)))


def people(session: Session, user_id: int, context_id: int) -> tuple[User, Context]:
    """The learner and the LMS course, each with its platform, in one query (a result's
    record, statements and scores read them; no lazy load follows)."""
    return tuple(session.execute(_PEOPLE, {"user_id": user_id, "context_id": context_id}).one())


def _load_people(session: Session, attempt: QuizAttempt) -> None:
    """The learner and the LMS course, with their platform, set on the attempt."""
    user, context = people(session, attempt.user_id, attempt.context_id)
    set_committed_value(attempt, "user", user)
    set_committed_value(attempt, "context", context)


#: How many attempts a learner has made at a quiz, and which one is open, in one row
#: (a learner may have made many: none is loaded to start the next).
_TAKEN = (select(func.count(), func.max(QuizAttempt.id).filter(QuizAttempt.status == OPEN))
          .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.context_id == bindparam("context_id"),
                 QuizAttempt.item_id == bindparam("item_id")))


def start_or_resume(session: Session, learner: Learner, course_id: str, quiz_id: str,
                    now: datetime | None = None) -> QuizAttempt:
    """The learner's open attempt, or a new one on the current version."""
    now = now or utcnow()
    item_id = f"{course_id}/{quiz_id}"
    taken, open_id = session.execute(_TAKEN, {"user_id": learner.user_id, "context_id": learner.context_id,
                                              "item_id": item_id}).one()
    if open_id is not None:  # resume it, unless its time ran out
        attempt = session.get(QuizAttempt, open_id)
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
    if limit is not None and taken >= limit:
        raise AttemptRefused("max_attempts")
    paper = draw_paper(quiz.quiz)
    attempt = insert_new(session, QuizAttempt, dict(
        uuid=str(uuid.uuid4()), user_id=learner.user_id, context_id=learner.context_id,
        resource_link_id=learner.resource_link_id, course_id=course_id, quiz_id=quiz_id, item_id=item_id,
        number=taken + 1, course_version_id=version.id, graded_version_id=None, paper=paper, answers={},
        status=OPEN, started_at=now, saved_at=None, submitted_at=None, closed_by_deadline=False, submit_key=None,
        score=None, score_max=paper_maximum(paper, quiz.questions), passed=None, graded_at=None,
        statements_due=True,  # "attempted": the worker's
        deadline=now + timedelta(minutes=quiz.settings.time_limit_minutes) if quiz.settings.time_limit_minutes else None,
    ), ["user_id", "context_id", "item_id", "number"])
    if attempt is None:  # a second tab started the same attempt at the same moment
        for other in attempts_of(session, learner, item_id):
            if other.status == OPEN:
                return other
        raise AttemptRefused("max_attempts")
    kick(session, STATEMENTS_DRAINER)
    if taken == 0:
        _load_people(session, attempt)
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
    values, answers = {}, attempt.answers
    if raw and accepting_answers(attempt, now):  # the last answers and the claim, in one statement
        merged = {**attempt.answers, **clean_answers(quiz, attempt, raw)}
        answers = {k: v for k, v in merged.items() if v is not None}
        values = {"answers": answers, "saved_at": now}
    late = attempt.deadline is not None and now > attempt.deadline + GRACE
    submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    # Graded before the claim (pure computation), so the claim writes the grade too:
    # one UPDATE, and the responses are never read back.
    marks = grade_paper(quiz, attempt, answers)
    rows = [row for question_id, mark in marks.items() for row in _rows(attempt, quiz, question_id, mark, answers)]
    version, graded_quiz = quiz_of(session, attempt)
    values.update(submitted_at=submitted_at, submit_key=(key or "")[:64] or None, closed_by_deadline=late,
                  statements_due=True, **_grade(graded_quiz, attempt.score_max, [r["points"] for r in rows], now))
    claimed = session.execute(_CLAIM, {"claimed_id": attempt.id, **values}).rowcount
    if claimed != 1:
        session.refresh(attempt)
        return False
    for name, value in values.items():  # what the row now holds, without reading it back
        set_committed_value(attempt, name, value)
    insert_rows(session, AttemptResponse.__table__, rows)  # one round trip for the whole paper
    outcomes.publish(session, attempt, version, graded_quiz, now)
    kick(session, STATEMENTS_DRAINER)  # the xAPI statements: the worker's (flagged above)
    return True


# The submit's claim: built once (a hot path); the SET clause is the parameters given.
_CLAIM = update(QuizAttempt.__table__).where(QuizAttempt.__table__.c.id == bindparam("claimed_id"),
                                             QuizAttempt.__table__.c.status == OPEN)


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


#: How long a worker's claim on the statements of a row lasts (a worker that dies
#: leaves them to the next pass after it).
STATEMENTS_LEASE = timedelta(minutes=5)
_TABLE = QuizAttempt.__table__
_DUE: dict = {}  # per table: the rows owing statements and not claimed, built once


def claim_due(session: Session, model, limit: int = 50, now: datetime | None = None) -> list[int]:
    """The rows of ``model`` (quiz attempts, lesson progress: ``statements_due`` and
    ``statements_lease``) whose statements one pass builds, claimed for
    ``STATEMENTS_LEASE``. Committed on their own (``learning.emit_due_statements``),
    before building: a learner's request meanwhile never waits for the pass, and two
    workers never claim the same row."""
    now, table = now or utcnow(), model.__table__
    due = _DUE.get(table)
    if due is None:
        due = _DUE[table] = (
            select(table.c.id).where(table.c.statements_due.is_(True),
                                     table.c.statements_lease.is_(None) | (table.c.statements_lease < bindparam("now")))
            .order_by(table.c.id).limit(bindparam("limit")).with_for_update(skip_locked=True))
    ids = list(session.scalars(due, {"now": now, "limit": limit}))
    if ids:
        session.execute(update(table).where(table.c.id.in_(ids)).values(statements_lease=now + STATEMENTS_LEASE))
    return ids


def claim_due_statements(session: Session, limit: int = 50, now: datetime | None = None) -> list[int]:
    """The quiz attempts one pass builds the statements of (``claim_due``)."""
    return claim_due(session, QuizAttempt, limit, now)


# Paid: the flag goes unless the attempt changed since it was read (a submit in the
# meantime flags it again and changes its status): then the next pass builds the rest.
_PAID = (update(_TABLE).where(_TABLE.c.id == bindparam("paid_id"))
         .values(statements_lease=None,
                 statements_due=case((_TABLE.c.status == bindparam("seen_status"), False), else_=_TABLE.c.statements_due))
         .returning(_TABLE.c.statements_due))


def pay_due_statements(session: Session, ids: list[int]) -> int:
    """Emit the statements the claimed attempts owe: attempted; once submitted, each
    question answered, then, when graded, the attempt completed and passed or failed (an
    attempt waiting for an instructor gets those when it is graded). Read without a row
    lock; one already stored (the same id) is skipped. Returns how many were built."""
    due = session.scalars(select(QuizAttempt).where(QuizAttempt.id.in_(ids)).order_by(QuizAttempt.id)).all() \
        if ids else []
    for attempt in due:
        statements.attempt_started(session, attempt, *quiz_of(session, attempt, graded=False))
        if attempt.status != OPEN:
            version, quiz = quiz_of(session, attempt)
            marks = {k: v for k, v in stored_marks(attempt).items() if k in quiz.questions}
            statements.answered(session, attempt, version, quiz, marks, attempt.submitted_at)
            if attempt.status == GRADED:
                statements.attempt_graded(session, attempt, version, quiz)
    session.flush()
    for attempt in due:  # last, just before the commit: the rows are locked only from here
        still_due = session.execute(_PAID, {"paid_id": attempt.id, "seen_status": attempt.status}).scalar_one()
        set_committed_value(attempt, "statements_due", still_due)
        set_committed_value(attempt, "statements_lease", None)
    return len(due)


def emit_due_statements(session: Session, limit: int = 50) -> int:
    """Claim and pay in one transaction (the worker's pass claims in a transaction of its own)."""
    return pay_due_statements(session, claim_due_statements(session, limit))


def grade_paper(quiz: QuizDef, attempt: QuizAttempt, answers: dict | None = None) -> dict[str, Mark]:
    """Each question's mark for ``answers`` (the attempt's saved answers by default)."""
    answers = attempt.answers if answers is None else answers
    marks = {}
    for entry in attempt.paper:
        question = quiz.questions.get(entry["q"])
        if question is not None:
            marks[question.id] = strategy_for(question).grade(question, answers.get(question.id))
    return marks


def _rows(attempt: QuizAttempt, quiz: QuizDef, question_id: str, mark: Mark, answers: dict) -> list[dict]:
    """The response rows of one graded question (a case analysis: one per part)."""
    question = quiz.questions[question_id]
    answer = answers.get(question_id)
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
    points = session.scalars(select(AttemptResponse.points).where(AttemptResponse.attempt_id == attempt.id)
                             .order_by(AttemptResponse.id)).all()
    version, quiz = quiz_of(session, attempt)
    for name, value in _grade(quiz, attempt.score_max, points, now).items():
        setattr(attempt, name, value)
    session.flush()
    _publish(session, attempt, version, quiz, now)


def _grade(quiz: QuizDef, score_max: float, points: list[float | None], now: datetime) -> dict:
    """The attempt's total from its responses' points: graded when none waits for an instructor."""
    score = round(sum(p or 0.0 for p in points), 4)
    if any(p is None for p in points):
        return {"status": PENDING_GRADING, "score": score, "passed": None, "graded_at": None}
    return {"status": GRADED, "score": score, "graded_at": now,
            "passed": score >= score_max * quiz.settings.pass_percent / 100 - 1e-9}


def _publish(session: Session, attempt: QuizAttempt, version: CourseVersion, quiz: QuizDef, now: datetime) -> None:
    if attempt.status == GRADED:
        statements.attempt_graded(session, attempt, version, quiz)
    outcomes.publish(session, attempt, version, quiz, now)


def attempt_count(session: Session, context_id: int, item_id: str) -> int:
    return session.scalar(select(func.count()).where(QuizAttempt.context_id == context_id,
                                                     QuizAttempt.item_id == item_id)) or 0
