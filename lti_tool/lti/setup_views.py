"""Endpoints an LMS administrator uses once: Dynamic Registration and Canvas JSON."""

from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _

from lti_tool import db
from lti_tool.errors import UserError
from lti_tool.lti.registration import SCOPES, RegistrationFailed, ToolRegistration
from lti_tool.lti.views import _http, bp

log = logging.getLogger(__name__)


@bp.get("/register")
def register():
    """Registers at once: the platform's single-use registration token is the
    authority, and the page may sit in an iframe where cookies are blocked."""
    openid_configuration = request.args.get("openid_configuration", "")
    registration_token = request.args.get("registration_token") or None
    if not openid_configuration:
        raise UserError(
            _("Open this address from your LMS's “Add LTI Advantage” (Dynamic Registration) screen."),
            400,
            hint=_("The request has no openid_configuration parameter."),
        )
    base = current_app.config["SETTINGS"].public_base_url
    try:
        platform = ToolRegistration(
            db.session(), _http(), base, openid_configuration, registration_token
        ).run()
    except RegistrationFailed as exc:
        log.warning("dynamic registration failed: %s", exc)
        raise UserError(
            _("The registration did not complete. Try again from your LMS."), 502, hint=str(exc)
        ) from exc
    log.info("registered platform %s client %s", platform.issuer, platform.client_id)
    return render_template("lti/registered.html", platform=platform)


@bp.get("/canvas.json")
def canvas_json():
    """The Canvas developer-key configuration ("Enter URL" method)."""
    base = current_app.config["SETTINGS"].public_base_url
    launch = f"{base}/lti/launch"
    placement = {"text": "After-sales training 售后培训", "message_type": "LtiDeepLinkingRequest", "target_link_uri": launch}
    return jsonify(
        {
            "title": "After-sales training 售后培训",
            "description": "Lessons, quizzes, practical assessments, attendance and certificates for after-sales service staff.",
            "oidc_initiation_url": f"{base}/lti/login",
            "target_link_uri": launch,
            "public_jwk_url": f"{base}/lti/jwks",
            "scopes": SCOPES,
            "extensions": [
                {
                    "platform": "canvas.instructure.com",
                    "privacy_level": "public",
                    "domain": request.host if not base else base.split("://", 1)[1].split("/", 1)[0],
                    "settings": {
                        "placements": [
                            dict(placement, placement="assignment_selection"),
                            dict(placement, placement="link_selection"),
                            {"placement": "course_navigation", "message_type": "LtiResourceLinkRequest",
                             "target_link_uri": launch, "text": "After-sales training 售后培训",
                             "default": "disabled"},
                        ]
                    },
                }
            ],
            "custom_fields": {"canvas_user_locale": "$Canvas.user.locale"},
        }
    )
