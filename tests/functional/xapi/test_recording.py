"""Recording statements with ``events.emit``: in the caller's transaction, checked,
once per statement id; with no LRS configured they stay in the local store."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_tool import events
from lti_tool.db import get_db, utcnow
from lti_tool.jobs import drainers, run_once
from lti_tool.lti.models import WebSession
from tests.unit.xapi.samples import samples
from xapi import admin, schema
from xapi.store import to_dict
from xapi.validation import InvalidStatement


def counts(app) -> tuple[int, int, int]:
    with get_db(app).sessionmaker() as s:
        return tuple(s.scalar(select(func.count()).select_from(t))
                     for t in (schema.statement, schema.outbox, schema.delivery))


def some_event(token: str) -> WebSession:
    """Any row the app writes stands for "the event" (a feature's own record)."""
    return WebSession(id_hash=token.ljust(64, "0"), data={"event": token}, expires_at=utcnow() + timedelta(hours=1))


def test_statements_commit_with_their_event_and_roll_back_with_it(app):
    statement = samples(events.activity_base(app))["attempt-passed"]
    with get_db(app).sessionmaker() as s:
        s.add(some_event("a"))
        events.emit(s, [statement])
        s.rollback()
    assert counts(app) == (0, 0, 0)
    with get_db(app).sessionmaker() as s:
        s.add(some_event("b"))
        events.emit(s, [statement])
        s.commit()
    with get_db(app).sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 1
    assert counts(app) == (1, 1, 0)


def test_emit_only_flushes_the_caller_decides_to_commit(app):
    statement = samples(events.activity_base(app))["lesson-progressed"]
    session = get_db(app).sessionmaker()
    events.emit(session, [statement])
    assert counts(app) == (0, 0, 0)  # another connection sees nothing yet
    session.commit()
    session.close()
    assert counts(app) == (1, 1, 0)


def test_the_same_statement_twice_is_recorded_once(app):
    all_kinds = list(samples(events.activity_base(app)).values())
    for _ in range(2):
        with get_db(app).sessionmaker.begin() as s:
            events.emit(s, all_kinds + all_kinds[:3])
    assert counts(app)[:2] == (len(all_kinds), len(all_kinds))


def test_a_statement_that_breaks_a_rule_is_refused_and_nothing_is_written(app):
    broken = to_dict(samples(events.activity_base(app))["attempt-passed"])
    broken = copy.deepcopy(broken)
    broken["result"]["score"]["raw"] = 25
    with get_db(app).sessionmaker() as s:
        with pytest.raises(InvalidStatement, match=r"xAPI 1\.0\.3 §2\.4\.5\.1"):
            events.emit(s, [broken])
        s.rollback()
    assert counts(app) == (0, 0, 0)


def test_voiding_marks_the_voided_statement(app):
    from xapi.statements import voided
    from tests.unit.xapi.samples import TRAINER, WHEN

    original = samples(events.activity_base(app))["session-attended/late"]
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, [original])
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, [voided(TRAINER, original.id, timestamp=WHEN + timedelta(hours=1))])
    with get_db(app).sessionmaker() as s:
        rows = dict(s.execute(select(schema.statement.c.id, schema.statement.c.voided)).all())
    assert rows[str(original.id)] is True and list(rows.values()).count(False) == 1


def test_without_an_lrs_the_worker_keeps_statements_in_the_local_store(app):
    """The embedded default: no LRS target; the worker's pass empties the outbox and
    the statements stay readable locally."""
    assert "xapi-lrs" in drainers()
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, list(samples(events.activity_base(app)).values()))
    stored = counts(app)[0]
    assert run_once(app)["xapi-lrs"] == stored
    assert counts(app) == (stored, 0, 0)
    with get_db(app).sessionmaker() as s:
        status = admin.status(s, [])
    assert status.stored == stored and status.targets == []
