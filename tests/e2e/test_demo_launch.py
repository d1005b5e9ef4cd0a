"""The newcomer's path in a real browser: `aftersales-training demo`, then launch as the
seeded learner from the test LMS page; the tool opens in the course page's frame."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.support.postgres import free_port

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


def test_the_demo_learner_launches_into_the_tool(demo, page):
    platform_url, tool_url = demo
    page.goto(platform_url)
    page.locator("tr.resource-link a.button.launch").first.click()  # launch as the learner
    # The frame of the element itself: looked up by name, it may not be known yet.
    frame = page.wait_for_selector("iframe[name=lti-tool]").content_frame()
    frame.wait_for_url(lambda url: url.startswith(f"{tool_url}/lti/landing"), timeout=30000)
    assert "欢迎" in frame.locator("h1").inner_text()
    assert "学员" in frame.locator("#role").inner_text()
