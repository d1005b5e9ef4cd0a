"""The home page: what an LMS admin needs to register the tool."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("home", __name__)


def tool_urls() -> dict[str, str]:
    base = current_app.config["SETTINGS"].public_base_url
    return {
        # Only the shape: each LMS gets its own one-time URL from ``platform invite``.
        "registration": f"{base}/lti/register/…",
        "canvas_json": f"{base}/lti/canvas.json",
        "jwks": f"{base}/lti/jwks",
        "login": f"{base}/lti/login",
        "launch": f"{base}/lti/launch",
        "deep_link": f"{base}/lti/launch",
        "base": base,
    }


@bp.get("/")
def index():
    return render_template("home.html", urls=tool_urls())
