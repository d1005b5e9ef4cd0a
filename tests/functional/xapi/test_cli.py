"""``aftersales-training xapi status | retry | replay | drain`` against Ralph and a
target that rejects, with the LRS targets coming from the app's settings."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lti_tool import events
from lti_tool.cli import AppContext, main
from lti_tool.db import get_db
from tests.functional.xapi.conftest import lesson_events
from tests.support.xapi_store import default_org

pytestmark = pytest.mark.lrs  # Ralph: a real LRS process, or its models


@pytest.fixture
def lrs_targets(ralph, ralph_user, stub_lrs):
    return [ralph.target_settings(ralph_user, name="ralph", batch_size=3),
            {"name": "strict", "endpoint": stub_lrs.endpoint, "timeout_seconds": 2}]


def run(app, *args):
    ctx = AppContext()
    ctx._app = app
    result = CliRunner().invoke(main, ["xapi", *args], obj=ctx)
    assert result.exit_code == 0, result.output
    return result.output


def test_status_drain_retry_and_replay(app, ralph, ralph_user, stub_lrs):
    with get_db(app).sessionmaker.begin() as s:
        events.emit(s, lesson_events(events.activity_base(app), learners=1, per_learner=5),
                    organisation_id=default_org(s))
    assert "statements stored: 5" in run(app, "status")
    assert "5 statements delivered, 5 parked" in run(app, "drain")
    assert len(ralph.stored_ids(ralph_user)) == 5

    out = run(app, "status", "--parked")
    assert "ralph  " in out and "pending 0  delivered 5  parked 0" in out
    assert "strict  " in out and "pending 0  delivered 0  parked 5" in out
    assert out.count("parked  strict") == 5 and "HTTP 400  statement" in out and "verb not in our profile" in out

    stub_lrs.mode = "accept"  # the LRS's profile now allows the verb
    out = run(app, "retry", "--target", "strict")
    assert "5 parked statements queued again" in out and "5 statements delivered, 0 parked" in out
    assert len(stub_lrs.stored) == 5
    assert "pending 0  delivered 5  parked 0" in run(app, "status").split("strict")[1]

    out = run(app, "replay", "--since", "2020-01-01", "--target", "ralph")
    assert "5 statements stored since 2020-01-01T00:00:00+00:00 queued for ralph" in out
    assert "5 statements delivered, 0 parked" in out
    assert len(ralph.stored_ids(ralph_user)) == 5  # Ralph keeps one copy per statement id


def test_replay_refuses_an_unknown_target(app):
    ctx = AppContext()
    ctx._app = app
    result = CliRunner().invoke(main, ["xapi", "replay", "--since", "2026-01-01", "--target", "nope"], obj=ctx)
    assert result.exit_code != 0 and "not a configured LRS target: nope" in result.output
    result = CliRunner().invoke(main, ["xapi", "replay", "--since", "last week"], obj=ctx)
    assert result.exit_code != 0 and "not an ISO 8601 time" in result.output


@pytest.mark.parametrize("lrs_targets", [[]])
def test_status_without_any_lrs(app, lrs_targets):
    out = run(app, "status")
    assert "no LRS target configured" in out and "local store at /xapi/statements" in out
