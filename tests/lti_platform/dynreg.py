"""LTI Dynamic Registration 1.0 as Moodle 4.x / 5.x drives it: the admin's start
page opens the tool's registration URL with ``openid_configuration`` and a single-use
``registration_token``; the tool reads the OpenID configuration and POSTs its
configuration; the platform answers with a new client id and deployment id.

Canvas-like platforms also demand the registration token as a bearer token when the
tool reads the OpenID configuration."""

from __future__ import annotations

import re
import secrets
import time
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

import jwt
from flask import Blueprint, jsonify, redirect, render_template, request

from tests.lti_platform import constants as c
from tests.lti_platform.app import json_error, platform
from tests.lti_platform.model import ToolClient

bp = Blueprint("dynreg", __name__)
MOODLE_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?([^/]+)(?:/|$)", re.IGNORECASE)


def new_registration_token(controller, client_id: str | None = None) -> str:
    client_id = client_id or controller.ids.client_id()
    now = int(time.time())
    token = controller.keys.sign({"sub": client_id, "scope": "reg", "iat": now, "exp": now + 3600,
                                  "jti": secrets.token_urlsafe(12)})
    with controller.lock:
        controller.registration_tokens[token] = {"client_id": client_id, "used": False}
    return token


def registration_url(controller, tool_url: str, client_id: str | None = None) -> str:
    parsed = urlparse(tool_url)
    query = parse_qsl(parsed.query) + [("openid_configuration", controller.openid_configuration_url),
                                       ("registration_token", new_registration_token(controller, client_id))]
    return urlunparse(parsed._replace(query=urlencode(query)))


def moodle_domain(url: str) -> str | None:
    """The host[:port] Moodle compares (``lti_get_domain_from_url``): no scheme, no ``www.``."""
    match = MOODLE_DOMAIN.search(url or "")
    return match.group(1).lower() if match else None


def _token_state(controller, token: str) -> dict | None:
    """The record of a registration token this platform signed and that has not expired."""
    record = controller.registration_tokens.get(token)
    if record is None:
        return None
    try:
        key = controller.keys.get(jwt.get_unverified_header(token).get("kid", ""))
        if key is None:
            return None
        jwt.decode(token, key.private_key.public_key(), algorithms=["RS256"])
    except jwt.PyJWTError:
        return None
    return record


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header.split(" ", 1)[1].strip() if header.lower().startswith("bearer ") else ""


@bp.get("/.well-known/openid-configuration")
def openid_configuration():
    controller = platform()
    if controller.product_family == "canvas" and _token_state(controller, _bearer()) is None:
        return json_error(401, "invalid_token", "the registration token is required as a bearer token")
    base = controller.base_url
    return jsonify({
        "issuer": controller.issuer,
        "authorization_endpoint": controller.auth_login_url,
        "token_endpoint": controller.token_url,
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": controller.jwks_url,
        "registration_endpoint": controller.registration_endpoint,
        "scopes_supported": ["openid", *c.ALL_SCOPES],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email", "locale"],
        c.PLATFORM_CONFIG: {
            "product_family_code": controller.product_family,
            "version": controller.version,
            "messages_supported": [
                {"type": c.RESOURCE_LINK_REQUEST},
                {"type": c.DEEP_LINKING_REQUEST, "placements": ["ContentArea"]},
            ],
            "variables": ["ResourceLink.id", "User.id", "Person.name.full", "Person.sourcedId", "Context.id"],
        },
        "authorization_server": f"{base}/token",
    })


def _invalid(description: str):
    return json_error(400, "invalid_client_metadata", description)


