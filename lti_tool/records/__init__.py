"""Training files (培训档案): one row per learner per training item, kept current by
the features that produce results, read by training files, certificates and HR."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("records", __name__, url_prefix="/records", template_folder="templates")


@bp.context_processor
def _helpers():
    from lti_tool.practical.helpers import template_helpers
    from lti_tool.records.exports import kind_labels, score_text, status_labels

    return {**template_helpers(), "kinds": kind_labels(), "statuses": status_labels(), "score_text": score_text}


def init_app(app: Flask) -> None:
    from lti_tool.lti.views import register_after_launch, register_item_view
    from lti_tool.records import employees, run_views, views  # noqa: F401  (routes)

    app.register_blueprint(bp)
    register_after_launch(app, employees.after_launch)
    register_item_view(app, "records", "records.open_item")
