"""Classroom and on-site sessions (seed 六(二)1 notices, 六(三)1 attendance): an instructor
schedules sessions for a course placed in the LMS course; learners see the notice (with
an .ics file) and check in with the trainer's rotating code or QR; the trainer takes
attendance and exports the sign-in sheet (PDF, XLSX)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("sessions", __name__, url_prefix="/sessions", template_folder="templates")


@bp.context_processor
def _helpers():
    from lti_tool.auth import current_actor
    from lti_tool.practical.helpers import template_helpers
    from lti_tool.sessions.views import status_labels

    actor = current_actor()
    return {**template_helpers(), "status_labels": status_labels(), "current_roles": actor.roles if actor else ()}


def init_app(app: Flask) -> None:
    from lti_tool.lti.views import register_item_view
    from lti_tool.sessions import attendance_views, views  # noqa: F401  (routes)

    app.register_blueprint(bp)
    register_item_view(app, "session", "sessions.item")
