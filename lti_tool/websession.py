"""Server-side sessions in the database, carried by a cookie or, inside an LMS iframe
whose browser blocks third-party cookies, by a token in the URL and forms.

Every web process reads the same table, so several gunicorn workers share sessions.
Only a hash of the session token is stored. A session ends ``session_ttl_seconds``
after sign-in, or after ``session_idle_minutes`` without a request; each request
moves its last-seen time on, written at most once a minute (``TOUCH_EVERY``) so that
reading a page is not a write each time.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import Flask, request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import bindparam, delete, insert, select, update
from werkzeug.datastructures import CallbackDict

from lti_tool.db import get_db, utcnow
from lti_tool.db import session as db_session  # the request's own

COOKIE_NAME = "ast_session"
TOKEN_PARAM = "_s"  # query or form field carrying the session when cookies are blocked
TOUCH_EVERY = timedelta(minutes=1)


def cookie_flags() -> dict:
    """The attributes of every cookie the tool sets or deletes. Over https the tool is
    used cross-site, in the LMS's iframe: ``SameSite=None; Secure`` and ``Partitioned``
    (CHIPS: the browser keeps the cookie for that LMS's site only, and sends it there
    even when it blocks other third-party cookies). Plain http (a test or a demo on
    this machine): ``SameSite=Lax``."""
    secure = request.is_secure
    return {"httponly": True, "secure": secure, "samesite": "None" if secure else "Lax", "partitioned": secure}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class DbSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, token: str | None = None, via_token: bool = False):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.via_token = via_token
        self.modified = False
        self.loaded = token is not None  # read from a stored row
        self.old_token: str | None = None
        self.seen_at = None  # the stored last-seen time of a session read

    def regenerate(self, via_token: bool = False) -> str:
        """Issue a new token (at login) so a planted session id is never reused."""
        self.old_token, self.token = self.token, secrets.token_urlsafe(32)
        self.via_token = via_token
        self.modified = True
        return self.token


@functools.cache
def _read_statement(table):
    """Every request's first query, built once."""
    return select(table.c.data, table.c.last_seen_at).where(
        table.c.id_hash == bindparam("id_hash"), table.c.expires_at > bindparam("now"),
        table.c.last_seen_at > bindparam("idle_since"))


class DbSessionInterface(SessionInterface):
    def _token_from_request(self) -> tuple[str | None, bool]:
        token = request.cookies.get(COOKIE_NAME)
        if token:
            return token, False
        token = request.args.get(TOKEN_PARAM) or request.form.get(TOKEN_PARAM) or request.headers.get("X-Session-Token")
        return (token, True) if token else (None, False)

    # Sessions are read and written with plain SQL statements (no ORM unit of work):
    # it is every request's first query. It is read on the request's own database
    # session, so a request takes one connection from the pool (one checkout, one ping).

    def open_session(self, app: Flask, request_):
        from lti_tool.lti.models import WebSession

        if request_.path.startswith(f"{app.static_url_path}/"):
            return DbSession()  # static files never need the session: no query
        token, via_token = self._token_from_request()
        if token and len(token) < 200:
            now, idle = utcnow(), timedelta(minutes=app.config["SETTINGS"].session_idle_minutes)
            row = db_session().execute(_read_statement(WebSession.__table__),
                                       {"id_hash": _hash(token), "now": now, "idle_since": now - idle}).first()
            if row is not None:
                found = DbSession(dict(row.data), token=token, via_token=via_token)
                found.seen_at = row.last_seen_at
                return found
        return DbSession()

    def save_session(self, app: Flask, session: DbSession, response) -> None:
        from lti_tool.lti.models import WebSession

        table = WebSession.__table__
        now = utcnow()
        if not session.modified:
            if session.seen_at is not None and now - session.seen_at >= TOUCH_EVERY:
                with get_db(app).engine.begin() as conn:
                    conn.execute(update(table).where(table.c.id_hash == _hash(session.token)).values(last_seen_at=now))
            return
        settings = app.config["SETTINGS"]
        with get_db(app).engine.begin() as conn:
            stale = [t for t in (session.old_token, None if session else session.token) if t]
            if stale:
                conn.execute(delete(table).where(table.c.id_hash.in_([_hash(t) for t in stale])))
            if not session:
                response.delete_cookie(COOKIE_NAME, path="/", **cookie_flags())
                return
            values = {"data": dict(session), "last_seen_at": now}
            if session.old_token or not session.loaded or not session.token:
                # a token just issued has no row yet: no need to look
                session.token = session.token or secrets.token_urlsafe(32)
                expires_at = now + timedelta(seconds=settings.session_ttl_seconds)
                conn.execute(insert(table).values(id_hash=_hash(session.token), expires_at=expires_at, **values))
            else:
                conn.execute(update(table).where(table.c.id_hash == _hash(session.token)).values(**values))
        response.set_cookie(COOKIE_NAME, session.token, max_age=settings.session_ttl_seconds, path="/", **cookie_flags())


def current_token() -> str | None:
    """The session token to put in URLs when the session travels without a cookie."""
    from flask import session

    if getattr(session, "via_token", False):
        return session.token
    return None


def init_app(app: Flask) -> None:
    app.session_interface = DbSessionInterface()

    @app.url_defaults
    def _carry_token(endpoint, values):
        token = current_token()
        if token and TOKEN_PARAM not in values and not endpoint.endswith("static"):
            values[TOKEN_PARAM] = token

    @app.context_processor
    def _session_field():
        return {"session_token": current_token(), "session_param": TOKEN_PARAM}
