"""The test browser behaves like a browser where LTI flows depend on it."""

from __future__ import annotations

import pytest
from flask import Flask, make_response, redirect, request

from tests.lti_platform.controller import QuickLiveServer
from tests.support.browser import Browser, BrowserError
from tests.support.postgres import free_port

PAGES = {
    "by-id": '<form id="f" method="post" action="/echo"><input type="hidden" name="a" value="1"></form>'
             '<script>document.getElementById("f").submit();</script>',
    "by-index": '<form method="post" action="/echo"><input name="a" value="2"></form><script>document.forms[0].submit()</script>',
    "by-name": '<form name="ltiInitiateLoginForm" method="post" action="/echo"><input type="hidden" name="a" value="3">'
               '</form><script>document.ltiInitiateLoginForm.submit();</script>',
    "onload": '<body onload="document.forms[0].submit()"><form method="post" action="/echo">'
              '<input type="hidden" name="a" value="4"></form></body>',
    "marked": '<form data-auto-submit method="get" action="/echo"><input type="hidden" name="a" value="5"></form>',
    "conditional": '<form id="s" method="post" action="/echo"><input type="hidden" name="a" value="6"></form>'
                   '<script>var form = document.getElementById("s"); if (window.parent !== window) { form.submit(); }</script>',
    "refresh": '<meta http-equiv="refresh" content="0; url=/echo?a=7">',
}


@pytest.fixture(scope="module")
def site():
    app = Flask(__name__)

    @app.get("/page/<name>")
    def page(name):
        return f"<!doctype html><title>{name}</title>{PAGES[name]}"

    @app.route("/echo", methods=["GET", "POST"])
    def echo():
        pairs = " ".join(f"{k}={v}" for k, v in request.values.items(multi=True))
        cookies = " ".join(f"{k}={v}" for k, v in sorted(request.cookies.items()))
        return (f"<!doctype html><p id='method'>{request.method}</p><p id='values'>{pairs}</p>"
                f"<p id='cookies'>{cookies}</p><p id='origin'>{request.headers.get('Origin', '')}</p>")

    @app.post("/redirect/<int:code>")
    def redirect_post(code):
        return redirect("/echo?from=redirect", code)

    @app.get("/cookies")
    def cookies():
        response = make_response("<p>set</p>")
        response.set_cookie("plain", "1", samesite="Lax")
        response.set_cookie("secure", "1", secure=True, samesite="None")
        return response

    @app.get("/form")
    def form():
        return ("<form id='pick' method='post' action='/echo'><input type='hidden' name='csrf' value='t'>"
                "<label><input type='checkbox' name='item' value='a' checked>A</label>"
                "<label><input type='checkbox' name='item' value='b'>B</label>"
                "<select name='lang'><option value='zh'>中文</option><option value='en' selected>English</option></select>"
                "<textarea name='note'>你好</textarea><button type='submit' name='go' value='1'>Go</button></form>"
                "<a id='next' href='/echo?a=link'>Next page</a><iframe src='/echo?a=frame'></iframe>")

    server = QuickLiveServer(app, free_port()).start()
    yield server.url
    server.stop()


@pytest.mark.parametrize("name, expected", [("by-id", "a=1"), ("by-index", "a=2"), ("by-name", "a=3"),
                                            ("onload", "a=4"), ("marked", "a=5"), ("refresh", "a=7")])
def test_auto_submitting_forms_and_refreshes_are_followed(site, name, expected):
    with Browser() as browser:
        browser.get(f"{site}/page/{name}")
        assert browser.page.text_of("values") == expected
        if name in ("by-id", "by-index", "by-name", "onload"):
            assert browser.page.text_of("method") == "POST" and browser.page.text_of("origin") == site


def test_a_form_submitted_only_by_conditional_script_is_left_alone(site):
    with Browser() as browser:
        browser.get(f"{site}/page/conditional")
        assert browser.page.title == "conditional" and not browser.page.forms[0].auto_submit


@pytest.mark.parametrize("code, method", [(301, "GET"), (302, "GET"), (303, "GET"), (307, "POST"), (308, "POST")])
def test_redirects_after_a_post_follow_browser_rules(site, code, method):
    with Browser() as browser:
        browser.post(f"{site}/redirect/{code}", {"x": "1"})
        assert browser.page.text_of("method") == method
        assert ("x=1" in browser.page.text_of("values")) == (method == "POST")


def test_secure_cookies_stay_off_plain_http_and_blocked_origins_get_none(site):
    with Browser() as browser:
        browser.get(f"{site}/cookies")
        browser.get(f"{site}/echo")
        assert browser.page.text_of("cookies") == "plain=1"
    with Browser(blocked_cookie_origins=[site]) as blocked:
        blocked.get(f"{site}/cookies")
        blocked.get(f"{site}/echo")
        assert blocked.page.text_of("cookies") == "" and blocked.cookies_for(site) == {}


def test_forms_links_and_frames_are_parsed(site):
    with Browser() as browser:
        browser.get(f"{site}/form")
        form = browser.page.form("pick")
        assert form.fields == [("csrf", "t"), ("item", "a"), ("lang", "en"), ("note", "你好")]
        assert form.options("item") == ["a", "b"] and form.options("lang") == ["zh", "en"]
        browser.submit("pick", {"item": ["a", "b"]})
        assert browser.page.text_of("values") == "csrf=t lang=en note=你好 item=a item=b"
        browser.get(f"{site}/form")
        browser.follow("Next page")
        assert browser.page.text_of("values") == "a=link"
        browser.get(f"{site}/form")
        browser.open_iframe()
        assert browser.page.text_of("values") == "a=frame"
        with pytest.raises(BrowserError):
            browser.page.text_of("missing")


def test_stop_at_holds_a_request_until_resumed(site):
    with Browser() as browser:
        assert browser.get(f"{site}/page/by-id", stop_at=f"{site}/echo") is None
        assert browser.intercepted.method == "POST" and browser.intercepted.params == {"a": "1"}
        browser.resume()
        assert browser.page.text_of("values") == "a=1"
