"""The newcomer's path in a real browser: `aftersales-training demo`, then launch from the
test LMS page: the learner's course activity opens the course, HR's training-files
activity the HR console, in the course page's frame."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.support.postgres import free_port
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(tmp_path):
    tool_port, platform_port = free_port(), free_port()
    env = {**os.environ, "AFTERSALES_INSTANCE_PATH": str(tmp_path / "instance"),
           "AFTERSALES_PUBLIC_BASE_URL": f"http://127.0.0.1:{tool_port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "lti_tool.cli", "demo", "--port", str(tool_port), "--platform-port", str(platform_port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    platform_url = f"http://127.0.0.1:{platform_port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(platform_url, timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        process.kill()
        process.wait()
        pytest.fail(f"the demo did not start: {process.stdout.read()[:2000]}")
    yield platform_url, f"http://127.0.0.1:{tool_port}"
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    process.stdout.close()


def _open(page, platform_url: str, activity: str, user: str):
    """Click ``user``'s launch of the demo course's activity titled ``activity``; the tool's frame."""
    page.goto(platform_url)
    row = page.locator("tr.resource-link", has_text=activity)
    row.locator(f"a.button.launch[href$='user={user}']").click()
    # The frame of the element itself: looked up by name, it may not be known yet.
    return page.wait_for_selector("iframe[name=lti-tool]").content_frame()


def test_the_demo_activities_open_the_pages_they_name(demo, page):
    platform_url, tool_url = demo
    frame = _open(page, platform_url, "After-sales service process and standards (", "learner")
    frame.wait_for_url(f"{tool_url}/learn/course/after-sales-service-process**", timeout=30000)
    assert "售后服务流程与规范" in frame.locator("h1").inner_text()
    assert_accessible(frame, "demo course page")
    frame = _open(page, platform_url, "Training files", "hr")
    frame.wait_for_url(f"{tool_url}/hr/**", timeout=30000)
    assert "人力资源" in frame.locator("h1").inner_text()
    assert_accessible(frame, "demo HR console")
    page.goto(tool_url + "/")
    assert_accessible(page, "home page")
