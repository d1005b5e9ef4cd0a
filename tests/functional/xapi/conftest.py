"""Fixtures for the xAPI functional tests: one real Ralph LRS for the session (each test
gets its own Ralph user, so its own empty statement store), stub endpoints, drainers."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from lti_tool.db import get_db
from tests.functional.xapi.servers import SilentServer, StubLrs
from tests.support.ralph import RalphServer, ralph  # noqa: F401  (the session's Ralph LRS)
from tests.unit.xapi.samples import LESSON, course_context
from xapi import outbox, statements
from xapi.statements import Item, Person
from xapi.lrs import Target

@pytest.fixture
def ralph_user(ralph):
    return ralph.new_user()


@pytest.fixture
def lrs_targets() -> list[dict]:
    """The app's ``lrs_targets`` setting; a test module overrides this fixture."""
    return []


@pytest.fixture
def settings_overrides(settings_overrides, lrs_targets):
    return {**settings_overrides, "lrs_targets": lrs_targets}


@pytest.fixture
def stub_lrs():
    server = StubLrs().start()
    yield server
    server.stop()


@pytest.fixture
def silent_server():
    server = SilentServer().start()
    yield server
    server.stop()


class CountingSession(requests.Session):
    """A real HTTP session that also notes every statement id it POSTs."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def request(self, method, url, **kwargs):
        if method.upper() == "POST" and kwargs.get("data"):
            self.log.extend(s["id"] for s in json.loads(kwargs["data"]))
        return super().request(method, url, **kwargs)


@pytest.fixture
def make_drainer(app):
    """A drainer on the test database with fast backoff (tests do not wait minutes)."""
    made = []

    def make(*targets: Target, sent: list[str] | None = None, **options) -> outbox.Drainer:
        options.setdefault("backoff_base", 0.05)
        options.setdefault("backoff_cap", 0.2)
        if sent is not None:
            options["http"] = lambda: CountingSession(sent)
        drainer = outbox.Drainer(get_db(app).sessionmaker, list(targets), **options)
        made.append(drainer)
        return drainer

    yield make
    for drainer in made:
        drainer.close()


def drain_until_done(drainer: outbox.Drainer, app, timeout: float = 60.0) -> None:
    """Run passes until nothing is pending for any of the drainer's targets."""
    from xapi import admin

    deadline = time.monotonic() + timeout
    while True:
        drainer.run_once()
        with get_db(app).sessionmaker() as s:
            status = admin.status(s, [t.name for t in drainer.targets])
        if status.waiting_fan_out == 0 and all(t.pending == 0 for t in status.targets):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still pending after {timeout} s: {status}")
        time.sleep(0.05)


def lesson_events(base_url: str, learners: int, per_learner: int, start: int = 0) -> list:
    """Distinct ``lesson-experienced`` statements, ``per_learner`` for each learner."""
    ctx = course_context(base_url)
    when = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    out = []
    for i in range(start, start + per_learner):
        for learner in range(learners):
            out.append(statements.lesson_experienced(
                ctx, Person("https://moodle.example.com", f"learner-{learner}"),
                Item(f"lesson-{i}", LESSON.title), timestamp=when + timedelta(seconds=i)))
    return out


def ralph_target(ralph: RalphServer, user, name: str = "ralph", **extra) -> Target:
    return Target(**ralph.target_settings(user, name=name, **extra))
