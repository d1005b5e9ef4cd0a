"""In a real browser: the trainer projects the check-in code at 1280×720 (code, countdown
and QR code on one screen, no scrolling), and a learner on a phone types the code shown
there and is checked in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lti_tool.sessions.models import Attendance
from tests.functional.sessions.conftest import SESSION_ITEM, session_link  # noqa: F401  (fixture)
from tests.functional.sessions.test_sessions import schedule
from tests.functional.practical.conftest import People, settings_overrides  # noqa: F401  (fixture)
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}


def test_the_projected_code_fits_one_screen_and_a_phone_checks_in_with_it(platform, session_link, chromium,
                                                                         db_session):
    people = People(platform, session_link)
    try:
        session_id = schedule(people("instructor"), start=timedelta(minutes=-5))
    finally:
        people.close()
    projector = chromium.new_context(locale="zh-CN", viewport=PROJECTOR)
    phone = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True,
                                 is_mobile=True)
    try:
        screen = projector.new_page()
        screen.goto(platform.launch_url("instructor", resource_link=session_link.id, target="window"))
        screen.wait_for_url(re.compile(rf".*/sessions/item/{SESSION_ITEM}.*"), timeout=20000)
        screen.goto(screen.url.split("/sessions/")[0] + f"/sessions/{session_id}/code")
        screen.wait_for_function("document.getElementById('checkin-qr').complete")
        for part in ("checkin-code", "checkin-seconds", "checkin-qr"):
            box = screen.locator(f"#{part}").bounding_box()
            assert box and box["height"] > 0 and box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], \
                (part, box)
        qr = screen.locator("#checkin-qr").bounding_box()
        assert qr["width"] >= 200 and abs(qr["width"] - qr["height"]) < 2, qr  # big enough to scan across a room
        assert screen.evaluate("document.scrollingElement.scrollHeight") <= PROJECTOR["height"]
        assert_accessible(screen, "check-in code at 1280×720")
        code = screen.locator("#checkin-code").inner_text().strip()
        assert re.fullmatch(r"\d{6}", code), code

        learner = phone.new_page()
        learner.goto(platform.launch_url("learner", resource_link=session_link.id, target="window"))
        learner.wait_for_url(re.compile(r".*/sessions/.*"), timeout=20000)
        learner.goto(learner.url.split("/sessions/")[0] + f"/sessions/{session_id}")
        learner.locator("#checkin-form input[name='code']").fill(code)
        assert_accessible(learner, "session notice with the check-in form on a phone")
        with learner.expect_navigation():
            learner.locator("#checkin-form [type='submit']").tap()
        assert learner.locator("#checkin-form").count() == 0, learner.content()[:500]
    finally:
        projector.close()
        phone.close()
    db_session.expire_all()
    row = db_session.scalars(select(Attendance)).one()
    assert row.source == "checkin" and row.checked_in_at is not None
