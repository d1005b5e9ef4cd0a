"""Launch initiation, OIDC authentication and the id_token, checked as a tool would
check them: PyJWT against the JWKS fetched over HTTP (LTI 1.3 core §5, Security
Framework §5.1)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests

from tests.lti_platform import constants as c


def verify(platform, token: str, audience: str | None = None) -> dict:
    key = jwt.PyJWKClient(platform.jwks_url).get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience or platform.client_id,
                      issuer=platform.issuer)


def test_initiation_auto_posts_the_login_parameters_to_the_tool(platform, tool_stub, browser):
    browser.auto_submit = False
    browser.get(platform.launch_url("learner"))
    form = browser.page.auto_form()
    assert form is not None and form.method == "post" and form.action == f"{tool_stub.url}/lti/login"
    fields = form.values()
    assert fields["iss"] == platform.issuer
    assert fields["login_hint"] == platform.user("learner").sub
    assert fields["target_link_uri"] == f"{tool_stub.url}/lti/launch"
    assert fields["client_id"] == platform.client_id and fields["lti_deployment_id"] == platform.deployment_id
    assert fields["lti_message_hint"] in platform.pending_launches


def test_initiation_by_get_redirects_with_the_same_parameters(platform, tool_stub):
    response = requests.get(platform.launch_url("instructor", method="get"), allow_redirects=False, timeout=10)
    assert response.status_code == 302
    location = urlparse(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{tool_stub.url}/lti/login"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["login_hint"] == platform.user("instructor").sub and query["client_id"] == platform.client_id


def test_storage_target_is_advertised_when_configured(platform, browser):
    platform.storage_target = "_parent"
    browser.auto_submit = False
    browser.get(platform.launch_url())
    assert browser.page.auto_form().values()["lti_storage_target"] == "_parent"


def test_the_full_flow_posts_a_verifiable_id_token_with_the_tools_nonce_and_state(platform, tool_stub, browser):
    browser.get(platform.launch_url("learner"))
    assert browser.page.text_of("launched") == "received"
    posted = tool_stub.launches[-1]
    assert tool_stub.sent[posted["state"]]  # the state the stub sent came back
    claims = verify(platform, posted["id_token"])
    assert claims["nonce"] == tool_stub.sent[posted["state"]]
    assert claims["azp"] == platform.client_id and claims["exp"] > claims["iat"]
    assert claims[c.CLAIM + "message_type"] == c.RESOURCE_LINK_REQUEST and claims[c.CLAIM + "version"] == "1.3.0"
    assert claims[c.CLAIM + "deployment_id"] == platform.deployment_id
    assert claims[c.CLAIM + "target_link_uri"] == f"{tool_stub.url}/lti/launch"
    assert claims[c.CLAIM + "roles"] == [c.LEARNER, c.INSTITUTION_STUDENT]
    assert claims["name"] == "张伟" and claims["locale"] == "zh-CN"
    assert claims[c.CLAIM + "lis"]["person_sourcedid"] == "E1001"
    link = platform.resource_links()[0]
    assert claims[c.CLAIM + "resource_link"]["id"] == link.id
    context = claims[c.CLAIM + "context"]
    assert context["id"] == platform.course.id and context["type"] == [c.COURSE_OFFERING]
    assert claims[c.CLAIM + "tool_platform"]["product_family_code"] == platform.product_family
    assert claims[c.CLAIM + "launch_presentation"]["document_target"] == "iframe"
    assert claims[c.NRPS_CLAIM]["service_versions"] == ["2.0"]
    assert "lineitem" not in claims[c.AGS_CLAIM]  # this link has no gradebook column
    assert set(claims[c.AGS_CLAIM]["scope"]) == set(c.AGS_SCOPES)


def test_a_graded_link_carries_its_line_item_and_custom_parameters(platform, tool_stub, browser):
    link = platform.add_resource_link("Quiz", custom={"item_kind": "quiz", "who": "$User.id"},
                                      line_item={"scoreMaximum": 10, "resourceId": "q1", "tag": "quiz"})
    platform.launch(browser, "learner", resource_link=link.id)
    claims = verify(platform, tool_stub.launches[-1]["id_token"])
    assert claims[c.CLAIM + "custom"] == {"item_kind": "quiz", "who": platform.user("learner").sub}
    assert claims[c.AGS_CLAIM]["lineitem"] == platform.lineitem_url(platform.course.id, link.lineitem_id)


@pytest.mark.parametrize("user, expected", [
    ("instructor", [c.INSTRUCTOR, c.INSTITUTION_STAFF]),
    ("ta", [c.TEACHING_ASSISTANT, c.INSTITUTION_STAFF]),
    ("hr", [c.INSTITUTION_ADMIN]),
    ("observer", [c.MENTOR]),
])
def test_roles_of_the_seeded_users(moodle, tool_stub, browser, user, expected):
    moodle.launch(browser, user)
    claims = verify(moodle, tool_stub.launches[-1]["id_token"])
    assert claims[c.CLAIM + "roles"] == expected
    if user == "observer":
        assert claims[c.CLAIM + "role_scope_mentor"] == [moodle.user("learner").sub]


def test_deep_linking_request_claims(platform, tool_stub, browser):
    platform.deep_link(browser, "instructor")
    claims = verify(platform, tool_stub.launches[-1]["id_token"])
    assert claims[c.CLAIM + "message_type"] == c.DEEP_LINKING_REQUEST
    assert c.CLAIM + "resource_link" not in claims
    settings = claims[c.DL_SETTINGS]
    assert settings["deep_link_return_url"].startswith(f"{platform.base_url}/deeplink/return?dl=")
    assert settings["accept_types"] == ["ltiResourceLink"] and settings["accept_multiple"] is True
    assert settings["accept_presentation_document_targets"] == ["iframe", "window"]
    assert settings["data"]


def _auth_request(tool_stub, platform, **changes):
    """The stub's login, stopped at the platform, with ``changes`` to its auth request."""
    from tests.support.browser import Browser

    browser = Browser()
    capture = platform.start_login(browser, "learner")
    params = {**capture.params, **changes}
    params = {k: v for k, v in params.items() if v is not None}
    browser.get(platform.auth_login_url, params)
    return browser


