"""Evidence uploads within limits, over HTTP: a photo over the pixel cap is refused with
a clear message and nothing stored; while the process's image budget is full an
upload waits, then is told to try again; and uploads at once into the last free slot
of a criterion store exactly one photo."""

from __future__ import annotations

import threading
from io import BytesIO
from pathlib import Path

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select

from lti_tool.practical import evidence
from lti_tool.practical.models import Evidence
from tests.functional.practical.conftest import csrf
from tests.functional.practical.test_evidence import photo, start, upload
from tests.support.waiting import wait_for


@pytest.fixture
def short_wait(settings_overrides):
    """Taken before ``app``: an upload waits one second for room, not twenty."""
    settings_overrides["evidence_wait_seconds"] = 1.0


def stored(app, db_session) -> tuple[int, int]:
    db_session.expire_all()
    rows = db_session.scalar(select(func.count()).select_from(Evidence))
    return rows, len(list((Path(app.instance_path) / "evidence").rglob("*.jpg")))


def test_a_photo_over_the_pixel_cap_is_refused_from_its_header(people, platform, app, db_session):
    instructor = start(people)
    out = BytesIO()
    Image.new("L", (5000, 4000)).save(out, "PNG")  # 20 MP in a few kB
    assert len(out.getvalue()) < 100_000
    refused = upload(instructor, out.getvalue(), name="big.png")
    assert refused.status_code == 413 and refused.json()["error"] == "pixels"
    assert "16" in refused.json()["message"]  # says the limit
    page = upload(instructor, out.getvalue(), name="big.png", json=False)
    assert page.status_code == 413 and "16" in page.text and "Traceback" not in page.text
    assert stored(app, db_session) == (0, 0)


def test_an_upload_waits_for_the_image_budget_then_is_told_to_try_again(short_wait, people, platform, app,
                                                                         db_session):
    instructor = start(people)
    budget = app.extensions["evidence_budget"]
    with budget.hold(budget.capacity, 0):  # other uploads are decoding
        busy = upload(instructor, photo(300, 200))
    assert busy.status_code == 503 and busy.json()["error"] == "busy" and busy.headers["Retry-After"]
    assert stored(app, db_session) == (0, 0)
    assert upload(instructor, photo(300, 200)).status_code == 201  # room again


def test_six_uploads_at_once_into_the_last_free_slot_store_one(people, platform, app, db_session):
    instructor = start(people)
    small = photo(120, 90)
    for _n in range(evidence.MAX_PER_CRITERION - 1):
        assert upload(instructor, small).status_code == 201
    form = instructor.page.form("evidence-lockout")
    token = csrf(instructor)
    budget = app.extensions["evidence_budget"]
    answers: list[int] = []

    def send():
        with requests.Session() as session:
            session.cookies.update(instructor.session.cookies)
            session.headers.update(instructor.session.headers)
            answers.append(session.post(form.action, timeout=60, files={"photo": ("p.jpg", small, "image/jpeg")},
                                        data={"csrf_token": token, "criterion_id": "lockout"},
                                        headers={"Accept": "application/json"}).status_code)

    threads = [threading.Thread(target=send) for _n in range(6)]
    with budget.hold(budget.capacity, 0):  # all six pass the early count, then wait to decode
        for thread in threads:
            thread.start()
        wait_for(lambda: budget.waiting == 6, what="the six uploads to wait for the image budget")
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [201] + [422] * 5
    assert stored(app, db_session) == (evidence.MAX_PER_CRITERION, 2 * evidence.MAX_PER_CRITERION)
    slots = db_session.scalars(select(Evidence.slot).where(Evidence.criterion_id == "lockout")).all()
    assert sorted(slots) == list(range(1, evidence.MAX_PER_CRITERION + 1))
