"""Launch initiation (the LMS sends the browser to the tool's OIDC login), the OIDC
authentication endpoint that answers with a signed id_token, and the JWKS."""

from __future__ import annotations

import json
import secrets
import time

from flask import Blueprint, jsonify, make_response, redirect, request
from werkzeug.urls import iri_to_uri

from tests.lti_platform import constants as c
from tests.lti_platform.app import autopost, error_page, platform
from tests.lti_platform.claims import build_claims
from tests.lti_platform.model import PendingLaunch

bp = Blueprint("oidc", __name__)
HINT_TTL = 300


def session_cookie_name(controller) -> str:
    return f"lms_session_{controller.port}"


@bp.get("/jwks")
def jwks():
    response = jsonify(platform().keys.jwks())
    response.headers["Cache-Control"] = "max-age=3600"
    return response


def begin_launch(controller, *, user_key: str, context_id: str | None, link_id: str | None, message_type: str,
                 client_id: str | None = None, deployment_id: str | None = None, document_target: str = "iframe",
                 accept_multiple: bool = True) -> tuple[PendingLaunch, dict]:
    """Record a launch and return it with the login initiation parameters."""
    client = controller.clients[client_id or controller.client_id]
    if not client.initiate_login_uri:
        raise LookupError("the platform does not know the tool's URLs yet (set_tool)")
    user = controller.user(user_key)
    deployment_id = deployment_id or client.deployment_ids[0]
    if controller.product_family == "moodle":
        hint = json.dumps({"cmid": link_id or context_id, "launchid": f"ltilaunch{secrets.randbelow(10**9)}_{secrets.token_hex(4)}"})
    else:
        hint = controller.keys.sign({"verifier": secrets.token_hex(16), "canvas_domain": controller.base_url,
                                     "context_id": context_id, "exp": int(time.time()) + HINT_TTL})
    pending = PendingLaunch(hint, user_key, context_id, link_id, message_type, client.client_id, deployment_id,
                            document_target)
    if message_type == c.DEEP_LINKING_REQUEST:
        pending.deep_link = controller.new_deep_link(context_id, user_key, client.client_id, deployment_id, accept_multiple)
    with controller.lock:
        controller.pending_launches[hint] = pending
    target = client.deep_link_uri if message_type == c.DEEP_LINKING_REQUEST and client.deep_link_uri else None
    link = controller.courses[context_id].links.get(link_id) if context_id and link_id else None
    params = {
        "iss": controller.issuer,
        "login_hint": user.sub,
        "target_link_uri": target or (link.url if link and link.url else client.target_link_uri),
        "lti_message_hint": hint,
        "client_id": client.client_id,
        "lti_deployment_id": deployment_id,
    }
    if controller.storage_target:
        params["lti_storage_target"] = controller.storage_target
    if controller.product_family == "canvas":
        params.update(canvas_region="not_configured", canvas_environment="prod")
    return pending, params


def _initiation(message_type: str, context_id: str, link_id: str | None):
    controller = platform()
    user_key = request.args.get("user", "learner")
    if user_key not in controller.users:
        return error_page(404, "unknown_user", f"no user {user_key!r}")
    if context_id not in controller.courses or (link_id and link_id not in controller.courses[context_id].links):
        return error_page(404, "not_found", "no such course or activity")
    try:
        _, params = begin_launch(
            controller, user_key=user_key, context_id=context_id, link_id=link_id, message_type=message_type,
            client_id=request.args.get("client_id"), document_target=request.args.get("target", "iframe"),
            accept_multiple=request.args.get("accept_multiple", "true") != "false",
        )
    except LookupError as exc:
        return error_page(409, "tool_not_configured", str(exc))
    login_uri = controller.clients[params["client_id"]].initiate_login_uri
    if request.args.get("method", controller.login_method) == "get":
        from urllib.parse import urlencode

        response = redirect(iri_to_uri(f"{login_uri}?{urlencode(params)}"), 302)
    else:
        response = make_response(autopost(login_uri, list(params.items()), "Launching the tool"))
    cookie = secrets.token_urlsafe(24)
    with controller.lock:
        controller.sessions[cookie] = user_key
    response.set_cookie(session_cookie_name(controller), cookie, httponly=True, samesite="Lax", path="/")
    return response


