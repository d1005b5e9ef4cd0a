"""Answering and summarising the anonymous questionnaire of a course run (a course in
one LMS course). The stored response has no link to the person; results show only once
``MIN_RESPONSES`` people have answered."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lti_tool.db import insert_once, utcnow
from lti_tool.questionnaires.models import (
    MIN_RESPONSES, QUESTIONS, QuestionnaireMarker, QuestionnairePending, QuestionnaireResponse,
)
from lti_tool.records.models import TrainingRecord
from lti_tool.records.services import record_result

TOOK_PART = ("completed", "passed", "failed", "attended")
MAX_COMMENT = 2000


class AlreadyAnswered(Exception):
    pass


def marker_key(platform_id: int, context_id: int, course_id: str, user_id: int, secret: str | None = None) -> str:
    """A salted hash (HMAC with a key derived from the tool's secret): it tells whether
    someone answered, and cannot be turned back into who."""
    secret = secret or current_app.config["SECRET_KEY"]
    salt = hashlib.sha256(f"questionnaire-marker:{secret}".encode()).digest()
    return hmac.new(salt, f"{platform_id}:{context_id}:{course_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def has_answered(session: Session, platform_id: int, context_id: int, course_id: str, user_id: int) -> bool:
    return session.get(QuestionnaireMarker, marker_key(platform_id, context_id, course_id, user_id)) is not None


def took_part(session: Session, user_id: int, context_id: int, course_id: str) -> bool:
    return session.scalar(select(TrainingRecord.id).where(
        TrainingRecord.user_id == user_id, TrainingRecord.context_id == context_id,
        TrainingRecord.course_id == course_id, TrainingRecord.status.in_(TOOK_PART)).limit(1)) is not None


def submit(session: Session, *, platform_id: int, context_id: int, course_id: str, user_id: int, ratings: dict,
           comment: str, title: dict | None = None) -> None:
    """Store one anonymous response; raises AlreadyAnswered the second time."""
    key = marker_key(platform_id, context_id, course_id, user_id)
    if not insert_once(session, QuestionnaireMarker, {"key": key}, ["key"]):
        raise AlreadyAnswered(course_id)
    session.add(QuestionnairePending(id=secrets.token_hex(16), platform_id=platform_id, context_id=context_id,
                                     course_id=course_id, comment=(comment or "").strip()[:MAX_COMMENT],
                                     **{q: int(ratings[q]) for q in QUESTIONS}))
    record_result(session, user_id=user_id, platform_id=platform_id, context_id=context_id, course_id=course_id,
                  kind="questionnaire", item_id=f"{course_id}/questionnaire", status="completed",
                  title=title or {"zh-CN": "培训满意度调查", "en": "Training satisfaction questionnaire"},
                  completed_at=utcnow().replace(hour=0, minute=0, second=0, microsecond=0))
    session.flush()


class MixedElsewhere(Exception):
    """Another worker moved these answers first; this pass's transaction is void."""


def mix(session: Session, minimum: int = MIN_RESPONSES) -> int:
    """Move the pending answers of every course run with at least ``minimum`` waiting
    into the responses, shuffled, with new random ids (flush only: the caller's own
    transaction, with no person's record in it). Returns how many were moved.

    Each answer is taken by deleting it first: if another worker deleted it meanwhile
    (PostgreSQL makes this one wait on the row locks; SQLite has one writer), this
    raises ``MixedElsewhere`` and the caller rolls back, so no answer counts twice."""
    runs = session.execute(select(QuestionnairePending.context_id, QuestionnairePending.course_id)
                           .group_by(QuestionnairePending.context_id, QuestionnairePending.course_id)
                           .having(func.count() >= minimum)).all()
    moved = 0
    for context_id, course_id in runs:
        pending = list(session.scalars(select(QuestionnairePending).where(
            QuestionnairePending.context_id == context_id, QuestionnairePending.course_id == course_id)
            .with_for_update()))
        if len(pending) < minimum:
            continue
        taken = session.execute(delete(QuestionnairePending)
                                .where(QuestionnairePending.id.in_([a.id for a in pending]))
                                .execution_options(synchronize_session=False)).rowcount
        if taken != len(pending):
            raise MixedElsewhere(f"{len(pending) - taken} answers of run {context_id}/{course_id} moved already")
        secrets.SystemRandom().shuffle(pending)
        session.add_all([QuestionnaireResponse(id=secrets.token_hex(16), platform_id=answer.platform_id,
                                               context_id=context_id, course_id=course_id, comment=answer.comment,
                                               **{q: getattr(answer, q) for q in QUESTIONS})
                         for answer in pending])
        for answer in pending:
            session.expunge(answer)
        moved += len(pending)
    session.flush()
    return moved


def drain(app) -> int:
    """Worker pass: mix what is waiting, in a transaction of its own."""
    from lti_tool.db import get_db

    try:
        with get_db(app).sessionmaker.begin() as session:
            return mix(session)
    except MixedElsewhere:
        return 0


def waiting(session: Session, context_id: int, course_id: str) -> int:
    return session.scalar(select(func.count()).select_from(QuestionnairePending).where(
        QuestionnairePending.context_id == context_id, QuestionnairePending.course_id == course_id)) or 0


@dataclass
class Summary:
    count: int
    shown: bool
    averages: dict = field(default_factory=dict)  # question -> mean
    distribution: dict = field(default_factory=dict)  # question -> [n of 1, ..., n of 5]
    comments: list[str] = field(default_factory=list)
    waiting: int = 0  # answers not mixed in yet (shown as a number only)


def summary(session: Session, context_id: int, course_id: str) -> Summary:
    where = (QuestionnaireResponse.context_id == context_id, QuestionnaireResponse.course_id == course_id)
    count = session.scalar(select(func.count()).select_from(QuestionnaireResponse).where(*where)) or 0
    if count < MIN_RESPONSES:
        return Summary(count, False, waiting=waiting(session, context_id, course_id))
    rows = session.execute(select(*(getattr(QuestionnaireResponse, q) for q in QUESTIONS),
                                  QuestionnaireResponse.comment).where(*where)).all()
    averages = {q: round(sum(r[i] for r in rows) / count, 2) for i, q in enumerate(QUESTIONS)}
    distribution = {q: [sum(1 for r in rows if r[i] == v) for v in range(1, 6)] for i, q in enumerate(QUESTIONS)}
    comments = sorted(r[-1] for r in rows if r[-1])  # sorted: stored order says nothing either
    return Summary(count, True, averages, distribution, comments)


def open_questionnaires(session: Session, actor) -> list[tuple[str, dict]]:
    """Courses of the actor's LMS course they took part in and have not rated yet."""
    from lti_tool.records.file import course_title

    course_ids = set(session.scalars(select(TrainingRecord.course_id).where(
        TrainingRecord.user_id == actor.user_id, TrainingRecord.context_id == actor.context_id,
        TrainingRecord.status.in_(TOOK_PART), TrainingRecord.kind != "questionnaire")))
    return [(course_id, course_title(session, course_id)) for course_id in sorted(course_ids)
            if not has_answered(session, actor.platform_id, actor.context_id, course_id, actor.user_id)]
