"""Practical assessments at the work site (seed 六(一)4, 七(二)2): instructors grade
hands-on tasks from the course library on a tablet, criterion by criterion, with
evidence photos and a sign-off; learners see and acknowledge their results."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("practical", __name__, url_prefix="/practical", template_folder="templates")


@bp.context_processor
def _helpers():
    from lti_tool.practical.helpers import template_helpers

    return template_helpers()


def init_app(app: Flask) -> None:
    from lti_tool.jobs import register_drainer
    from lti_tool.lti.views import register_item_view
    from lti_tool.practical import assess_views, learner_views, views  # noqa: F401  (routes)
    from lti_tool.practical.budget import MemoryBudget
    from lti_tool.practical.roster import sync_pending

    # One per process: the uploads of all its threads share it.
    app.extensions["evidence_budget"] = MemoryBudget(app.config["SETTINGS"].evidence_memory_mb * 1024 * 1024)
    app.register_blueprint(bp)
    register_item_view(app, "practical", "practical.item")
    register_drainer("roster-nrps", sync_pending)
