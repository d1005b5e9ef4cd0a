"""Training costs (seed 九): the annual training budget by category and plan item,
approved by management (``/manage/budget/``), and expense claims employees file after
a training (``/claims/``), reviewed by their department's head, then finance, and paid
(``/manage/claims/``); budget vs actual with charts and an XLSX export for finance."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lti_tool.costs import claim_views, services, views  # noqa: F401  (claim_views: routes)

    for blueprint in (views.budget_bp, views.claims_bp, views.manage_bp):
        app.register_blueprint(blueprint)
    services.register_kinds()
