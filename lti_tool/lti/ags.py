"""Grades to the LMS: scores are written to an outbox with the result they report,
and the worker delivers them through AGS, surviving an LMS outage.

Moodle nulls a score whose gradingProgress is not FullyGraded, so PendingManual is
sent only to platforms that honour it (Canvas); everyone gets FullyGraded with the
final score once grading is done. A newer score for the same learner and item
supersedes one still waiting.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from lti_tool.db import get_db, insert_one, utcnow
from lti_tool.jobs import kick
from lti_tool.lti.ags_models import DELIVERED, PARKED, PENDING, SUPERSEDED, ScoreDelivery, ScoreOutbox
from lti_tool.lti.http import session_from_settings
from lti_tool.lti.models import Context, Platform, ResourceLink, User
from lti_tool.lti.services import PlatformServices, ServiceError

log = logging.getLogger(__name__)

FULLY_GRADED, PENDING_MANUAL = "FullyGraded", "PendingManual"
MAX_BACKOFF_SECONDS = 3600
DRAINER = "ags-scores"

PLATFORMS_HONOURING_PENDING_MANUAL = {"canvas"}


def honours_pending_manual(platform: Platform) -> bool:
    return platform.product_family.lower() in PLATFORMS_HONOURING_PENDING_MANUAL


# Built once: every graded result runs them.
_OUTBOX = ScoreOutbox.__table__
_SUPERSEDE = update(_OUTBOX).where(
    _OUTBOX.c.resource_link_id == bindparam("link_id"), _OUTBOX.c.user_id == bindparam("for_user_id"),
    _OUTBOX.c.status == PENDING,
).values(status=SUPERSEDED).returning(_OUTBOX.c.id)
_LAST_SCORED = select(func.max(ScoreOutbox.scored_at)).where(
    ScoreOutbox.resource_link_id == bindparam("link_id"), ScoreOutbox.user_id == bindparam("user_id"))


def enqueue_score(
    session: Session, *, resource_link: ResourceLink, user: User, resource_id: str, label: str,
    score_given: float | None, score_maximum: float, activity_progress: str, grading_progress: str,
    scored_at: datetime, comment: str | None = None, source: dict | None = None,
) -> ScoreOutbox | None:
    """Queue a score in the caller's transaction (flush only). Returns None when this
    platform must not be sent this kind of score (PendingManual to Moodle)."""
    platform = resource_link.context.deployment.platform
    if grading_progress == PENDING_MANUAL and not honours_pending_manual(platform):
        return None
    for superseded in session.scalars(_SUPERSEDE, {"link_id": resource_link.id, "for_user_id": user.id}):
        loaded = session.identity_map.get(identity_key(ScoreOutbox, superseded))
        if loaded is not None:  # a row already loaded in this transaction says so too
            set_committed_value(loaded, "status", SUPERSEDED)
    row = insert_one(session, ScoreOutbox, dict(
        resource_link_id=resource_link.id, user_id=user.id, resource_id=resource_id, label=label[:255],
        score_given=score_given, score_maximum=score_maximum, activity_progress=activity_progress,
        grading_progress=grading_progress, comment=comment,
        scored_at=_next_timestamp(session, resource_link.id, user.id, scored_at), status=PENDING,
        attempts=0, next_attempt_at=utcnow(), last_error=None, delivered_at=None, created_at=utcnow(),
        source=source or {},
    ))
    kick(session, DRAINER)
    return row


def _next_timestamp(session: Session, link_id: int, user_id: int, wanted: datetime) -> datetime:
    """Whole seconds, later than any score already queued for this learner and item.

    Moodle refuses (409) a score whose timestamp is not later than the one it keeps,
    compared in whole seconds: two results in one second must still both count."""
    last = session.scalar(_LAST_SCORED, {"link_id": link_id, "user_id": user_id})
    stamp = wanted.replace(microsecond=0)
    if last is not None and stamp <= last:
        stamp = last.replace(microsecond=0) + timedelta(seconds=1)
    return stamp


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with full jitter, capped at an hour."""
    return random.uniform(0, min(MAX_BACKOFF_SECONDS, 5 * 2 ** min(attempts, 12)))


