"""Certificates: what one states is frozen at issue (holder, course, dates, number), and
so is its PDF once rendered. Revocation and reissue keep an audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
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
    # The organisation's design as it stood at issue (design.Design.snapshot: names,
    # colours, image ids); None for a certificate issued before designs existed.
    design: Mapped[dict | None] = mapped_column(JSON)

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


class CertificateImage(Base):
    """A logo, signature or seal as uploaded by HR, re-encoded (images.py). Never
    changed nor deleted: an issued certificate's design snapshot names it by id."""

    __tablename__ = "certificate_image"
    __table_args__ = (UniqueConstraint("organisation_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(32))  # image/png or image/jpeg
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CertificateDesign(Base):
    """How an organisation's certificates look: its own design (``course_id`` "") and
    per-course overrides. In an override a None field falls back to the organisation's
    design, and there a None field to the product's default (design.resolve)."""

    __tablename__ = "certificate_design"
    __table_args__ = (UniqueConstraint("organisation_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(255), default="")
    company_name_zh: Mapped[str | None] = mapped_column(String(120))
    company_name_en: Mapped[str | None] = mapped_column(String(120))
    logo_image_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_image.id", ondelete="SET NULL"))
    seal_image_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_image.id", ondelete="SET NULL"))
    signatory1_name: Mapped[str | None] = mapped_column(String(60))
    signatory1_title: Mapped[str | None] = mapped_column(String(80))
    signatory1_image_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_image.id", ondelete="SET NULL"))
    signatory2_name: Mapped[str | None] = mapped_column(String(60))
    signatory2_title: Mapped[str | None] = mapped_column(String(80))
    signatory2_image_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_image.id", ondelete="SET NULL"))
    primary_colour: Mapped[str | None] = mapped_column(String(7))  # #rrggbb
    accent_colour: Mapped[str | None] = mapped_column(String(7))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
