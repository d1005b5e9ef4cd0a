"""``GET /xapi/statements``: the local store through the xAPI Statements API subset
(xAPI 1.0.3 Communication §2.1.3, headers §1.2 and §3.3), over the test client."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from lti_tool import events
from lti_tool.db import get_db
from tests.support.xapi_store import basic_header, credential, default_org
from tests.unit.xapi.samples import ATTEMPT, ISSUER, TRAINER, WHEN, samples
from xapi import schema
from xapi.statements import voided
from xapi.store import to_dict
from xapi.vocabulary import Verb

HEADERS = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture
def client(app):
    """A client holding a credential of the default organisation (the one the samples
    are recorded for): every request sends it."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = basic_header(*credential(app))
    return client


@pytest.fixture
def recorded(app):
    """Every sample kind recorded, one second apart in ``stored`` order."""
    items = samples(events.activity_base(app))
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, list(items.values()), organisation_id=default_org(s))
        base = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
        for i, statement in enumerate(items.values()):
            s.execute(update(schema.statement).where(schema.statement.c.id == str(statement.id))
                      .values(stored=base + timedelta(seconds=i)))
    return {name: to_dict(st) for name, st in items.items()}


def get(client, **params):
    return client.get("/xapi/statements", query_string=params, headers=HEADERS)


@pytest.mark.parametrize("auth", [None, "wrong secret", "unknown key", "bearer"])
def test_wrong_or_missing_credentials_get_401_with_a_basic_challenge(app, auth):
    key, secret = credential(app)
    headers = {**HEADERS, "Authorization": {
        None: "", "wrong secret": basic_header(key, secret + "x"), "unknown key": basic_header("xak_0", secret),
        "bearer": f"Bearer {secret}"}[auth]}
    response = app.test_client().get("/xapi/statements", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_get_by_statement_id_returns_it_as_recorded_plus_lrs_properties(app, client, recorded):
    """§2.1.3 single statement; Data §2.4.8-2.4.10: stored, authority and version set by
    the store; everything else exactly as recorded."""
    ours = recorded["practical-scored"]
    response = get(client, statementId=ours["id"])
    assert response.status_code == 200
    body = response.get_json()
    assert {k: v for k, v in body.items() if k not in ("stored", "authority", "version")} == ours
    position = list(recorded).index("practical-scored")
    assert body["stored"] == f"2026-03-02T02:00:{position:02d}.000Z"
    assert body["authority"]["account"] == {"homePage": events.activity_base(app), "name": "aftersales-training"}
    assert body["version"] == "1.0.0"
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert response.headers["Last-Modified"].endswith("GMT")
    consistent = datetime.fromisoformat(response.headers["X-Experience-API-Consistent-Through"])
    assert consistent.tzinfo is not None and consistent <= datetime.now(timezone.utc)


def test_unknown_statement_is_404(client, recorded):
    assert get(client, statementId="00000000-0000-4000-8000-000000000000").status_code == 404


def test_voided_statements_only_by_voided_statement_id(app, client, recorded):
    """§2.1.4: a voided statement is returned by voidedStatementId only, and left out
    of queries; the voiding statement itself is returned."""
    target = recorded["session-attended/late"]["id"]
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, [voided(TRAINER, target, timestamp=WHEN + timedelta(hours=2))],
                    organisation_id=default_org(s))
    assert get(client, statementId=target).status_code == 404
    assert get(client, voidedStatementId=target).get_json()["id"] == target
    assert get(client, voidedStatementId=recorded["launched"]["id"]).status_code == 404
    listed = [s["id"] for s in get(client).get_json()["statements"]]
    assert target not in listed and len(listed) == len(recorded)
    assert get(client, verb=Verb.VOIDED.value).get_json()["statements"][0]["object"]["id"] == target


