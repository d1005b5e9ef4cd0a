"""X-Forwarded-* headers are believed only from a reverse proxy named in
``trusted_proxies``: anyone else sending ``X-Forwarded-Proto: https`` or a made-up
``X-Forwarded-For`` changes neither the scheme (URLs, the Secure cookie) nor the
client's address that throttling and logs key on."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify, request, session, url_for
from pydantic import ValidationError

from lti_tool import create_app
from lti_tool.db import get_db
from lti_tool.websession import COOKIE_NAME

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "training.example.com"}


def _probe(app):
    bp = Blueprint("proxy_probe", __name__)

    @bp.get("/probe/request")
    def seen():
        session["seen"] = True  # a session cookie, Secure or not
        return jsonify(scheme=request.scheme, remote_addr=request.remote_addr,
                       url=url_for("proxy_probe.seen", _external=True))

    app.register_blueprint(bp)
    return app


@pytest.fixture
def trusting_app(settings_overrides):
    app = create_app({**settings_overrides, "trusted_proxies": ["10.0.0.0/24", "127.0.0.1"]})
    yield _probe(app)
    get_db(app).engine.dispose()


def _get(app, remote_addr: str):
    return app.test_client().get("/probe/request", headers=FORWARDED, environ_base={"REMOTE_ADDR": remote_addr})


def test_without_the_setting_forwarded_headers_from_localhost_are_ignored(app):
    response = _get(_probe(app), "127.0.0.1")
    assert response.json == {"scheme": "http", "remote_addr": "127.0.0.1", "url": "http://localhost/probe/request"}
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(COOKIE_NAME) and "Secure" not in cookie and "SameSite=Lax" in cookie


def test_a_trusted_proxy_says_https_the_host_and_the_clients_address(trusting_app):
    for proxy in ("127.0.0.1", "10.0.0.9", "::ffff:10.0.0.9"):
        response = _get(trusting_app, proxy)
        assert response.json == {"scheme": "https", "remote_addr": "203.0.113.7",
                                 "url": "https://training.example.com/probe/request"}, proxy
        assert "Secure" in response.headers["Set-Cookie"]


def test_a_client_outside_the_trusted_networks_is_not_believed(trusting_app):
    response = _get(trusting_app, "10.0.1.9")  # next to the proxies' network, not in it
    assert response.json == {"scheme": "http", "remote_addr": "10.0.1.9", "url": "http://localhost/probe/request"}
    assert "Secure" not in response.headers["Set-Cookie"]


def test_a_wrong_entry_stops_the_start_with_its_name(settings_overrides):
    with pytest.raises(ValidationError, match="10.0.0.300"):
        create_app({**settings_overrides, "trusted_proxies": ["10.0.0.300"]})
