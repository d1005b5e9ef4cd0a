"""LTI Dynamic Registration round trip (LTI-DR 1.0, as Moodle 4.x / 5.x runs it), through
the operator's invitation URL, and the Canvas developer-key JSON. The attacks on
registration are in test_registration_invites.py."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from lti_tool.lti.invite_models import RegistrationInvite
from lti_tool.lti.models import Deployment, Platform
from tests.lti_platform import TestPlatform
from tests.lti_platform import constants as c
from tests.support.browser import Browser
from tests.support.invites import invitation, invitation_url


def test_dynamic_registration_registers_the_platform_and_closes_the_window(live_tool, app, db_session):
    invite_id, url = invitation(app)
    with TestPlatform(tool_base_url=live_tool.url) as lms, Browser() as browser:
        page = browser.get(lms.dynamic_registration_url(url))
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
        assert platform.organisation.slug == "default" and platform.identity_trusted is False
        assert [d.deployment_id for d in db_session.scalars(select(Deployment))] == [registration["deployment_id"]]
        invite = db_session.get(RegistrationInvite, invite_id)
        assert invite.used_at is not None and invite.used_by_platform_id == platform.id

        # The newly registered client launches straight away.
        launched = lms.launch(browser, user="learner", client_id=registration["client_id"])
        assert launched.status_code == 200 and browser.url.endswith("/lti/landing")


def test_a_used_registration_token_fails_clearly_and_leaves_the_invitation_usable(live_tool, app, db_session):
    """The LMS refuses our POST (its registration token was used): nothing is registered,
    and the administrator can start again with the same invitation URL."""
    url = invitation_url(app)
    with TestPlatform(tool_base_url=live_tool.url) as lms, Browser() as browser:
        spent = lms.dynamic_registration_url(url)
        lms.registration_tokens[parse_qs(urlparse(spent).query)["registration_token"][0]]["used"] = True
        again = browser.get(spent)
        assert again.status_code == 502
        assert "注册未完成" in again.text and "同一个注册地址" in again.text
        assert db_session.scalar(select(Platform.id)) is None
        assert browser.get(lms.dynamic_registration_url(url)).status_code == 200
        assert db_session.scalars(select(Platform.client_id)).all() == [lms.registrations[-1]["client_id"]]


def test_an_invitation_opened_without_openid_configuration_is_a_clear_400(live_tool, app):
    with Browser() as browser:
        response = browser.get(invitation_url(app))
        assert response.status_code == 400
        assert "动态注册" in response.text


def test_registration_refuses_a_configuration_whose_issuer_does_not_own_it(live_tool, app, db_session):
    url = invitation_url(app)
    with TestPlatform(tool_base_url=live_tool.url, issuer="https://moodle.elsewhere.example") as lms, Browser() as browser:
        response = browser.get(lms.dynamic_registration_url(url))
        assert response.status_code == 403
        assert "签发者" in response.text and "moodle.elsewhere.example" not in response.text
        assert db_session.scalar(select(Platform.id)) is None
        assert db_session.scalar(select(RegistrationInvite.used_at)) is None


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
    (canvas.instructure.com) is not the host that serves it: the operator names that
    issuer in the invitation."""
    url = invitation_url(app, "acme", expected_issuer="https://canvas.instructure.com", trust_identity=True)
    with TestPlatform("Canvas-like", "canvas", tool_base_url=live_tool.url,
                      issuer="https://canvas.instructure.com") as canvas, Browser() as browser:
        page = browser.get(canvas.dynamic_registration_url(url))
        assert page.status_code == 200, page.text[:500]
        platform = db_session.scalars(select(Platform)).one()
        assert (platform.issuer, platform.product_family) == ("https://canvas.instructure.com", "canvas")
        assert platform.name.startswith("canvas.instructure.com")
        assert platform.organisation.slug == "acme" and platform.identity_trusted is True
        launched = canvas.launch(browser, user="learner", client_id=canvas.registrations[-1]["client_id"])
        assert launched.status_code == 200 and browser.url.endswith("/lti/landing")


def test_canvas_without_the_issuer_in_its_invitation_is_refused(live_tool, app, db_session):
    """Declaring product_family_code "canvas" skips nothing: the issuer must own the URL."""
    url = invitation_url(app)
    with TestPlatform("Canvas-like", "canvas", tool_base_url=live_tool.url,
                      issuer="https://canvas.instructure.com") as canvas, Browser() as browser:
        assert browser.get(canvas.dynamic_registration_url(url)).status_code == 403
        assert canvas.registrations == []  # refused before registering with the LMS
        assert db_session.scalar(select(Platform.id)) is None
