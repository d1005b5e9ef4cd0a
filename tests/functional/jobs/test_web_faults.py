"""A web process killed with SIGKILL while learners submit their quizzes: every
attempt is either fully submitted (result, responses, training record, xAPI
statements, AGS score row) or untouched, never half. Some submits are held by a row
lock halfway through their transaction (attempt claimed, paper written), so the kill
always finds them in flight however fast the others are; after a restart the untouched
ones are submitted, a second submit of a finished one changes nothing, and each
learner ends with exactly one result, one record and one score row. On PostgreSQL,
under gunicorn, as in production."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, text

from lti_tool.db import get_db
from lti_tool.jobs import queue
from lti_tool.learning import emit_due_statements
from lti_tool.learning.models import AttemptResponse, QuizAttempt
from lti_tool.lti.ags_models import ScoreOutbox
from lti_tool.records.models import TrainingRecord
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser
from tests.support.postgres import free_port
from tests.support.quiz_library import write_quiz_course
from tests.support.waiting import wait_for
from xapi import schema

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]
CLI = Path(sys.executable).with_name("aftersales-training")
COURSE, QUIZ, LEARNERS = "fault-course", "fault-quiz", 16
HELD = 4  # learners whose submit is in flight when the process dies
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture
def database_url(postgres_database_url):
    return postgres_database_url


@pytest.fixture
def answers(tmp_path) -> list[tuple[str, str]]:
    fields = write_quiz_course(tmp_path / "library", COURSE, QUIZ, 50)
    return [(name, value) for name, values in fields.items() for value in values]


@pytest.fixture
def settings_overrides(settings_overrides, tmp_path, answers):
    return {**settings_overrides, "content_path": tmp_path / "library"}


class Web:
    """``aftersales-training serve`` (no worker: the outbox rows stay to be counted), with
    threads to spare beside the held submits."""

    def __init__(self, settings: dict, port: int, log: Path) -> None:
        self.port, self.log = port, log
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_DATABASE_URL": settings["database_url"],
                    "AFTERSALES_PUBLIC_BASE_URL": settings["public_base_url"],
                    "AFTERSALES_SECRET_KEY": settings["secret_key"],
                    "AFTERSALES_INSTANCE_PATH": str(settings["instance_path"]),
                    "AFTERSALES_CONTENT_PATH": str(settings["content_path"]), "AFTERSALES_EMBEDDED_WORKER": "false",
                    "AFTERSALES_ALLOW_PRIVATE_OUTBOUND": str(settings["allow_private_outbound"]).lower()}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Web":
        out = open(self.log, "ab")
        self.process = subprocess.Popen([str(CLI), "serve", "--port", str(self.port), "--workers", "2",
                                         "--threads", "8"],
                                        env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        out.close()
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()[-3000:]
            time.sleep(0.1)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=40)


@pytest.fixture
def web(app, settings_overrides, tool_port, tmp_path):
    server = Web(settings_overrides, tool_port, tmp_path / "web.log").start()
    yield server
    server.stop()


def state(app) -> dict[int, dict]:
    """Per attempt: its status and every row a submit writes."""
    with get_db(app).sessionmaker() as s:
        attempts = s.scalars(select(QuizAttempt)).all()
        responses = {row[0]: row[1] for row in s.execute(
            select(AttemptResponse.attempt_id, func.count()).group_by(AttemptResponse.attempt_id)).all()}
        scores = Counter(s.scalars(select(ScoreOutbox.user_id)).all())
        records = {r.user_id: r.status for r in s.scalars(select(TrainingRecord).where(TrainingRecord.kind == "quiz"))}
        verbs = defaultdict(set)
        for body in s.scalars(select(schema.statement.c.body)):
            body = body if isinstance(body, dict) else json.loads(body)
            registration = body.get("context", {}).get("registration")
            verbs[registration].add(body["verb"]["id"])
        return {a.id: {"user": a.user_id, "status": a.status, "score": a.score, "responses": responses.get(a.id, 0),
                       "scores": scores[a.user_id], "record": records.get(a.user_id),
                       "completed": COMPLETED in verbs[a.uuid], "owed": a.statements_due} for a in attempts}


def writers_waiting(engine, waiting: bool = True) -> int:
    """Server processes of this database inside a writing transaction (other than the
    asking one); with *waiting*, only those waiting for a lock."""
    with engine.connect() as c:
        return c.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            + (" AND wait_event_type = 'Lock'" if waiting else "")))


def assert_whole_or_untouched(rows: dict[int, dict]) -> tuple[int, int]:
    done = untouched = 0
    for attempt in rows.values():
        if attempt["status"] == "open":
            assert (attempt["score"], attempt["responses"], attempt["scores"], attempt["completed"]) == \
                (None, 0, 0, False), attempt  # its "attempted" statement may be owed, nothing more
            assert attempt["record"] == "in_progress", attempt
            untouched += 1
        else:
            assert attempt["score"] is not None and attempt["responses"] == 50 and attempt["scores"] == 1, attempt
            # The "completed" statement is stored, or owed by the worker (flagged in the same transaction).
            assert attempt["completed"] or attempt["owed"], attempt
            assert attempt["record"] not in (None, "in_progress"), attempt
            done += 1
    return done, untouched


def test_a_web_process_killed_mid_submit_leaves_no_half_attempt(app, web, answers):
    queue.reset()
    with TestPlatform(tool_base_url=web.url) as lms:
        lms.register_in_tool(app)
        link = lms.add_resource_link("测验", custom={"item_kind": "quiz", "item_id": f"{COURSE}/{QUIZ}"},
                                     line_item={"label": "测验", "scoreMaximum": 100, "resourceId": QUIZ})
        learners = []
        for n in range(LEARNERS):
            lms.add_user(f"k{n}", f"学员{n}")
            browser = Browser(timeout=60)
            page = lms.launch(browser, user=f"k{n}", resource_link=link.id)
            assert page.status_code == 200 and "/learn/quiz/" in page.url
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            started = browser.session.post(f"{web.url}/learn/start/{COURSE}/{QUIZ}", data={"csrf_token": token},
                                           allow_redirects=False, timeout=30)
            assert started.status_code == 303
            learners.append((browser, token, web.url + started.headers["Location"] + "/submit"))

        def submit(browser, token, url, outcomes):
            try:
                response = browser.session.post(url, data=[("csrf_token", token), *answers],
                                                allow_redirects=False, timeout=30)
                outcomes.append(response.status_code)
            except requests.RequestException as exc:  # the process died under it
                outcomes.append(type(exc).__name__)

        # Hold the first learners' submits mid-transaction: their training records are
        # locked, so each waits there having claimed its attempt and written its paper.
        held_ids = [int(re.search(r"/attempt/(\d+)/", url).group(1)) for *_, url in learners[:HELD]]
        engine = get_db(app).engine
        with engine.connect() as holder:
            held_users = holder.scalars(select(QuizAttempt.user_id).where(QuizAttempt.id.in_(held_ids))).all()
            holder.execute(select(TrainingRecord.id).where(TrainingRecord.user_id.in_(held_users),
                                                          TrainingRecord.kind == "quiz").with_for_update(key_share=True))
            held: list = []
            held_threads = [threading.Thread(target=submit, args=(*learner, held)) for learner in learners[:HELD]]
            for t in held_threads:
                t.start()
            wait_for(lambda: writers_waiting(engine) == HELD, what="the held submits to wait on the lock")

            others: list = []  # the rest submit whole meanwhile
            threads = [threading.Thread(target=submit, args=(*learner, others)) for learner in learners[HELD:]]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert others == [303] * (LEARNERS - HELD), others
            assert writers_waiting(engine) == HELD

            web.kill()  # SIGKILL the master and its workers, the held submits in flight
            holder.rollback()  # let them run on: each finds its client gone and rolls back
        wait_for(lambda: writers_waiting(engine, waiting=False) == 0, what="the killed submits to roll back")
        for t in held_threads:
            t.join(timeout=40)
        assert len(held) == HELD and not any(isinstance(o, int) for o in held), held  # they died with the process
        rows = state(app)
        assert assert_whole_or_untouched(rows) == (LEARNERS - HELD, HELD)
        assert {i for i, a in rows.items() if a["status"] == "open"} == set(held_ids)

        web.start()
        again: list = []
        for learner in learners:  # every learner submits (again)
            submit(*learner, again)
        assert set(again) == {303}, again
        rows = state(app)
        assert assert_whole_or_untouched(rows) == (LEARNERS, 0)
        per_user = Counter(a["user"] for a in rows.values() if a["status"] != "open")
        assert len(per_user) == LEARNERS and set(per_user.values()) == {1}
        while emit_due_statements(app):  # the worker's passes pay what the submits owe
            pass
        assert all(a["completed"] and not a["owed"] for a in state(app).values() if a["status"] != "open")
