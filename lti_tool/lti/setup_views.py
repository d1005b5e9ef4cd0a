"""Endpoints an LMS administrator uses once: Dynamic Registration (by invitation) and Canvas JSON."""

from __future__ import annotations

import logging

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _

from lti_tool import db
from lti_tool.errors import UserError
from lti_tool.lti import invites, registration
from lti_tool.lti.registration import SCOPES
from lti_tool.lti.views import _http, bp

log = logging.getLogger(__name__)


# What an LMS administrator is told for each refused invitation (nothing was fetched).
INVITE_REFUSALS = {
    invites.MISSING: lambda: _("To register this tool, your LMS needs the one-time registration URL that the "
                               "tool's operator gives you; this address is not one."),
    invites.UNKNOWN: lambda: _("This registration URL is not valid. Check that it was copied whole, or ask the "
                               "tool's operator for a new one."),
    invites.EXPIRED: lambda: _("This registration URL has expired. Ask the tool's operator for a new one."),
    invites.USED: lambda: _("This registration URL was already used: each one registers one LMS, once. Ask the "
                            "tool's operator for a new one."),
    invites.REVOKED: lambda: _("This registration URL was withdrawn by the tool's operator. Ask them for a new one."),
}
# And for a registration that failed (the detail, with addresses and errors, is only in the log).
FAILURES = {
    registration.FAILED: (502, lambda: _(
        "The tool could not read your LMS's LTI configuration, or your LMS refused the tool's registration. "
        "Start the registration again from your LMS with the same registration URL (it is still valid). If it "
        "fails again, ask the tool's operator: the tool's log says what went wrong.")),
    registration.ISSUER: (403, lambda: _(
        "Your LMS's identity (its issuer) is not on the address it registers from, and this registration URL "
        "was not made for that issuer. If your LMS's issuer is on another host (Canvas cloud: "
        "https://canvas.instructure.com), ask the tool's operator for a registration URL made for it.")),
    registration.REGISTERED: (409, lambda: _(
        "An LMS with this identity (issuer) is already registered with the tool, and a registration never "
        "changes one that exists. Ask the tool's operator.")),
    registration.INVITATION: (403, lambda: _(
        "This registration URL was used by another registration at the same moment, or withdrawn. Ask the "
        "tool's operator for a new one.")),
}


@bp.get("/register", defaults={"token": None})
@bp.get("/register/<path:token>")
def register(token: str | None):
    """Dynamic Registration through an operator's invitation (``platform invite``).

    The invitation is checked before anything is fetched: a stranger's URL makes the
    tool request nothing. Then it registers at once: the invitation and the platform's
    single-use registration token are the authority, and the page may sit in an
    iframe where cookies are blocked."""
    try:
        invite = invites.check(db.session(), token)
    except invites.InviteRefused as refused:
        log.warning("dynamic registration refused: invitation %s", refused.reason)
        return _refused(403, _("Registration needs an invitation"), INVITE_REFUSALS[refused.reason]())
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
        platform = registration.ToolRegistration(
            db.session(), _http(), base, openid_configuration, registration_token, invite=invite
        ).run()
    except registration.RegistrationFailed as exc:
        log.warning("dynamic registration with invitation %s failed (%s): %s", invite.id, exc.reason, exc)
        status, message = FAILURES[exc.reason]
        return _refused(status, _("The registration did not complete"), message())
    log.info("registered platform %s client %s by invitation %s into organisation %s",
             platform.issuer, platform.client_id, invite.id, invite.organisation.slug)
    return render_template("lti/registered.html", platform=platform)


def _refused(status: int, title: str, message: str):
    """The page an LMS administrator sees: plain words and what to do, never an error text."""
    return make_response(render_template("lti/registration_refused.html", code=status, title=title,
                                         message=message), status)


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
