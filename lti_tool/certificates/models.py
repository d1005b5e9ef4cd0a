"""Certificates: what one states is frozen at issue (holder, course, dates, number), and
so is its PDF once rendered. Revocation and reissue keep an audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow
from lti_tool.lti.models import User

VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"


class Certificate(Base):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    context_id: Mapped[int | None] = mapped_column(ForeignKey("lti_context.id", ondelete="SET NULL"))
    course_id: Mapped[str] = mapped_column(String(255), index=True)
    course_version_id: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # the verification code, >= 160 random bits
    # Frozen at issue: a later name change does not touch an issued certificate.
    holder_name: Mapped[str] = mapped_column(String(255))
    employee_number: Mapped[str] = mapped_column(String(64), default="")
    course_title: Mapped[dict] = mapped_column(JSON)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    score: Mapped[float | None] = mapped_column(Float)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    # What met the rules, e.g. {"records": [12, 13], "rules": {...}}.
    basis: Mapped[dict] = mapped_column(JSON, default=dict)
    render_attempts: Mapped[int] = mapped_column(Integer, default=0)
    render_error: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()

    def status(self, now: datetime | None = None) -> str:
        if self.revoked_at is not None:
            return REVOKED
        if self.valid_until is not None and self.valid_until <= (now or utcnow()):
            return EXPIRED
        return VALID


Index("ix_certificate_user_course", Certificate.user_id, Certificate.course_id)
# HR's filters: a tenant's certificates of a course, in an issue-date range.
Index("ix_certificate_platform_course_issued", Certificate.platform_id, Certificate.course_id, Certificate.issued_at)


class CertificatePdf(Base):
    """The PDF as rendered once, kept byte for byte."""

    __tablename__ = "certificate_pdf"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CertificateEvent(Base):
    """The audit trail: issued, rendered, render_failed, revoked, reissued."""

    __tablename__ = "certificate_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
