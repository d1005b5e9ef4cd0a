"""Fixtures for testing the test platform on its own: a tiny tool stub (its JWKS with a
throwaway key, an OIDC login that redirects to the platform, a launch endpoint that
records what it receives) and the platform, Moodle-like and Canvas-like."""

from __future__ import annotations

import secrets
import time
import uuid
from urllib.parse import urlencode

import pytest
import requests
from flask import Flask, jsonify, redirect, request

from tests.lti_platform import TestPlatform
from tests.lti_platform import constants as c
from tests.lti_platform.keys import SigningKey
from tests.support.browser import Browser
from tests.lti_platform.controller import QuickLiveServer
from tests.support.postgres import free_port


class ToolStub:
    """Just enough of a tool to drive the platform: not the product's tool."""

    def __init__(self) -> None:
        self.key = SigningKey.generate()
        self.platform: TestPlatform | None = None
        self.logins: list[dict] = []
        self.launches: list[dict] = []
        self.sent: dict[str, str] = {}  # state -> nonce
        app = Flask(__name__)
        app.add_url_rule("/lti/jwks", "jwks", lambda: jsonify({"keys": [self.key.public_jwk]}))
        app.add_url_rule("/lti/login", "login", self._login, methods=["GET", "POST"])
        app.add_url_rule("/lti/launch", "launch", self._launch, methods=["POST"])
        self.server = QuickLiveServer(app, free_port()).start()
        self.url = self.server.url

    def _login(self):
        params = request.values.to_dict()
        self.logins.append(params)
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.sent[state] = nonce
        query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
                 "client_id": params["client_id"], "redirect_uri": f"{self.url}/lti/launch",
                 "login_hint": params["login_hint"], "lti_message_hint": params.get("lti_message_hint", ""),
                 "state": state, "nonce": nonce}
        return redirect(f"{self.platform.auth_login_url}?{urlencode(query)}", 302)

    def _launch(self):
        self.launches.append(request.form.to_dict())
        return "<!doctype html><title>stub</title><p id='launched'>received</p>"

    def sign(self, claims: dict, key: SigningKey | None = None, kid: str | None = None) -> str:
        return (key or self.key).sign(claims, {"kid": kid or self.key.kid})

    def client_assertion(self, platform: TestPlatform, client_id: str | None = None, **overrides) -> str:
        client_id = client_id or platform.client_id
        now = int(time.time())
        claims = {"iss": client_id, "sub": client_id, "aud": platform.token_url, "iat": now, "exp": now + 60,
                  "jti": str(uuid.uuid4())}
        claims.update(overrides)
        return self.sign(claims)

    def request_token(self, platform: TestPlatform, scopes=c.ALL_SCOPES, assertion: str | None = None) -> requests.Response:
        return requests.post(platform.token_url, timeout=10, data={
            "grant_type": "client_credentials", "client_assertion_type": c.CLIENT_ASSERTION_TYPE,
            "client_assertion": assertion or self.client_assertion(platform), "scope": " ".join(scopes)})

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def tool_stub():
    stub = ToolStub()
    yield stub
    stub.stop()


@pytest.fixture(params=["moodle", "canvas"])
def family(request) -> str:
    return request.param


@pytest.fixture
def platform(tool_stub, family):
    controller = TestPlatform(f"{family.title()}-like", family, tool_base_url=tool_stub.url).start()
    tool_stub.platform = controller
    yield controller
    controller.stop()


@pytest.fixture
def moodle(tool_stub):
    controller = TestPlatform(tool_base_url=tool_stub.url).start()
    tool_stub.platform = controller
    yield controller
    controller.stop()


@pytest.fixture
def browser():
    with Browser() as b:
        yield b


@pytest.fixture
def bearer(platform, tool_stub):
    """``bearer(*scopes)``: the Authorization header of a fresh access token."""
    def make(*scopes: str) -> dict:
        response = tool_stub.request_token(platform, scopes or c.ALL_SCOPES)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}
    return make
