"""Typed settings, read from ``AFTERSALES_*`` environment variables in one place.

Nested values use ``__``: ``AFTERSALES_LRS_TARGETS='[{"name": "ralph", ...}]'`` or
``AFTERSALES_DATABASE_URL=postgresql+psycopg://...``. Nothing here reads Flask.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


#: The course library shipped with the tool: ``content/`` of the source tree, which the
#: package carries as ``lti_tool/content`` (a link in the tree, a folder in the wheel).
BUNDLED_CONTENT = (Path(__file__).parent / "content").resolve()


class LrsTarget(BaseModel):
    """One Learning Record Store that statements are forwarded to."""

    name: str
    endpoint: str  # the xAPI base, e.g. https://lrs.example.com/xAPI/
    username: str = ""
    password: SecretStr = SecretStr("")
    version: str = "1.0.3"
    timeout_seconds: float = 10.0
    batch_size: int = 100
    lease_seconds: float = 60.0  # a dead worker's claimed batch is sent again after this


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AFTERSALES_", env_nested_delimiter="__", extra="ignore"
    )

    instance_path: Path = Path("instance")
    database_url: str = ""  # empty: SQLite in the instance folder
    public_base_url: str = "http://127.0.0.1:5000"
    secret_key: SecretStr = SecretStr("")  # empty: generated once, kept in the instance folder
    default_locale: str = "zh_CN"
    # Extra LTI roles (full URIs or short names) that make a user HR, besides
    # institution Administrator.
    hr_roles: list[str] = Field(default_factory=list)
    # Launch validation.
    jwt_leeway_seconds: int = 60
    launch_state_ttl_seconds: int = 600
    jwks_cache_seconds: int = 3600
    http_timeout_seconds: float = 10.0
    http_retries: int = 2
    # Calls to platforms (OpenID configuration, registration endpoint, JWKS, token
    # endpoint, AGS, NRPS) take their URLs from the platform, so by default they reach
    # only public addresses: no loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
    # link-local (169.254/16 with the cloud metadata service, fe80::/10), shared
    # (100.64/10), multicast, reserved or unspecified address, IPv6 forms of those
    # included, and no proxy from the environment. True lets them reach any address
    # through any proxy: for an LMS on the company network or on this machine (the demo,
    # the tests). The LRS targets are the operator's own and are never restricted.
    allow_private_outbound: bool = False
    # A web session ends this long after sign-in (the launch), however busy it is, or
    # after this many minutes without a request, whichever comes first.
    session_ttl_seconds: int = 8 * 3600
    session_idle_minutes: int = Field(default=30, gt=0)
    # The reverse proxies in front of the tool (nginx, a load balancer): a JSON list of
    # IP addresses or CIDR networks, e.g. ["10.0.0.5", "10.1.0.0/16"]. Only a request
    # arriving from one of them has its X-Forwarded-For / -Proto / -Host / -Port headers
    # believed (the client's address, https, the public host name); empty: no one is.
    trusted_proxies: list[str] = Field(default_factory=list)
    # xAPI: forwarding targets. The local Statements API takes per-organisation
    # credentials (``xapi credentials add``); the former shared password is read only to
    # warn at start that it opens nothing.
    lrs_targets: list[LrsTarget] = Field(default_factory=list)
    xapi_store_password: SecretStr = SecretStr("")
    # Machine APIs (xAPI statements, HR API): a client address with this many failed
    # authentications within the window is answered 429 until the window passes.
    auth_throttle_failures: int = Field(default=10, ge=1)
    auth_throttle_window_seconds: int = Field(default=60, ge=1)
    # The course library folder; empty: the bundled library (content/ of the source tree,
    # shipped in the package as lti_tool/content).
    content_path: Path | None = None
    # Logs: "text" for a terminal, "json" (one object a line, with request ids) for production.
    log_format: str = "text"
    log_level: str = "INFO"
    # The in-process worker that drains outboxes in the embedded default.
    embedded_worker: bool = True
    # Production: the Redis broker of the task queue, e.g. redis://127.0.0.1:6379/0.
    # Empty: no broker; ``serve`` runs the embedded worker beside the web processes.
    broker_url: str = ""
    # How often (seconds) the workers sweep every outbox, whatever the queue carried.
    jobs_sweep_seconds: float = 2.0
    # Dramatiq requeues the messages of a worker silent for this long (milliseconds).
    jobs_heartbeat_timeout_ms: int = 60_000
    # Evidence photos: the memory one web process may spend decoding photos at once
    # (a 16 MP photo takes about 125 MB), and how long an upload waits for room
    # before it is told the server is busy.
    evidence_memory_mb: int = 256
    evidence_wait_seconds: float = 20.0

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_network(entry.strip(), strict=False)  # ValueError names the entry
        return [entry.strip() for entry in value]

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.instance_path / 'aftersales.db').resolve()}"

    @property
    def resolved_content_path(self) -> Path:
        if self.content_path:
            return self.content_path
        return BUNDLED_CONTENT

    def resolved_secret_key(self) -> str:
        """The configured secret, else one generated at first start and kept on disk."""
        if self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        path = self.instance_path / "secret_key"
        if not path.exists():
            self.instance_path.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def load_settings(overrides: dict | None = None) -> Settings:
    return Settings(**(overrides or {}))
