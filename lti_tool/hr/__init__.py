"""HR: the console, roster import, exports and the REST API for HR systems."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("hr", __name__, url_prefix="/hr", template_folder="templates")


@bp.context_processor
def _helpers():
    from lti_tool.practical.helpers import template_helpers
    from lti_tool.records.exports import kind_labels, score_text, status_labels

    return {**template_helpers(), "kinds": kind_labels(), "statuses": status_labels(), "score_text": score_text}


def init_app(app: Flask) -> None:
    from lti_tool.hr import account_views, admin_views, api, audit_views, design_views, exports, views  # noqa: F401
    from lti_tool.jobs import register_drainer

    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    register_drainer("hr_exports", exports.drain)
