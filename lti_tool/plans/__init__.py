"""Training plans (seed 四) for the training department (HR): annual plans approved by
management, quarterly plans that refine them approved by the head of the training
department, and ad-hoc plans (new product, new business, customer complaint) approved
by the training department; each goes through the one approval mechanism."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("plans", __name__, url_prefix="/manage/plans", template_folder="templates")


@bp.context_processor
def _helpers():
    from lti_tool.approvals import _helpers as approval_helpers
    from lti_tool.plans.views import labels

    return {**approval_helpers(), **labels()}


def init_app(app: Flask) -> None:
    from lti_tool.plans import assignment_views, delivery_views, services, views  # noqa: F401  (routes)

    app.register_blueprint(bp)
    app.register_blueprint(views.manage_bp)
    app.register_blueprint(assignment_views.bp)
    app.register_blueprint(assignment_views.learner_bp)
    services.register_kinds()
