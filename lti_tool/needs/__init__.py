"""Training needs (seed 三): needs surveys the training department sends to a target
group, answered by employees (and department heads for their department) when they
open the tool, summed up per department and topic."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lti_tool.needs import analysis_views, views  # noqa: F401  (analysis_views: routes on views.bp)

    app.register_blueprint(views.bp)
    app.register_blueprint(views.learner_bp)
