"""The embedded default needs no server: ``aftersales-training serve`` on SQLite in a
fresh instance folder answers, is ready, takes a real LTI launch, and its embedded
worker delivers a score to the LMS; SIGTERM stops the web and the worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from lti_tool import create_app
from lti_tool.db import get_db, utcnow
from lti_tool.jobs import queue
from lti_tool.lti import ags
from lti_tool.lti.models import ResourceLink, User
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser
from tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parents[3]
CLI = Path(sys.executable).with_name("aftersales-training")


def process_group(pgid: int) -> dict[int, str]:
    """pid -> command line of every live process in the group (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid or (entry / "stat").read_text().split(") ")[1][0] == "Z":
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
    return found


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("AFTERSALES_")}
    # No AFTERSALES_PUBLIC_BASE_URL: serve derives it from --port, and the launch below
    # only works when the web processes use that URL.
    env.update({"PYTHONPATH": str(ROOT), "AFTERSALES_INSTANCE_PATH": str(tmp_path / "instance"),
                "AFTERSALES_ALLOW_PRIVATE_OUTBOUND": "true"})  # the test LMS is on 127.0.0.1
    out = open(tmp_path / "serve.log", "wb")
    process = subprocess.Popen([str(CLI), "serve", "--port", str(port), "--workers", "1", "--threads", "2"], env=env,
                               cwd=tmp_path,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        assert time.monotonic() < deadline, "serve did not answer within 60 s"
        time.sleep(0.1)
    yield process, url, tmp_path
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    out.close()


def test_serve_runs_the_whole_tool_with_no_other_server(served):
    process, url, tmp_path = served
    assert f"open {url}/" in (tmp_path / "serve.log").read_text()
    assert requests.get(f"{url}/readyz", timeout=5).json() == {"status": "ok"}
    assert (tmp_path / "instance" / "aftersales.db").exists()  # SQLite, in the instance folder
    assert any("lti_tool.jobs.worker" in cmd for cmd in process_group(process.pid).values()), "no embedded worker"

    queue.reset()
    app = create_app({"instance_path": tmp_path / "instance", "public_base_url": url, "allow_private_outbound": True})
    with TestPlatform(tool_base_url=url) as lms:
        lms.register_in_tool(app)
        link = next(link for link in lms.resource_links() if link.lineitem_id is not None)
        with Browser() as browser:
            assert lms.launch(browser, user="learner", resource_link=link.id).status_code == 200
        with get_db(app).sessionmaker.begin() as s:
            row = s.scalars(select(ResourceLink).where(ResourceLink.lms_resource_link_id == link.id)).one()
            person = s.scalars(select(User).where(User.sub == lms.user("learner").sub)).one()
            ags.enqueue_score(s, resource_link=row, user=person, resource_id="quiz-embedded", label="嵌入式测验",
                              score_given=9.0, score_maximum=10.0, activity_progress="Completed",
                              grading_progress=ags.FULLY_GRADED, scored_at=utcnow())
        deadline = time.monotonic() + 30
        while not lms.scores():
            assert time.monotonic() < deadline, "the embedded worker delivered nothing in 30 s"
            time.sleep(0.2)
        assert [s["scoreGiven"] for s in lms.scores()] == [9.0]
    get_db(app).engine.dispose()

    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=40)
    deadline = time.monotonic() + 20
    while process_group(process.pid):  # the web processes and the worker stop with it
        assert time.monotonic() < deadline, process_group(process.pid)
        time.sleep(0.2)


def test_serve_answers_every_one_of_many_keep_alive_clients(served):
    """Fifty clients that keep their connections (as browsers do) on one web process with
    two threads: every request is answered, none waits on a thread held by another
    client's idle connection (gunicorn's gthread worker with keep-alive fails some)."""
    _process, url, _tmp_path = served
    failures, answered, stop_at = [], [], time.monotonic() + 4

    def client() -> None:
        with requests.Session() as session:
            while time.monotonic() < stop_at:
                try:
                    response = session.get(f"{url}/healthz", timeout=10)
                    answered.append(response.status_code)
                    assert response.headers.get("Connection", "").lower() == "close"
                except (requests.RequestException, AssertionError) as exc:
                    failures.append(repr(exc)[:120])

    threads = [threading.Thread(target=client) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, (len(failures), len(answered), failures[:3])
    assert len(answered) >= 50 and set(answered) == {200}