@bp.get("/course/<context_id>/launch/<link_id>")
def launch(context_id: str, link_id: str):
    return _initiation(c.RESOURCE_LINK_REQUEST, context_id, link_id)


@bp.get("/course/<context_id>/deeplink")
def deeplink(context_id: str):
    return _initiation(c.DEEP_LINKING_REQUEST, context_id, None)


def _auth_error(controller, redirect_uri: str, state: str | None, error: str, description: str):
    """OIDC errors go back to the (registered) redirect_uri by form_post."""
    controller.auth_errors.append({"error": error, "error_description": description, "state": state})
    fields = [("error", error), ("error_description", description)] + ([("state", state)] if state else [])
    return autopost(redirect_uri, fields, "Authentication error")


@bp.route("/auth", methods=["GET", "POST"])
def auth():
    controller = platform()
    params = request.values.to_dict()
    controller.auth_requests.append({"method": request.method, **params})
    client = controller.clients.get(params.get("client_id", ""))
    if client is None:
        controller.auth_errors.append({"error": "unauthorized_client", "error_description": "unknown client_id"})
        return error_page(400, "unauthorized_client", "The client_id is not registered with this platform.")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in client.redirect_uris:
        controller.auth_errors.append({"error": "invalid_request", "error_description": "redirect_uri not registered"})
        return error_page(400, "invalid_request", "The redirect_uri is not registered for this tool.")
    state = params.get("state")
    checks = [
        ("openid" in params.get("scope", "").split(), "invalid_scope", "scope must be openid"),
        (params.get("response_type") == "id_token", "unsupported_response_type", "response_type must be id_token"),
        (params.get("response_mode") == "form_post", "invalid_request", "response_mode must be form_post"),
        (params.get("prompt") == "none", "invalid_request", "prompt must be none"),
        (bool(params.get("nonce")), "invalid_request", "nonce is required"),
        (bool(params.get("login_hint")), "invalid_request", "login_hint is required"),
    ]
    for ok, error, description in checks:
        if not ok:
            return _auth_error(controller, redirect_uri, state, error, description)
    with controller.lock:
        pending = controller.pending_launches.get(params.get("lti_message_hint", ""))
        problem = None
        if pending is None:
            problem = "lti_message_hint does not name a launch"
        elif pending.used:
            problem = "this launch was already completed"
        elif pending.created_at + HINT_TTL < time.time():
            problem = "the launch request expired"
        elif pending.client_id != client.client_id:
            problem = "the launch was for another client"
        elif controller.user(pending.user_key).sub != params["login_hint"]:
            problem = "login_hint is not the user who launched"
        if problem:
            return _auth_error(controller, redirect_uri, state, "invalid_request", problem)
        signed_in = controller.sessions.get(request.cookies.get(session_cookie_name(controller), ""))
        if controller.require_platform_session and signed_in != pending.user_key:
            return _auth_error(controller, redirect_uri, state, "login_required", "the user is not signed in to the platform")
        pending.used = True
    course = controller.courses.get(pending.context_id) if pending.context_id else None
    link = course.links.get(pending.link_id) if course and pending.link_id else None
    claims = build_claims(
        controller, user_key=pending.user_key, course=course, link=link, message_type=pending.message_type,
        client=client, deployment_id=pending.deployment_id, nonce=params["nonce"],
        document_target=pending.document_target, deep_link=pending.deep_link,
    )
    fields = [("id_token", controller.keys.sign(claims))] + ([("state", state)] if state else [])
    return autopost(redirect_uri, fields, "Launching the tool")
