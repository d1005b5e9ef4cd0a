"""In a real browser: the instructor's grading queue names quizzes and questions by
their titles, and a learner's name or a time stays on one line, at 1024 px and on a
phone (CJK text may otherwise break one character a line in a narrow column)."""

from __future__ import annotations

import re

import pytest

from tests.functional.learning.conftest import LIBRARY, OPEN, launch
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e

ONE_LINE = """cell => { const r = document.createRange(); r.selectNodeContents(cell);
  const tops = new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))); return tops.size; }"""


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": LIBRARY}


def test_the_grading_queue_reads_as_titles_on_a_laptop_and_a_phone(platform, app, chromium):
    quiz = platform.add_resource_link("案例分析", custom={"item_kind": "quiz", "item_id": OPEN},
                                      line_item={"scoreMaximum": 12, "label": "案例分析", "tag": "quiz"})
    learner = launch(platform, quiz)
    learner.submit(learner.page.form(action_contains="/learn/start/"))
    learner.submit(learner.page.form("attempt-form"), {"a.pick": "a", "a.essay": "为了弄清问题。",
                                                        "a.case.cause": "x", "a.case.explain": "断电、干燥、测绝缘。"})
    for width, height in ((1024, 768), (390, 844)):
        context = chromium.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{quiz.id}?user=instructor")
            frame = page.frame(name="lti-tool")
            frame.wait_for_url(re.compile(r".*/learn/.*"), timeout=20000)
            frame.goto(frame.url.split("/learn/")[0] + "/learn/teach/grading")
            rows = frame.locator("#queue tbody tr")
            assert rows.count() == 2
            text = frame.locator("#queue").inner_text()
            assert "在线学习测试课程：案例分析" in text and "为什么要先倾听？" in text and "learn-basics/" not in text
            assert_accessible(frame, f"grading queue at {width} px")
            for selector in ("td.learner-name", "td time", "th:not(:has(.visually-hidden))"):
                cells = frame.locator(f"#queue {selector}")
                for i in range(cells.count()):
                    assert cells.nth(i).evaluate(ONE_LINE) == 1, (width, selector, cells.nth(i).inner_text())
        finally:
            context.close()
