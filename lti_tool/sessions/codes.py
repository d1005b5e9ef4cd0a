"""Rotating check-in codes: six digits from an HMAC of the session's secret and the
current 30-second step (like TOTP), shown by the trainer as digits and a QR code.

A code is accepted during its step and the one after (a learner typing it as it
changes), and only inside the session's check-in window: from ``OPENS_BEFORE`` before
the start to the end. Checking in after ``LATE_AFTER`` past the start counts as late.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

STEP_SECONDS = 30
DIGITS = 6
OPENS_BEFORE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)


def new_secret() -> str:
    return secrets.token_hex(32)


def _step(when: datetime) -> int:
    return int(when.timestamp()) // STEP_SECONDS


def _code(secret: str, uid: str, step: int) -> str:
    digest = hmac.new(secret.encode(), f"{uid}:{step}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**DIGITS).zfill(DIGITS)


def code_at(secret: str, uid: str, when: datetime) -> str:
    return _code(secret, uid, _step(when))


def seconds_left(when: datetime) -> int:
    return STEP_SECONDS - int(when.timestamp()) % STEP_SECONDS


def verify(secret: str, uid: str, code: str, now: datetime) -> bool:
    given = "".join(ch for ch in str(code or "") if ch.isdigit())
    if len(given) != DIGITS:
        return False
    step = _step(now)
    return any(hmac.compare_digest(given, _code(secret, uid, s)) for s in (step, step - 1))


def window(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    return starts_at - OPENS_BEFORE, ends_at


def is_late(starts_at: datetime, at: datetime) -> bool:
    return at > starts_at + LATE_AFTER
