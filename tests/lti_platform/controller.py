"""``TestPlatform``: a Moodle- or Canvas-like LTI 1.3 platform served over real HTTP
on 127.0.0.1, with the Python API tests use to arrange and inspect it."""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from urllib.parse import urlencode, urlparse

from tests.lti_platform import constants as c
from tests.lti_platform import flows
from tests.lti_platform.claims import apply_overrides, build_claims, encode
from tests.lti_platform.keys import KeyRing
from tests.lti_platform.model import Course, Ids, LineItem, PendingDeepLink, PlatformUser, ToolClient
from tests.lti_platform.courses import Courses
from tests.lti_platform.records import Records
from tests.support.live import LiveServer
from tests.support.postgres import free_port


class QuickLiveServer(LiveServer):
    """``LiveServer`` whose loop notices ``stop()`` within 50 ms (the default polls every 0.5 s)."""

    def __init__(self, app, port: int) -> None:
        super().__init__(app, port)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

def _present(query: dict) -> dict:
    return {k: v for k, v in query.items() if v is not None}


FAMILIES = {"moodle": "4.5.1 (Build: 20250609)", "canvas": "cloud"}


class TestPlatform(Records, Courses):
    __test__ = False  # not a pytest test class

    def __init__(
        self,
        name: str = "Moodle-like",
        product_family: str = "moodle",
        *,
        tool_base_url: str | None = None,
        port: int | None = None,
        hostname: str = "127.0.0.1",
        issuer: str | None = None,
        login_method: str = "post",
        storage_target: str | None = None,
        seed: bool = True,
        client_id: str | None = None,
        deployment_id: str | None = None,
    ) -> None:
        if product_family not in FAMILIES:
            raise ValueError(f"product_family must be one of {sorted(FAMILIES)}")
        if login_method not in ("post", "get"):
            raise ValueError("login_method is 'post' (auto-submitted form) or 'get' (302)")
        super().__init__()
        self.name, self.product_family, self.version = name, product_family, FAMILIES[product_family]
        self.port = port or free_port()
        # It listens on 127.0.0.1; ``hostname="localhost"`` makes it another site than a
        # tool on 127.0.0.1 for a real browser (third-party cookies in the tool's iframe).
        self.base_url = f"http://{hostname}:{self.port}"
        self.issuer = issuer or self.base_url
        self.login_method, self.storage_target = login_method, storage_target
        self.guid = str(uuid.uuid4())
        self.lock = threading.RLock()
        self.keys = KeyRing()
        self.ids = Ids(product_family)
        self.id_token_ttl = 60 if product_family == "moodle" else 3600  # Moodle signs for 60 s
        self.token_ttl = 3600
        # prompt=none: the auth request must carry this platform's session cookie for the
        # launching user. Moodle's cookie is SameSite=None; Secure over https; over http a
        # real browser withholds this platform's Lax cookie from an auth request made
        # inside a cross-site tool frame, so such tests turn the check off.
        self.require_platform_session = True
        self.token_audience = self.token_url
        self.users: dict[str, PlatformUser] = {}
        self.courses: dict[str, Course] = {}
        self.clients: dict[str, ToolClient] = {}
        self.lineitems: dict[int, LineItem] = {}
        self.client_id = client_id or self.ids.client_id()
        self.deployment_id = deployment_id or self.ids.deployment_id()
        self.clients[self.client_id] = ToolClient(self.client_id, [self.deployment_id], "", [], "", "", "", name="tool")
        self.tool_base_url: str | None = None
        # The tool URL its "Add LTI Advantage" form offers: the operator's invitation URL.
        self.tool_register_url: str | None = None
        if tool_base_url:
            self.set_tool(tool_base_url)
        self.course: Course | None = None
        if seed:
            self._seed()
        self._server: QuickLiveServer | None = None

    # -- running ---------------------------------------------------------------------
    def start(self) -> "TestPlatform":
        from tests.lti_platform.app import create_app

        if self._server is None:
            self._server = QuickLiveServer(create_app(self), self.port).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> "TestPlatform":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- URLs ------------------------------------------------------------------------
    auth_login_url = property(lambda self: f"{self.base_url}/auth")
    token_url = property(lambda self: f"{self.base_url}/token")
    jwks_url = property(lambda self: f"{self.base_url}/jwks")
    home_url = property(lambda self: f"{self.base_url}/")
    openid_configuration_url = property(lambda self: f"{self.base_url}/.well-known/openid-configuration")
    registration_endpoint = property(lambda self: f"{self.base_url}/register")

    def _moodle_query(self, deployment_id: str | None) -> str:
        return f"?type_id={deployment_id or self.deployment_id}" if self.product_family == "moodle" else ""

    def lineitems_url(self, context_id: str, deployment_id: str | None = None) -> str:
        return f"{self.base_url}/ags/{context_id}/lineitems{self._moodle_query(deployment_id)}"

    def lineitem_url(self, context_id: str, lineitem_id: int, deployment_id: str | None = None) -> str:
        """Moodle's line item URLs end in ``/lineitem?type_id=N``; Canvas's in the id."""
        tail = "/lineitem" if self.product_family == "moodle" else ""
        return f"{self.base_url}/ags/{context_id}/lineitems/{lineitem_id}{tail}{self._moodle_query(deployment_id)}"

    def memberships_url(self, context_id: str, deployment_id: str | None = None) -> str:
        return f"{self.base_url}/nrps/{context_id}/memberships{self._moodle_query(deployment_id)}"

    def return_url(self, context_id: str | None) -> str:
        return f"{self.base_url}/course/{context_id}" if context_id else self.home_url

    def deep_link_return_url(self, deep_link_id: str) -> str:
        return f"{self.base_url}/deeplink/return?dl={deep_link_id}"

    def launch_url(self, user: str = "learner", context: str | None = None, resource_link: str | None = None,
                   *, method: str | None = None, target: str = "iframe", client_id: str | None = None) -> str:
        """Where the LMS sends the browser to start a launch (the OIDC login initiation).
        ``method``: "post" or "get" (default: the platform's ``login_method``);
        ``target``: the launch_presentation document_target; ``client_id``: another tool client."""
        context = context or self.course.id
        resource_link = resource_link or next(iter(self.courses[context].links))
        query = {"user": user, "target": target, "method": method, "client_id": client_id}
        return f"{self.base_url}/course/{context}/launch/{resource_link}?{urlencode(_present(query))}"

    def deep_link_url(self, user: str = "instructor", context: str | None = None, *, method: str | None = None,
                      accept_multiple: bool = True, client_id: str | None = None) -> str:
        query = {"user": user, "accept_multiple": "true" if accept_multiple else "false", "method": method,
                 "client_id": client_id}
        return f"{self.base_url}/course/{context or self.course.id}/deeplink?{urlencode(_present(query))}"

    # -- the tool ----------------------------------------------------------------------
    def set_tool(self, tool_base_url: str) -> None:
        """Point the default client at the tool (its login, launch and JWKS URLs)."""
        base = tool_base_url.rstrip("/")
        self.tool_base_url = base
        client = self.clients[self.client_id]
        client.initiate_login_uri = f"{base}/lti/login"
        client.redirect_uris = [f"{base}/lti/launch"]
        client.jwks_uri = f"{base}/lti/jwks"
        client.target_link_uri = f"{base}/lti/launch"
        client.domain = urlparse(base).netloc

    def tool_registration(self, client_id: str | None = None) -> dict:
        """Keyword arguments for ``lti_tool.lti.platforms.add``."""
        client = self.clients[client_id or self.client_id]
        return {
            "issuer": self.issuer, "client_id": client.client_id, "auth_login_url": self.auth_login_url,
            "auth_token_url": self.token_url, "key_set_url": self.jwks_url,
            "deployment_ids": list(client.deployment_ids), "name": self.name, "product_family": self.product_family,
        }

    def register_in_tool(self, target, client_id: str | None = None, *, identity_trusted: bool | None = None):
        """Register this platform in the tool's database; ``target`` is a SQLAlchemy
        session (the caller commits) or the tool's Flask app (committed here).
        ``identity_trusted``: whether its employee numbers link accounts to employees
        (None: the tool's default for a new platform, not trusted)."""
        from lti_tool.lti import platforms

        registration = {**self.tool_registration(client_id), "identity_trusted": identity_trusted}
        if hasattr(target, "extensions"):
            from lti_tool.db import get_db

            with get_db(target).sessionmaker.begin() as session:
                return platforms.add(session, **registration).id
        return platforms.add(target, **registration)

    def add_deployment(self, client_id: str | None = None) -> str:
        deployment_id = self.ids.deployment_id()
        self.clients[client_id or self.client_id].deployment_ids.append(deployment_id)
        return deployment_id

    # -- keys and tokens -------------------------------------------------------------
    def rotate_key(self, keep_previous: bool = True) -> str:
        """Sign with a new key from now on; returns its kid (the tool's cached JWKS lacks it)."""
        return self.keys.rotate(keep_previous)

    def jwks(self) -> dict:
        return self.keys.jwks()

    def id_token_claims(self, *, user: str = "learner", context: str | None = None, resource_link: str | None = None,
                        message_type: str = c.RESOURCE_LINK_REQUEST, nonce: str | None = "",
                        client_id: str | None = None, deployment_id: str | None = None,
                        document_target: str = "iframe") -> dict:
        """The claims this platform would sign for that launch (``nonce=""``: a fresh one)."""
        import secrets

        client = self.clients[client_id or self.client_id]
        course = self.courses[context or self.course.id] if (context or self.course) else None
        link = None
        if message_type == c.RESOURCE_LINK_REQUEST and course is not None:
            link = course.links[resource_link] if resource_link else next(iter(course.links.values()), None)
        deep_link = None
        if message_type == c.DEEP_LINKING_REQUEST and course is not None:
            deep_link = self.new_deep_link(course.id, user, client.client_id, deployment_id or client.deployment_ids[0])
        return build_claims(self, user_key=user, course=course, link=link, message_type=message_type, client=client,
                            deployment_id=deployment_id or client.deployment_ids[0],
                            nonce=secrets.token_urlsafe(16) if nonce == "" else nonce,
                            document_target=document_target, deep_link=deep_link)

    def make_id_token(self, *, claims_overrides: dict | None = None, remove_claims=(), header_overrides: dict | None = None,
                      sign_with: str = "platform", kid: str | None = None, **launch) -> str:
        """A signed id_token; ``launch`` takes the arguments of ``id_token_claims``."""
        claims = apply_overrides(self.id_token_claims(**launch), claims_overrides, remove_claims)
        return encode(self, claims, header_overrides=header_overrides, sign_with=sign_with, kid=kid)

    def new_deep_link(self, context_id: str, user_key: str, client_id: str, deployment_id: str,
                      accept_multiple: bool = True) -> PendingDeepLink:
        import secrets

        with self.lock:
            pending = PendingDeepLink(secrets.token_urlsafe(12), context_id, user_key, client_id, deployment_id,
                                      data=secrets.token_urlsafe(16), accept_multiple=accept_multiple)
            self.pending_deep_links[pending.id] = pending
        return pending

    # -- outages ----------------------------------------------------------------------
    def set_outage(self, status: int | None = 503, services=("token", "ags", "nrps")) -> None:
        """Answer ``status`` on those services until cleared (``status=None`` clears)."""
        with self.lock:
            for service in services:
                if status is None:
                    self.outages.pop(service, None)
                else:
                    self.outages[service] = status

    @contextmanager
    def outage(self, status: int = 503, services=("token", "ags", "nrps")):
        self.set_outage(status, services)
        try:
            yield self
        finally:
            self.set_outage(None, services)

    # -- flows (tests/lti_platform/flows.py) ---------------------------------------------
    launch = flows.launch
    deep_link = flows.deep_link
    start_login = flows.start_login
    dynamic_registration_url = flows.dynamic_registration_url
