"""One approval mechanism (seed 二, 三, 四, 九): documents that need approval — needs
reports, plans, budgets, expense claims — register their kind with ordered steps by
approver role (``flows.register``); people HR names as approvers decide in their inbox
(``/approvals/``, also a Deep Linking item), with the full history kept."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("approvals", __name__, url_prefix="/approvals", template_folder="templates")


@bp.context_processor
def _helpers():
    from lti_tool import auth
    from lti_tool.approvals.views import labels
    from lti_tool.lti import roles
    from lti_tool.practical.helpers import template_helpers

    actor = auth.current_actor()
    return {**template_helpers(), **labels(), "approvals_is_hr": bool(actor and actor.has(roles.HR))}


def init_app(app: Flask) -> None:
    from lti_tool.approvals import views  # noqa: F401  (routes)
    from lti_tool.lti.views import register_item_view

    app.register_blueprint(bp)
    register_item_view(app, "approvals", "approvals.inbox")
