"""LTI endpoints: OIDC login, launch, JWKS, and where a launch lands."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from lti_tool import auth, db
from lti_tool.db import get_db, utcnow
from lti_tool.errors import render_error
from lti_tool.i18n import normalise, select_locale
from lti_tool.lti import keys, oidc
from lti_tool.lti import roles as role_map
from lti_tool.lti.http import session_from_settings
from lti_tool.lti.identity import record_launch
from lti_tool.lti.launch import (
    CLAIM,
    DEEP_LINKING,
    BrowserNotBound,
    LaunchRejected,
    LaunchValidator,
    browser_hash,
    unverified_parts,
)
from lti_tool.security import csrf
from lti_tool.websession import cookie_flags

log = logging.getLogger(__name__)
bp = Blueprint("lti", __name__, url_prefix="/lti", template_folder="templates")

STATE_COOKIE = "lti1p3_state_"
STORAGE_FIELD = "lti_storage_token"

# Messages a person sees for each failed check (the log says exactly what failed).
REJECTION_MESSAGES = {
    "state": lambda: _("This launch could not be matched to your browser. Go back to the course and open the activity again."),
    "exp": lambda: _("The launch expired. Go back to the course and open the activity again."),
    "iat": lambda: _("The launch message is dated in the future. The learning platform's clock may be wrong."),
    "nonce": lambda: _("This launch was already used. Go back to the course and open the activity again."),
    "deployment": lambda: _("This tool is not set up for this deployment of the learning platform. Ask your LMS administrator."),
    "iss": lambda: _("This learning platform is not registered with the tool. Ask your LMS administrator."),
    "aud": lambda: _("This learning platform is not registered with the tool. Ask your LMS administrator."),
    "message_type": lambda: _("The learning platform asked for something this tool does not offer."),
}


def _http():
    app = current_app
    if "lti_http" not in app.extensions:
        app.extensions["lti_http"] = session_from_settings(app.config["SETTINGS"])
    return app.extensions["lti_http"]


def _settings():
    return current_app.config["SETTINGS"]


def _rejected(exc: LaunchRejected, locale_hint: str | None = None):
    log.warning("LTI request rejected: check=%s detail=%s path=%s", exc.check, exc.detail, request.path)
    message = REJECTION_MESSAGES.get(exc.check, lambda: _("The launch from the learning platform was not valid."))
    with force_locale(normalise(locale_hint) or select_locale()):
        body = render_template(
            "error.html",
            code=exc.status,
            title=_("The tool could not be opened"),
            message=message(),
            hint=_("Technical detail for your administrator: check “%(check)s” failed.", check=exc.check),
        )
    return make_response(body, exc.status)


def _cookie_kwargs(max_age: int) -> dict:
    return {"max_age": max_age, "path": "/lti/", **cookie_flags()}


@bp.get("/jwks")
def jwks():
    response = jsonify(keys.jwks(db.session()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login():
    """OIDC login initiation: record the state, set the browser proof, and check it
    comes back before sending the browser to the platform (``login_continue``)."""
    params = request.values.to_dict()
    settings = _settings()
    try:
        state, token = oidc.begin_login(
            db.session(), params, settings.public_base_url, settings.launch_state_ttl_seconds
        )
    except LaunchRejected as exc:
        return _rejected(exc)
    response = redirect(url_for("lti.login_continue", state=state.state), 302)
    response.set_cookie(STATE_COOKIE + state.state, token, **_cookie_kwargs(settings.launch_state_ttl_seconds))
    return response


@bp.get("/login/continue")
def login_continue():
    """The browser came back from the login redirect. With the state cookie: on to the
    platform. Without it (third-party cookies blocked in the LMS iframe): keep the proof
    in LTI Platform Storage when the platform offers it, else offer a new window, while
    the platform's login hint is still unused."""
    state, platform = oidc.state_with_platform(db.session(), request.args.get("state", "")[:64])
    if state is None or state.used_at is not None or state.expires_at < utcnow():
        return _rejected(LaunchRejected("state", "unknown or expired state at login"))
    auth_url = oidc.auth_url(platform, state, _settings().public_base_url)
    cookie = request.cookies.get(STATE_COOKIE + state.state)
    if cookie and browser_hash(cookie) == state.browser_hash:
        return redirect(auth_url, 302)
    if state.storage_target:
        token = oidc.rebind_for_storage(state)  # a fresh proof: the cookie never arrived
        return render_template(
            "lti/storage_login.html", auth_url=auth_url, state=state, token=token,
            target=state.storage_target, origin=oidc.platform_origin(platform),
        )
    relaunch = url_for("lti.login", **state.login_params)
    return make_response(render_template("lti/new_window.html", relaunch_url=relaunch), 200)


