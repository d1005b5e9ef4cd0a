"""Scores waiting to go to LMS gradebooks, and the log of every delivery attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow
from lti_tool.lti.models import ResourceLink, User

PENDING, DELIVERED, PARKED, SUPERSEDED = "pending", "delivered", "parked", "superseded"


class ScoreOutbox(Base):
    """One score for one learner on one placed item, written in the same transaction
    as the result it reports; the worker delivers it through AGS."""

    __tablename__ = "ags_score_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_link.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    # What the line item is, in case it has to be found or created.
    resource_id: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(String(255))
    score_given: Mapped[float | None] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    activity_progress: Mapped[str] = mapped_column(String(32))
    grading_progress: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the AGS timestamp
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. {"attempt": id}

    resource_link: Mapped[ResourceLink] = relationship()
    user: Mapped[User] = relationship()


class ScoreDelivery(Base):
    """Each try to deliver a score: what the LMS answered. Shown to instructors."""

    __tablename__ = "ags_score_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("ags_score_outbox.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ok: Mapped[bool]
    status_code: Mapped[int | None]
    message: Mapped[str] = mapped_column(Text, default="")


Index("ix_ags_score_outbox_due", ScoreOutbox.status, ScoreOutbox.next_attempt_at)
Index("ix_ags_score_outbox_link_user", ScoreOutbox.resource_link_id, ScoreOutbox.user_id)
