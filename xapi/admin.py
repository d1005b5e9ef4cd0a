"""Looking into and steering delivery: status, retry parked statements, replay."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from xapi import store
from xapi.schema import DELIVERED, PARKED, PENDING, delivery, outbox, statement, target_state, utcnow

d = delivery


@dataclass
class TargetStatus:
    name: str
    configured: bool
    endpoint: str = ""
    pending: int = 0
    delivered: int = 0
    parked: int = 0
    failures: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    last_success_at: datetime | None = None
    oldest_pending_at: datetime | None = None


@dataclass
class Status:
    stored: int
    waiting_fan_out: int
    targets: list[TargetStatus] = field(default_factory=list)


@dataclass
class ParkedStatement:
    target: str
    seq: int
    statement_id: str
    status: int | None
    reason: str | None
    attempts: int


def status(session: Session, configured: Sequence[str]) -> Status:
    result = Status(stored=store.count(session),
                    waiting_fan_out=session.scalar(select(func.count()).select_from(outbox)) or 0)
    counts: dict[str, dict[str, int]] = {}
    for name, state, n in session.execute(select(d.c.target, d.c.status, func.count()).group_by(d.c.target, d.c.status)):
        counts.setdefault(name, {})[state] = n
    states = {row.name: row for row in session.execute(select(target_state))}
    oldest = dict(session.execute(
        select(d.c.target, func.min(statement.c.stored)).join(statement, statement.c.seq == d.c.seq)
        .where(d.c.status == PENDING).group_by(d.c.target)
    ).all())
    for name in list(dict.fromkeys([*configured, *sorted(set(counts) | set(states))])):
        row = states.get(name)
        c = counts.get(name, {})
        result.targets.append(TargetStatus(
            name=name, configured=name in configured, endpoint=row.endpoint if row else "",
            pending=c.get(PENDING, 0), delivered=c.get(DELIVERED, 0), parked=c.get(PARKED, 0),
            failures=row.failures if row else 0, next_attempt_at=row.next_attempt_at if row else None,
            last_error=row.last_error if row else None, last_success_at=row.last_success_at if row else None,
            oldest_pending_at=oldest.get(name),
        ))
    return result


def parked(session: Session, target: str | None = None, limit: int = 50) -> list[ParkedStatement]:
    query = (select(d.c.target, d.c.seq, statement.c.id, d.c.last_status, d.c.last_error, d.c.attempts)
             .join(statement, statement.c.seq == d.c.seq).where(d.c.status == PARKED)
             .order_by(d.c.target, d.c.seq).limit(limit))
    if target:
        query = query.where(d.c.target == target)
    return [ParkedStatement(*row) for row in session.execute(query)]


def retry(session: Session, target: str | None = None) -> tuple[int, int]:
    """Parked statements back to pending, and targets out of backoff, now.
    Returns (statements requeued, targets reset)."""
    now = utcnow()
    where = [d.c.status == PARKED] + ([d.c.target == target] if target else [])
    requeued = session.execute(update(d).where(*where).values(status=PENDING, attempts=0, updated_at=now)).rowcount
    state_where = [target_state.c.name == target] if target else []
    reset = session.execute(update(target_state).where(*state_where).values(failures=0, next_attempt_at=None)).rowcount
    return requeued or 0, reset or 0


def replay(session: Session, since: datetime, targets: Sequence[str]) -> int:
    """Send again every statement stored at or after ``since`` to ``targets`` (e.g. a
    new LRS, or one that lost data); LRSs keep one copy per statement id."""
    if not targets:
        raise ValueError("no LRS target to replay to")
    now = utcnow()
    chosen = select(statement.c.seq).where(statement.c.stored >= since)
    total = session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
    for name in targets:
        insert = store._insert_ignoring_duplicates(session, d, ["target", "seq"])
        session.execute(insert.from_select(
            ["target", "seq", "actor_key", "status", "attempts", "created_at", "updated_at"],
            select(_literal(name), statement.c.seq, statement.c.actor_key, _literal(PENDING), _literal(0),
                   _literal(now), _literal(now)).where(statement.c.stored >= since),
        ))
        session.execute(update(d).where(d.c.target == name, d.c.status != PENDING, d.c.seq.in_(chosen))
                        .values(status=PENDING, attempts=0, updated_at=now))
    return total


def _literal(value):
    from sqlalchemy import literal

    from xapi.schema import UTCDateTime

    if isinstance(value, datetime):
        return literal(value, UTCDateTime())
    return literal(value)
