"""Dynamic Registration 1.0 as Moodle drives it: OpenID configuration, a single-use
registration token, Moodle's checks of the tool configuration, a new client."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from tests.lti_platform import constants as c


def tool_configuration(tool_url: str, **changes) -> dict:
    domain = urlparse(tool_url).netloc
    body = {
        "application_type": "web", "response_types": ["id_token"], "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": f"{tool_url}/lti/login", "redirect_uris": [f"{tool_url}/lti/launch"],
        "client_name": "Stub tool", "jwks_uri": f"{tool_url}/lti/jwks", "token_endpoint_auth_method": "private_key_jwt",
        "scope": f"{c.SCOPE_SCORE} {c.SCOPE_NRPS} https://example.com/unknown-scope",
        c.TOOL_CONFIG: {"domain": domain, "target_link_uri": f"{tool_url}/lti/launch", "claims": ["iss", "sub", "name"],
                        "custom_parameters": {"source": "dr"},
                        "messages": [{"type": c.DEEP_LINKING_REQUEST, "target_link_uri": f"{tool_url}/lti/deeplink"}]},
    }
    body.update(changes)
    return body


def token_from(platform, tool_url: str) -> str:
    url = platform.dynamic_registration_url(f"{tool_url}/lti/register")
    query = parse_qs(urlparse(url).query)
    assert query["openid_configuration"] == [platform.openid_configuration_url]
    return query["registration_token"][0]


def register(platform, token: str | None, body: dict) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(platform.registration_endpoint, json=body, headers=headers, timeout=10)


def test_openid_configuration_describes_an_lti_platform(moodle):
    config = requests.get(moodle.openid_configuration_url, timeout=10).json()
    assert config["issuer"] == moodle.issuer and config["jwks_uri"] == moodle.jwks_url
    assert config["authorization_endpoint"] == moodle.auth_login_url and config["token_endpoint"] == moodle.token_url
    assert config["registration_endpoint"] == moodle.registration_endpoint
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(c.ALL_SCOPES) <= set(config["scopes_supported"])
    lti = config[c.PLATFORM_CONFIG]
    assert lti["product_family_code"] == "moodle" and lti["version"]
    assert {m["type"] for m in lti["messages_supported"]} == {c.RESOURCE_LINK_REQUEST, c.DEEP_LINKING_REQUEST}


def test_canvas_wants_the_registration_token_to_show_its_configuration(tool_stub):
    from tests.lti_platform import TestPlatform

    with TestPlatform("Canvas-like", "canvas") as canvas:
        assert requests.get(canvas.openid_configuration_url, timeout=10).status_code == 401
        token = token_from(canvas, tool_stub.url)
        shown = requests.get(canvas.openid_configuration_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert shown.json()[c.PLATFORM_CONFIG]["product_family_code"] == "canvas"


def test_a_registration_creates_a_client_the_platform_then_launches(moodle, tool_stub, browser):
    token = token_from(moodle, tool_stub.url)
    response = register(moodle, token, tool_configuration(tool_stub.url))
    assert response.status_code == 200, response.text
    body = response.json()
    client_id, deployment_id = body["client_id"], body[c.TOOL_CONFIG]["deployment_id"]
    assert client_id != moodle.client_id and deployment_id not in moodle.clients[moodle.client_id].deployment_ids
    assert body["scope"].split() == [c.SCOPE_SCORE, c.SCOPE_NRPS]  # the unknown scope is not granted
    assert body["token_endpoint_auth_method"] == "private_key_jwt"
    assert moodle.registrations[-1]["client_id"] == client_id
    moodle.launch(browser, "learner", client_id=client_id)
    import jwt

    claims = jwt.decode(tool_stub.launches[-1]["id_token"], options={"verify_signature": False})
    assert claims["aud"] == client_id and claims[c.CLAIM + "deployment_id"] == deployment_id
    assert claims[c.CLAIM + "custom"]["source"] == "dr"
    assert c.NRPS_CLAIM in claims and claims[c.AGS_CLAIM]["scope"] == [c.SCOPE_SCORE]


def test_the_registration_token_is_required_and_single_use(moodle, tool_stub):
    assert register(moodle, None, tool_configuration(tool_stub.url)).status_code == 401
    assert register(moodle, "forged", tool_configuration(tool_stub.url)).status_code == 401
    token = token_from(moodle, tool_stub.url)
    assert register(moodle, token, tool_configuration(tool_stub.url)).status_code == 200
    again = register(moodle, token, tool_configuration(tool_stub.url))
    assert again.status_code == 401 and again.json()["error_description"] == "token_already_used"
    assert len(moodle.registrations) == 1


@pytest.mark.parametrize("change, error", [
    ({"domain": "elsewhere.example.com"}, "domain_targetlinkuri_mismatch"),
    ({"domain": ""}, "missing_domain"),
    ({"token_endpoint_auth_method": "client_secret_basic"}, "invalid_token_endpoint_auth_method"),
    ({"response_types": ["code"]}, "invalid_response_types"),
    ({"application_type": "native"}, "invalid_application_type"),
    ({"jwks_uri": None}, "missing required attribute jwks_uri"),
])
def test_moodles_checks_of_the_tool_configuration(moodle, tool_stub, change, error):
    body = tool_configuration(tool_stub.url)
    if "domain" in change:
        body[c.TOOL_CONFIG]["domain"] = change["domain"]
    else:
        body.update({k: v for k, v in change.items() if v is not None})
        for k in [k for k, v in change.items() if v is None]:
            del body[k]
    response = register(moodle, token_from(moodle, tool_stub.url), body)
    assert response.status_code == 400 and response.json()["error_description"] == error
    assert moodle.registrations == []


def test_www_and_port_are_compared_the_way_moodle_does(moodle, tool_stub):
    body = tool_configuration(tool_stub.url)
    host = urlparse(tool_stub.url).netloc
    body[c.TOOL_CONFIG]["domain"] = f"www.{host}"  # Moodle ignores www.; the port must match
    assert register(moodle, token_from(moodle, tool_stub.url), body).status_code == 200
    body[c.TOOL_CONFIG]["domain"] = host.split(":")[0]
    assert register(moodle, token_from(moodle, tool_stub.url), body).status_code == 400


def test_the_start_page_opens_the_tool_with_both_parameters(moodle, tool_stub):
    response = requests.get(f"{moodle.base_url}/dynreg/start", params={"tool_url": f"{tool_stub.url}/lti/register",
                                                                     "mode": "redirect"},
                            allow_redirects=False, timeout=10)
    assert response.status_code == 302
    query = parse_qs(urlparse(response.headers["Location"]).query)
    assert query["openid_configuration"] == [moodle.openid_configuration_url]
    assert query["registration_token"][0] in moodle.registration_tokens
