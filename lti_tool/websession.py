"""Server-side sessions in the database, carried by a cookie or, inside an LMS iframe
whose browser blocks third-party cookies, by a token in the URL and forms.

A token so carried is bound to the browser window it was handed to: the launch gives
that window a second secret, never in an address; ``static/js/window.js`` keeps it
(sessionStorage, and each page the tool serves that window hands it on) and sends it
with every request, as the ``X-Window-Secret`` header or the ``_w`` field. A request
with the token but without its window's secret has no session, so an address copied
from a log, a history or over a shoulder opens nothing.

Every web process reads the same table, so several gunicorn workers share sessions.
Only a hash of the session token is stored. A session ends ``session_ttl_seconds``
after sign-in, or after ``session_idle_minutes`` without a request; each request
moves its last-seen time on, written at most once a minute (``TOUCH_EVERY``) so that
reading a page is not a write each time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import bindparam, delete, insert, select, update
from werkzeug.datastructures import CallbackDict

from lti_tool.db import get_db, utcnow
from lti_tool.db import session as db_session  # the request's own

COOKIE_NAME = "ast_session"
TOKEN_PARAM = "_s"  # query or form field carrying the session when cookies are blocked
WINDOW_PARAM = "_w"  # field carrying the secret of the window a token session belongs to
WINDOW_HEADER = "X-Window-Secret"
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
        self.window_secret: str | None = None  # issued with a token session, handed to its window once

    def regenerate(self, via_token: bool = False) -> str:
        """Issue a new token (at login) so a planted session id is never reused; one
        to travel without cookies comes with the secret of the window it is given to."""
        self.old_token, self.token = self.token, secrets.token_urlsafe(32)
        self.via_token = via_token
        self.window_secret = secrets.token_urlsafe(32) if via_token else None
        self.modified = True
        return self.token


@functools.cache
def _read_statement(table):
    """Every request's first query, built once."""
    return select(table.c.data, table.c.last_seen_at, table.c.window_hash).where(
        table.c.id_hash == bindparam("id_hash"), table.c.expires_at > bindparam("now"),
        table.c.last_seen_at > bindparam("idle_since"))


class DbSessionInterface(SessionInterface):
    def _token_from_request(self) -> tuple[str | None, bool]:
        token = request.cookies.get(COOKIE_NAME)
        if token:
            return token, False
        token = request.args.get(TOKEN_PARAM) or request.form.get(TOKEN_PARAM) or request.headers.get("X-Session-Token")
        return (token, True) if token else (None, False)

    @staticmethod
    def _window_secret(window_hash: str | None) -> str | None:
        """The secret of the session's window, when the request carries the right one."""
        secret = request.args.get(WINDOW_PARAM) or request.form.get(WINDOW_PARAM) or request.headers.get(WINDOW_HEADER)
        if not (window_hash and secret) or len(secret) >= 200:
            return None
        return secret if hmac.compare_digest(_hash(secret), window_hash) else None

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
            window_secret = self._window_secret(row.window_hash) if row is not None and via_token else None
            if row is not None and (window_secret or not via_token):
                found = DbSession(dict(row.data), token=token, via_token=via_token)
                found.seen_at, found.window_secret = row.last_seen_at, window_secret
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
                window_hash = _hash(session.window_secret) if session.window_secret else None
                conn.execute(insert(table).values(id_hash=_hash(session.token), expires_at=expires_at,
                                                  window_hash=window_hash, **values))
            else:
                conn.execute(update(table).where(table.c.id_hash == _hash(session.token)).values(**values))
        response.set_cookie(COOKIE_NAME, session.token, max_age=settings.session_ttl_seconds, path="/", **cookie_flags())


REDIRECTS = (301, 302, 303, 307, 308)


def _ours(location: str) -> bool:
    """A redirect to a page of the tool that carries the session in its address."""
    parts = urlsplit(location)
    own = not parts.netloc or f"{parts.scheme}://{parts.netloc}/" == request.host_url
    return own and TOKEN_PARAM in dict(parse_qsl(parts.query))


def _add_query(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name] + [(name, value)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def current_window_secret() -> str | None:
    """The secret of the window a cookieless session belongs to, which the request has
    just proved: the page hands it on to its script (``window.js``), since a browser
    that blocks the frame's cookies may refuse it sessionStorage too."""
    from flask import session

    if getattr(session, "via_token", False):
        return session.window_secret
    return None


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
        return {"session_token": current_token(), "session_param": TOKEN_PARAM,
                "window_secret": current_window_secret()}

    @app.after_request
    def _keep_window(response):
        secret = current_window_secret()
        if secret is None:
            return response
        response.headers["Cache-Control"] = "no-store"  # the page holds the secret: no cache keeps it
        location = response.headers.get("Location")
        if response.status_code in REDIRECTS and location and _ours(location):
            # The next page of the tool, which the window's script cannot reach: the secret
            # goes in its address, which the script then takes out of the address bar.
            response.headers["Location"] = _add_query(location, WINDOW_PARAM, secret)
        return response
