"""Operations: health and readiness probes, request ids, JSON logs."""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from datetime import datetime, timezone

from flask import Blueprint, Flask, g, has_request_context, jsonify, request
from sqlalchemy import text

from lti_tool.db import get_db

bp = Blueprint("ops", __name__)
REQUEST_ID_HEADER = "X-Request-Id"


@bp.get("/healthz")
def healthz():
    """The process answers: for a liveness probe."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """The database answers and carries every migration: for a readiness probe."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from lti_tool.migrate import alembic_config

    try:
        with get_db().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
            heads = set(ScriptDirectory.from_config(alembic_config(conn)).get_heads())
    except Exception as exc:  # noqa: BLE001 - reported as not ready
        logging.getLogger(__name__).warning("not ready: %s", exc)
        return jsonify(status="unavailable", reason="database unreachable"), 503
    if current != heads:
        return jsonify(status="unavailable", reason="migrations pending", missing=sorted(heads - current)), 503
    return jsonify(status="ok")


#: Query fields that carry a secret: the session token of a browser without cookies
#: and the secret of the window it was given to (``lti_tool.websession``). Flask
#: decodes ``%5F`` to ``_``, so the encoded spelling is a secret too.
_SECRET_FIELD = re.compile(r"(?i)([?&;](?:_|%5f)(?:s|w)=)[^&;#\s\"]*")
#: The one-time registration invitation ``/lti/register/<token>``.
_REGISTRATION = re.compile(r"(/lti/register/)[^?#\s\"]+")


def redact(text: str) -> str:
    """A log line (a request line, a URL, a Referer) with its secrets replaced by …,
    the rest as it was: a regular expression, not a URL parser, so nothing else in
    the line is re-encoded."""
    if "/" not in text and "=" not in text:
        return text
    return _REGISTRATION.sub(r"\1…", _SECRET_FIELD.sub(r"\1…", text))


class RedactFilter(logging.Filter):
    """Logs never hold a secret from a URL: the development server's request lines
    (the ``werkzeug`` logger) and the tool's own messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


REDACT_FILTER = RedactFilter()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(fmt: str, level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(REDACT_FILTER)
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    logging.getLogger("werkzeug").addFilter(REDACT_FILTER)  # once: the same filter object

    @app.before_request
    def _request_id():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming[:64] if incoming.isprintable() and incoming else secrets.token_hex(8)

    @app.after_request
    def _echo_request_id(response):
        response.headers.setdefault(REQUEST_ID_HEADER, g.get("request_id", "-"))
        return response
