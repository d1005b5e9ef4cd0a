"""The OAuth2 token endpoint (client credentials with a signed JWT assertion, LTI
Security Framework 4.1) and the check of any JWT a tool signs, against its JWKS."""

from __future__ import annotations

import json
import secrets
import time

import jwt
import requests
from flask import Blueprint, jsonify, request
from jwt.algorithms import RSAAlgorithm

from tests.lti_platform import constants as c
from tests.lti_platform.app import json_error, platform

bp = Blueprint("tokens", __name__)
TOOL_ALGS = ("RS256", "RS384", "RS512")
LEEWAY = 5


class ToolJwtError(Exception):
    pass


def tool_public_key(client, kid: str):
    """The tool's key ``kid``, fetched over HTTP from its JWKS (as Moodle does, every time)."""
    try:
        response = requests.get(client.jwks_uri, timeout=5, headers={"Accept": "application/json"})
        response.raise_for_status()
        keys = response.json().get("keys", [])
    except (requests.RequestException, ValueError, AttributeError) as exc:
        raise ToolJwtError(f"cannot read the tool's JWKS {client.jwks_uri}: {exc}") from exc
    for key in keys:
        if isinstance(key, dict) and key.get("kid") == kid:
            if key.get("kty") != "RSA":
                raise ToolJwtError(f"key {kid!r} is not an RSA key")
            return RSAAlgorithm.from_jwk(json.dumps(key))
    raise ToolJwtError(f"no key {kid!r} in the tool's JWKS")


def verify_tool_jwt(controller, token: str, *, audience, require=("exp", "iat", "iss", "aud")) -> tuple[dict, object]:
    """(claims, client) for a JWT a registered tool signed; ``iss`` names the client."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise ToolJwtError(f"not a JWT: {exc}") from exc
    if header.get("alg") not in TOOL_ALGS:
        raise ToolJwtError(f"algorithm {header.get('alg')!r} is not accepted")
    if not header.get("kid"):
        raise ToolJwtError("the JWT header has no kid")
    client = controller.clients.get(str(unverified.get("iss", "")))
    if client is None:
        raise ToolJwtError("iss is not a registered client_id")
    key = tool_public_key(client, header["kid"])
    try:
        claims = jwt.decode(token, key, algorithms=[header["alg"]], audience=audience, issuer=client.client_id,
                            leeway=LEEWAY, options={"require": list(require)})
    except jwt.PyJWTError as exc:
        raise ToolJwtError(f"{type(exc).__name__}: {exc}") from exc
    if claims["iat"] > time.time() + LEEWAY:
        raise ToolJwtError("iat is in the future")
    return claims, client


@bp.post("/token")
def token():
    controller = platform()
    form = request.form
    record = {"client_id": None, "scope": form.get("scope", ""), "ok": False, "error": None}
    controller.token_requests.append(record)

    def fail(status: int, error: str, description: str):
        record["error"] = f"{error}: {description}"
        return json_error(status, error, description)

    if form.get("grant_type") != "client_credentials":
        return fail(400, "unsupported_grant_type", "grant_type must be client_credentials")
    if form.get("client_assertion_type") != c.CLIENT_ASSERTION_TYPE:
        return fail(400, "invalid_request", "client_assertion_type must be jwt-bearer")
    if not form.get("client_assertion"):
        return fail(400, "invalid_request", "client_assertion is required")
    try:
        claims, client = verify_tool_jwt(
            controller, form["client_assertion"], audience=controller.token_audience,
            require=("exp", "iat", "iss", "sub", "aud", "jti"),
        )
    except ToolJwtError as exc:
        return fail(401, "invalid_client", str(exc))
    record["client_id"] = client.client_id
    if claims["sub"] != client.client_id:
        return fail(401, "invalid_client", "sub must be the client_id")
    with controller.lock:
        if claims["jti"] in controller.used_jtis:
            return fail(401, "invalid_client", "jti already used")
        controller.used_jtis.add(claims["jti"])
    requested = form.get("scope", "").split()
    if not requested:
        return fail(400, "invalid_scope", "scope is required")
    granted = [s for s in requested if s in client.scopes]
    if not granted:
        return fail(400, "invalid_scope", "none of the requested scopes is granted to this tool")
    access_token = secrets.token_urlsafe(32)
    with controller.lock:
        controller.access_tokens[access_token] = {
            "client_id": client.client_id, "scopes": granted, "expires_at": time.time() + controller.token_ttl,
        }
    record["ok"] = True
    response = jsonify({"access_token": access_token, "token_type": "Bearer",
                        "expires_in": controller.token_ttl, "scope": " ".join(granted)})
    response.headers["Cache-Control"] = "no-store"
    return response
