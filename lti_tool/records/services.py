"""Keeping training records current: features call ``record_result`` in the same
transaction as the result itself (flush only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lti_tool.db import context_is, utcnow
from lti_tool.records.models import KINDS, STATUSES, TrainingRecord

_UNSET = object()
# Called with (session, record) after every change: certificates check their rules here.
_LISTENERS: list = []


def add_listener(fn) -> None:
    """``fn(session, record)`` runs after every ``record_result``, in the same transaction."""
    if fn not in _LISTENERS:
        _LISTENERS.append(fn)


# Built once (every result asks): in an LMS course, and outside any (no context).
_RECORD = {outside: select(TrainingRecord).where(
    TrainingRecord.user_id == bindparam("user_id"),
    context_is(TrainingRecord.context_id, outside),
    TrainingRecord.kind == bindparam("kind"), TrainingRecord.item_id == bindparam("item_id"),
) for outside in (False, True)}


def record_result(
    session: Session, *, user_id: int, platform_id: int, context_id: int | None, course_id: str, kind: str,
    item_id: str, status: str, title: dict | None = None, course_version_id: int | None = None,
    score: float | None | object = _UNSET, score_max: float | None | object = _UNSET,
    passed: bool | None | object = _UNSET, hours: float | None = None, started_at: datetime | None = None,
    completed_at: datetime | None = None, source: dict | None = None,
) -> TrainingRecord:
    """Create or update the learner's record for one item; returns it (flushed).

    Fields left out keep their value, so a lesson's progress does not erase a score."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}")
    if status not in STATUSES:
        raise ValueError(f"unknown record status {status!r}")
    record = session.scalars(_RECORD[context_id is None], {"user_id": user_id, "context_id": context_id,
                                                           "kind": kind, "item_id": item_id}).first()
    if record is None:
        record = TrainingRecord(user_id=user_id, context_id=context_id, kind=kind, item_id=item_id,
                                platform_id=platform_id, started_at=started_at or utcnow())
        session.add(record)
    record.platform_id, record.course_id, record.status = platform_id, course_id, status
    if title:
        record.title = title
    if course_version_id is not None:
        record.course_version_id = course_version_id
    for name, value in (("score", score), ("score_max", score_max), ("passed", passed)):
        if value is not _UNSET:
            setattr(record, name, value)
    if hours is not None:
        record.hours = hours
    if completed_at is not None:
        record.completed_at = completed_at
    if source:
        record.source = {**(record.source or {}), **source}
    if record in session.new or session.is_modified(record):  # an unchanged result writes nothing
        record.updated_at = utcnow()
    session.flush()
    for listener in list(_LISTENERS):
        listener(session, record)
    return record


def records_for_user(session: Session, user_ids: list[int]) -> list[TrainingRecord]:
    return list(
        session.scalars(
            select(TrainingRecord).where(TrainingRecord.user_id.in_(user_ids)).order_by(TrainingRecord.completed_at)
        )
    )
