"""A statement whose transaction took its seq early and commits late (a worker emitting
a whole attempt's answers) is never lost by the fan-out: on PostgreSQL it can commit
between the fan-out's copy and its delete, and only the rows the fan-out locked may go."""

from __future__ import annotations


import pytest
from sqlalchemy import event, select

from lti_tool import events
from lti_tool.db import get_db
from tests.functional.xapi.conftest import lesson_events
from tests.support.xapi_store import default_org
from xapi import outbox, schema
from xapi.lrs import Target

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(postgres_database_url):
    return postgres_database_url


def test_a_statement_committed_during_the_fan_out_keeps_its_delivery(app):
    first, late, last = lesson_events(events.activity_base(app), learners=3, per_learner=1)
    sessions = get_db(app).sessionmaker
    with sessions.begin() as s:
        events.emit(s, [first], organisation_id=default_org(s))
    slow = sessions()
    slow.begin()
    events.emit(slow, [late], organisation_id=default_org(slow))  # its seq is taken now; the commit comes later
    slow.flush()
    with sessions.begin() as s:
        events.emit(s, [last], organisation_id=default_org(s))

    drainer = outbox.Drainer(sessions, [Target(name="lrs", endpoint="http://127.0.0.1:9/xAPI/")])
    engine = get_db(app).engine

    def commit_the_slow_one_first(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("DELETE FROM XAPI_OUTBOX") and slow.in_transaction():
            slow.commit()  # between the fan-out's copy and its delete

    event.listen(engine, "before_cursor_execute", commit_the_slow_one_first)
    try:
        assert drainer.fan_out() == 2
    finally:
        event.remove(engine, "before_cursor_execute", commit_the_slow_one_first)
        slow.close()
        drainer.close()
    with sessions() as s:
        delivered = set(s.scalars(select(schema.delivery.c.seq)))
        waiting = set(s.scalars(select(schema.outbox.c.seq)))
        every = set(s.scalars(select(schema.statement.c.seq)))
    assert delivered | waiting == every and len(waiting) == 1  # the late one waits for the next pass
