"""Anonymous satisfaction questionnaires after a training (seed 七(二)3)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires", template_folder="templates")


@bp.context_processor
def _helpers():
    from lti_tool.practical.helpers import template_helpers

    return template_helpers()


def init_app(app: Flask) -> None:
    from lti_tool.jobs import register_drainer
    from lti_tool.questionnaires import services, views  # noqa: F401  (routes)

    app.register_blueprint(bp)
    register_drainer("questionnaires", services.drain)
