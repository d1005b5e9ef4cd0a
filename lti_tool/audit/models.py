"""Audit events, one row each: who (an LMS user, or the operator's command line),
when, what, on which subject, in which organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_organisation_at", "organisation_id", "at"),
                      Index("ix_audit_event_organisation_action_at", "organisation_id", "action", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: an operator's action on the whole tool (e.g. an invitation without one yet).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The LMS user who acted, or None with actor_label "cli" for the operator's commands.
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(64))  # e.g. "hr_token.created", see audit.log ACTIONS
    subject: Mapped[str] = mapped_column(String(255), default="")  # e.g. "certificate 2026-000123"
    details: Mapped[dict] = mapped_column(JSON, default=dict)
