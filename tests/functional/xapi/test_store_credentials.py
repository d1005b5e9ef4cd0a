"""``/xapi/statements`` takes per-organisation credentials: each reads only its own
organisation's statements (queries, ``more`` pages, single statements), a revoked one
opens nothing at once, the retired global password opens nothing, and an address that
fails too often is told to wait (429) even with the right secret."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from click.testing import CliRunner
from pydantic import ValidationError
from sqlalchemy import select

from lti_tool import create_app, events, throttle
from lti_tool.audit.models import AuditEvent
from lti_tool.cli import AppContext, main
from lti_tool.db import get_db, utcnow
from lti_tool.lti import organisations
from tests.functional.xapi.conftest import lesson_events
from tests.support.xapi_store import basic_header, credential
from tests.unit.xapi.samples import TRAINER, WHEN
from xapi.statements import voided

HEADERS = {"X-Experience-API-Version": "1.0.3"}
OTHER = "other-company"


def statements_of(app, slug: str, start: int) -> list[str]:
    """Record six statements for the organisation ``slug``; their ids."""
    items = lesson_events(events.activity_base(app), learners=2, per_learner=3, start=start)
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, items, organisation_id=organisations.get_or_create(s, slug).id)
    return [str(x.id) for x in items]


def read(client, auth: tuple[str, str], url: str = "/xapi/statements", address: str = "127.0.0.1", **params):
    headers = {**HEADERS, "Authorization": basic_header(*auth)}
    return client.get(url, query_string=params or None, headers=headers, environ_base={"REMOTE_ADDR": address})


def every_page(client, auth, limit: int = 2) -> list[str]:
    seen, response = [], read(client, auth, limit=limit)
    while True:
        body = response.get_json()
        seen += [s["id"] for s in body["statements"]]
        if not body["more"]:
            return seen
        response = read(client, auth, body["more"])


def cli(app, *args, ok: bool = True) -> str:
    ctx = AppContext()
    ctx._app = app
    result = CliRunner().invoke(main, ["xapi", "credentials", *args], obj=ctx)
    assert (result.exit_code == 0) is ok, result.output
    return result.output


def test_a_credential_reads_only_its_organisations_statements(app, client):
    ours, theirs = statements_of(app, "default", 0), statements_of(app, OTHER, 100)
    mine, other = credential(app), credential(app, OTHER)
    assert sorted(every_page(client, mine)) == sorted(ours)
    assert sorted(every_page(client, other)) == sorted(theirs)
    # the other organisation's statement by id: not found, as if it did not exist
    assert read(client, other, statementId=ours[0]).status_code == 404
    assert read(client, mine, statementId=ours[0]).get_json()["id"] == ours[0]
    # a `more` link of ours followed with the other credential yields nothing of ours
    more = read(client, mine, limit=1).get_json()["more"]
    assert not set(s["id"] for s in read(client, other, more).get_json()["statements"]) & set(ours)
    # filters never cross over: the same learner account exists in both organisations
    agent = '{"account": {"homePage": "https://moodle.example.com", "name": "learner-0"}}'
    assert {s["id"] for s in read(client, other, agent=agent).get_json()["statements"]} <= set(theirs)
    # voided statements of another organisation stay hidden too
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, [voided(TRAINER, ours[1], timestamp=WHEN + timedelta(hours=1))],
                    organisation_id=organisations.get_or_create(s, "default").id)
    assert read(client, other, voidedStatementId=ours[1]).status_code == 404
    assert read(client, mine, voidedStatementId=ours[1]).status_code == 200


def test_credentials_made_listed_and_revoked_by_cli_revoked_is_401_at_once(app, client):
    statements_of(app, OTHER, 0)
    out = cli(app, "add", "--organisation", OTHER, "--name", "Company LRS")
    key = next(line.split()[-1] for line in out.splitlines() if line.strip().startswith("key:"))
    secret = next(line.split()[-1] for line in out.splitlines() if line.strip().startswith("secret:"))
    assert "/xapi/statements" in out and secret.startswith("xas_")
    assert read(client, (key, secret)).status_code == 200
    listed = cli(app, "list", "--organisation", OTHER)
    assert key in listed and "Company LRS" in listed and secret not in listed
    assert "no credentials" in cli(app, "list", "--organisation", "default")
    credential_id = listed.split()[0]
    assert "revoked" in cli(app, "revoke", credential_id)
    assert read(client, (key, secret)).status_code == 401
    assert "revoked" in cli(app, "list")
    with get_db(app).sessionmaker() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.subject == key)).all()
    assert sorted(actions) == ["xapi_credential.created", "xapi_credential.revoked"]
    assert "no organisation 'nobody'" in cli(app, "add", "--organisation", "nobody", "--name", "x", ok=False)


def test_the_retired_global_password_opens_nothing_and_warns_at_start(settings_overrides, caplog):
    with caplog.at_level(logging.WARNING, logger="lti_tool.events"):
        app = create_app({**settings_overrides, "xapi_store_password": "the-old-shared-password"})
    assert "xapi credentials add" in caplog.text and "AFTERSALES_XAPI_STORE_PASSWORD" in caplog.text
    try:
        statements_of(app, "default", 0)
        client = app.test_client()
        assert read(client, ("xapi", "the-old-shared-password")).status_code == 401
        response = client.get("/xapi/statements", headers=HEADERS)  # no credential exists at all
        assert response.status_code == 401 and "credentials add" in response.get_json()["message"]
    finally:
        get_db(app).engine.dispose()


def test_failed_authentications_are_throttled_per_address_across_processes(app, settings_overrides, monkeypatch):
    statements_of(app, "default", 0)
    right = credential(app)
    wrong = (right[0], right[1] + "-guess")
    other_process = create_app(settings_overrides)  # another web process on the same database
    try:
        clients = [app.test_client(), other_process.test_client()]
        for i in range(10):
            assert read(clients[i % 2], wrong, address="203.0.113.7").status_code == 401
        blocked = read(clients[0], right, address="203.0.113.7")
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["Retry-After"]) <= 60
        assert read(clients[1], right, address="203.0.113.7").status_code == 429
        assert read(clients[0], right, address="198.51.100.9").status_code == 200  # another client
        later = utcnow() + timedelta(seconds=61)
        monkeypatch.setattr(throttle, "utcnow", lambda: later)
        assert read(clients[0], right, address="203.0.113.7").status_code == 200
        assert read(clients[0], wrong, address="192.0.2.1").status_code == 401
        with get_db(app).sessionmaker() as s:  # the expired failures are gone, the new one is kept
            assert s.scalars(select(throttle.AuthFailure.address)).all() == ["192.0.2.1"]
    finally:
        get_db(other_process).engine.dispose()


def test_the_throttle_follows_its_settings(settings_overrides):
    limit = 3
    app = create_app({**settings_overrides, "auth_throttle_failures": limit, "auth_throttle_window_seconds": 5})
    try:
        right = credential(app)
        client = app.test_client()
        for _ in range(limit):
            assert read(client, (right[0], "nope")).status_code == 401
        response = read(client, right)
        assert response.status_code == 429 and int(response.headers["Retry-After"]) <= 5
    finally:
        get_db(app).engine.dispose()


def test_a_throttle_that_would_lock_everyone_out_is_refused_at_start(settings_overrides):
    with pytest.raises(ValidationError, match="auth_throttle_failures"):
        create_app({**settings_overrides, "auth_throttle_failures": 0})
