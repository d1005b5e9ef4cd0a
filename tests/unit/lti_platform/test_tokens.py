"""The token endpoint: client credentials with a JWT assertion signed by the tool and
checked against the tool's JWKS over HTTP (LTI Security Framework §4.1, RFC 7523)."""

from __future__ import annotations

import time

import pytest

from tests.lti_platform import constants as c
from tests.lti_platform.keys import SigningKey


def test_a_good_assertion_gets_a_bearer_token(platform, tool_stub):
    response = tool_stub.request_token(platform, [c.SCOPE_SCORE, c.SCOPE_NRPS])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == platform.token_ttl
    assert body["scope"].split() == [c.SCOPE_SCORE, c.SCOPE_NRPS] and body["access_token"]
    assert platform.access_tokens_issued == 1
    assert platform.access_tokens[body["access_token"]]["client_id"] == platform.client_id


@pytest.mark.parametrize("case", ["wrong signature", "wrong aud", "unknown client", "sub is not iss", "expired", "no jti"])
def test_a_bad_assertion_is_refused(platform, tool_stub, case):
    now = int(time.time())
    if case == "wrong signature":  # the tool's kid, someone else's key
        assertion = tool_stub.sign({"iss": platform.client_id, "sub": platform.client_id, "aud": platform.token_url,
                                    "iat": now, "exp": now + 60, "jti": "x1"}, key=SigningKey.generate())
    else:
        overrides = {
            "wrong aud": {"aud": f"{platform.base_url}/elsewhere"},
            "unknown client": {"iss": "nobody", "sub": "nobody"},
            "sub is not iss": {"sub": "someone-else"},
            "expired": {"iat": now - 600, "exp": now - 300},
            "no jti": {"jti": None},
        }[case]
        claims = {k: v for k, v in overrides.items() if v is not None}
        assertion = tool_stub.client_assertion(platform, **claims)
        if case == "no jti":
            import jwt

            body = jwt.decode(assertion, options={"verify_signature": False})
            del body["jti"]
            assertion = tool_stub.sign(body)
    response = tool_stub.request_token(platform, assertion=assertion)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert platform.access_tokens_issued == 0


def test_a_replayed_assertion_is_refused(platform, tool_stub):
    assertion = tool_stub.client_assertion(platform)
    assert tool_stub.request_token(platform, assertion=assertion).status_code == 200
    replay = tool_stub.request_token(platform, assertion=assertion)
    assert replay.status_code == 401 and "jti" in replay.json()["error_description"]
    assert platform.access_tokens_issued == 1


def test_scopes_not_granted_and_wrong_grant_types_are_refused(platform, tool_stub):
    platform.clients[platform.client_id].scopes = [c.SCOPE_SCORE]
    refused = tool_stub.request_token(platform, [c.SCOPE_NRPS])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    narrowed = tool_stub.request_token(platform, [c.SCOPE_NRPS, c.SCOPE_SCORE])
    assert narrowed.json()["scope"] == c.SCOPE_SCORE
    import requests

    wrong_grant = requests.post(platform.token_url, timeout=10, data={
        "grant_type": "password", "client_assertion_type": c.CLIENT_ASSERTION_TYPE,
        "client_assertion": tool_stub.client_assertion(platform), "scope": c.SCOPE_SCORE})
    assert wrong_grant.status_code == 400 and wrong_grant.json()["error"] == "unsupported_grant_type"


def test_the_tools_keys_are_read_over_http(platform, tool_stub):
    tool_stub.request_token(platform)
    tool_stub.key = SigningKey.generate()  # the tool rotated: its JWKS now lists only the new key
    assert tool_stub.request_token(platform).status_code == 200
    assert platform.access_tokens_issued == 2


def test_an_outage_answers_503_until_cleared(platform, tool_stub):
    with platform.outage(503, services=("token",)):
        assert tool_stub.request_token(platform).status_code == 503
    assert tool_stub.request_token(platform).status_code == 200
