"""Launches inside an LMS iframe whose browser blocks the tool's cookies: completed
through LTI Platform Storage where the platform offers it (lti.put_data / lti.get_data),
else a clear page that opens the tool in a new window. Nothing is written until the
launch completes. The postMessage side runs in chromium (tests/e2e); here the test
plays the page's script and checks what the server accepts."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlparse

from tests.conftest import written
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser


def _data(page_text: str, element_id: str) -> dict:
    tag = re.search(rf'<div id="{element_id}"[^>]*>', page_text).group(0)
    return {k: unescape(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', tag)}


def test_platform_storage_completes_a_launch_without_cookies(live_tool, app, db_session):
    with TestPlatform(tool_base_url=live_tool.url, storage_target="_parent") as lms:
        lms.register_in_tool(app)
        browser = Browser(blocked_cookie_origins=[live_tool.url], auto_submit=False)
        # 1. The LMS starts the login; the tool answers with the page that stores the
        #    browser proof in the platform's storage, then goes on to the auth endpoint.
        page = browser.get(lms.launch_url("learner"))
        browser.submit(browser.page.auto_form())
        assert "platform-storage.js" in browser.response.text
        stored = _data(browser.response.text, "storage-data")
        assert stored["key"].startswith("state_") and stored["origin"] == lms.base_url
        assert stored["target"] == "_parent"
        platform_storage = {stored["key"]: stored["value"]}  # what lti.put_data keeps
        # 2. The platform answers the auth request and posts the id_token (no cookie).
        browser.get(stored["auth-url"])
        browser.submit(browser.page.auto_form())
        assert browser.url.endswith("/lti/launch")
        assert "storage-form" in browser.response.text
        before = written(db_session)
        # 3. The page's script reads the proof back (lti.get_data) and posts it.
        key = _data(browser.response.text, "storage-data")["key"]
        form = browser.page.form("storage-form")
        response = browser.submit(form, {"lti_storage_token": platform_storage[key]})
        assert response.status_code == 200 and "/lti/landing" in browser.url
        assert "_s=" in browser.url  # the session travels in links, not in a cookie
        assert written(db_session)["lti_user"] == before["lti_user"] + 1
        # The window got its secret with the redirect; the page hands it on to its script.
        landing = browser.url
        secret = re.search(r'<meta name="window-secret" content="([^"]+)"', response.text).group(1)
        assert f"_w={secret}" in landing and "window.js" in response.text
        assert response.headers["Cache-Control"] == "no-store"
        # Links in the tool keep the session without cookies, with the window's secret.
        assert browser.get(landing).status_code == 200
        # The address alone, without the window's secret, opens no session.
        assert browser.get(landing.replace(f"_w={secret}", "")).status_code == 401
        browser.close()


def test_a_wrong_platform_storage_value_is_refused(live_tool, app, db_session):
    with TestPlatform(tool_base_url=live_tool.url, storage_target="_parent") as lms:
        lms.register_in_tool(app)
        browser = Browser(blocked_cookie_origins=[live_tool.url], auto_submit=False)
        browser.get(lms.launch_url("learner"))
        browser.submit(browser.page.auto_form())
        stored = _data(browser.response.text, "storage-data")
        browser.get(stored["auth-url"])
        browser.submit(browser.page.auto_form())
        before = written(db_session)
        response = browser.submit(browser.page.form("storage-form"), {"lti_storage_token": "guessed"})
        assert response.status_code == 400
        assert written(db_session) == before
        browser.close()


def test_without_platform_storage_the_tool_offers_a_new_window(platform, live_tool, db_session):
    browser = Browser(blocked_cookie_origins=[live_tool.url])
    before = written(db_session)
    page = platform.launch(browser, user="learner")
    assert page.status_code == 200
    assert "在新窗口中打开" in page.text
    assert written(db_session) == before
    relaunch = browser.page.link("open-new-window")["href"]
    assert urlparse(relaunch).path == "/lti/login" and "login_hint=" in relaunch
    # In its own window the tool is first-party: cookies work and the launch completes.
    with Browser() as window:
        window.session.cookies.update(browser.session.cookies)  # signed in at the LMS
        answer = window.get(f"{live_tool.url}{relaunch}" if relaunch.startswith("/") else relaunch)
        assert answer.status_code == 200, (window.url, answer.text[:600])
        assert window.url.endswith("/lti/landing")
    browser.close()


def test_over_https_the_launch_state_cookie_is_partitioned(platform, app):
    with Browser() as browser:  # the LMS's login initiation, replayed over https
        browser.get(platform.launch_url("learner"), stop_at=lambda _method, url: "/lti/login" in url)
        params = browser.intercepted.params
    response = app.test_client().post("/lti/login", data=params, base_url="https://127.0.0.1")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Path=/lti/" in cookie
    assert {"Secure", "HttpOnly", "Partitioned"} <= {part.strip().split("=")[0] for part in cookie.split(";")}
