"""Server-side sessions: shared through the database, carried by cookie or token."""

from datetime import timedelta

from flask import Blueprint, session

from lti_tool.db import get_db, utcnow
from lti_tool.lti.models import WebSession
from lti_tool.websession import COOKIE_NAME, TOKEN_PARAM, WINDOW_HEADER, WINDOW_PARAM


def _add_probe_routes(app):
    bp = Blueprint("probe", __name__)

    @bp.get("/probe/set/<value>")
    def set_value(value):
        session["value"] = value
        return "ok"

    @bp.get("/probe/login")
    def login():
        session.regenerate(via_token=True)
        session["value"] = "signed-in"
        from flask import url_for

        return {"link": url_for("probe.get_value"), "window": session.window_secret}

    @bp.get("/probe/go/<where>")
    def go(where):
        from flask import redirect, url_for

        return redirect(url_for("probe.get_value") if where == "here" else "https://lms.example.com/course?_s=x")

    @bp.get("/probe/clear")
    def clear():
        session.clear()
        return "cleared"

    @bp.get("/probe/get")
    def get_value():
        return session.get("value", "-")

    app.register_blueprint(bp)


def test_session_is_kept_in_the_database_and_read_by_cookie(app, db_session):
    _add_probe_routes(app)
    client = app.test_client()
    client.get("/probe/set/hello")
    assert client.get("/probe/get").get_data(as_text=True) == "hello"
    assert db_session.query(WebSession).count() == 1
    # Another app instance on the same database (another gunicorn worker) sees it.
    from lti_tool import create_app

    other = create_app({"database_url": app.config["SETTINGS"].database_url, "instance_path": app.instance_path, "secret_key": "x"})
    _add_probe_routes(other)
    token = client.get_cookie(COOKIE_NAME).value
    other_client = other.test_client()
    other_client.set_cookie(COOKIE_NAME, token)
    assert other_client.get("/probe/get").get_data(as_text=True) == "hello"
    get_db(other).engine.dispose()


def test_a_regenerated_session_travels_as_a_token_in_links_and_drops_the_old_row(app, db_session):
    _add_probe_routes(app)
    client = app.test_client()
    client.get("/probe/set/planted")
    planted = client.get_cookie(COOKIE_NAME).value
    signed_in = client.get("/probe/login").json
    link = signed_in["link"]
    assert f"{TOKEN_PARAM}=" in link  # url_for carries the session without cookies
    fresh = app.test_client()  # a browser that keeps no cookies
    assert fresh.get(link, headers={WINDOW_HEADER: signed_in["window"]}).get_data(as_text=True) == "signed-in"
    # The planted id no longer opens anything.
    stale = app.test_client()
    stale.set_cookie(COOKIE_NAME, planted)
    assert stale.get("/probe/get").get_data(as_text=True) == "-"


def test_a_token_session_opens_only_with_the_secret_of_its_window(app, db_session):
    _add_probe_routes(app)
    signed_in = app.test_client().get("/probe/login").json
    link, window = signed_in["link"], signed_in["window"]
    stored = db_session.query(WebSession).one()
    assert window not in str(stored.data) and stored.window_hash != window  # kept hashed
    thief = app.test_client()  # the address was copied from a log, a history, a screen
    assert thief.get(link).get_data(as_text=True) == "-"
    assert thief.get(link, headers={WINDOW_HEADER: window[:-1] + "x"}).get_data(as_text=True) == "-"
    assert thief.get(f"{link}&{WINDOW_PARAM}=guessed").get_data(as_text=True) == "-"
    assert thief.get(link, headers={WINDOW_HEADER: "x" * 5000}).get_data(as_text=True) == "-"
    # Its own window sends the secret as a header (fetch) or a field (links, forms).
    page = thief.get(f"{link}&{WINDOW_PARAM}={window}")
    assert page.get_data(as_text=True) == "signed-in"
    # Not kept by a cache; an address with the token goes to no other site as a Referer.
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # A redirect to a page of the tool carries the secret on; one to another site does not.
    here = thief.get(f"/probe/go/here?{TOKEN_PARAM}={link.split('=')[1]}", headers={WINDOW_HEADER: window})
    assert f"{WINDOW_PARAM}={window}" in here.headers["Location"]
    assert thief.get(here.headers["Location"]).get_data(as_text=True) == "signed-in"
    away = thief.get(f"/probe/go/away?{TOKEN_PARAM}={link.split('=')[1]}", headers={WINDOW_HEADER: window})
    assert away.headers["Location"] == "https://lms.example.com/course?_s=x"
    token = link.split(f"{TOKEN_PARAM}=")[1]
    assert thief.get("/probe/get", headers={"X-Session-Token": token, WINDOW_HEADER: window}).get_data(
        as_text=True) == "signed-in"