def _validate(body: dict):
    """Moodle's checks of the tool's registration request; an error response or None."""
    for name in ("response_types", "initiate_login_uri", "redirect_uris", "client_name", "jwks_uri",
                 "token_endpoint_auth_method", c.TOOL_CONFIG):
        if not body.get(name):
            return _invalid(f"missing required attribute {name}")
    tool = body[c.TOOL_CONFIG]
    if not isinstance(tool, dict):
        return _invalid(f"{c.TOOL_CONFIG} must be an object")
    if "id_token" not in body["response_types"]:
        return _invalid("invalid_response_types")
    if not isinstance(body["redirect_uris"], list):
        return _invalid("invalid_redirect_uris")
    if body["token_endpoint_auth_method"] != "private_key_jwt":
        return _invalid("invalid_token_endpoint_auth_method")
    if body.get("application_type", "web") != "web":
        return _invalid("invalid_application_type")
    grants = body.get("grant_types") or []
    if not {"implicit", "client_credentials"} <= set(grants):
        return _invalid("grant_types must include implicit and client_credentials")
    if not tool.get("domain"):
        return _invalid("missing_domain")
    target = tool.get("target_link_uri") or f"https://{tool['domain']}"
    if moodle_domain(tool["domain"]) != moodle_domain(target):
        return _invalid("domain_targetlinkuri_mismatch")
    for uri in [body["initiate_login_uri"], body["jwks_uri"], target, *body["redirect_uris"]]:
        if urlparse(str(uri)).scheme not in ("http", "https"):
            return _invalid(f"{uri!r} is not an http(s) URL")
    return None


@bp.post("/register")
def register():
    controller = platform()
    token = _bearer()
    with controller.lock:
        record = _token_state(controller, token) if token else None
        if record is None or record["used"]:
            return json_error(401, "invalid_token", "token_already_used" if record else "a valid registration token is required")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _invalid("the body is not a JSON object")
        problem = _validate(body)
        if problem is not None:
            return problem
        record["used"] = True
        tool = body[c.TOOL_CONFIG]
        target = tool.get("target_link_uri") or f"https://{tool['domain']}"
        requested = str(body.get("scope", "")).split()
        deep_link_uri = next((m.get("target_link_uri") for m in tool.get("messages", [])
                              if isinstance(m, dict) and m.get("type") == c.DEEP_LINKING_REQUEST), None)
        client = ToolClient(
            client_id=record["client_id"], deployment_ids=[controller.ids.deployment_id()],
            initiate_login_uri=body["initiate_login_uri"], redirect_uris=list(body["redirect_uris"]),
            jwks_uri=body["jwks_uri"], target_link_uri=target, domain=tool["domain"],
            scopes=[s for s in requested if s in c.ALL_SCOPES], name=body["client_name"],
            deep_link_uri=deep_link_uri or None, custom_parameters=dict(tool.get("custom_parameters") or {}),
            registration=body,
        )
        controller.clients[client.client_id] = client
        response = {
            "client_id": client.client_id, "response_types": ["id_token"], "jwks_uri": client.jwks_uri,
            "initiate_login_uri": client.initiate_login_uri, "grant_types": ["client_credentials", "implicit"],
            "redirect_uris": client.redirect_uris, "application_type": "web",
            "token_endpoint_auth_method": "private_key_jwt", "client_name": client.name,
            "logo_uri": body.get("logo_uri", ""), "scope": " ".join(client.scopes),
            c.TOOL_CONFIG: {
                "version": "1.3.0", "deployment_id": client.deployment_ids[0], "target_link_uri": target,
                "domain": tool["domain"], "description": tool.get("description", ""),
                "claims": ["sub", "iss", *[x for x in tool.get("claims", []) if x not in ("sub", "iss")]],
                "messages": [m for m in tool.get("messages", []) if isinstance(m, dict)],
            },
        }
        controller.registrations.append({"client_id": client.client_id, "deployment_id": client.deployment_ids[0],
                                         "request": body, "response": response})
    return jsonify(response)


@bp.get("/dynreg/start")
def start():
    """The admin's "Add LTI Advantage" step: open the tool's registration URL."""
    controller = platform()
    tool_url = request.args.get("tool_url", "")
    if urlparse(tool_url).scheme not in ("http", "https"):
        return _invalid("tool_url must be an http(s) URL")
    url = registration_url(controller, tool_url)
    if request.args.get("mode") == "redirect":
        return redirect(url, 302)
    return render_template("dynreg.html", url=url, registrations=controller.registrations)
