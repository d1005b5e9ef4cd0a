"""The worker's passes over the xAPI statements quiz attempts owe, beside learners
submitting, on PostgreSQL (the production database; SQLite lets one writer in at a
time, so there a pass and a submit take turns)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from lti_tool.db import get_db
from lti_tool.learning import attempts, emit_due_statements, statements
from lti_tool.learning.models import QuizAttempt
from tests.functional.learning.test_attempt_rules import RIGHT, world  # noqa: F401 - the fixture
from xapi.schema import statement


@pytest.fixture
def database_url(postgres_database_url):
    return postgres_database_url


def test_a_submit_never_waits_for_the_worker_building_the_attempts_statements(world, app, monkeypatch):
    """The worker's pass claims the attempts in a transaction of its own and builds their
    statements holding no row lock: a learner submitting meanwhile is not kept waiting,
    and what the submit owes is built by the next pass."""
    attempt = world.start("ann")
    world.session.commit()
    building, go_on = threading.Event(), threading.Event()
    real = statements.attempt_started

    def started_then_wait(*args, **kwargs):  # the worker, caught in the middle of its pass
        real(*args, **kwargs)
        building.set()
        assert go_on.wait(30)

    monkeypatch.setattr(statements, "attempt_started", started_then_wait)
    passes = []
    worker = threading.Thread(target=lambda: passes.append(emit_due_statements(app)))
    worker.start()
    assert building.wait(30)
    try:
        with app.test_request_context(), get_db(app).sessionmaker() as web:
            web.execute(text("SET lock_timeout = '5s'"))  # waiting for the worker's lock would fail here
            assert attempts.submit(web, web.get(QuizAttempt, attempt.id), RIGHT)
            web.commit()
    finally:
        go_on.set()
        worker.join(30)
    monkeypatch.setattr(statements, "attempt_started", real)
    assert passes == [1]
    world.session.expire_all()
    found = world.session.get(QuizAttempt, attempt.id)
    assert found.statements_due and found.statements_lease is None  # submitted meanwhile: still owed
    assert emit_due_statements(app) == 1 and emit_due_statements(app) == 0
    verbs = sorted(v.rsplit("/", 1)[-1] for v in world.session.scalars(select(statement.c.verb_id)))
    assert verbs == ["answered"] * 5 + ["attempted", "completed", "passed"]


def test_reading_a_lesson_never_waits_for_the_worker_building_its_statements(world, app, monkeypatch):
    from lti_tool.learning import lessons
    from lti_tool.learning.content import current_version
    from lti_tool.learning.models import LessonProgress
    from tests.functional.learning.conftest import COURSE

    version = current_version(world.session, COURSE)
    lessons.open_lesson(world.session, world.learner("ann"), version, "first")
    world.session.commit()
    building, go_on = threading.Event(), threading.Event()
    real = statements.lesson_opened

    def opened_then_wait(*args, **kwargs):
        real(*args, **kwargs)
        building.set()
        assert go_on.wait(30)

    monkeypatch.setattr(statements, "lesson_opened", opened_then_wait)
    passes = []
    worker = threading.Thread(target=lambda: passes.append(emit_due_statements(app)))
    worker.start()
    assert building.wait(30)
    try:
        with app.test_request_context(), get_db(app).sessionmaker() as web:
            web.execute(text("SET lock_timeout = '5s'"))
            lessons.report_progress(web, world.learner("ann"), version, "first", 50)  # read on meanwhile
            web.commit()
    finally:
        go_on.set()
        worker.join(30)
    monkeypatch.setattr(statements, "lesson_opened", real)
    assert passes == [1]
    world.session.expire_all()
    row = world.session.scalars(select(LessonProgress)).one()
    assert row.statements_due and len(row.due_events) == 2  # the new milestone is still owed, with the opening
    assert emit_due_statements(app) == 1 and emit_due_statements(app) == 0
    verbs = sorted(v.rsplit("/", 1)[-1] for v in world.session.scalars(select(statement.c.verb_id)))
    assert verbs == ["experienced", "progressed"]
