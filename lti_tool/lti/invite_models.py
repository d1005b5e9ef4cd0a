"""Registration invitations: the operator's permission for one LMS to register itself
by Dynamic Registration, into one organisation, once, before a deadline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow
from lti_tool.lti.models import Organisation


class RegistrationInvite(Base):
    """One invitation. Only the SHA-256 of its token is kept: the token is shown once,
    in the URL the operator hands to the LMS administrator, so a copy of the database
    cannot register anything."""

    __tablename__ = "lti_registration_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_platform_id: Mapped[int | None] = mapped_column(ForeignKey("lti_platform.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The registered platform's Platform.identity_trusted: whether its employee numbers
    # join the organisation's employees. Off unless the operator says so.
    trust_identity: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # An issuer the operator vouches for, when it is not the host that serves the LMS's
    # configuration (Canvas cloud: https://canvas.instructure.com). Only that issuer may
    # then register; without it the issuer must own the configuration URL.
    expected_issuer: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(String(255), default="")

    organisation: Mapped[Organisation] = relationship()
