"""The access logs never hold a secret of a URL: the session token ``_s`` of a browser
without cookies, its window secret ``_w`` (in the query or the Referer), the one-time
registration token in ``/lti/register/<token>``. Both servers: ``serve`` (gunicorn)
writing its access log to a file, and the development server (werkzeug)."""

from __future__ import annotations

import http.client
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.live import LiveServer
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("aftersales-training")
SESSION_TOKEN = "sessionTokenThatMustNotBeLogged0123456789"
WINDOW_SECRET = "windowSecretThatMustNotBeLogged987654"
INVITE = "inviteTokenThatMustNotBeLogged.abc-42"


def _requests(base: str) -> None:
    requests.get(f"{base}/lti/landing?_s={SESSION_TOKEN}&lang=en&_w={WINDOW_SECRET}", timeout=10)
    host, port = base.removeprefix("http://").split(":")
    raw = http.client.HTTPConnection(host, int(port), timeout=10)  # the path as written
    raw.request("GET", f"/lti/landing?%5Fs={SESSION_TOKEN}")  # Flask decodes %5F too
    raw.getresponse().read()
    raw.close()
    requests.get(f"{base}/lti/register/{INVITE}?openid_configuration=x", timeout=10)
    requests.get(f"{base}/healthz", headers={"Referer": f"{base}/learning/?_s={SESSION_TOKEN}"}, timeout=10)


def _assert_redacted(log: str, encoded_underscore: str) -> None:
    assert SESSION_TOKEN not in log and WINDOW_SECRET not in log and INVITE not in log, log
    # The rest of each line is kept: method, path, other fields, the status.
    assert "GET /lti/landing?_s=…&lang=en&_w=… HTTP/1.1" in log
    assert f"GET /lti/landing?{encoded_underscore}s=… HTTP/1.1" in log
    assert "GET /lti/register/…?openid_configuration=x HTTP/1.1" in log


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_writes_an_access_log_without_secrets(settings_overrides, tool_port, tmp_path):
    access_log = tmp_path / "access.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_DATABASE_URL": settings_overrides["database_url"],
           "AFTERSALES_INSTANCE_PATH": str(settings_overrides["instance_path"]),
           "AFTERSALES_SECRET_KEY": settings_overrides["secret_key"], "AFTERSALES_EMBEDDED_WORKER": "false"}
    with open(tmp_path / "serve.out", "wb") as out:
        process = subprocess.Popen(
            [str(CLI), "serve", "--port", str(tool_port), "--workers", "1", "--access-log", str(access_log)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{tool_port}"
    try:
        def up() -> bool:
            assert process.poll() is None, (tmp_path / "serve.out").read_text()[-3000:]
            try:
                return requests.get(f"{base}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_for(up, what="serve to answer")
        _requests(base)
        wait_for(lambda: access_log.read_text().count("\n") >= 5, what="the access log lines")
        log = access_log.read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)
    _assert_redacted(log, "%5F")
    assert '"GET /lti/landing?_s=…&lang=en&_w=… HTTP/1.1" 401' in log  # and the status, as before
    assert '"http://127.0.0.1:%d/learning/?_s=…"' % tool_port in log  # the Referer
    assert SESSION_TOKEN not in (tmp_path / "serve.out").read_text()


def test_the_development_server_logs_request_lines_without_secrets(app, tool_port, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = LiveServer(app, tool_port).start()
    try:
        _requests(server.url)
    finally:
        server.stop()
    _assert_redacted(caplog.text, "_")  # werkzeug logs the decoded path
