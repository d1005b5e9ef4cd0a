"""Training needs (seed 三): needs surveys the training department sends to a target
group, answered by employees (and department heads for their department) when they
open the tool, summed up per department and topic; and the needs analysis report
made from them, approved by the head of the training department and management."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lti_tool.needs import analysis_views, report, report_views, views  # noqa: F401  (routes)

    app.register_blueprint(views.bp)
    app.register_blueprint(views.learner_bp)
    report.register_kind()
