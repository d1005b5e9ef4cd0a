"""The production task queue: Dramatiq worker processes on a real Redis broker and a
real PostgreSQL deliver every xAPI statement (to the Ralph LRS) and every AGS score
(to the test LMS) exactly once: with three workers at once, with a worker killed by
SIGKILL in the middle of its batch, and across a broker restart that loses every
queued message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lti_tool import events
from lti_tool.db import get_db, utcnow
from lti_tool.jobs import queue
from lti_tool.lti import ags
from lti_tool.lti.ags_models import DELIVERED, PENDING, ScoreDelivery, ScoreOutbox
from lti_tool.lti.models import ResourceLink, User
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser
from tests.support.ralph import ralph  # noqa: F401  (the session's Ralph LRS)
from tests.support.redis import RedisServer
from tests.support.waiting import wait_for
from tests.unit.xapi.samples import LESSON, course_context
from tests.support.xapi_store import default_org
from xapi import admin, schema, statements
from xapi.statements import Item, Person

pytestmark = [pytest.mark.postgres, pytest.mark.lrs]

ROOT = Path(__file__).resolve().parents[3]
CLI = Path(sys.executable).with_name("aftersales-training")
LEARNERS = 12
STATEMENTS = 240


@pytest.fixture
def database_url(postgres_database_url):
    return postgres_database_url


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(workdir=tmp_path / "redis").start()
    yield server
    server.remove()


@pytest.fixture
def ralph_user(ralph):
    return ralph.new_user()


@pytest.fixture
def lrs_target(ralph, ralph_user) -> dict:
    # Short timeouts and lease: a killed worker's batch comes back within seconds.
    return ralph.target_settings(ralph_user, batch_size=10, timeout_seconds=2.0, lease_seconds=6.0)


@pytest.fixture
def settings_overrides(settings_overrides, broker, lrs_target):
    return {**settings_overrides, "broker_url": broker.url, "lrs_targets": [lrs_target]}


@pytest.fixture(autouse=True)
def _forget_queue():
    yield
    queue.reset()


class Workers:
    """``aftersales-training worker`` processes, each in a process group of its own."""

    def __init__(self, settings: dict, logs: Path) -> None:
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),  # the code under test, whatever the virtualenv installed
            "AFTERSALES_DATABASE_URL": settings["database_url"],
            "AFTERSALES_BROKER_URL": settings["broker_url"],
            "AFTERSALES_LRS_TARGETS": json.dumps(settings["lrs_targets"]),
            "AFTERSALES_PUBLIC_BASE_URL": settings["public_base_url"],
            "AFTERSALES_SECRET_KEY": settings["secret_key"],
            "AFTERSALES_INSTANCE_PATH": str(settings["instance_path"]),
            "AFTERSALES_JOBS_SWEEP_SECONDS": "1",
            "AFTERSALES_JOBS_HEARTBEAT_TIMEOUT_MS": "4000",
            "AFTERSALES_LOG_FORMAT": "json",
            "AFTERSALES_ALLOW_PRIVATE_OUTBOUND": str(settings["allow_private_outbound"]).lower(),
        }
        self.logs = logs
        self.processes: list[subprocess.Popen] = []

    def start(self, count: int = 1) -> list[subprocess.Popen]:
        started = []
        for _ in range(count):
            log = open(self.logs / f"worker-{len(self.processes)}.log", "ab")
            process = subprocess.Popen([str(CLI), "worker", "--processes", "1", "--threads", "2"], env=self.env,
                                       cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            log.close()
            self.processes.append(process)
            started.append(process)
        return started

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def alive(self) -> int:
        return sum(1 for p in self.processes if p.poll() is None)

    def niceness(self) -> set[int]:
        """The CPU priority of every worker process (Dramatiq's parents and their children)."""
        groups = {p.pid for p in self.processes if p.poll() is None}
        pids = [int(d) for d in os.listdir("/proc") if d.isdigit()]
        return {os.getpriority(os.PRIO_PROCESS, pid) for pid in pids if _group(pid) in groups}

    def log_tail(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.logs.glob("worker-*.log")))


