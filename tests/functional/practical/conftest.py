"""The practical and sessions tests run against the small sample library (course
``basics``: task ``basics/task`` with a critical checklist item and a rubric item,
session ``basics/class``), so courses other engineers are writing cannot break them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from lti_tool.db import get_db
from lti_tool.lti.models import User
from tests.support.browser import Browser

SAMPLE = Path(__file__).resolve().parents[2] / "unit" / "catalog" / "sample"
TASK = "basics/task"


@pytest.fixture
def settings_overrides(settings_overrides):
    settings_overrides["content_path"] = SAMPLE
    return settings_overrides


@pytest.fixture
def task_link(platform):
    """The practical task placed in the LMS course, with its gradebook column."""
    return platform.add_resource_link(
        "基础课程实操考核", custom={"item_kind": "practical", "item_id": TASK},
        line_item={"scoreMaximum": 100, "resourceId": TASK, "tag": "practical"},
    )


class People:
    """Browsers launched as the platform's users (each keeps its tool session)."""

    def __init__(self, platform, link) -> None:
        self.platform, self.link, self.browsers = platform, link, {}

    def __call__(self, user: str, link=None, context: str | None = None) -> Browser:
        browser = self.browsers.get(user)
        if browser is None:
            browser = self.browsers[user] = Browser()
        response = self.platform.launch(browser, user=user, context=context, resource_link=(link or self.link).id)
        assert response.status_code == 200, browser.page.text[:500]
        return browser

    def close(self) -> None:
        for browser in self.browsers.values():
            browser.close()


@pytest.fixture
def people(platform, task_link):
    crowd = People(platform, task_link)
    yield crowd
    crowd.close()


def user_id(app, platform, key: str) -> int:
    with get_db(app).sessionmaker() as s:
        return s.scalar(select(User.id).where(User.sub == platform.user(key).sub))


def csrf(browser: Browser) -> str:
    return next(c["value"] for f in browser.page.forms for c in f.controls if c["name"] == "csrf_token")


def post_json(browser: Browser, url: str, body: dict, token: str):
    return browser.session.post(url, data=json.dumps(body), timeout=15, headers={
        "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token})


def statements(app, verb_suffix: str | None = None) -> list[dict]:
    with get_db(app).engine.connect() as conn:
        rows = conn.execute(text("SELECT body, voided FROM xapi_statement ORDER BY seq")).all()
    found = [dict(json.loads(body), _voided=bool(voided)) for body, voided in rows]
    return [s for s in found if verb_suffix is None or s["verb"]["id"].endswith(verb_suffix)]
