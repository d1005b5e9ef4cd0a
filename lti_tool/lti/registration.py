"""LTI Dynamic Registration 1.0, as Moodle 4.x / 5.x drives it, on pylti1p3next.

The platform opens the operator's invitation URL ``/lti/register/<token>?
openid_configuration=…&registration_token=…`` (the view checks the invitation
before anything here runs). We fetch its OpenID configuration, check it is an LTI
platform whose issuer owns that URL (or is the issuer the invitation names), POST
our tool configuration with the registration token, create the platform and
deployment we are given in the invitation's organisation, use up the invitation in
the same transaction, and tell the platform to close the window. A registration
only ever creates: it never changes a platform that exists.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlparse

import requests
from flask import current_app, has_app_context
from pylti1p3.dynamic_registration import DynamicRegistration
from pylti1p3.exception import LtiException
from sqlalchemy.orm import Session

from lti_tool.audit import log as audit
from lti_tool.lti import invites, platforms
from lti_tool.lti.invite_models import RegistrationInvite
from lti_tool.lti.models import Platform

PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
LOGO = "logo.svg"
log = logging.getLogger(__name__)
# What the page says when a URL of the platform cannot be fetched, whatever the cause
# (refused address, no answer, not JSON): saying more would map the network behind us.
FETCH_FAILED = "could not read the platform's OpenID configuration"
REGISTER_FAILED = "could not reach the platform's registration endpoint"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


# Why a registration failed, as the LMS administrator is told (the log has the detail).
FAILED = "failed"  # the configuration could not be read or is not an LTI platform's, the LMS refused us
ISSUER = "issuer"  # the issuer neither owns the configuration URL nor is the one the invitation names
REGISTERED = "registered"  # the issuer (and client id) is a platform the tool has: never changed
INVITATION = "invitation"  # another registration used the invitation first, or it was revoked meanwhile
ACTOR = "dynamic registration"  # the audit actor_label of a registration


class RegistrationFailed(Exception):
    """``reason`` is one of the constants above; the message is for the log only."""

    def __init__(self, message: str, reason: str = FAILED) -> None:
        super().__init__(message)
        self.reason = reason


class ToolRegistration(DynamicRegistration):
    client_name = "After-sales training 售后培训"
    description = "Lessons, quizzes, practical assessments, attendance and certificates for after-sales service staff."

    def __init__(self, session: Session, http: requests.Session, base_url: str,
                 openid_configuration: str, registration_token: str | None,
                 invite: RegistrationInvite | None = None) -> None:
        self.session, self.http, self.base_url = session, http, base_url
        self.openid_configuration_url = openid_configuration
        self.registration_token = registration_token
        self.invite = invite
        self.platform: Platform | None = None

    # -- what we tell the platform ------------------------------------------------
    def get_request_session(self):
        return _NonClosing(self.http)

    def get_initiate_login_uri(self):
        return f"{self.base_url}/lti/login"

    def get_jwks_uri(self):
        return f"{self.base_url}/lti/jwks"

    def get_redirect_uris(self):
        return [f"{self.base_url}/lti/launch"]

    def get_target_link_uri(self):
        return f"{self.base_url}/lti/launch"

    def get_domain(self):
        return urlparse(self.get_target_link_uri()).netloc

    def get_logo_uri(self):
        """Only a logo we serve: Moodle shows ``logo_uri`` as the icon of every activity
        and gradebook column, so a missing file would be a broken image everywhere."""
        static = current_app.static_folder if has_app_context() else None
        folder = Path(static) if static else Path(__file__).resolve().parent.parent / "static"
        return f"{self.base_url}/static/{LOGO}" if (folder / LOGO).is_file() else None

    def lti_registration_data(self):
        data = super().lti_registration_data()
        if not data.get("logo_uri"):
            data.pop("logo_uri", None)
        return data

    def get_scopes(self):
        return SCOPES

    def get_claims(self):
        return ["iss", "sub", "name", "given_name", "family_name", "email", "locale"]

    def get_messages(self):
        return [
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": self.get_target_link_uri(),
                "label": "After-sales training",
                "label#zh-CN": "售后培训",
                "placements": ["ContentArea"],
            },
            {"type": "LtiResourceLinkRequest", "target_link_uri": self.get_target_link_uri()},
        ]

    def get_openid_configuration_endpoint(self):
        return self.openid_configuration_url

    def get_registration_token(self):
        return self.registration_token

    # -- checks pylti1p3next leaves to asserts -----------------------------------------
    def get_openid_configuration(self):
        headers = {"Accept": "application/json"}
        if self.registration_token:  # Canvas protects its configuration with the token
            headers["Authorization"] = f"Bearer {self.registration_token}"
        try:
            response = self.http.get(self.openid_configuration_url, headers=headers)
            response.raise_for_status()
            config = response.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("OpenID configuration %s not read: %s", self.openid_configuration_url, exc)
            raise RegistrationFailed(FETCH_FAILED) from exc
        if not isinstance(config, dict):
            raise RegistrationFailed("the OpenID configuration is not a JSON object")
        issuer = config.get("issuer", "")
        if not isinstance(issuer, str) or not issuer.startswith(("https://", "http://")):
            raise RegistrationFailed("the OpenID configuration has no valid issuer")
        self._check_issuer(issuer)
        for field in ("registration_endpoint", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not config.get(field):
                raise RegistrationFailed(f"the OpenID configuration has no {field}")
        if PLATFORM_CONFIG not in config:
            raise RegistrationFailed("the OpenID configuration is not an LTI platform's")
        return config

    def _check_issuer(self, issuer: str) -> None:
        """Whoever serves a configuration may claim any issuer in it. So the issuer must
        own the configuration URL, or be exactly the one the operator named in the
        invitation (Canvas cloud's https://canvas.instructure.com is not the host that
        serves a school's configuration); no product family the configuration declares
        for itself skips this. An issuer of another organisation's platform is refused
        here, before we register with the LMS."""
        expected = self.invite.expected_issuer if self.invite is not None else None
        if expected:
            if issuer != expected:
                raise RegistrationFailed(f"the issuer {issuer!r} is not the invitation's {expected!r}", ISSUER)
        elif not issuer_owns(issuer, self.openid_configuration_url):
            raise RegistrationFailed(f"the issuer {issuer!r} does not own {self.openid_configuration_url!r}", ISSUER)
        if self.invite is not None and platforms.issuer_elsewhere(self.session, issuer, self.invite.organisation_id):
            raise RegistrationFailed(f"the issuer {issuer!r} belongs to a platform of another organisation", REGISTERED)

    def complete_registration(self, openid_configuration, openid_registration):
        tool_config = openid_registration.get(TOOL_CONFIG) or {}
        client_id = openid_registration.get("client_id")
        if not client_id:
            raise RegistrationFailed("the platform returned no client_id")
        platform_config = openid_configuration.get(PLATFORM_CONFIG) or {}
        deployment = tool_config.get("deployment_id")
        invite = self.invite
        self.platform = platforms.add(
            self.session,
            create_only=True,
            organisation=invite.organisation.slug,
            identity_trusted=invite.trust_identity,
            issuer=openid_configuration["issuer"],
            client_id=str(client_id),
            auth_login_url=openid_configuration["authorization_endpoint"],
            auth_token_url=openid_configuration["token_endpoint"],
            key_set_url=openid_configuration["jwks_uri"],
            deployment_ids=[str(deployment)] if deployment else [],
            name=_platform_name(openid_configuration["issuer"], platform_config),
            auth_audience=openid_configuration.get("authorization_server"),
            product_family=platform_config.get("product_family_code", ""),
        )
        if not invites.use(self.session, invite.id, self.platform.id):
            raise RegistrationFailed(f"invitation {invite.id} was used or revoked meanwhile", INVITATION)
        audit.record(
            self.session, organisation_id=self.platform.organisation_id, action="platform.registered",
            subject=f"platform {self.platform.id}", actor_label=ACTOR,
            details={"issuer": self.platform.issuer, "client_id": self.platform.client_id, "invitation": invite.id,
                     "identity_trusted": self.platform.identity_trusted},
        )
        return self.platform

    def run(self) -> Platform:
        if self.invite is None:
            raise RegistrationFailed("a registration needs an invitation", INVITATION)
        if not self.openid_configuration_url:
            raise RegistrationFailed("the registration request has no openid_configuration")
        try:
            self.register()
        except platforms.PlatformExists as exc:
            raise RegistrationFailed(str(exc), REGISTERED) from exc
        except requests.RequestException as exc:
            log.warning("registration endpoint of %s not reached: %s", self.openid_configuration_url, exc)
            raise RegistrationFailed(REGISTER_FAILED) from exc
        except (LtiException, AssertionError, platforms.PlatformError) as exc:
            raise RegistrationFailed(str(exc)) from exc
        assert self.platform is not None
        return self.platform


def issuer_owns(issuer: str, url: str) -> bool:
    """The URL is on the issuer's scheme, host and port, under the issuer's path (Moodle's
    issuer is its wwwroot, which may have a path). A bare string prefix is not enough:
    ``https://lms.example`` is a prefix of ``https://lms.example.evil.net/…``."""
    own, other = urlparse(issuer), urlparse(url)
    if not own.scheme or not own.netloc:
        return False
    if (own.scheme.lower(), own.netloc.lower()) != (other.scheme.lower(), other.netloc.lower()):
        return False
    base = own.path.rstrip("/")
    return not base or other.path == base or other.path.startswith(base + "/")


def _platform_name(issuer: str, platform_config: dict) -> str:
    """E.g. "moodle.example.com (moodle)": every Moodle says "moodle", the host tells them apart."""
    host = urlparse(issuer).netloc or issuer
    family = platform_config.get("product_family_code", "")
    return f"{host} ({family})" if family else host


class _NonClosing:
    """pylti1p3next closes the session it is given; ours is shared and kept."""

    def __init__(self, http: requests.Session) -> None:
        self.http = http

    def __enter__(self):
        return self.http

    def __exit__(self, *exc):
        return False
