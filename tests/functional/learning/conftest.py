"""The learning tests run on their own small library (tests/functional/learning/library):
one course, two lessons, an objective quiz with a pool, and a quiz with open answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.browser import Browser

LIBRARY = Path(__file__).parent / "library"
COURSE = "learn-basics"
CHECK = f"{COURSE}/check"
OPEN = f"{COURSE}/open"
# The right answers of the "check" quiz, both pool questions included (only the drawn one counts).
RIGHT = {"a.one": "a", "a.many": ["a", "c"], "a.fact": "true", "a.blanks.volt": "２４Ｖ",
         "a.blanks.ohm": " 1 MEGOHM ", "a.p1": "false", "a.p2": "true"}


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": LIBRARY}


@pytest.fixture
def links(platform):
    """The course and both quizzes placed in the test platform's course (quizzes graded)."""
    return {
        "course": platform.add_resource_link("在线学习测试课程", custom={"item_kind": "course", "item_id": COURSE}),
        "check": platform.add_resource_link("小测", custom={"item_kind": "quiz", "item_id": CHECK},
                                            line_item={"scoreMaximum": 8, "label": "小测", "tag": "quiz"}),
        "open": platform.add_resource_link("案例分析", custom={"item_kind": "quiz", "item_id": OPEN},
                                           line_item={"scoreMaximum": 12, "label": "案例分析", "tag": "quiz"}),
    }


def launch(platform, link, user="learner") -> Browser:
    browser = Browser()
    response = platform.launch(browser, user=user, resource_link=link.id)
    assert response.status_code == 200, response.text[:500]
    return browser


def attempt_id(browser: Browser) -> int:
    return int(re.search(r"/learn/attempt/(\d+)", browser.url).group(1))
