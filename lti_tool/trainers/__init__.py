"""The trainer pool (seed 八(一)): ``/manage/trainers/`` for the training department
(add, assess, submit for approval, the approved trainers with what they teach) and
``/trainers/`` for employees (put oneself forward) and department heads (recommend an
employee of their department). Approved by the head of the training department through
the one approval mechanism; session scheduling offers the approved trainers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lti_tool.trainers import services, views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.learner_bp)
    services.register_kind()