@pytest.fixture
def workers(settings_overrides, tmp_path):
    group = Workers(settings_overrides, tmp_path)
    yield group
    group.stop()


@pytest.fixture
def lms(live_tool, app):
    platform = TestPlatform(tool_base_url=live_tool.url).start()
    platform.register_in_tool(app)
    for i in range(LEARNERS):
        platform.add_user(f"q{i}", f"学员{i}")
    yield platform
    platform.stop()


def launch_everyone(lms) -> list[tuple[str, str]]:
    """Each learner opens both graded activities; returns (link id, user key) pairs."""
    graded = [link for link in lms.resource_links() if link.lineitem_id is not None]
    assert len(graded) == 2
    pairs = []
    with Browser() as browser:
        for i in range(LEARNERS):
            for link in graded:
                assert lms.launch(browser, user=f"q{i}", resource_link=link.id).status_code == 200
                pairs.append((link.id, f"q{i}"))
    return pairs


def record_work(app, lms, pairs, *, statements_count: int = STATEMENTS, start: int = 0) -> None:
    """In one committed transaction, as a web request would: a score per pair and
    ``statements_count`` xAPI statements (the commit kicks the workers)."""
    ctx = course_context(events.activity_base(app))
    when = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
    with get_db(app).sessionmaker.begin() as s:
        for link_id, key in pairs:
            link = s.scalars(select(ResourceLink).where(ResourceLink.lms_resource_link_id == link_id)).one()
            person = s.scalars(select(User).where(User.sub == lms.user(key).sub)).one()
            ags.enqueue_score(s, resource_link=link, user=person, resource_id=f"quiz-{link_id}", label=f"测验 {link_id}",
                              score_given=float(int(key[1:]) % 10 + start), score_maximum=10.0,
                              activity_progress="Completed", grading_progress=ags.FULLY_GRADED,
                              scored_at=utcnow())
        events.emit(s, [statements.lesson_experienced(ctx, Person(lms.issuer, f"learner-{i % 7}"),
                                                     Item(f"lesson-{start + i}", LESSON.title),
                                                     timestamp=when + timedelta(seconds=start + i))
                        for i in range(statements_count)], organisation_id=default_org(s))


def backlog(app) -> tuple[int, int]:
    """(xAPI deliveries not yet done, scores not yet delivered)."""
    with get_db(app).sessionmaker() as s:
        status = admin.status(s, ["ralph"])
        waiting = status.waiting_fan_out + sum(t.pending for t in status.targets)
        scores = s.scalar(select(func.count()).select_from(ScoreOutbox).where(ScoreOutbox.status == PENDING))
        return waiting, scores


