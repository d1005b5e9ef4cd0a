"""Deletes what has expired: launch states, used nonces (past their id_token's exp,
a replay is refused by the signature check anyway), web sessions, access tokens."""

from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import delete

from lti_tool.db import get_db, utcnow
from lti_tool.lti.models import AccessToken, LaunchState, UsedNonce, WebSession

INTERVAL_SECONDS = 300
_last_run = {"at": 0.0}


def purge_expired(app: Flask) -> int:
    """One pass at most every few minutes; returns the rows deleted."""
    if time.monotonic() - _last_run["at"] < INTERVAL_SECONDS:
        return 0
    _last_run["at"] = time.monotonic()
    now = utcnow()
    deleted = 0
    with get_db(app).sessionmaker.begin() as s:
        for model in (LaunchState, UsedNonce, WebSession, AccessToken):
            deleted += s.execute(delete(model).where(model.expires_at < now)).rowcount or 0
    return deleted


def init_app(app: Flask) -> None:
    from lti_tool.jobs import register_drainer

    register_drainer("lti-housekeeping", purge_expired)
