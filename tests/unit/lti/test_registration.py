"""What the tool sends in a Dynamic Registration (checked against Moodle 5.1)."""

from __future__ import annotations

import pytest
from flask import Flask

from lti_tool.lti.registration import TOOL_CONFIG, ToolRegistration, issuer_owns

BASE = "http://tool.example:5000"


def _registration() -> ToolRegistration:
    return ToolRegistration(None, None, BASE, f"{BASE}/unused", "token")


def test_no_logo_uri_when_the_logo_is_not_served(tmp_path):
    # Moodle uses logo_uri as the icon of every activity and gradebook column:
    # a 404 logo shows as a broken image all over the course.
    app = Flask(__name__, static_folder=str(tmp_path))
    with app.app_context():
        data = _registration().lti_registration_data()
    assert "logo_uri" not in data


def test_logo_uri_when_the_logo_is_served(tmp_path):
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    app = Flask(__name__, static_folder=str(tmp_path))
    with app.app_context():
        data = _registration().lti_registration_data()
    assert data["logo_uri"] == f"{BASE}/static/logo.svg"


def test_registration_fields_moodle_requires():
    data = _registration().lti_registration_data()
    assert data["response_types"] == ["id_token"]
    assert data["token_endpoint_auth_method"] == "private_key_jwt"
    assert data["redirect_uris"] == [f"{BASE}/lti/launch"]
    tool = data[TOOL_CONFIG]
    # Moodle rejects a registration whose domain differs from target_link_uri's (port included).
    assert tool["domain"] == "tool.example:5000"
    assert tool["target_link_uri"] == f"{BASE}/lti/launch"
    assert {m["type"] for m in tool["messages"]} == {"LtiDeepLinkingRequest", "LtiResourceLinkRequest"}


@pytest.mark.parametrize(
    ("issuer", "url", "owns"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/mod/lti/openid-configuration.php", True),  # Moodle 5.1
        ("https://lms.example/moodle", "https://lms.example/moodle/mod/lti/openid-configuration.php", True),
        ("https://lms.example/", "https://lms.example/mod/lti/openid-configuration.php", True),
        ("https://lms.example", "https://lms.example.evil.net/mod/lti/openid-configuration.php", False),
        ("https://lms.example", "https://lms.example:8443/mod/lti/openid-configuration.php", False),
        ("https://lms.example", "http://lms.example/mod/lti/openid-configuration.php", False),
        ("https://lms.example/moodle", "https://lms.example/moodle2/mod/lti/openid-configuration.php", False),
        ("", "https://lms.example/mod/lti/openid-configuration.php", False),
    ],
)
def test_the_issuer_must_own_the_configuration_url(issuer, url, owns):
    assert issuer_owns(issuer, url) is owns
