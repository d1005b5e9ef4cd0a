"""In a real browser, in a cross-site LMS frame that gets none of the tool's cookies:
the session travels in the tool's addresses, bound to the frame's window by the secret
the launch handed it (kept in sessionStorage). Links, a form and the page's own fetches
work there; the same address opened in another browser opens no session."""

from __future__ import annotations

import re

import pytest

from tests.functional.learning.conftest import COURSE, LIBRARY
from tests.lti_platform import TestPlatform

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": LIBRARY}


def test_a_cookieless_session_works_in_its_window_and_nowhere_else(app, live_tool, chromium):
    with TestPlatform(tool_base_url=live_tool.url, hostname="localhost", storage_target="_parent") as lms:
        lms.require_platform_session = False  # its own Lax cookie is withheld in the tool frame too
        lms.register_in_tool(app)
        course = lms.add_resource_link("在线学习测试课程", custom={"item_kind": "course", "item_id": COURSE})
        context = chromium.new_context(locale="zh-CN")
        try:
            page = context.new_page()
            page.goto(f"{lms.base_url}/course/{lms.course.id}/view/{course.id}?user=learner")
            frame = page.frame(name="lti-tool")
            frame.wait_for_url(re.compile(r".*/learn/course/learn-basics.*"), timeout=20000, wait_until="commit")
            frame.wait_for_load_state()
            assert context.cookies(live_tool.url) == []  # no cookie: the session is in the address
            assert "_s=" in frame.url and "_w=" not in frame.url  # the secret is not in the address bar
            # This browser refuses the cross-site frame sessionStorage as it refuses cookies:
            # the secret is kept by the script from each page the tool serves the window.
            assert frame.evaluate("window.toolWindow.secret()")

            frame.locator("#resume").click()  # a link
            frame.wait_for_url(re.compile(r".*/learn/lesson/learn-basics/first.*"))
            assert "倾听" in frame.locator("#lesson-body").inner_text()
            # the picture loads with the window's secret (waited for: wait_for_url returns at the commit,
            # before the picture has arrived)
            frame.wait_for_function("() => { const img = document.querySelector('#lesson-body img');"
                                    " return img && img.complete && img.naturalWidth > 0; }", timeout=15000)
            assert "_w=" not in frame.url
            frame.locator("#finish-lesson").click()  # a form posted
            frame.wait_for_url(re.compile(r".*/learn/lesson/learn-basics/second.*"))
            frame.locator("nav.hint a").click()  # another link: back to the course
            frame.wait_for_url(re.compile(r".*/learn/course/learn-basics.*"))
            assert "第二课" in frame.locator("#resume").inner_text()  # the first lesson was recorded
            copied = frame.url
        finally:
            context.close()
        # The address, as copied from the frame or a log, in another browser: no session.
        other = chromium.new_context(locale="zh-CN")
        try:
            stolen = other.new_page()
            response = stolen.goto(copied)
            assert response.status == 401
            assert "在线学习测试课程" not in stolen.content()
        finally:
            other.close()
