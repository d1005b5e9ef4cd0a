"""Six worst-case evidence uploads at once against the real server (``aftersales-training
serve``: gunicorn, two web processes of eight threads, as in production): three photos
just under the 16 MP cap and three over it, each a PNG of a few kB. Each web process's
peak memory (VmHWM, reset just before) grows by less than its image budget plus a
margin: the photos are decoded in turn within the budget, the ones over the cap are
refused from their header. Before the budget, the same six took 2.1 GB more in one
process."""

from __future__ import annotations

import re
import threading
from io import BytesIO
from pathlib import Path

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select

from lti_tool.practical.models import Evidence
from tests.functional.jobs.test_web_faults import web  # noqa: F401  (fixture: ``serve`` as a process)
from tests.functional.practical.conftest import TASK
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser

pytestmark = pytest.mark.postgres

BUDGET_MB = 256  # the default AFTERSALES_EVIDENCE_MEMORY_MB
MARGIN_MB = 128  # request buffers, encoder buffers, and freed pixels glibc keeps in per-thread arenas


def png(width: int, height: int, mode: str = "RGBA") -> bytes:
    out = BytesIO()
    Image.new(mode, (width, height), (90, 90, 90, 255) if mode == "RGBA" else 0).save(out, "PNG")
    return out.getvalue()


def status(pid: int) -> dict[str, int]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: int(v.split()[0]) // 1024 for k, v in (line.split(":", 1) for line in lines) if k in ("VmHWM", "VmRSS")}


def web_processes(web) -> list[int]:
    """The gunicorn workers of ``serve`` (its children: no embedded worker runs)."""
    pid = web.process.pid
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture
def database_url(postgres_database_url):
    return postgres_database_url  # as in production; the memory measured is the web process's own


def test_six_worst_case_uploads_at_once_stay_within_the_memory_budget(app, web, db_session):
    with TestPlatform(tool_base_url=web.url) as lms:
        lms.register_in_tool(app)
        link = lms.add_resource_link("实操考核", custom={"item_kind": "practical", "item_id": TASK},
                                     line_item={"scoreMaximum": 100, "resourceId": TASK, "tag": "practical"})
        lms.launch(Browser(), user="learner", resource_link=link.id)
        trainer = Browser(timeout=60)
        lms.launch(trainer, user="instructor", resource_link=link.id)
        trainer.submit(trainer.page.form(action_contains="/practical/assess"))
        form = trainer.page.form("evidence-lockout")
        token = re.search(r'name="csrf_token" value="([^"]+)"', trainer.page.html).group(1)

        def send(data: bytes, criterion: str, answers: list):
            with requests.Session() as session:
                session.cookies.update(trainer.session.cookies)
                session.headers.update(trainer.session.headers)
                answers.append(session.post(form.action, timeout=120, files={"photo": ("p.png", data, "image/png")},
                                            data={"csrf_token": token, "criterion_id": criterion},
                                            headers={"Accept": "application/json"}).status_code)

        warm: list[int] = []
        send(png(800, 600), "quality", warm)  # PIL, the templates and the database pool loaded
        assert warm == [201], web.log.read_text()[-2000:]
        near_cap, over_cap = png(4608, 3456), png(6300, 6300, "L")  # 15.9 MP and 39.7 MP
        assert len(near_cap) < 200_000 and len(over_cap) < 200_000
        pids = web_processes(web)
        assert len(pids) == 2
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        before = {pid: status(pid) for pid in pids}
        answers: list[int] = []
        threads = [threading.Thread(target=send, args=(data, "lockout", answers))
                   for data in (near_cap, over_cap) * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        after = {pid: status(pid) for pid in pids}

    for pid in pids:  # each process keeps to its own budget, wherever the uploads landed
        growth = after[pid]["VmHWM"] - before[pid]["VmRSS"]
        print(f"web process {pid}: {before[pid]['VmRSS']} MB before, peak {after[pid]['VmHWM']} MB (+{growth} MB)")
        assert growth < BUDGET_MB + MARGIN_MB
    assert sorted(answers) == [201] * 3 + [413] * 3, web.log.read_text()[-2000:]
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Evidence)) == 4
