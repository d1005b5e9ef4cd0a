"""Online learning (issue 4): the lesson player with progress, quiz attempts graded by a
strategy per question type, instructors' grading queue, statistics and regrades.

Results are written once, in the submit transaction, three ways: the training record
(``records``), the LMS score (``lti.ags`` outbox) and xAPI statements (``events``: an
attempt's and a lesson's are built by the worker from the stored rows, flagged in the
transaction).
"""

from __future__ import annotations

from flask import Flask


def close_expired_attempts(app: Flask) -> int:
    """Background pass: submit attempts whose time ran out (as they stood at the deadline)."""
    from lti_tool.db import get_db
    from lti_tool.learning.attempts import close_expired

    with app.app_context(), get_db(app).sessionmaker.begin() as session:
        return close_expired(session)


def emit_due_statements(app: Flask) -> int:
    """Background pass: the xAPI statements quiz attempts and lessons read owe
    (``attempts.emit_due_statements``, ``lessons.emit_due_statements``); returns how
    many attempts and lesson rows paid."""
    from lti_tool.db import get_db
    from lti_tool.learning import attempts, lessons

    maker = get_db(app).sessionmaker
    with app.app_context():
        with maker.begin() as session:  # the claims, committed before the statements are built
            claimed = attempts.claim_due_statements(session), lessons.claim_due_statements(session)
        with maker.begin() as session:
            paid = attempts.pay_due_statements(session, claimed[0])
        with maker.begin() as session:
            return paid + lessons.pay_due_statements(session, claimed[1])


def init_app(app: Flask) -> None:
    from lti_tool.auth import current_actor
    from lti_tool.jobs import register_drainer
    from lti_tool.learning.attempts import STATEMENTS_DRAINER
    from lti_tool.learning.teach import bp as teach_bp
    from lti_tool.learning.views import bp
    from lti_tool.lti.views import register_item_view

    @app.context_processor
    def _actor():
        return {"current_actor": current_actor()}

    app.register_blueprint(bp)
    app.register_blueprint(teach_bp)
    register_item_view(app, "course", "learning.course")
    register_item_view(app, "quiz", "learning.quiz")
    register_drainer("learning-deadlines", close_expired_attempts)
    register_drainer(STATEMENTS_DRAINER, emit_due_statements)
