"""In a real browser: the LMS course page frames the tool from another site, the
browser withholds the tool's cookies there, and the launch completes through the
platform's LTI Platform Storage (postMessage put_data / get_data on the parent)."""

from __future__ import annotations

import pytest

from tests.lti_platform import TestPlatform

pytestmark = pytest.mark.e2e


def test_a_cross_site_tool_frame_launches_through_platform_storage(app, live_tool, chromium):
    # The platform's pages are on "localhost", the tool on 127.0.0.1: two sites.
    with TestPlatform(tool_base_url=live_tool.url, hostname="localhost", storage_target="_parent") as lms:
        lms.require_platform_session = False  # its own Lax cookie is withheld in the tool frame too
        lms.register_in_tool(app)
        context = chromium.new_context(locale="zh-CN")
        try:
            page = context.new_page()
            launches = []
            page.on("request", lambda r: launches.append(r.post_data or "")
                    if r.method == "POST" and r.url == f"{live_tool.url}/lti/launch" else None)
            link = lms.resource_links()[0]
            page.goto(f"{lms.base_url}/course/{lms.course.id}/view/{link.id}?user=learner")
            frame = page.frame(name="lti-tool")
            frame.wait_for_url(lambda url: url.startswith(f"{live_tool.url}/lti/landing"), timeout=20000)
            assert "张伟" in frame.inner_text("body")
        finally:
            context.close()
    # The platform's form_post arrived without the tool's cookie; the second POST carried
    # the browser proof the tool had put into the platform's storage.
    assert len(launches) == 2
    assert "lti_storage_token=&" not in launches[-1] + "&" and "lti_storage_token=" in launches[-1]
