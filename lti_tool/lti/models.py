"""Platforms, deployments, keys, launch state and the identities a launch creates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow


DEFAULT_ORGANISATION = "default"


class Organisation(Base):
    """A tenant: one company. Its platforms share employees, training files,
    certificates and HR; nothing crosses from one organisation to another."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    # The LTI roles (full URIs or short names) that make a launch HR here; None: the
    # built-in ones (institution / system Administrator) and ``AFTERSALES_HR_ROLES``.
    hr_roles: Mapped[list | None] = mapped_column(JSON)
    # Where HR reads times (the audit log): an IANA zone name.
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", server_default="Asia/Shanghai")
    # The currency its money (training budgets, expense claims) is in: an ISO 4217 code.
    currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Platform(Base):
    """One LMS registration: an issuer and the client id it gave this tool, in one
    organisation (the ``default`` one unless told otherwise)."""

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    auth_login_url: Mapped[str] = mapped_column(String(1024))
    auth_token_url: Mapped[str] = mapped_column(String(1024))
    key_set_url: Mapped[str] = mapped_column(String(1024))
    auth_audience: Mapped[str | None] = mapped_column(String(1024))
    # "moodle", "canvas", ... from Dynamic Registration's product_family_code.
    product_family: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # An identity source of its organisation: its accounts join employees by employee
    # number (the LIS person sourcedid). An untrusted platform's accounts stay people of
    # their own until HR links them. The operator sets it (``platform trust``).
    identity_trusted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan"
    )
    organisation: Mapped[Organisation] = relationship()


class Deployment(Base):
    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class ToolKey(Base):
    """The tool's RSA signing keys. ``current`` signs; ``previous`` stays in JWKS."""

    __tablename__ = "lti_tool_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)  # current/previous/retired
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # At most one current key, whatever number of processes create one at once.
        Index(
            "uq_lti_tool_key_current", "status", unique=True,
            sqlite_where=text("status = 'current'"), postgresql_where=text("status = 'current'"),
        ),
    )


class LaunchState(Base):
    """One OIDC login in flight: the state and nonce we sent, bound to a browser."""

    __tablename__ = "lti_launch_state"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    # sha256 of the browser token set in a cookie, or put in platform storage.
    browser_hash: Mapped[str] = mapped_column(String(64))
    storage_target: Mapped[str | None] = mapped_column(String(64))
    login_params: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UsedNonce(Base):
    """A nonce accepted once: a replayed id_token collides on the unique key."""

    __tablename__ = "lti_used_nonce"
    __table_args__ = (UniqueConstraint("platform_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class JwksCache(Base):
    __tablename__ = "lti_jwks_cache"

    url: Mapped[str] = mapped_column(String(1024), primary_key=True)
    keys: Mapped[dict] = mapped_column(JSON)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessToken(Base):
    """Client-credentials tokens from a platform, reused until they expire."""

    __tablename__ = "lti_access_token"
    __table_args__ = (UniqueConstraint("platform_id", "scopes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    scopes: Mapped[str] = mapped_column(String(1024))
    token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """A person as one platform knows them: (platform, sub)."""

    __tablename__ = "lti_user"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    given_name: Mapped[str] = mapped_column(String(255), default="")
    family_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    locale: Mapped[str] = mapped_column(String(32), default="")
    person_sourcedid: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_launch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    platform: Mapped[Platform] = relationship()


class Context(Base):
    """An LMS course as one deployment knows it: (deployment, context id)."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("deployment_pk", "lms_context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_pk: Mapped[int] = mapped_column(ForeignKey("lti_deployment.id", ondelete="CASCADE"))
    lms_context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    label: Mapped[str] = mapped_column(String(255), default="")
    nrps_url: Mapped[str | None] = mapped_column(String(1024))
    ags_lineitems_url: Mapped[str | None] = mapped_column(String(1024))
    ags_scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deployment: Mapped[Deployment] = relationship()


class Enrolment(Base):
    """A user's roles in a context, as of their latest launch (or NRPS sync)."""

    __tablename__ = "lti_enrolment"
    __table_args__ = (UniqueConstraint("user_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    role: Mapped[str] = mapped_column(String(16))  # learner / instructor / hr
    source: Mapped[str] = mapped_column(String(16), default="launch")  # launch / nrps
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    context: Mapped[Context] = relationship()


class ResourceLink(Base):
    """A placement of one of our items in an LMS course (from Deep Linking)."""

    __tablename__ = "lti_resource_link"
    __table_args__ = (UniqueConstraint("context_id", "lms_resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    lms_resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    item_kind: Mapped[str | None] = mapped_column(String(32))
    item_id: Mapped[str | None] = mapped_column(String(255))
    lineitem_url: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    context: Mapped[Context] = relationship()


class WebSession(Base):
    """Server-side web sessions: shared by every process, carried by cookie or token."""

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # absolute: set at sign-in
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # idles out after session_idle_minutes
    # Without cookies: the hash of the secret shared with the window the session was given to.
    window_hash: Mapped[str | None] = mapped_column(String(64))


Index("ix_lti_enrolment_context_role", Enrolment.context_id, Enrolment.role)


@event.listens_for(Session, "before_flush")
def _default_organisation(session: Session, _context, _instances) -> None:
    """A platform registered without an organisation (``platforms.add`` without one) joins
    the ``default`` one, made on demand. Dynamic Registration always names one: its
    invitation's."""
    new = [p for p in session.new if isinstance(p, Platform) and p.organisation_id is None and p.organisation is None]
    if not new:
        return
    with session.no_autoflush:
        organisation = session.scalar(select(Organisation).where(Organisation.slug == DEFAULT_ORGANISATION))
    if organisation is None:
        organisation = Organisation(slug=DEFAULT_ORGANISATION, name="Default")
        session.add(organisation)
    for platform in new:
        platform.organisation = organisation
