"""`aftersales-training demo` in a child process, on free ports of 127.0.0.1, with an
instance folder of its own: what a newcomer starts, for browser tests and the
screenshot script."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.support.postgres import free_port


class DemoDidNotStart(RuntimeError):
    pass


@contextmanager
def running_demo(instance: Path, timeout: float = 60) -> Iterator[tuple[str, str]]:
    """Yield (the test LMS's page, the tool's URL) while the demo runs; stopped with Ctrl+C."""
    tool_port, platform_port = free_port(), free_port()
    env = {**os.environ, "AFTERSALES_INSTANCE_PATH": str(instance),
           "AFTERSALES_PUBLIC_BASE_URL": f"http://127.0.0.1:{tool_port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "lti_tool.cli", "demo", "--port", str(tool_port), "--platform-port", str(platform_port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    platform_url = f"http://127.0.0.1:{platform_port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(platform_url, timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                process.wait()
                raise DemoDidNotStart(f"the demo did not start: {process.stdout.read()[:2000]}")
            time.sleep(0.3)
        yield platform_url, f"http://127.0.0.1:{tool_port}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()


def open_activity(page, platform_url: str, activity: str, user: str):
    """Click ``user``'s launch of the demo course's activity titled ``activity`` on the
    test LMS's page; the tool's frame."""
    page.goto(platform_url)
    row = page.locator("tr.resource-link", has_text=activity)
    row.locator(f"a.button.launch[href$='user={user}']").click()
    # The frame of the element itself: looked up by name, it may not be known yet.
    return page.wait_for_selector("iframe[name=lti-tool]").content_frame()
