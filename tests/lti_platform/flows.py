"""Whole flows through a ``Browser``: a launch, a Deep Linking request, and a login
stopped at the platform's auth endpoint so a test can answer it with any id_token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.lti_platform import constants as c

if TYPE_CHECKING:  # pragma: no cover
    import requests

    from tests.lti_platform.controller import TestPlatform
    from tests.support.browser import Browser


@dataclass
class LoginCapture:
    """The OIDC authentication request the tool sent the browser to (not yet answered)."""

    platform: TestPlatform
    browser: Browser
    params: dict  # every parameter of the auth request: state, nonce, redirect_uri, ...
    method: str
    user: str
    context: str | None
    resource_link: str | None
    message_type: str

    state = property(lambda self: self.params.get("state"))
    nonce = property(lambda self: self.params.get("nonce"))
    redirect_uri = property(lambda self: self.params.get("redirect_uri"))
    client_id = property(lambda self: self.params.get("client_id"))
    login_hint = property(lambda self: self.params.get("login_hint"))
    lti_message_hint = property(lambda self: self.params.get("lti_message_hint"))

    def id_token(self, **kwargs) -> str:
        """``platform.make_id_token`` for this launch, with the tool's nonce (``kwargs`` override)."""
        launch = {"user": self.user, "context": self.context, "resource_link": self.resource_link,
                  "message_type": self.message_type, "nonce": self.nonce, "client_id": self.client_id}
        launch.update(kwargs)
        return self.platform.make_id_token(**launch)

    def post(self, id_token: str | None = None, *, state: str | None = "", **fields) -> requests.Response:
        """POST ``id_token`` and ``state`` (the captured one unless given; None leaves it out)
        to the tool's redirect_uri from the same browser; follows the tool's answer."""
        data = []
        if id_token is not None:
            data.append(("id_token", id_token))
        state = self.state if state == "" else state
        if state is not None:
            data.append(("state", state))
        data.extend(fields.items())
        return self.browser.post(self.redirect_uri, data)

    def complete(self) -> requests.Response:
        """Let the platform answer the auth request itself (the normal launch)."""
        return self.browser.resume()


def launch(self: TestPlatform, browser: Browser, user: str = "learner", context: str | None = None,
           resource_link: str | None = None, *, method: str | None = None, target: str = "iframe",
           client_id: str | None = None, stop_at=None) -> requests.Response:
    """The whole launch as a browser runs it; returns the tool's final page."""
    url = self.launch_url(user, context, resource_link, method=method, target=target, client_id=client_id)
    return browser.get(url, stop_at=stop_at)


def deep_link(self: TestPlatform, browser: Browser, user: str = "instructor", context: str | None = None, *,
              method: str | None = None, accept_multiple: bool = True, client_id: str | None = None,
              stop_at=None) -> requests.Response:
    """A Deep Linking launch; returns the tool's content picker."""
    url = self.deep_link_url(user, context, method=method, accept_multiple=accept_multiple, client_id=client_id)
    return browser.get(url, stop_at=stop_at)


def start_login(self: TestPlatform, browser: Browser, user: str = "learner", context: str | None = None,
                resource_link: str | None = None, *, message_type: str = c.RESOURCE_LINK_REQUEST,
                method: str | None = None, client_id: str | None = None) -> LoginCapture:
    """Run the real login initiation against the tool and stop at this platform's auth endpoint."""
    if message_type == c.DEEP_LINKING_REQUEST:
        url = self.deep_link_url(user, context, method=method, client_id=client_id)
    else:
        url = self.launch_url(user, context, resource_link, method=method, client_id=client_id)
    browser.get(url, stop_at=lambda _method, target: target.split("?", 1)[0] == self.auth_login_url)
    held = browser.intercepted
    if held is None:
        page = browser.page.text[:400] if browser.page else ""
        status = browser.response.status_code if browser.response is not None else None
        raise AssertionError(f"the tool did not send the browser to {self.auth_login_url}; it answered {status}: {page}")
    params = held.params
    pending = self.pending_launches.get(params.get("lti_message_hint", ""))
    return LoginCapture(
        self, browser, params, held.method, user,
        pending.context_id if pending else context, pending.link_id if pending else resource_link, message_type,
    )


def dynamic_registration_url(self: TestPlatform, register_url: str | None = None, *,
                             client_id: str | None = None) -> str:
    """The tool's registration URL with ``openid_configuration`` and a fresh single-use token.

    ``register_url``: the tool URL the admin pastes (the operator's invitation URL);
    default ``tool_register_url``, else the tool's bare ``/lti/register``, which the
    tool refuses. ``client_id``: the client id this registration answers with (any a
    hostile platform likes; default a new one)."""
    from tests.lti_platform.dynreg import registration_url

    url = register_url or self.tool_register_url or f"{self.tool_base_url}/lti/register"
    return registration_url(self, url, client_id)
