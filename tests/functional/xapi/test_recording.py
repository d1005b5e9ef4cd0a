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
from tests.support.xapi_store import default_org
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
        events.emit(s, [statement], organisation_id=default_org(s))
        s.rollback()
    assert counts(app) == (0, 0, 0)
    with get_db(app).sessionmaker() as s:
        s.add(some_event("b"))
        events.emit(s, [statement], organisation_id=default_org(s))
        s.commit()
    with get_db(app).sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 1
    assert counts(app) == (1, 1, 0)


def test_a_single_statement_may_be_emitted_as_is(app):
    statement = samples(events.activity_base(app))["quiz-attempted"]
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, statement, organisation_id=default_org(s))
        events.emit(s, to_dict(statement), organisation_id=default_org(s))  # the same statement as a dict: skipped
    assert counts(app) == (1, 1, 0)


def test_emit_only_flushes_the_caller_decides_to_commit(app):
    statement = samples(events.activity_base(app))["lesson-progressed"]
    session = get_db(app).sessionmaker()
    events.emit(session, [statement], organisation_id=default_org(session))
    assert counts(app) == (0, 0, 0)  # another connection sees nothing yet
    session.commit()
    session.close()
    assert counts(app) == (1, 1, 0)


def test_the_same_statement_twice_is_recorded_once(app):
    all_kinds = list(samples(events.activity_base(app)).values())
    for _ in range(2):
        with get_db(app).sessionmaker.begin() as s:
            events.emit(s, all_kinds + all_kinds[:3], organisation_id=default_org(s))
    assert counts(app)[:2] == (len(all_kinds), len(all_kinds))


def test_a_statement_that_breaks_a_rule_is_refused_and_nothing_is_written(app):
    broken = to_dict(samples(events.activity_base(app))["attempt-passed"])
    broken = copy.deepcopy(broken)
    broken["result"]["score"]["raw"] = 25
    with get_db(app).sessionmaker() as s:
        with pytest.raises(InvalidStatement, match=r"xAPI 1\.0\.3 §2\.4\.5\.1"):
            events.emit(s, [broken], organisation_id=default_org(s))
        s.rollback()
    assert counts(app) == (0, 0, 0)


def test_voiding_marks_the_voided_statement(app):
    from xapi.statements import voided
    from tests.unit.xapi.samples import TRAINER, WHEN

    original = samples(events.activity_base(app))["session-attended/late"]
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, [original], organisation_id=default_org(s))
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, [voided(TRAINER, original.id, timestamp=WHEN + timedelta(hours=1))],
                    organisation_id=default_org(s))
    with get_db(app).sessionmaker() as s:
        rows = dict(s.execute(select(schema.statement.c.id, schema.statement.c.voided)).all())
    assert rows[str(original.id)] is True and list(rows.values()).count(False) == 1


def test_without_an_lrs_the_worker_keeps_statements_in_the_local_store(app):
    """The embedded default: no LRS target; the worker's pass empties the outbox and
    the statements stay readable locally."""
    assert "xapi-lrs" in drainers()
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, list(samples(events.activity_base(app)).values()), organisation_id=default_org(s))
    stored = counts(app)[0]
    assert run_once(app)["xapi-lrs"] == stored
    assert counts(app) == (stored, 0, 0)
    with get_db(app).sessionmaker() as s:
        status = admin.status(s, [])
    assert status.stored == stored and status.targets == []


def test_in_a_request_statements_commit_at_the_request_boundary_only_on_success(app, client):
    """A feature's view calls emit with the request's session: a success response
    commits the statements with the event, an error response writes neither."""
    from lti_tool import db

    statement = samples(events.activity_base(app))["certificate-earned"]

    def certify():
        from flask import request

        db.session().add(some_event("c" + request.args["n"]))
        events.emit(db.session(), [statement], organisation_id=default_org(db.session()))
        return ("refused", 409) if request.args.get("fail") else ("ok", 200)

    app.add_url_rule("/test-only/certify", "test_certify", certify, methods=["GET"])
    assert client.get("/test-only/certify?n=1&fail=1").status_code == 409
    assert counts(app) == (0, 0, 0)
    assert client.get("/test-only/certify?n=2").status_code == 200
    assert counts(app) == (1, 1, 0)


def test_course_context_and_actor_helpers_use_the_tools_base_url(app):
    ctx = events.course_context(course_id="brake-service", course_title={"zh-CN": "制动", "en": "Brakes"},
                                registration="7d2e9b10-6c4f-4a3b-8e21-9f0a1b2c3d4e",
                                issuer="https://moodle.example.com", context_id="42", context_title="售后",
                                platform="Moodle", app=app)
    base = app.config["SETTINGS"].public_base_url
    assert ctx.course().iri == f"{base}/xapi/activities/course/brake-service"
    assert ctx.lms().iri == f"{base}/xapi/activities/lms-context/https%3A%2F%2Fmoodle.example.com/42"
    person = events.actor("https://moodle.example.com", "17", "王芳")
    assert (person.issuer, person.sub, person.name) == ("https://moodle.example.com", "17", "王芳")