def test_filters_agent_verb_activity_registration(client, recorded):
    agent = json.dumps({"objectType": "Agent", "account": {"homePage": ISSUER, "name": "learner-17"}})
    assert len(get(client, agent=agent).get_json()["statements"]) == len(recorded) - 1  # the trainer voided
    nobody = json.dumps({"account": {"homePage": ISSUER, "name": "nobody"}})
    assert get(client, agent=nobody).get_json() == {"statements": [], "more": ""}
    passed = get(client, verb=Verb.PASSED.value).get_json()["statements"]
    assert {s["id"] for s in passed} == {recorded["attempt-passed"]["id"], recorded["practical-passed"]["id"]}
    quiz = recorded["quiz-attempted"]["object"]["id"]
    assert {s["id"] for s in get(client, activity=quiz).get_json()["statements"]} == {
        recorded[n]["id"] for n in ("quiz-attempted", "attempt-completed", "attempt-passed", "attempt-failed")}
    in_attempt = get(client, registration=str(ATTEMPT)).get_json()["statements"]
    assert all(s["context"]["registration"] == str(ATTEMPT) for s in in_attempt) and len(in_attempt) == 13


def test_since_until_and_order(client, recorded):
    """since is exclusive, until inclusive, on stored; newest first unless ascending."""
    names = list(recorded)
    page = get(client, since="2026-03-02T02:00:02Z", until="2026-03-02T02:00:05Z").get_json()["statements"]
    assert [s["id"] for s in page] == [recorded[n]["id"] for n in reversed(names[3:6])]
    page = get(client, since="2026-03-02T10:00:02+08:00", until="2026-03-02T02:00:05Z",
               ascending="true").get_json()["statements"]
    assert [s["id"] for s in page] == [recorded[n]["id"] for n in names[3:6]]


def test_limit_and_more_pages_through_everything_once(client, recorded):
    seen, url, pages = [], None, 0
    response = get(client, limit=5)
    while True:
        body = response.get_json()
        assert len(body["statements"]) <= 5
        seen += [s["id"] for s in body["statements"]]
        pages += 1
        if not body["more"]:
            break
        url = body["more"]
        assert url.startswith("/xapi/statements?") and "limit=5" in url
        response = client.get(url, headers=HEADERS)
    assert sorted(seen) == sorted(s["id"] for s in recorded.values()) and len(seen) == len(set(seen))
    assert pages == -(-len(recorded) // 5)


def test_format_ids_reduces_agents_activities_and_verbs(client, recorded):
    body = get(client, statementId=recorded["question-answered/choice"]["id"], format="ids").get_json()
    assert body["verb"] == {"id": Verb.ANSWERED.value}
    assert body["object"] == {"objectType": "Activity", "id": recorded["question-answered/choice"]["object"]["id"]}
    assert body["actor"] == {"objectType": "Agent", "account": {"homePage": ISSUER, "name": "learner-17"}}
    assert all(set(a) == {"objectType", "id"} for a in body["context"]["contextActivities"]["parent"])


@pytest.mark.parametrize("params,reason", [
    ({"statementId": "x"}, "statementId must be a UUID"),
    ({"statementId": "00000000-0000-4000-8000-000000000000", "voidedStatementId": "00000000-0000-4000-8000-000000000000"},
     "not both"),
    ({"statementId": "00000000-0000-4000-8000-000000000000", "verb": "http://adlnet.gov/expapi/verbs/passed"},
     "combine only with format and attachments"),
    ({"agent": "learner-17"}, "agent must be a JSON Agent object"),
    ({"agent": json.dumps({"account": {"homePage": ISSUER}})}, "homePage and name"),
    ({"verb": "passed"}, "verb must be an IRI"),
    ({"registration": "attempt-7"}, "registration must be a UUID"),
    ({"since": "yesterday"}, "since must be an ISO 8601 timestamp"),
    ({"until": "2026-03-02T02:00:00"}, "until must be an ISO 8601 timestamp with a time zone"),
    ({"limit": "-1"}, "limit must be a non-negative integer"),
    ({"ascending": "yes"}, "ascending must be true or false"),
    ({"related_agents": "true"}, "related_agents=true is not supported"),
    ({"format": "canonical"}, "format must be exact or ids"),
    ({"attachments": "true"}, "attachments=true is not supported"),
    ({"page": "2"}, "unknown parameter(s): page"),
])
def test_bad_parameters_get_400_with_the_reason(client, params, reason):
    response = get(client, **params)
    assert response.status_code == 400
    assert reason in response.get_json()["message"]
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_the_version_header_is_required(client):
    """Communication §3.3 (3.3.s3.b4.1): requests without a version header are rejected."""
    response = client.get("/xapi/statements")
    assert response.status_code == 400 and "X-Experience-API-Version" in response.get_json()["message"]


def test_writes_are_not_accepted(client):
    response = client.post("/xapi/statements", json=[], headers=HEADERS)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD"