@bp.post("/launch")
@csrf.exempt
def launch():
    form = request.form.to_dict()
    state_param = form.get("state", "")
    browser_token = request.cookies.get(STATE_COOKIE + state_param) or None
    storage_token = form.get(STORAGE_FIELD)
    locale_hint = None
    try:
        if form.get("id_token"):
            locale_hint = _launch_locale(unverified_parts(form["id_token"])[1])
        validator = LaunchValidator(db.session(), get_db().sessionmaker, _http(), _settings())
        try:
            valid = validator.validate(form, browser_token)
        except BrowserNotBound as unbound:
            if storage_token and unbound.state.storage_target:
                valid = validator.validate(form, storage_token)
            else:
                return _complete_without_cookies(unbound.state, form, locale_hint)
    except LaunchRejected as exc:
        return _rejected(exc, locale_hint)

    identity = record_launch(db.session(), valid, role_map.hr_roles_of(valid.platform.organisation.hr_roles,
                                                                       _settings().hr_roles))
    if not identity.roles:  # e.g. a mentor or guest: a valid launch, but no access (rolled back)
        log.info("launch refused: roles %s give no access", valid.claim("roles"))
        with force_locale(normalise(locale_hint) or select_locale()):
            return render_error(403, _("Your role in this course does not give access to this tool."),
                                _("Learners, instructors and HR staff can use it. Ask your course administrator."))
    via_token = browser_token is None
    session.clear()
    session.regenerate(via_token=via_token)
    auth.sign_in(
        auth.Actor(
            user_id=identity.user.id,
            platform_id=valid.platform.id,
            context_id=identity.context.id if identity.context else None,
            roles=frozenset(identity.roles),
            resource_link_id=identity.resource_link.id if identity.resource_link else None,
        )
    )
    session["locale"] = normalise(locale_hint) or _settings().default_locale
    generate_csrf()  # the forms' secret goes in with the new session: the first page writes none
    after_launch = current_app.extensions.get("lti_after_launch", [])
    for hook in after_launch:  # features record a "launched" event, etc.
        hook(valid, identity)
    if valid.message_type == DEEP_LINKING:
        session["deep_link"] = {
            "settings": valid.claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"],
            "deployment_id": valid.deployment.deployment_id,
        }
        target = url_for("deeplink.picker")
    else:
        target = _item_page(identity.resource_link) or url_for("lti.landing")
        session["landing"] = {  # what the landing page shows, without a query
            "name": identity.user.name or identity.user.given_name,
            "context_title": identity.context.title if identity.context else "",
            "activity": identity.resource_link.title if identity.resource_link else "",
        }
    response = redirect(target, 303)
    response.delete_cookie(STATE_COOKIE + state_param, path="/lti/", **cookie_flags())
    return response


def _launch_locale(body: dict) -> str | None:
    presentation = body.get(CLAIM + "launch_presentation") or {}
    return presentation.get("locale") or body.get("locale")


def _complete_without_cookies(state, form: dict, locale_hint: str | None):
    """The browser sent no state cookie (third-party cookies blocked in the iframe)."""
    with force_locale(normalise(locale_hint) or select_locale()):
        if state.storage_target:
            platform = db.session().get(oidc.Platform, state.platform_id)
            body = render_template(
                "lti/storage_launch.html",
                form=form,
                state=state,
                target=state.storage_target,
                origin=oidc.platform_origin(platform),
                storage_field=STORAGE_FIELD,
            )
            return make_response(body, 200)
        relaunch = url_for("lti.login", _external=False, **state.login_params)
        body = render_template("lti/new_window.html", relaunch_url=relaunch)
    # 200, not an error: nothing was written, and the page offers the way on.
    return make_response(body, 200)


def _item_page(link) -> str | None:
    """The feature page of a placed catalogue item, if a feature registered one."""
    handlers = current_app.extensions.get("lti_item_views", {})
    if link is not None and link.item_kind in handlers and link.item_id:
        return url_for(handlers[link.item_kind], item_id=link.item_id)
    return None


@bp.get("/landing")
@auth.require_role()
def landing():
    """Where a launch lands when the link names no item of ours (or its feature is absent)."""
    return render_template("lti/landing.html", actor=auth.current_actor(), landing=session.get("landing", {}))


def register_item_view(app, kind: str, endpoint: str) -> None:
    """A feature names the page that opens a deep-linked item of ``kind``."""
    app.extensions.setdefault("lti_item_views", {})[kind] = endpoint


def register_after_launch(app, hook) -> None:
    app.extensions.setdefault("lti_after_launch", []).append(hook)
