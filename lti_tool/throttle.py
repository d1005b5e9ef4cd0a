"""Failed authentications per client address, counted in the database so that every
web process sees the same count: after ``auth_throttle_failures`` failures within
``auth_throttle_window_seconds`` the address is answered 429 with ``Retry-After``,
even with the right secret, until its oldest counted failure leaves the window.

Used by the machine APIs that take a secret on every request (the xAPI Statements API,
the HR API). Kept in the database rather than in Redis: the tool always has one, and a
deployment without the task queue's broker still runs several web processes. Each
failure is written in its own transaction, as the request's own rolls back."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import Index, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, get_db, utcnow


class AuthFailure(Base):
    """One failed authentication of a client address at a machine API."""

    __tablename__ = "auth_failure"
    __table_args__ = (Index("ix_auth_failure_scope_address_at", "scope", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))  # which API: xapi, hr-api
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


def _limits() -> tuple[int, timedelta]:
    settings = current_app.config["SETTINGS"]
    return settings.auth_throttle_failures, timedelta(seconds=settings.auth_throttle_window_seconds)


def _address() -> str:
    return (request.remote_addr or "")[:64]


def retry_after(scope: str) -> int | None:
    """Seconds this client must wait before it may try again, or None when it may now."""
    failures, window = _limits()
    now = utcnow()
    with get_db().sessionmaker() as session:
        times = list(session.scalars(
            select(AuthFailure.at).where(AuthFailure.scope == scope, AuthFailure.address == _address(),
                                         AuthFailure.at > now - window)
            .order_by(AuthFailure.at.desc()).limit(failures)))
    if len(times) < failures:
        return None
    return max(1, math.ceil((times[-1] + window - now).total_seconds()))


def failed(scope: str) -> None:
    """Count a failed authentication of this client (and forget the expired failures of
    every client, so that addresses tried once do not pile up)."""
    _failures, window = _limits()
    now = utcnow()
    with get_db().sessionmaker.begin() as session:
        session.execute(delete(AuthFailure).where(AuthFailure.scope == scope, AuthFailure.at <= now - window))
        session.add(AuthFailure(scope=scope, address=_address(), at=now))
