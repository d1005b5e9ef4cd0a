"""Learning events as xAPI: the one door through which features record statements.

Feature code builds statements with ``xapi.statements`` and calls ``emit(session,
statements, organisation_id=...)`` inside the transaction that records the event
itself; the request boundary's commit makes both durable together. The worker
(``jobs``) then delivers them to every LRS in ``settings.lrs_targets``; they also stay
in the local store, readable at ``/xapi/statements`` with a credential of their
organisation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import tincan
from flask import Flask, current_app
from sqlalchemy.orm import Session

from lti_tool.db import get_db
from lti_tool.jobs import kick
from xapi import outbox
from xapi.api import ApiConfig, create_blueprint
from xapi.lrs import Target
from xapi.statements import CourseContext, LmsContext, Person

XAPI_DRAINER = "xapi-lrs"
XAPI_SCOPE = "xapi"  # failed authentications at the Statements API are counted under this
log = logging.getLogger(__name__)


def emit(session: Session, statements: Iterable[tincan.Statement | dict], *, organisation_id: int) -> None:
    """Record statements of one organisation (whose xAPI credentials read them) in the
    caller's transaction (flush only, never commit).

    Each statement is checked against the xAPI 1.0.3 rules first
    (``xapi.validation.InvalidStatement`` names the broken rule); one whose id is
    already recorded is skipped, so emitting the same event twice is harmless. A single
    statement may be passed as is."""
    if isinstance(statements, (tincan.Statement, dict)):
        statements = [statements]
    if outbox.record(session, statements, organisation_id=organisation_id):
        kick(session, XAPI_DRAINER)


def actor(issuer: str, sub: str, name: str | None = None) -> Person:
    """The xAPI actor of an LTI user: an account on the platform (homePage = issuer)."""
    return Person(issuer=issuer, sub=sub, name=name)


def activity_base(app: Flask | None = None) -> str:
    """The tool's public base URL, under which every activity id lives."""
    return (app or current_app).config["SETTINGS"].public_base_url


def course_context(
    *, course_id: str, course_title: dict[str, str], registration, issuer: str | None = None,
    context_id: str | None = None, context_title: str | None = None, platform: str = "", language: str = "zh-CN",
    revision: str | None = None, app: Flask | None = None,
) -> CourseContext:
    """A ``CourseContext`` for this tool (its base URL), from plain values of a launch."""
    lms = LmsContext(issuer, context_id, context_title) if issuer and context_id else None
    return CourseContext(activity_base(app), course_id, course_title, registration, platform=platform,
                         language=language, revision=revision, lms_context=lms)


def targets(app: Flask) -> list[Target]:
    return [Target.from_settings(t) for t in app.config["SETTINGS"].lrs_targets]


def drainer(app: Flask) -> outbox.Drainer:
    """This app's drainer (one per process, built on first use)."""
    ext = app.extensions.setdefault("xapi", {})
    if "drainer" not in ext:
        ext["drainer"] = outbox.Drainer(get_db(app).sessionmaker, targets(app))
    return ext["drainer"]


def drain(app: Flask) -> int:
    """One bounded pass: outbox rows to deliveries, deliveries to each LRS."""
    return drainer(app).run_once()


def init_app(app: Flask) -> None:
    from lti_tool import throttle, xapi_credentials
    from lti_tool.db import session
    from lti_tool.jobs import register_drainer
    from lti_tool.security import csrf

    settings = app.config["SETTINGS"]
    targets(app)  # a malformed target fails at start, not in the worker

    if settings.xapi_store_password.get_secret_value():
        log.warning("AFTERSALES_XAPI_STORE_PASSWORD is set but opens nothing any more: the xAPI Statements API "
                    "takes per-organisation credentials. Make one with `aftersales-training xapi credentials add "
                    "--organisation SLUG --name NAME` (or on the HR console) and unset the password.")

    def config() -> ApiConfig:
        return ApiConfig(lambda key, secret: xapi_credentials.authenticate(session(), key, secret),
                         settings.public_base_url, retry_after=lambda: throttle.retry_after(XAPI_SCOPE),
                         failed=lambda: throttle.failed(XAPI_SCOPE))

    bp = create_blueprint(session, config)
    csrf.exempt(bp)
    app.register_blueprint(bp)
    register_drainer(XAPI_DRAINER, drain)
