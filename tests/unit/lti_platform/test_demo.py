"""``aftersales-training demo``: the tool and the test platform start, a newcomer can
launch through the real flow, Ctrl+C stops both, and a second run changes nothing."""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import requests

from lti_tool import demo
from tests.support.browser import Browser
from tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parents[3]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the demo exited early: {process.communicate()}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def run_demo(tmp_path: Path, tool_port: int, platform_port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERSALES_")}
    env.update(AFTERSALES_INSTANCE_PATH=str(tmp_path / "instance"), PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "lti_tool.cli", "demo", "--port", str(tool_port), "--platform-port", str(platform_port)]
    return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _offered_tool_url(page: str) -> str:
    match = re.search(r'<input id="tool_url" name="tool_url" size="50" value="([^"]*)"', page)
    assert match, page[-2000:]
    return html.unescape(match.group(1))


COURSE = "after-sales-service-process"
#: item kind -> the page each seeded person lands on (the learner's unless given); HR,
#: not a member of the LMS course, is refused a course's pages and offered its console.
PLACED = {
    "course": {"learner": "/learn/course/{id}", "hr": None},
    "quiz": {"learner": "/learn/quiz/{id}", "instructor": "/learn/teach/quiz/{id}", "hr": None},
    "practical": {"learner": "/practical/task/{id}", "hr": None},
    "session": {"learner": "/sessions/item/{id}", "hr": None},
    "hr": {"learner": "/records/me", "hr": "/hr/"},  # the tool's own pages: kind "records", named by id
    "certificates": {"learner": "/certificates/"},
    "runs": {"learner": "/records/me", "instructor": "/records/runs/", "hr": "/records/runs/"},
    "approvals": {"learner": "/approvals/"},
    "needs": {"learner": "/needs/"},
}


def assert_every_activity_opens_its_page(browser: Browser, platform_port: int, tool_port: int) -> None:
    """The demo course holds one activity of each kind, and each opens the page it names
    for learner, instructor and HR."""
    home = html.unescape(requests.get(f"http://127.0.0.1:{platform_port}/", timeout=10).text)
    rows = re.findall(r"href=\"(/course/\w+/view/\w+)\?user=learner\".*?|'item_kind': '(\w+)', 'item_id': '([^']+)'",
                      home)
    launches = [r[0] for r in rows if r[0]]
    placed = [(item_id if kind == "records" else kind, item_id) for _, kind, item_id in rows if kind]
    assert sorted(kind for kind, _ in placed) == sorted(PLACED) and len(launches) == len(placed), rows
    for launch, (kind, item_id) in zip(launches, placed):
        expected = PLACED[kind]
        for user in ("learner", "instructor", "hr"):
            page = expected.get(user, expected["learner"])
            browser.get(f"http://127.0.0.1:{platform_port}{launch}?user={user}")
            response = browser.open_iframe()
            path = response.url.removeprefix(f"http://127.0.0.1:{tool_port}")
            if page is None:
                assert response.status_code == 403, (kind, user, path)
                assert any(a["href"].split("?")[0].endswith("/hr/") for a in browser.page.links), browser.page.text
            else:
                assert (response.status_code, path) == (200, page.format(id=item_id)), (kind, user, path)


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0, out
    return out


def banner(process: subprocess.Popen) -> str:
    """What the demo printed before serving (read while it runs)."""
    lines = []
    while not lines or "Ctrl+C stops both" not in lines[-1]:
        line = process.stdout.readline()
        assert line, "".join(lines)
        lines.append(line)
    return "".join(lines)


def printed_xapi_credential(text: str) -> tuple[str, str]:
    found = dict(re.findall(r"^ +(key|secret) +: (\S+)$", text, re.M))
    return found["key"], found["secret"]


def test_the_demo_runs_twice_and_launches_the_seeded_users(tmp_path):
    tool_port, platform_port = free_port(), free_port()
    store, previous = f"http://127.0.0.1:{tool_port}/xapi/statements", None
    headers = {"X-Experience-API-Version": "1.0.3"}
    for run in (1, 2):
        process, head = run_demo(tmp_path, tool_port, platform_port), ""
        try:
            wait_for(f"http://127.0.0.1:{platform_port}/", process)
            wait_for(f"http://127.0.0.1:{tool_port}/lti/jwks", process)
            head = banner(process)
            assert store in head
            xapi_auth = printed_xapi_credential(head)
            if previous:  # the previous start's credential was revoked
                assert requests.get(store, headers=headers, auth=previous, timeout=10).status_code == 401
            with Browser() as browser:
                browser.get(f"http://127.0.0.1:{platform_port}/")
                launches = [link["href"] for link in browser.page.links if "/view/" in link["href"]]
                assert any("user=learner" in h for h in launches) and any("user=hr" in h for h in launches)
                browser.get(next(h for h in launches if "user=learner" in h))
                response = browser.open_iframe()  # the LMS page shows the tool in an iframe
                assert response.url == f"http://127.0.0.1:{tool_port}/learn/course/{COURSE}", browser.page.text[:300]
                if run == 1:
                    assert_every_activity_opens_its_page(browser, platform_port, tool_port)
                if run == 1:  # the LMS page's "Add LTI Advantage" offers the demo's own invitation
                    offered = _offered_tool_url(requests.get(f"http://127.0.0.1:{platform_port}/", timeout=10).text)
                    assert offered.startswith(f"http://127.0.0.1:{tool_port}/lti/register/"), offered
                    registered = browser.get(f"http://127.0.0.1:{platform_port}/dynreg/start",
                                             params={"tool_url": offered, "mode": "redirect"})
                    assert registered.status_code == 200 and "org.imsglobal.lti.close" in registered.text
            # the printed credential opens the store; the same key with another secret does not
            read = requests.get(store, headers=headers, auth=xapi_auth, timeout=10)
            assert read.status_code == 200 and "statements" in read.json(), read.text
            forged = (xapi_auth[0], xapi_auth[1][:-1])
            assert requests.get(store, headers=headers, auth=forged, timeout=10).status_code == 401
            previous = xapi_auth
        finally:
            out = head + stop(process)
        assert f"http://127.0.0.1:{platform_port}/" in out and "demo stopped" in out
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERSALES_")}
    listed = subprocess.run([sys.executable, "-m", "lti_tool.cli", "platform", "list"], cwd=tmp_path, text=True,
                            capture_output=True, env={**env, "AFTERSALES_INSTANCE_PATH": str(tmp_path / "instance")},
                            check=True).stdout
    assert listed.count("client=aftersales-demo") == 1 and "deployments=1" in listed


def test_outside_a_source_checkout_the_demo_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "repo_root", lambda: tmp_path)
    with pytest.raises(click.ClickException, match="tests/lti_platform"):
        demo.load_test_platform()
    assert (ROOT / "tests" / "lti_platform" / "__init__.py").is_file()
