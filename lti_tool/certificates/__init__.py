"""Certificates: issuing rules, PDF rendering, verification, revocation and reissue.

``/verify/<code>`` is public (no login) and shows only what the certificate states."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__, template_folder="templates")


@bp.context_processor
def _helpers():
    from lti_tool.practical.helpers import template_helpers

    return template_helpers()


def init_app(app: Flask) -> None:
    from lti_tool.certificates import services, store, views  # noqa: F401  (routes)
    from lti_tool.jobs import register_drainer
    from lti_tool.records.services import add_listener

    app.register_blueprint(bp)
    add_listener(services.on_record)
    register_drainer("certificates", store.drain)
