"""OIDC third-party initiated login: the first step of every launch."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlparse

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.lti.launch import LaunchRejected, browser_hash
from lti_tool.lti.models import LaunchState, Platform

LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id")


def find_platform(session: Session, iss: str, client_id: str | None) -> Platform:
    query = select(Platform).where(Platform.issuer == iss, Platform.active.is_(True))
    if client_id:
        query = query.where(Platform.client_id == client_id)
    found = session.scalars(query.limit(2)).all()
    if not found:
        raise LaunchRejected("iss", f"no platform registered for iss={iss!r} client_id={client_id!r}", 403)
    if len(found) > 1:
        raise LaunchRejected("client_id", "several registrations share this issuer: client_id is required")
    return found[0]


# A login's state with its platform, in one query (the cookie check reads both).
_STATE_WITH_PLATFORM = (select(LaunchState, Platform).join(Platform, Platform.id == LaunchState.platform_id)
                        .where(LaunchState.state == bindparam("state")))


def state_with_platform(session: Session, state: str) -> tuple[LaunchState | None, Platform | None]:
    """The login state ``state`` and its platform; (None, None) when unknown."""
    row = session.execute(_STATE_WITH_PLATFORM, {"state": state}).first()
    return (row[0], row[1]) if row is not None else (None, None)


def begin_login(session: Session, params: dict, base_url: str, ttl: int) -> tuple[LaunchState, str]:
    """Record the login; returns the state and the browser token that proves it later."""
    iss, login_hint, target = params.get("iss"), params.get("login_hint"), params.get("target_link_uri")
    if not iss:
        raise LaunchRejected("iss", "the login request has no iss")
    if not login_hint:
        raise LaunchRejected("login_hint", "the login request has no login_hint")
    if not target or urlparse(target).netloc != urlparse(base_url).netloc:
        raise LaunchRejected("target_link_uri", f"target_link_uri {target!r} is not this tool")
    platform = find_platform(session, iss, params.get("client_id"))
    token = secrets.token_urlsafe(32)
    state = LaunchState(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        platform_id=platform.id,
        browser_hash=browser_hash(token),
        storage_target=(params.get("lti_storage_target") or None),
        login_params={k: params[k] for k in LOGIN_PARAMS if params.get(k)},
        expires_at=utcnow() + timedelta(seconds=ttl),
    )
    session.add(state)
    session.flush()
    return state, token


def auth_url(platform: Platform, state: LaunchState, base_url: str) -> str:
    """The platform's OIDC authentication request for this login."""
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": f"{base_url}/lti/launch",
        "login_hint": state.login_params.get("login_hint", ""),
        "state": state.state,
        "nonce": state.nonce,
    }
    if state.login_params.get("lti_message_hint"):
        query["lti_message_hint"] = state.login_params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return f"{platform.auth_login_url}{separator}{urlencode(query)}"


def rebind_for_storage(state: LaunchState) -> str:
    """A new browser proof for a login whose cookie never came back, to be kept in the
    platform's storage instead."""
    token = secrets.token_urlsafe(32)
    state.browser_hash = browser_hash(token)
    return token


def platform_origin(platform: Platform) -> str:
    parsed = urlparse(platform.auth_login_url)
    return f"{parsed.scheme}://{parsed.netloc}"
