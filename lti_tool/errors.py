"""Clear error pages in the user's language; JSON for API clients. Never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("This was already done"),
    413: _l("The file is too large"),
    422: _l("Some of what you entered needs correcting"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    502: _l("A connected system did not answer"),
    503: _l("The server is busy"),
}


class UserError(HTTPException):
    """An error whose message is written for the person who sees it."""

    def __init__(self, message: str, code: int = 400, hint: str | None = None):
        super().__init__(description=str(message))
        self.code = code
        self.hint = hint


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/xapi/")):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def ways_on() -> list[tuple[str, str]]:
    """(label, URL) of the pages a launched person can open from an error page, so that
    a refusal is never a dead end: HR its console, everyone their own training file."""
    from flask import url_for

    from lti_tool import auth
    from lti_tool.lti import roles

    try:
        actor = auth.current_actor()
    except Exception:  # noqa: BLE001 - the error page must render even when the database does not answer
        log.warning("no session for the error page's links", exc_info=True)
        return []
    if actor is None:
        return []
    found = []
    if actor.has(roles.HR) and "hr.console" in current_app.view_functions:
        found.append((str(_l("HR console")), url_for("hr.console")))
    if "records.mine" in current_app.view_functions:
        found.append((str(_l("My training file")), url_for("records.mine")))
    return found


def render_error(code: int, message: str | None = None, hint: str | None = None):
    title = TITLES.get(code, TITLES[500 if code >= 500 else 400])
    if wants_json():
        return jsonify(error=str(title), message=message or str(title)), code
    links = ways_on() if code in (403, 404) else []
    return render_template("error.html", code=code, title=title, message=message, hint=hint, links=links), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(err):
        return render_error(
            400,
            str(_l("The form expired or was sent from elsewhere. Reload the page and try again.")),
        )

    @app.errorhandler(UserError)
    def _user_error(err: UserError):
        return render_error(err.code, err.description, err.hint)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        return render_error(err.code or 500, None)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500, None)