def wait_until_drained(app, workers: Workers, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if backlog(app) == (0, 0):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s: {backlog(app)}\n{workers.log_tail()}")
        time.sleep(0.25)


def delivered_scores(app) -> int:
    with get_db(app).sessionmaker() as s:
        return s.scalar(select(func.count()).select_from(ScoreOutbox).where(ScoreOutbox.status == DELIVERED))


def assert_everything_once(app, lms, ralph, ralph_user, expected_scores: int) -> dict:
    with get_db(app).sessionmaker() as s:
        recorded = s.scalars(select(schema.statement.c.id)).all()
        rows = s.scalars(select(ScoreOutbox)).all()
        sends = Counter(s.scalars(select(ScoreDelivery.outbox_id).where(ScoreDelivery.ok.is_(True))).all())
    # The LRS holds every recorded statement, each exactly once.
    stored = ralph.stored_ids(ralph_user)
    assert len(stored) == len(set(stored)), "a statement reached the LRS twice"
    assert sorted(stored) == sorted(str(i) for i in recorded)
    # Every score delivered; the LMS accepted each exactly once.
    assert len(rows) == expected_scores and all(r.status == DELIVERED for r in rows)
    assert all(sends[r.id] == 1 for r in rows)
    accepted = Counter((score["lineitem_id"], score["userId"]) for score in lms.scores())
    assert len(lms.scores()) == expected_scores and set(accepted.values()) == {1}
    return {"statements": len(stored), "scores": len(rows)}


def _group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def test_three_workers_deliver_every_statement_and_score_exactly_once(app, lms, workers, ralph, ralph_user):
    pairs = launch_everyone(lms)
    workers.start(3)
    lms.service_delay = 0.02  # each AGS answer takes a moment: the workers overlap
    record_work(app, lms, pairs)
    wait_until_drained(app, workers)
    figures = assert_everything_once(app, lms, ralph, ralph_user, expected_scores=len(pairs))
    assert figures["statements"] >= STATEMENTS
    # Without faults nothing was even attempted twice.
    with get_db(app).sessionmaker() as s:
        attempts = s.scalars(select(schema.delivery.c.attempts)).all()
        assert set(attempts) == {1}
        assert set(s.scalars(select(ScoreOutbox.attempts)).all()) == {1}
    assert workers.alive() == 3
    # They yield the CPU to web requests (``worker --nice``, 10 by default).
    assert workers.niceness() == {os.getpriority(os.PRIO_PROCESS, 0) + 10}


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(app, lms, workers, ralph, ralph_user):
    pairs = launch_everyone(lms)
    lms.service_delay = 0.5  # every AGS answer waits half a second before the LMS stores the score
    (victim,) = workers.start(1)
    record_work(app, lms, pairs)
    wait_for(lambda: len(lms.scores()) >= 2, what="the first scores")
    # The worker has sent the next score and waits for the answer (the LMS sleeps first).
    wait_for(lambda: lms.unanswered("/scores") >= 1, what="a score the LMS has yet to answer")
    workers.kill(victim)  # SIGKILL: no clean-up; its transaction, row lock and claims die with it
    assert delivered_scores(app) < len(pairs), "the kill came too late to test anything"
    workers.start(2)
    lms.service_delay = 0.0
    wait_until_drained(app, workers)
    # The LMS stored the scores the dead worker's threads were waiting on; sent again
    # with the same timestamp, Moodle answers 409 and the tool counts each delivered once.
    in_flight = len(lms.rejected_scores)
    assert in_flight >= 1 and {r["status"] for r in lms.rejected_scores} == {409}
    with get_db(app).sessionmaker() as s:
        rows = s.scalars(select(ScoreOutbox)).all()
        recorded = s.scalars(select(schema.statement.c.id)).all()
        answers = s.scalars(select(ScoreDelivery.status_code)).all()
    assert len(rows) == len(pairs) and all(r.status == DELIVERED for r in rows)
    assert sorted(answers) == [200] * (len(pairs) - in_flight) + [409] * in_flight
    accepted = Counter((score["lineitem_id"], score["userId"]) for score in lms.scores())
    assert len(accepted) == len(pairs) and set(accepted.values()) == {1}
    stored = ralph.stored_ids(ralph_user)
    assert len(stored) == len(set(stored)) and sorted(stored) == sorted(str(i) for i in recorded)


def test_a_broker_restart_loses_no_work(app, lms, workers, broker, ralph, ralph_user):
    pairs = launch_everyone(lms)
    workers.start(2)
    half = len(pairs) // 2
    broker.stop(kill=True)
    # The broker is down: committing work still succeeds (the kick is only logged).
    record_work(app, lms, pairs[:half], statements_count=60)
    time.sleep(1.5)
    assert backlog(app)[1] == half, "nothing can be delivered without the broker"
    broker.start()  # empty: every message queued before is gone
    record_work(app, lms, pairs[half:], statements_count=60, start=1000)
    wait_until_drained(app, workers)
    assert_everything_once(app, lms, ralph, ralph_user, expected_scores=len(pairs))
    assert workers.alive() == 2