@pytest.mark.parametrize("changes, error", [
    ({"response_type": "code"}, "unsupported_response_type"),
    ({"scope": "profile"}, "invalid_scope"),
    ({"response_mode": "query"}, "invalid_request"),
    ({"prompt": "login"}, "invalid_request"),
    ({"nonce": None}, "invalid_request"),
    ({"lti_message_hint": "forged"}, "invalid_request"),
])
def test_auth_errors_are_posted_back_to_the_redirect_uri(moodle, tool_stub, changes, error):
    with _auth_request(tool_stub, moodle, **changes):
        posted = tool_stub.launches[-1]
    assert posted["error"] == error and "id_token" not in posted
    assert posted["state"] in tool_stub.sent


def test_login_hint_of_another_user_is_refused(moodle, tool_stub):
    with _auth_request(tool_stub, moodle, login_hint=moodle.user("instructor").sub):
        assert "id_token" not in tool_stub.launches[-1]
    assert "login_hint" in moodle.auth_errors[-1]["error_description"]


@pytest.mark.parametrize("changes", [{"client_id": "nobody"}, {"redirect_uri": "http://127.0.0.1:9/steal"}])
def test_unknown_client_or_redirect_uri_gets_an_error_page_not_a_redirect(moodle, tool_stub, changes):
    with _auth_request(tool_stub, moodle, **changes) as browser:
        assert browser.response.status_code == 400 and browser.response.url.startswith(moodle.auth_login_url)
    assert tool_stub.launches == []


def test_a_launch_hint_is_used_once_and_needs_the_platform_session(moodle, tool_stub, browser):
    capture = moodle.start_login(browser, "learner")
    capture.complete()
    assert "id_token" in tool_stub.launches[-1]
    browser.get(moodle.auth_login_url, capture.params)  # the same auth request again
    assert tool_stub.launches[-1]["error"] == "invalid_request"
    from tests.support.browser import Browser

    with Browser() as stranger:  # another browser, not signed in to the platform
        stranger.get(moodle.auth_login_url, moodle.start_login(browser, "learner").params)
    assert tool_stub.launches[-1]["error"] == "login_required"


def test_lti_message_hint_looks_like_the_product_family(platform, browser):
    capture = platform.start_login(browser)
    if platform.product_family == "moodle":
        assert json.loads(capture.lti_message_hint)["cmid"] == platform.resource_links()[0].id
    else:  # Canvas signs its message hint
        key = jwt.PyJWKClient(platform.jwks_url).get_signing_key_from_jwt(capture.lti_message_hint)
        assert jwt.decode(capture.lti_message_hint, key.key, algorithms=["RS256"])["context_id"] == platform.course.id
