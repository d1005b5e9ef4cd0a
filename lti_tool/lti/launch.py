"""Full validation of an LTI 1.3 launch (id_token form_post), one named check at a time.

Checks, in order: the form, the JWT's shape and algorithm, the platform (iss, aud,
azp), the signature against the platform's JWKS with exp / iat (small leeway), the
OIDC state and its binding to this browser, the nonce (once only), the deployment,
the message type and version, and the claims each message requires. Any failure
raises ``LaunchRejected`` naming the check; the caller writes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import jwt
from pylti1p3.exception import LtiException
from pylti1p3.message_validators import get_validators
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.db import insert_once, utcnow
from lti_tool.lti import platform_keys
from lti_tool.lti.models import Deployment, LaunchState, Platform, UsedNonce
from lti_tool.lti.toolconf import DbToolConf

log = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
SUPPORTED_MESSAGES = (RESOURCE_LINK, DEEP_LINKING)
ALLOWED_ALGS = ("RS256", "RS384", "RS512")


class LaunchRejected(Exception):
    """A launch failed the check named ``check``; ``detail`` is for the log."""

    def __init__(self, check: str, detail: str, status: int = 400) -> None:
        super().__init__(f"{check}: {detail}")
        self.check, self.detail, self.status = check, detail, status


class BrowserNotBound(Exception):
    """The state is valid but this request carries no proof it came from the same
    browser (third-party cookies blocked): the caller completes the launch through
    platform storage or a new window."""

    def __init__(self, state: LaunchState) -> None:
        super().__init__("browser binding missing")
        self.state = state


@dataclass
class ValidLaunch:
    platform: Platform
    deployment: Deployment
    claims: dict
    state: LaunchState

    @property
    def message_type(self) -> str:
        return self.claims[CLAIM + "message_type"]

    def claim(self, name: str, default=None):
        return self.claims.get(CLAIM + name, default)


def browser_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unverified_parts(id_token: str) -> tuple[dict, dict]:
    parts = id_token.split(".")
    if len(parts) != 3:
        raise LaunchRejected("jwt_format", "the id_token does not have three parts")
    try:
        header, body = (
            json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in parts[:2]
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise LaunchRejected("jwt_format", "the id_token cannot be decoded") from exc
    if not isinstance(header, dict) or not isinstance(body, dict):
        raise LaunchRejected("jwt_format", "the id_token header or body is not an object")
    return header, body


class LaunchValidator:
    def __init__(self, session: Session, factory, http, settings) -> None:
        self.session, self.factory, self.http, self.settings = session, factory, http, settings

    def validate(self, form: dict, browser_token: str | None) -> ValidLaunch:
        id_token, state_param = form.get("id_token"), form.get("state")
        if not id_token:
            raise LaunchRejected("id_token", "the launch has no id_token")
        if not state_param:
            raise LaunchRejected("state", "the launch has no state")
        header, body = unverified_parts(id_token)
        alg = header.get("alg")
        if alg not in ALLOWED_ALGS:
            raise LaunchRejected("alg", f"algorithm {alg!r} is not accepted")
        if not header.get("kid"):
            raise LaunchRejected("kid", "the id_token header has no kid")
        platform, client_id = self._platform(body)
        claims = self._verify_signature(id_token, header, platform, client_id)
        state = self._state(state_param, platform, browser_token)
        self._nonce(claims, state)
        deployment = self._deployment(claims, platform)
        self._message(claims)
        self._consume(claims, state, platform)
        return ValidLaunch(platform, deployment, claims, state)

    def _platform(self, body: dict) -> tuple[Platform, str]:
        iss, aud, azp = body.get("iss"), body.get("aud"), body.get("azp")
        if not isinstance(iss, str) or not iss:
            raise LaunchRejected("iss", "the id_token has no issuer")
        audiences = [aud] if isinstance(aud, str) else aud
        if not audiences or not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
            raise LaunchRejected("aud", "the id_token has no valid audience")
        if azp is not None and azp not in audiences:
            raise LaunchRejected("azp", "azp is not one of the audiences")
        if len(audiences) > 1 and azp is None:
            raise LaunchRejected("azp", "several audiences and no azp")
        client_id = azp or audiences[0]
        platform = DbToolConf(self.session).platform(iss, client_id)
        if platform is None:
            known_issuer = self.session.scalars(select(Platform.id).where(Platform.issuer == iss)).first()
            check = "aud" if known_issuer else "iss"
            raise LaunchRejected(check, f"no platform registered for iss={iss!r} client_id={client_id!r}", 403)
        return platform, client_id

    def _verify_signature(self, id_token: str, header: dict, platform: Platform, client_id: str) -> dict:
        try:
            pem, key_alg = platform_keys.public_key_pem(
                self.factory, self.http, platform.key_set_url, header["kid"], self.settings.jwks_cache_seconds
            )
        except platform_keys.KeyError_ as exc:
            raise LaunchRejected("kid", str(exc), 401) from exc
        if key_alg and key_alg != header["alg"]:
            raise LaunchRejected("alg", f"the key is for {key_alg}, the token says {header['alg']}")
        try:
            return jwt.decode(
                id_token,
                pem,
                algorithms=[header["alg"]],
                audience=client_id,
                issuer=platform.issuer,
                leeway=self.settings.jwt_leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise LaunchRejected("exp", "the id_token has expired", 401) from exc
        except jwt.ImmatureSignatureError as exc:
            raise LaunchRejected("iat", "the id_token is issued in the future", 401) from exc
        except jwt.InvalidAudienceError as exc:
            raise LaunchRejected("aud", str(exc), 401) from exc
        except jwt.InvalidIssuerError as exc:
            raise LaunchRejected("iss", str(exc), 401) from exc
        except jwt.MissingRequiredClaimError as exc:
            raise LaunchRejected("claims", str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRejected("signature", str(exc), 401) from exc

    def _state(self, state_param: str, platform: Platform, browser_token: str | None) -> LaunchState:
        state = self.session.get(LaunchState, state_param[:64])
        if state is None or state.state != state_param:
            raise LaunchRejected("state", "unknown state")
        if state.used_at is not None:
            raise LaunchRejected("state", "the state was already used")
        if state.expires_at < utcnow():
            raise LaunchRejected("state", "the login took too long; the state expired")
        if state.platform_id != platform.id:
            raise LaunchRejected("state", "the state was issued for another platform")
        if browser_token is None:
            raise BrowserNotBound(state)
        if browser_hash(browser_token) != state.browser_hash:
            raise LaunchRejected("state", "the state belongs to another browser")
        return state

    def _nonce(self, claims: dict, state: LaunchState) -> None:
        nonce = claims.get("nonce")
        if not nonce or not isinstance(nonce, str):
            raise LaunchRejected("nonce", "the id_token has no nonce")
        if nonce != state.nonce:
            raise LaunchRejected("nonce", "the nonce is not the one sent at login")

    def _deployment(self, claims: dict, platform: Platform) -> Deployment:
        deployment_id = claims.get(CLAIM + "deployment_id")
        if not deployment_id:
            raise LaunchRejected("deployment", "the id_token has no deployment id")
        deployment = self.session.scalars(
            select(Deployment).where(Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id)
        ).first()
        if deployment is None:
            raise LaunchRejected("deployment", f"deployment {deployment_id!r} is not registered", 403)
        return deployment

    def _message(self, claims: dict) -> None:
        if claims.get(CLAIM + "version") != "1.3.0":
            raise LaunchRejected("version", "the LTI version is not 1.3.0")
        message_type = claims.get(CLAIM + "message_type")
        if message_type not in SUPPORTED_MESSAGES:
            raise LaunchRejected("message_type", f"message type {message_type!r} is not supported")
        if not isinstance(claims.get(CLAIM + "roles"), list):
            raise LaunchRejected("claims", "the roles claim is missing")
        for validator in get_validators():
            if validator.can_validate(claims):
                try:
                    validator.validate(claims)
                except LtiException as exc:
                    raise LaunchRejected("claims", str(exc)) from exc
        if message_type == DEEP_LINKING and not claims[DL_SETTINGS].get("deep_link_return_url"):
            raise LaunchRejected("claims", "deep linking settings have no return URL")

    def _consume(self, claims: dict, state: LaunchState, platform: Platform) -> None:
        """Use the nonce up: the unique key refuses it a second time, whatever the state."""
        expires = datetime.fromtimestamp(int(claims["exp"]), tz=timezone.utc)
        first = insert_once(
            self.session, UsedNonce, {"platform_id": platform.id, "nonce": claims["nonce"], "expires_at": expires},
            ["platform_id", "nonce"],
        )
        if not first:
            raise LaunchRejected("nonce", "the nonce was already used (replay)")
        state.used_at = utcnow()
