"""Recording statements in the caller's transaction, and draining them to LRSs.

``record(session, statements)`` validates each statement and adds it to the local
store and the outbox, flushing only: the caller's commit makes the event and its
statements durable together, and a rollback drops both.

The ``Drainer`` works outside any request, in short transactions:

1. *fan out*: each outbox row becomes one pending delivery per configured target;
2. *claim*: per target, the oldest pending deliveries are leased to this drainer
   (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional update everywhere), but
   never one whose actor has an earlier statement still pending elsewhere, so each
   actor's statements reach the LRS in order;
3. *send* in batches of the target's ``batch_size``, with its timeout, and never
   after the lease expires;
4. *record*: 200/204 delivered; 409 delivered if the LRS holds the identical
   statement; a rejected batch is retried statement by statement and the rejected
   ones are parked with the LRS's reason; no answer, 5xx or a problem with the target
   (401, 403, 404, 429, ...) leaves the statements pending and backs the target off
   exponentially with jitter. Each target has its own deliveries and backoff, so one
   LRS down or rejecting never holds up another.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
import tincan
from sqlalchemy import Row, and_, delete, func, literal, or_, select, true, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from xapi import store
from xapi.lrs import Answer, Client, Kind, Target, new_session, same_statement
from xapi.schema import DELIVERED, PARKED, PENDING, UTCDateTime, delivery, outbox, statement, target_state, utcnow
from xapi.validation import check

log = logging.getLogger(__name__)
d = delivery


_QUEUE = outbox.insert()


def record(session: Session, statements: Iterable[tincan.Statement | dict], *, organisation_id: int | None,
           validate: bool = True) -> int:
    """Add statements of one organisation to the local store and the outbox in the caller's transaction
    (flush only, never commit). Raises ``InvalidStatement`` for a statement that breaks
    an xAPI rule. A statement id already recorded is skipped. Returns how many were new."""
    items = [store.to_dict(s) for s in statements]
    if validate:
        now = utcnow()
        for item in items:
            check(item, now)
    added = store.append(session, items, utcnow(), organisation_id=organisation_id)
    if added:
        session.execute(_QUEUE, [{"seq": a.seq, "created_at": utcnow(), "organisation_id": organisation_id}
                                 for a in added])
    return len(added)


def backoff_seconds(failures: int, base: float, cap: float) -> float:
    """Exponential backoff with (equal) jitter: half fixed, half random."""
    ceiling = min(cap, base * 2 ** max(0, min(failures, 30) - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass
class _Claim:
    token: str
    lease_until: datetime
    rows: list[Row]  # seq, actor_key, id, body
    low: int = 0  # the claim's rows lie in this seq range (keeps its lookups on the index)
    high: int = 0

    def rows_of(self, target: Target):
        return (d.c.target == target.name) & d.c.seq.between(self.low, self.high) & (d.c.lease_owner == self.token)


@dataclass
class _Outcome:
    delivered: list[int] = field(default_factory=list)
    parked: dict[int, tuple[int | None, str]] = field(default_factory=dict)
    failure: Answer | None = None
    failed: list[int] = field(default_factory=list)  # tried, no answer: stays pending
    unsent: list[int] = field(default_factory=list)


class Drainer:
    """Delivers recorded statements to every target. ``run_once()`` is one bounded pass."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        targets: Sequence[Target],
        *,
        backoff_base: float = 2.0,
        backoff_cap: float = 900.0,
        claims_per_pass: int = 20,
        clock: Callable[[], datetime] = utcnow,
        http: Callable[[], requests.Session] = new_session,
    ) -> None:
        names = [t.name for t in targets]
        if len(set(names)) != len(names):
            raise ValueError("LRS target names must be unique")
        self.sessions = sessions
        self.targets = list(targets)
        self.clients = {t.name: Client(t, http()) for t in targets}
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.claims_per_pass = claims_per_pass
        self.clock = clock
        self._known_targets: set[str] = set()
        self.totals = {"queued": 0, "delivered": 0, "parked": 0}  # since this drainer was made
        self._lock = threading.Lock()
        self._healthy_noted: dict[str, float] = {}

    def run_once(self) -> int:
        """Queue what was recorded, then deliver to every target at once (one thread
        each, so a slow or silent LRS never delays the others)."""
        handled = self.fan_out(limit=500)  # enough to start; the rest while sending
        if len(self.targets) == 1:
            return handled + self._deliver_logged(self.targets[0])
        with ThreadPoolExecutor(max(1, len(self.targets)), thread_name_prefix="xapi-target") as pool:
            return handled + sum(pool.map(self._deliver_logged, self.targets))

    def _deliver_logged(self, target: Target) -> int:
        try:
            return self.deliver(target)
        except Exception:  # noqa: BLE001 - one target's failure must not stop the others
            log.exception("delivering to LRS %s failed; retried next pass", target.name)
            return 0

    def _count(self, **done: int) -> None:
        with self._lock:
            for key, n in done.items():
                self.totals[key] += n

    def close(self) -> None:
        for client in self.clients.values():
            client.http.close()

    # -- 1. fan out ------------------------------------------------------------

    def fan_out(self, limit: int = 2000) -> int:
        """Turn the oldest outbox rows into one pending delivery per target (none when
        no target is configured: the local store keeps every statement).

        Idempotent (a delivery exists once per target and statement). It copies and
        deletes exactly the rows it locked, never a seq range: a transaction that took
        a lower seq may commit between the copy and the delete (PostgreSQL's READ
        COMMITTED gives each statement a fresh snapshot), and a range delete would
        remove its rows uncopied."""
        try:
            with self.sessions.begin() as s:
                seqs = s.scalars(
                    select(outbox.c.seq).order_by(outbox.c.seq).limit(limit).with_for_update(skip_locked=True)
                ).all()
                if not seqs:
                    return 0
                in_range = outbox.c.seq.in_(seqs)
                now = self.clock()
                for t in self.targets:
                    rows = (select(literal(t.name), outbox.c.seq, statement.c.actor_key, literal(PENDING),
                                   literal(0), literal(now, UTCDateTime()), literal(now, UTCDateTime()))
                            .join(statement, statement.c.seq == outbox.c.seq).where(in_range))
                    s.execute(store._insert_ignoring_duplicates(s, d, ["target", "seq"]).from_select(
                        ["target", "seq", "actor_key", "status", "attempts", "created_at", "updated_at"], rows))
                done = s.execute(delete(outbox).where(in_range)).rowcount
            self._count(queued=done)
            return done
        except OperationalError as exc:  # SQLite: another process holds the write lock
            log.debug("fan-out skipped this pass: %s", exc)
            return 0

    # -- 2. claim ----------------------------------------------------------------

    def claim_size(self, target: Target) -> int:
        return max(1, min(500, max(target.batch_size * 5, 50)))

    def lease_seconds(self, target: Target) -> float:
        return max(target.lease_seconds, 6 * target.timeout_seconds)

    def _ensure_target(self, s: Session, target: Target) -> None:
        if target.name in self._known_targets:
            return
        s.execute(store._insert_ignoring_duplicates(s, target_state, ["name"]),
                  [{"name": target.name, "endpoint": target.endpoint, "failures": 0}])
        s.execute(update(target_state).where(target_state.c.name == target.name).values(endpoint=target.endpoint))
        self._known_targets.add(target.name)

    def claim(self, target: Target, own: set[str] = frozenset(), size: int | None = None) -> _Claim | None:
        """Lease the oldest pending deliveries. Rows leased by ``own`` claims (this
        drainer's, sent before this one in order) do not hold their actors back."""
        now = self.clock()
        try:
            with self.sessions.begin() as s:
                self._ensure_target(s, target)
                due = s.scalar(select(target_state.c.next_attempt_at).where(target_state.c.name == target.name))
                if due is not None and due > now:
                    return None  # backing off
                free = or_(d.c.lease_until.is_(None), d.c.lease_until < now)
                candidates = s.execute(
                    select(d.c.seq, d.c.actor_key, statement.c.id, statement.c.body)
                    .join(statement, statement.c.seq == d.c.seq)
                    .where(d.c.target == target.name, d.c.status == PENDING, free)
                    .order_by(d.c.seq).limit(size or self.claim_size(target))
                    .with_for_update(of=d, skip_locked=True)
                ).all()
                if not candidates:
                    return None
                seqs = [c.seq for c in candidates]
                first_blocked = self._first_blocked(s, target, candidates, free, own)
                allowed = [c.seq for c in candidates
                           if c.actor_key not in first_blocked or c.seq < first_blocked[c.actor_key]]
                if not allowed:
                    return None
                token = uuid.uuid4().hex
                lease_until = now + timedelta(seconds=self.lease_seconds(target))
                # Every free pending row up to the last candidate is a candidate, so
                # without blocked actors a range names them (cheaper than a long IN).
                chosen = d.c.seq.between(seqs[0], seqs[-1]) if len(allowed) == len(seqs) else d.c.seq.in_(allowed)
                leased = s.execute(
                    update(d)
                    .where(d.c.target == target.name, chosen, d.c.status == PENDING, free)
                    .values(lease_owner=token, lease_until=lease_until)
                ).rowcount
                if leased == len(allowed):
                    keep = set(allowed)
                    rows = [c for c in candidates if c.seq in keep]
                else:  # some changed hands meanwhile: take what is really ours
                    rows = s.execute(
                        select(d.c.seq, d.c.actor_key, statement.c.id, statement.c.body)
                        .join(statement, statement.c.seq == d.c.seq)
                        .where(d.c.target == target.name, d.c.seq.between(seqs[0], seqs[-1]),
                               d.c.lease_owner == token)
                        .order_by(d.c.seq)
                    ).all()
        except OperationalError as exc:
            log.debug("claim for %s skipped this pass: %s", target.name, exc)
            return None
        return _Claim(token, lease_until, rows, seqs[0], seqs[-1]) if rows else None

    def _first_blocked(self, s: Session, target: Target, candidates: list[Row], free, own: set[str]) -> dict:
        """Per actor, the first candidate that must wait: an earlier statement of the
        same actor is pending but not ours to send (leased or being claimed by another
        drainer), so this one would overtake it."""
        seqs = [c.seq for c in candidates]
        pending = (d.c.target == target.name, d.c.status == PENDING,
                   d.c.actor_key.in_({c.actor_key for c in candidates}), d.c.seq < seqs[-1])
        mine = or_(d.c.lease_owner.is_(None), d.c.lease_owner.not_in(own)) if own else true()
        free_in_range = s.scalar(select(func.count()).where(
            d.c.target == target.name, d.c.status == PENDING, free, d.c.seq.between(seqs[0], seqs[-1])))
        if free_in_range == len(seqs):
            # No free row in the range escaped us, so the others are the leased ones and
            # those before the first candidate (free there means: locked by a drainer
            # that is claiming it right now, invisible to SKIP LOCKED).
            others = and_(or_(~free, d.c.seq < seqs[0]), mine)
        else:  # another drainer holds rows in between (PostgreSQL, SKIP LOCKED)
            others = and_(d.c.seq.not_in(seqs), mine)
        return dict(s.execute(
            select(d.c.actor_key, func.min(d.c.seq)).where(*pending, others).group_by(d.c.actor_key)).all())

    # -- 3. send -------------------------------------------------------------------

    def send(self, target: Target, claim: _Claim) -> _Outcome:
        client = self.clients[target.name]
        out = _Outcome()
        # Stop early enough that no request is still running when the lease ends.
        budget = (claim.lease_until - self.clock()).total_seconds() - target.timeout_seconds - 1
        deadline = time.monotonic() + budget
        rows = claim.rows
        for start in range(0, len(rows), target.batch_size):
            chunk = rows[start:start + target.batch_size]
            if out.failure is not None or time.monotonic() > deadline:
                out.unsent.extend(r.seq for r in chunk)
                continue
            answer = client.post([r.body for r in chunk])
            if answer.kind is Kind.OK:
                out.delivered.extend(r.seq for r in chunk)
            elif answer.kind is Kind.UNAVAILABLE:
                out.failure = answer
                out.failed.extend(r.seq for r in chunk)
            elif len(chunk) == 1:
                self._settle_one(client, chunk[0], answer, out)
            else:  # rejected or conflict as a batch: once more, statement by statement
                for row in chunk:
                    if out.failure is not None or time.monotonic() > deadline:
                        out.unsent.append(row.seq)
                        continue
                    self._settle_one(client, row, client.post([row.body]), out)
        return out

    def _settle_one(self, client: Client, row: Row, answer: Answer, out: _Outcome) -> None:
        if answer.kind is Kind.OK:
            out.delivered.append(row.seq)
        elif answer.kind is Kind.UNAVAILABLE:
            out.failure = answer
            out.failed.append(row.seq)
        elif answer.kind is Kind.REJECTED:
            out.parked[row.seq] = (answer.status, answer.reason or f"HTTP {answer.status}")
        else:  # 409: delivered if the LRS holds this very statement
            read, theirs = client.get(row.id)
            if read.kind is Kind.UNAVAILABLE:
                out.failure = read
                out.failed.append(row.seq)
            elif theirs is not None and same_statement(json.loads(row.body), theirs):
                out.delivered.append(row.seq)
            else:
                out.parked[row.seq] = (409, "the LRS holds a different statement with this id"
                                       + (f": {answer.reason}" if answer.reason else ""))

    # -- 4. record -----------------------------------------------------------------

    def record_outcome(self, target: Target, claim: _Claim, out: _Outcome) -> None:
        now = self.clock()
        mine = claim.rows_of(target)
        released = {"lease_owner": None, "lease_until": None, "updated_at": now}
        with self.sessions.begin() as s:
            if out.delivered:
                everything = len(out.delivered) == len(claim.rows)
                s.execute(update(d).where(mine, true() if everything else d.c.seq.in_(out.delivered)).values(
                    status=DELIVERED, delivered_at=now, attempts=d.c.attempts + 1, last_status=200,
                    last_error=None, **released))
            for seq, (status, reason) in out.parked.items():
                s.execute(update(d).where(mine, d.c.seq == seq).values(
                    status=PARKED, attempts=d.c.attempts + 1, last_status=status, last_error=reason, **released))
            if out.failed:
                s.execute(update(d).where(mine, d.c.seq.in_(out.failed)).values(
                    attempts=d.c.attempts + 1, last_status=out.failure.status, last_error=out.failure.reason,
                    **released))
            if out.unsent:
                s.execute(update(d).where(mine, d.c.seq.in_(out.unsent)).values(**released))
            state = target_state.c.name == target.name
            if out.failure is not None:
                failures = (s.scalar(select(target_state.c.failures).where(state)) or 0) + 1
                wait = backoff_seconds(failures, self.backoff_base, self.backoff_cap)
                s.execute(update(target_state).where(state).values(
                    failures=failures, next_attempt_at=now + timedelta(seconds=wait),
                    last_error=out.failure.reason, last_attempt_at=now))
                log.warning("LRS %s unavailable (%s); %d statements wait, next try in %.1f s",
                            target.name, out.failure.reason, len(out.failed) + len(out.unsent), wait)
                self._healthy_noted.pop(target.name, None)
            elif time.monotonic() - self._healthy_noted.get(target.name, -60.0) > 5.0:
                # Healthy: note it (and the time of success) at most every few seconds.
                s.execute(update(target_state).where(state).values(
                    failures=0, next_attempt_at=None, last_attempt_at=now,
                    last_success_at=now if (out.delivered or out.parked) else target_state.c.last_success_at))
                self._healthy_noted[target.name] = time.monotonic()
        for seq, (status, reason) in out.parked.items():
            log.warning("LRS %s rejected statement #%s (HTTP %s), parked: %s", target.name, seq, status, reason)

    def release(self, target: Target, claim: _Claim) -> None:
        with self.sessions.begin() as s:
            s.execute(update(d).where(claim.rows_of(target))
                      .values(lease_owner=None, lease_until=None))

    def deliver(self, target: Target) -> int:
        """Up to ``claims_per_pass`` claims for one target, pipelined: while one claim is
        being sent (in a thread: network only), the next is claimed and the previous
        recorded. Claims are sent strictly in order, and the first one that fails or
        runs out of lease stops the pass and releases the one after it."""
        own: set[str] = set()
        claim = self.claim(target, own, size=target.batch_size)  # a small first claim starts sending sooner
        if claim is None:
            return 0
        handled, sent = 0, 1
        own.add(claim.token)
        with ThreadPoolExecutor(1, thread_name_prefix=f"xapi-send-{target.name}") as pool:
            future = pool.submit(self.send, target, claim)
            while True:
                self.fan_out()
                following = self.claim(target, own) if sent < self.claims_per_pass else None
                if following is not None:
                    own.add(following.token)
                out = future.result()
                stop = out.failure is not None or bool(out.unsent)
                if following is not None and not stop:
                    future = pool.submit(self.send, target, following)
                    sent += 1
                self.record_outcome(target, claim, out)
                handled += len(out.delivered) + len(out.parked)
                self._count(delivered=len(out.delivered), parked=len(out.parked))
                if stop and following is not None:
                    self.release(target, following)
                if stop or following is None:
                    return handled
                claim = following
