"""What an LRS's answer means for a delivery, how statements are compared after a 409,
how a target backs off, and how targets come from settings."""

from __future__ import annotations

import copy
import json

import pytest
import requests

from lti_tool.settings import load_settings
from xapi.lrs import Kind, Target, classify, same_statement
from xapi.outbox import backoff_seconds


def response(status: int, body=None) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    r._content = json.dumps(body).encode() if body is not None else b""
    return r


@pytest.mark.parametrize("status,kind", [
    (200, Kind.OK), (204, Kind.OK), (409, Kind.CONFLICT),
    (400, Kind.REJECTED), (413, Kind.REJECTED), (422, Kind.REJECTED),
    (401, Kind.UNAVAILABLE), (403, Kind.UNAVAILABLE), (404, Kind.UNAVAILABLE), (408, Kind.UNAVAILABLE),
    (429, Kind.UNAVAILABLE), (500, Kind.UNAVAILABLE), (502, Kind.UNAVAILABLE), (503, Kind.UNAVAILABLE),
    (302, Kind.UNAVAILABLE),
])
def test_answers_are_classified(status, kind):
    """Wrong credentials or URL (401/403/404) are the target's problem, not the
    statements': they back off instead of parking every statement."""
    assert classify(response(status)).kind is kind


def test_the_lrs_reason_is_kept():
    answer = classify(response(400, {"detail": [{"loc": ["body", 0, "verb"], "msg": "bad verb"}]}))
    assert answer.status == 400 and "bad verb" in answer.reason
    assert classify(response(400, {"message": "not in profile"})).reason == "not in profile"


def test_same_statement_ignores_what_an_lrs_assigns_or_reserialises(sample_statements):
    """xAPI 1.0.3 Data §2.3.1: stored, authority, version, timestamp serialisation,
    activity definitions and verb display are not part of the statement."""
    ours = sample_statements["attempt-passed"]
    theirs = copy.deepcopy(ours)
    theirs.update(stored="2026-03-02T02:00:00Z", version="1.0.0",
                  authority={"account": {"homePage": "http://lrs.example.com", "name": "tool"}})
    theirs["timestamp"] = "2026-03-02T09:15:30.250+08:00"
    theirs["verb"]["display"] = {"en-US": "passed"}
    theirs["object"]["definition"]["name"] = {"en": "renamed"}
    theirs["result"]["score"]["raw"] = 17  # 17.0 as an integer
    assert same_statement(ours, theirs)
    theirs["result"]["success"] = False
    assert not same_statement(ours, theirs)


def test_backoff_is_exponential_with_jitter_and_capped():
    for failures in range(1, 12):
        ceiling = min(60.0, 2.0 * 2 ** (failures - 1))
        draws = [backoff_seconds(failures, 2.0, 60.0) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in draws)
        assert len({round(d, 6) for d in draws}) > 150  # jittered, not one fixed delay
    assert max(backoff_seconds(40, 2.0, 60.0) for _ in range(100)) <= 60.0


def test_targets_come_from_settings_with_their_secret():
    settings = load_settings({"lrs_targets": [{"name": "ralph", "endpoint": "https://lrs.example.com/xAPI/",
                                               "username": "tool", "password": "s3cret", "batch_size": 50}]})
    target = Target.from_settings(settings.lrs_targets[0])
    assert (target.password, target.batch_size, target.version, target.timeout_seconds) == ("s3cret", 50, "1.0.3", 10.0)
    assert target.statements_url == "https://lrs.example.com/xAPI/statements"
    with pytest.raises(ValueError):
        Target("bad", "lrs.example.com/xAPI/")
    with pytest.raises(ValueError):
        Target("bad", "https://lrs.example.com/xAPI/", batch_size=0)
