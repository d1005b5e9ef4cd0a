"""The platform's Flask app: one per ``TestPlatform``, its state on the controller."""

from __future__ import annotations

import time

from flask import Flask, abort, current_app, jsonify, make_response, render_template, request

SERVICES = {"/token": "token", "/ags/": "ags", "/nrps/": "nrps", "/jwks": "jwks", "/register": "registration"}


def platform():
    """The ``TestPlatform`` serving this request."""
    return current_app.extensions["lti_test_platform"]


def create_app(controller) -> Flask:
    from tests.lti_platform import ags, deeplink, dynreg, home, nrps, oidc, tokens

    app = Flask(__name__, template_folder="templates")
    app.extensions["lti_test_platform"] = controller
    app.config["JSON_AS_ASCII"] = False
    for module in (oidc, tokens, ags, nrps, dynreg, deeplink, home):
        app.register_blueprint(module.bp)

    @app.before_request
    def _outage():
        service = next((name for prefix, name in SERVICES.items() if request.path.startswith(prefix)), None)
        if service is None:
            return None
        controller.arrivals.append((request.method, request.path))
        if service != "jwks" and controller.service_delay:
            time.sleep(controller.service_delay)
        status = controller.outages.get(service)
        if status:
            response = make_response(f"{service} is unavailable (simulated outage)", status)
            response.headers["Retry-After"] = "1"
            return response
        return None

    @app.after_request
    def _log(response):
        controller.request_log.append((request.method, request.path, response.status_code))
        return response

    return app


def autopost(action: str, fields: list[tuple[str, str]], title: str = "Redirecting"):
    """An auto-submitting form, as LMSs use to move the browser on by POST."""
    return render_template("autopost.html", action=action, fields=fields, title=title)


def error_page(status: int, error: str, description: str):
    return make_response(render_template("error.html", error=error, description=description), status)


def json_error(status: int, error: str, description: str = "", headers: dict | None = None):
    body = {"error": error}
    if description:
        body["error_description"] = description
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def require_bearer(*scopes: str) -> dict:
    """The access token's record, if the request carries a live one with one of ``scopes``."""
    header = request.headers.get("Authorization", "")
    challenge = 'Bearer realm="lti"'
    if not header.lower().startswith("bearer "):
        abort(json_error(401, "invalid_request", "no bearer token", {"WWW-Authenticate": challenge}))
    token = platform().access_tokens.get(header.split(" ", 1)[1].strip())
    if token is None or token["expires_at"] < time.time():
        abort(json_error(401, "invalid_token", "unknown or expired access token",
                         {"WWW-Authenticate": challenge + ', error="invalid_token"'}))
    if not set(scopes) & set(token["scopes"]):
        abort(json_error(403, "insufficient_scope", f"needs one of {sorted(scopes)}",
                         {"WWW-Authenticate": challenge + ', error="insufficient_scope"'}))
    return token


def media_json(body, media_type: str, status: int = 200, headers: dict | None = None):
    import json

    response = make_response(json.dumps(body, ensure_ascii=False), status)
    response.headers["Content-Type"] = media_type
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
