"""In a real browser on a tablet-sized touch screen: an instructor grades a practical
task with large one-handed targets, the draft saves itself, the connection drops while
the form is signed off, and the form is submitted (once) when it returns; the score
reaches the LMS, and the learner then sees the result and acknowledges it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lti_tool.lti import ags
from lti_tool.practical.models import Assessment, Submission
from tests.functional.practical.conftest import SAMPLE, TASK
from tests.support.browser import Browser
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": SAMPLE}


def test_an_instructor_grades_on_a_tablet_offline_and_the_learner_sees_the_result(platform, app, chromium, db_session):
    link = platform.add_resource_link("基础课程实操考核", custom={"item_kind": "practical", "item_id": TASK},
                                      line_item={"scoreMaximum": 100, "resourceId": TASK, "tag": "practical"})
    with Browser() as learner_browser:  # the learner opened the tool once: on the roster
        assert platform.launch(learner_browser, user="learner", resource_link=link.id).status_code == 200

    tablet = chromium.new_context(locale="zh-CN", viewport=TABLET, has_touch=True, is_mobile=True)
    try:
        page = tablet.new_page()
        page.goto(platform.launch_url("instructor", resource_link=link.id, target="window"))
        page.wait_for_url(re.compile(rf".*/practical/task/{TASK}.*"), timeout=20000)
        assess = page.locator("#roster button.big-target").first
        assert assess.bounding_box()["height"] >= 44
        assess.tap()
        page.wait_for_url(re.compile(r".*/practical/assessments/\d+.*"))
        assert "先断电" in page.locator(".safety").inner_text()
        assert_accessible(page, "practical form")

        tiles = page.locator("#criterion-quality label.level-tile")
        assert tiles.count() == 3 and all(tiles.nth(i).bounding_box()["height"] >= 44 for i in range(3))
        page.locator("#criterion-lockout label.level-tile").nth(1).tap()  # 达到
        tiles.nth(1).tap()  # 中 (50 %)
        page.locator("textarea[name='note-lockout']").fill("个人锁和标签齐全")
        page.locator("#save-status").filter(has_text="已保存").wait_for(timeout=10000)  # saved on the server
        assert page.locator("#live-score span").inner_text() == "70"
        assessment_id = int(re.search(r"/assessments/(\d+)", page.url).group(1))
        db_session.expire_all()
        draft = db_session.get(Assessment, assessment_id)
        assert draft.levels == {"lockout": "met", "quality": "fair"} and draft.notes["lockout"] == "个人锁和标签齐全"

        tablet.set_offline(True)  # the work site's Wi-Fi drops
        tiles.nth(2).tap()  # 好 (100 %): kept on the tablet
        page.locator("#save-status").filter(has_text="本平板").wait_for(timeout=10000)
        page.locator("input[name='confirm']").check()
        sign_off = page.locator("#sign-off")
        assert sign_off.bounding_box()["height"] >= 48
        sign_off.tap()
        page.locator("#save-status").filter(has_text="无网络连接").wait_for(timeout=10000)
        db_session.expire_all()
        assert db_session.get(Assessment, assessment_id).status == "draft"

        tablet.set_offline(False)  # the connection returns: the kept form is sent, once
        page.wait_for_selector("#result-summary", timeout=20000)
        assert page.locator("#score").inner_text() == "100"
        assert "通过" in page.locator("#outcome").inner_text()
        assert_accessible(page, "practical result for the assessor")
        assert page.evaluate("() => JSON.parse(localStorage.getItem('practical-outbox') || '[]').length") == 0
    finally:
        tablet.close()
    db_session.expire_all()
    assert db_session.get(Assessment, assessment_id).status == "signed"
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 1
    assert ags.deliver_scores(app) == 1
    assert platform.gradebook()[("基础课程实操考核", "learner")] == 100.0

    phone = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = phone.new_page()
        page.goto(platform.launch_url("learner", resource_link=link.id, target="window"))
        page.wait_for_url(re.compile(rf".*/practical/task/{TASK}.*"), timeout=20000)
        page.locator("#task-results a").first.tap()
        page.wait_for_url(re.compile(r".*/practical/results/\d+.*"))
        assert page.locator("#score").inner_text() == "100"
        assert "个人锁和标签齐全" in page.locator("#result-lockout").inner_text()
        assert "王芳" in page.locator("#assessor").inner_text()
        assert_accessible(page, "practical result for the learner")
        page.locator("#acknowledge-form button").tap()
        page.wait_for_selector("#acknowledgement")
        assert "尚未" not in page.locator("#acknowledgement").inner_text()
    finally:
        phone.close()


def _assessor_at_the_learners_form(platform, chromium):
    """A learner launched the task; the instructor, on a tablet, opened their form."""
    link = platform.add_resource_link("基础课程实操考核", custom={"item_kind": "practical", "item_id": TASK})
    with Browser() as learner_browser:
        assert platform.launch(learner_browser, user="learner", resource_link=link.id).status_code == 200
    tablet = chromium.new_context(locale="zh-CN", viewport=TABLET, has_touch=True, is_mobile=True)
    try:
        page = tablet.new_page()
        page.goto(platform.launch_url("instructor", resource_link=link.id, target="window"))
        page.wait_for_url(re.compile(rf".*/practical/task/{TASK}.*"), timeout=20000)
        page.locator("#roster button.big-target").first.tap()
        page.wait_for_url(re.compile(r".*/practical/assessments/\d+.*"))
    except BaseException:
        tablet.close()
        raise
    return tablet, page


def test_a_draft_filled_without_a_connection_survives_and_reaches_the_server(platform, app, chromium, db_session):
    tablet, page = _assessor_at_the_learners_form(platform, chromium)
    try:
        form_url = page.url
        assessment_id = int(re.search(r"/assessments/(\d+)", form_url).group(1))
        page.locator("#criterion-lockout label.level-tile").nth(1).tap()
        page.locator("#save-status").filter(has_text="已保存").wait_for(timeout=10000)

        tablet.set_offline(True)
        page.locator("#criterion-quality label.level-tile").nth(2).tap()
        page.locator("textarea[name='note-quality']").fill("端子按规定力矩紧固")
        page.locator("#save-status").filter(has_text="本平板").wait_for(timeout=10000)
        page.close()  # the tablet's browser is closed before the connection returns
        db_session.expire_all()
        assert db_session.get(Assessment, assessment_id).levels == {"lockout": "met"}

        tablet.set_offline(False)
        page = tablet.new_page()
        page.goto(form_url)
        assert page.locator("#criterion-quality input[value='good']").is_checked()  # restored from the tablet
        assert page.locator("textarea[name='note-quality']").input_value() == "端子按规定力矩紧固"
        page.locator("#save-status").filter(has_text="已保存").wait_for(timeout=10000)  # and sent to the server
    finally:
        tablet.close()
    db_session.expire_all()
    draft = db_session.get(Assessment, assessment_id)
    assert draft.levels == {"lockout": "met", "quality": "good"} and draft.notes == {"quality": "端子按规定力矩紧固"}


def test_a_refused_photo_and_a_refused_sign_off_stay_in_view_while_the_draft_saves(platform, app, chromium):
    tablet, page = _assessor_at_the_learners_form(platform, chromium)
    try:

        # Not a picture: the server's reason is shown next to that photo, not the network.
        page.locator("#criterion-lockout input[type=file]").set_input_files(
            {"name": "notes.png", "mimeType": "image/png", "buffer": b"these are not pixels"})
        refusal = page.locator("#criterion-lockout .evidence-error")
        refusal.wait_for(state="visible", timeout=10000)
        reason = refusal.inner_text()
        assert "JPEG" in reason and "网络" not in reason and "连接" not in reason, reason
        page.locator("#criterion-lockout label.level-tile").nth(1).tap()  # a change: the draft saves
        page.locator("#save-status").filter(has_text="已保存").wait_for(timeout=10000)
        assert refusal.is_visible() and refusal.inner_text() == reason  # stays until dismissed
        assert_accessible(page, "practical form with a refused photo")
        refusal.locator("button.dismiss").tap()
        refusal.wait_for(state="hidden")

        # Signed off with a criterion still without a level, right after a change: the
        # refusal stays in its own alert while the autosave says "saved".
        page.locator("textarea[name='note-lockout']").fill("个人锁和标签齐全")
        page.locator("input[name='confirm']").check()
        page.locator("#sign-off").tap()
        error = page.locator("#form-error")
        error.wait_for(state="visible", timeout=10000)
        said = error.inner_text()
        assert "质量" in said and error.get_attribute("role") == "alert"
        page.locator("#save-status").filter(has_text="已保存").wait_for(timeout=10000)
        assert error.is_visible() and error.inner_text() == said
        assert_accessible(page, "practical form with a refused sign-off")
    finally:
        tablet.close()