def test_a_cookie_sessions_token_does_not_open_it_from_the_address(app, db_session):
    _add_probe_routes(app)
    client = app.test_client()
    client.get("/probe/set/cookie-only")
    token = client.get_cookie(COOKIE_NAME).value
    # It has no window: in an address it opens nothing, whatever secret comes with it.
    assert app.test_client().get(f"/probe/get?{TOKEN_PARAM}={token}&{WINDOW_PARAM}=x").get_data(as_text=True) == "-"


def test_an_expired_session_is_not_used(app, db_session):
    _add_probe_routes(app)
    client = app.test_client()
    client.get("/probe/set/old")
    row = db_session.query(WebSession).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    assert client.get("/probe/get").get_data(as_text=True) == "-"


def _attributes(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0] for part in set_cookie.split(";")[1:]}


def test_cookies_are_secure_cross_site_and_partitioned_over_https(app):
    _add_probe_routes(app)
    client = app.test_client()
    response = client.get("/probe/set/x", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and {"Secure", "HttpOnly", "Partitioned"} <= _attributes(cookie)
    # Deleting it names the same partition, else the browser keeps the partitioned one.
    deleted = client.get("/probe/clear", base_url="https://localhost").headers["Set-Cookie"]
    assert "Max-Age=0" in deleted and "SameSite=None" in deleted and {"Secure", "Partitioned"} <= _attributes(deleted)
    plain = app.test_client().get("/probe/set/x").headers["Set-Cookie"]
    assert "SameSite=Lax" in plain and not {"Secure", "Partitioned"} & _attributes(plain)


class Clock:
    """The sessions' clock, moved by the test."""

    def __init__(self, monkeypatch) -> None:
        self.now = utcnow()
        monkeypatch.setattr("lti_tool.websession.utcnow", lambda: self.now)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def _last_seen(db_session):
    db_session.expire_all()
    return db_session.query(WebSession).one().last_seen_at


def test_a_session_idles_out_after_thirty_minutes_without_a_request(app, db_session, monkeypatch):
    assert app.config["SETTINGS"].session_idle_minutes == 30
    clock = Clock(monkeypatch)
    _add_probe_routes(app)
    client = app.test_client()
    client.get("/probe/set/busy")
    for _ in range(12):  # two hours, a request every ten minutes: still signed in
        clock.advance(minutes=10)
        assert client.get("/probe/get").get_data(as_text=True) == "busy"
    clock.advance(minutes=30, seconds=1)
    assert client.get("/probe/get").get_data(as_text=True) == "-"


def test_the_last_seen_time_is_written_at_most_once_a_minute(app, db_session, monkeypatch):
    clock = Clock(monkeypatch)
    _add_probe_routes(app)
    client = app.test_client()
    client.get("/probe/set/x")
    started = _last_seen(db_session)
    clock.advance(seconds=59)
    client.get("/probe/get")
    assert _last_seen(db_session) == started  # a page view within the minute writes nothing
    clock.advance(seconds=1)
    client.get("/probe/get")
    assert _last_seen(db_session) == clock.now


def test_an_active_session_still_ends_at_its_absolute_lifetime(app, db_session, monkeypatch):
    clock = Clock(monkeypatch)
    _add_probe_routes(app)
    client = app.test_client()
    client.get("/probe/set/all-day")
    ttl = app.config["SETTINGS"].session_ttl_seconds
    for _ in range(ttl // 1200 - 1):  # a request, and a write, every twenty minutes
        clock.advance(minutes=20)
        assert client.get(f"/probe/set/{clock.now.minute}").status_code == 200
    clock.advance(minutes=20, seconds=1)
    assert client.get("/probe/get").get_data(as_text=True) == "-"


def test_the_idle_time_is_set_in_the_environment(monkeypatch):
    from lti_tool.settings import load_settings

    monkeypatch.setenv("AFTERSALES_SESSION_IDLE_MINUTES", "5")
    assert load_settings().session_idle_minutes == 5
