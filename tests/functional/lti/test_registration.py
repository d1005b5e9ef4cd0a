"""LTI Dynamic Registration round trip (LTI-DR 1.0, as Moodle 4.x / 5.x runs it) and
the Canvas developer-key JSON."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.lti.models import Deployment, Platform
from tests.lti_platform import TestPlatform
from tests.lti_platform import constants as c
from tests.support.browser import Browser


def test_dynamic_registration_registers_the_platform_and_closes_the_window(live_tool, app, db_session):
    with TestPlatform(tool_base_url=live_tool.url) as lms, Browser() as browser:
        page = browser.get(lms.dynamic_registration_url())
        assert page.status_code == 200, page.text[:500]
        assert "org.imsglobal.lti.close" in page.text
        assert "激活" in page.text  # tells the Moodle admin to activate the tool
        registration = lms.registrations[-1]
        sent = registration["request"]
        tool_config = sent[c.TOOL_CONFIG]
        assert tool_config["domain"] == live_tool.url.split("://", 1)[1]
        assert tool_config["target_link_uri"] == f"{live_tool.url}/lti/launch"
        assert sent["initiate_login_uri"] == f"{live_tool.url}/lti/login"
        assert sent["jwks_uri"] == f"{live_tool.url}/lti/jwks"
        assert set(c.ALL_SCOPES) <= set(sent["scope"].split())
        assert {m["type"] for m in tool_config["messages"]} >= {c.DEEP_LINKING_REQUEST}

        platform = db_session.scalars(select(Platform)).one()
        assert (platform.issuer, platform.client_id) == (lms.issuer, registration["client_id"])
        assert platform.product_family == "moodle"
        assert [d.deployment_id for d in db_session.scalars(select(Deployment))] == [registration["deployment_id"]]

        # The newly registered client launches straight away.
        launched = lms.launch(browser, user="learner", client_id=registration["client_id"])
        assert launched.status_code == 200 and browser.url.endswith("/lti/landing")


def test_a_used_registration_token_fails_clearly_and_registers_nothing(live_tool, db_session):
    with TestPlatform(tool_base_url=live_tool.url) as lms, Browser() as browser:
        url = lms.dynamic_registration_url()
        assert browser.get(url).status_code == 200
        again = browser.get(url)
        assert again.status_code == 502
        assert "注册未完成" in again.text
        assert db_session.scalar(select(Platform.id).where(Platform.client_id != lms.registrations[0]["client_id"])) is None


def test_registration_without_openid_configuration_is_a_clear_400(live_tool):
    with Browser() as browser:
        response = browser.get(f"{live_tool.url}/lti/register")
        assert response.status_code == 400
        assert "动态注册" in response.text


def test_registration_refuses_a_configuration_whose_issuer_does_not_own_it(live_tool, db_session):
    with TestPlatform(tool_base_url=live_tool.url, issuer="https://moodle.elsewhere.example") as lms, Browser() as browser:
        response = browser.get(lms.dynamic_registration_url())
        assert response.status_code == 502
        assert db_session.scalar(select(Platform.id)) is None


def test_canvas_json_configuration(client, app):
    base = app.config["SETTINGS"].public_base_url
    config = client.get("/lti/canvas.json").get_json()
    assert config["oidc_initiation_url"] == f"{base}/lti/login"
    assert config["target_link_uri"] == f"{base}/lti/launch"
    assert config["public_jwk_url"] == f"{base}/lti/jwks"
    assert c.SCOPE_SCORE in config["scopes"] and c.SCOPE_NRPS in config["scopes"]
    placements = config["extensions"][0]["settings"]["placements"]
    assert {p["message_type"] for p in placements} == {c.DEEP_LINKING_REQUEST, c.RESOURCE_LINK_REQUEST}


def test_dynamic_registration_with_canvas(live_tool, app, db_session):
    """Canvas serves its configuration only with the registration token, and its issuer
    (canvas.instructure.com) is not the host that serves it."""
    with TestPlatform("Canvas-like", "canvas", tool_base_url=live_tool.url,
                      issuer="https://canvas.instructure.com") as canvas, Browser() as browser:
        page = browser.get(canvas.dynamic_registration_url())
        assert page.status_code == 200, page.text[:500]
        platform = db_session.scalars(select(Platform)).one()
        assert (platform.issuer, platform.product_family) == ("https://canvas.instructure.com", "canvas")
        assert platform.name.startswith("canvas.instructure.com")
