"""The newcomer's path in a real browser: `aftersales-training demo`, then launch from the
test LMS page: the learner's course activity opens the course, HR's training-files
activity the HR console, in the course page's frame."""

from __future__ import annotations

import pytest

from tests.e2e import screenshots
from tests.support.accessibility import assert_accessible
from tests.support.demo import open_activity, running_demo

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(tmp_path):
    with running_demo(tmp_path / "instance") as urls:
        yield urls


def test_the_demo_activities_open_the_pages_they_name(demo, page):
    platform_url, tool_url = demo
    frame = open_activity(page, platform_url, "After-sales service process and standards (", "learner")
    frame.wait_for_url(f"{tool_url}/learn/course/after-sales-service-process**", timeout=30000)
    assert "售后服务流程与规范" in frame.locator("h1").inner_text()
    assert_accessible(frame, "demo course page")
    frame = open_activity(page, platform_url, "Training files", "hr")
    frame.wait_for_url(f"{tool_url}/hr/**", timeout=30000)
    assert "人力资源" in frame.locator("h1").inner_text()
    assert_accessible(frame, "demo HR console")
    page.goto(tool_url + "/")
    assert_accessible(page, "home page")


# How many lines each element's text takes (the distinct tops of its line boxes).
_LINES = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const range = document.createRange(); range.selectNodeContents(el);
  return [el.textContent.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size]; })"""


def test_the_screenshot_script_and_a_phone_reading_the_hr_console(demo, chromium, tmp_path):
    platform_url, tool_url = demo
    shots = screenshots.take(chromium, platform_url, tmp_path / "shots", roles=["hr"], viewports=[(390, 844)])
    lms_page = chromium.new_page()
    listed = screenshots.activities(lms_page, platform_url)
    lms_page.close()
    assert len(listed) >= 7 and len(shots) >= len(listed)  # every activity, and a step further where it leads
    assert all(s.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and s.path.stat().st_size > 5000 for s in shots)
    console = next(s for s in shots if "/hr/" in s.url and "employees" not in s.url)
    assert "人力资源" in console.status
    assert screenshots.write_index(tmp_path / "shots", shots).read_text(encoding="utf-8").count("<img") == len(shots)

    # On the phone the console's bar and its tables' headings keep whole words (they
    # broke one character a line), and a wide table scrolls inside its own box.
    page = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(platform_url.rstrip("/") + next(links["hr"] for title, links in listed if "Training files" in title))
    page.wait_for_url(f"{tool_url}/hr/**")
    assert page.locator("body > header nav a").count() >= 6 and page.locator("main th").count() >= 5
    crushed = [(text, lines) for text, lines in page.evaluate(_LINES, "body > header nav a, main th") if lines > 1]
    assert not crushed, crushed
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself never scrolls sideways
    # So does a learner's training file: its items and their status stay whole words.
    as_learner = {title: links["learner"] for title, links in listed}
    page.goto(platform_url.rstrip("/") + next(url for title, url in as_learner.items() if "standards (" in title))
    page.locator("a[href*='/learn/lesson/']").first.click()  # a lesson begun: a row in the file
    page.wait_for_url(f"{tool_url}/learn/lesson/**")
    page.goto(platform_url.rstrip("/") + next(url for title, url in as_learner.items() if "Training files" in title))
    page.wait_for_url(f"{tool_url}/records/**")
    rows = page.evaluate(_LINES, "main td")
    assert rows and not [(text, lines) for text, lines in rows if lines > 1 and len(text) <= 20], rows
    page.close()