def _claim(session: Session) -> ScoreOutbox | None:
    return session.scalars(
        select(ScoreOutbox)
        .where(ScoreOutbox.status == PENDING, ScoreOutbox.next_attempt_at <= utcnow())
        .order_by(ScoreOutbox.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def _lineitem_url(services: PlatformServices, row: ScoreOutbox, link: ResourceLink, context: Context) -> str:
    if link.lineitem_url:
        return link.lineitem_url
    if not context.ags_lineitems_url:
        raise ServiceError("the LMS offers no gradebook service (AGS) in this course", 400)
    return services.find_or_create_lineitem(
        context.ags_lineitems_url, resource_id=row.resource_id, label=row.label,
        score_maximum=row.score_maximum, resource_link_id=link.lms_resource_link_id,
        scopes=context.ags_scopes or None,
    )


def deliver_one(app: Flask, http, services_cache: dict) -> bool:
    """Deliver the oldest due score; False when none is due.

    The row is locked (PostgreSQL) while the LMS is called, but nothing is written
    until the call is over, so SQLite's single writer is never held across the network.
    """
    factory = get_db(app).sessionmaker
    with factory.begin() as session:
        row = _claim(session)
        if row is None:
            return False
        link, user_sub = row.resource_link, row.user.sub
        context = link.context
        platform = context.deployment.platform
        if platform.id not in services_cache:
            services_cache[platform.id] = PlatformServices.build(session, factory, platform, http)
        services = services_cache[platform.id]
        lineitem_url = None
        try:
            lineitem_url = _lineitem_url(services, row, link, context)
            services.put_score(
                lineitem_url, user_id=user_sub, score_given=row.score_given, score_maximum=row.score_maximum,
                activity_progress=row.activity_progress, grading_progress=row.grading_progress,
                timestamp=row.scored_at, comment=row.comment, scopes=context.ags_scopes or None,
            )
        except ServiceError as exc:
            if exc.status == 409:  # the LMS keeps this score or a newer one already
                row.status, row.delivered_at, row.last_error = DELIVERED, utcnow(), str(exc)[:2000]
                session.add(ScoreDelivery(outbox_id=row.id, ok=True, status_code=409, message="already recorded"))
            else:
                _record_failure(session, row, exc)
        else:
            row.status, row.delivered_at, row.last_error = DELIVERED, utcnow(), None
            session.add(ScoreDelivery(outbox_id=row.id, ok=True, status_code=200, message=""))
        row.attempts += 1
        if lineitem_url and not link.lineitem_url:
            link.lineitem_url = lineitem_url  # the next score need not search for it
        return True


def _record_failure(session: Session, row: ScoreOutbox, exc: ServiceError) -> None:
    row.last_error = str(exc)[:2000]
    if exc.retryable:
        row.next_attempt_at = utcnow() + timedelta(seconds=backoff_seconds(row.attempts + 1))
    else:
        row.status = PARKED
    session.add(ScoreDelivery(outbox_id=row.id, ok=False, status_code=exc.status, message=row.last_error))
    log.warning("score %s not delivered (%s): %s", row.id, "will retry" if exc.retryable else "parked", exc)


def deliver_scores(app: Flask, limit: int = 100) -> int:
    """One bounded pass of the worker: deliver up to ``limit`` due scores."""
    http = app.extensions.get("lti_http") or session_from_settings(app.config["SETTINGS"])
    cache: dict = {}
    done = 0
    while done < limit and deliver_one(app, http, cache):
        done += 1
    return done


def init_app(app: Flask) -> None:
    from lti_tool.jobs import register_drainer

    register_drainer(DRAINER, deliver_scores)
