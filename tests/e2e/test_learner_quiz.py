"""In a real browser, on a phone-sized screen inside the LMS frame: a learner opens the
course, reads a lesson, takes the quiz (answers autosaved by the page's script, the
clock running, submitting asked first with the count of unanswered questions, by
keyboard) and sees the result; the score then reaches the LMS gradebook."""

from __future__ import annotations

import re

import pytest

from lti_tool.lti import ags
from tests.functional.learning.conftest import CHECK, COURSE, LIBRARY
from tests.support.accessibility import assert_accessible, focus_ring_contrast

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": LIBRARY}


def test_a_learner_reads_a_lesson_takes_the_quiz_and_sees_the_result(platform, app, chromium):
    course = platform.add_resource_link("在线学习测试课程", custom={"item_kind": "course", "item_id": COURSE})
    quiz = platform.add_resource_link("小测", custom={"item_kind": "quiz", "item_id": CHECK},
                                      line_item={"scoreMaximum": 8, "label": "小测"})
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{course.id}?user=learner")
        frame = page.frame(name="lti-tool")
        frame.wait_for_url(re.compile(r".*/learn/course/learn-basics.*"), timeout=20000)
        assert frame.locator("#course-title").inner_text() == "在线学习测试课程"
        assert_accessible(frame, "course page")

        frame.locator("#resume").click()  # "开始学习：第一课：接待"
        frame.wait_for_url(re.compile(r".*/learn/lesson/learn-basics/first.*"))
        assert "倾听" in frame.locator("#lesson-body").inner_text()
        assert_accessible(frame, "lesson")
        assert frame.locator("#lesson-body img").evaluate("img => img.complete && img.naturalWidth > 0")
        frame.locator("#finish-lesson").click()
        frame.wait_for_url(re.compile(r".*/learn/lesson/learn-basics/second.*"))

        page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{quiz.id}?user=learner")
        frame = page.frame(name="lti-tool")
        frame.wait_for_url(re.compile(r".*/learn/quiz/learn-basics/check.*"), timeout=20000)
        assert_accessible(frame, "quiz start page")
        frame.locator("#start-quiz").click()
        frame.wait_for_url(re.compile(r".*/learn/attempt/\d+$|.*/learn/attempt/\d+\?.*"))
        assert "剩余时间" in frame.locator("#time-left").inner_text()
        assert_accessible(frame, "quiz attempt")
        # 交卷 asks first, with how many questions are still unanswered; the safe button
        # has the focus and Esc keeps the attempt open.
        total = frame.locator("fieldset.question:not(:has(fieldset.question))").count()
        frame.locator("#submit-attempt").click()
        dialog = frame.locator("#submit-confirm")
        dialog.wait_for(state="visible")
        assert f"{total} of {total}" in dialog.inner_text() or f"{total} 题" in dialog.inner_text(), dialog.inner_text()
        assert frame.evaluate("document.activeElement.id") == "submit-cancel"
        assert_accessible(frame, "submit confirmation")
        frame.locator("#submit-cancel").press("Escape")
        dialog.wait_for(state="hidden")
        assert re.search(r"/learn/attempt/\d+(\?.*)?$", frame.url) and frame.evaluate("document.activeElement.id") == "submit-attempt"

        frame.get_by_label("倾听").check()
        frame.get_by_label("现象").check()
        frame.get_by_label("处理结果").check()
        frame.locator("#q-a\\.fact").get_by_label("正确").check()
        frame.locator("input[name='a.blanks.volt']").fill("２４Ｖ")  # full-width, as a phone keyboard may type it
        frame.locator("input[name='a.blanks.ohm']").fill("1MΩ")
        frame.locator("input[name='a.blanks.ohm']").press("Tab")  # leaving the field saves it
        pooled = frame.locator("fieldset.question-true_false").nth(1)
        drawn = pooled.get_attribute("id")
        pooled.get_by_label("错误" if drawn == "q-a.p1" else "正确").check()
        frame.locator("#save-status").filter(has_text="已保存").wait_for(timeout=10000)  # autosaved by the script

        frame.locator("#submit-attempt").press("Enter")
        dialog.wait_for(state="visible")
        assert "都已作答" in dialog.inner_text() or "Every question" in dialog.inner_text(), dialog.inner_text()
        frame.locator("#submit-cancel").press("Tab")  # keyboard only: to 提交 and Enter
        assert frame.evaluate("document.activeElement.id") == "submit-confirmed"
        assert focus_ring_contrast(frame) >= 3  # the focus can be seen
        page.keyboard.press("Enter")
        frame.wait_for_url(re.compile(r".*/learn/attempt/\d+/result.*"))
        assert frame.locator("#score").inner_text() == "8 / 8"
        assert "已通过" in frame.locator("#verdict").inner_text()
        assert_accessible(frame, "quiz result")
    finally:
        context.close()
    assert ags.deliver_scores(app) == 2  # the quiz, and the course grade of the placed course
    assert platform.gradebook()[("小测", "learner")] == 8.0
    assert platform.gradebook()[("在线学习测试课程", "learner")] == 100.0
