"""What the needs analysis reads besides the surveys (seed 三(一) 3–4, 三(二)): customer
feedback imported from the service system, industry and technology items the training
department records, the organisation's map of what covers what (a position's required
courses, the courses that cover a fault category or a product) and its thresholds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, utcnow

COMPLAINT, SATISFACTION = "complaint", "satisfaction"
RELEVANCE = ("high", "medium", "low")
# What a topic link maps onto catalogue courses: a position's required courses, the
# courses that cover a fault category, or a product.
POSITION, FAULT, PRODUCT = "position", "fault", "product"
LINK_KINDS = (POSITION, FAULT, PRODUCT)


class CustomerFeedback(Base):
    """One complaint or one satisfaction rating from a customer, about the service an
    employee gave. ``row_key`` makes a re-import of the same row add nothing: the
    ticket reference when the file has one, else a hash of the row's values."""

    __tablename__ = "needs_customer_feedback"
    __table_args__ = (UniqueConstraint("organisation_id", "row_key"),
                      Index("ix_needs_customer_feedback_org_day", "organisation_id", "received_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    row_key: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(64), default="")
    received_on: Mapped[date] = mapped_column(Date)
    product: Mapped[str] = mapped_column(String(255), default="")
    fault_category: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(16))  # COMPLAINT | SATISFACTION
    score: Mapped[float | None] = mapped_column(Float)  # as given, on its scale
    scale: Mapped[int | None] = mapped_column(Integer)  # 5 or 100
    employee_number: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def percent(self) -> float | None:
        """A satisfaction score as a percentage of its scale's maximum (4 of 5: 80)."""
        if self.kind != SATISFACTION or self.score is None or not self.scale:
            return None
        return self.score / self.scale * 100


class IndustryItem(Base):
    """An industry or technology development worth training for (seed 三(一)4)."""

    __tablename__ = "needs_industry_item"
    __table_args__ = (Index("ix_needs_industry_item_org_day", "organisation_id", "noted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(255))
    noted_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(255))
    relevance: Mapped[str] = mapped_column(String(8))  # RELEVANCE
    note: Mapped[str] = mapped_column(Text, default="")
    course_ids: Mapped[list] = mapped_column(JSON, default=list)  # catalogue courses that cover it
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TopicLink(Base):
    """A position (its required courses), a fault category or a product, and one
    catalogue course that covers it."""

    __tablename__ = "needs_topic_link"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "name", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # LINK_KINDS
    name: Mapped[str] = mapped_column(String(255))
    course_id: Mapped[str] = mapped_column(String(255))


class AnalysisSettings(Base):
    """The organisation's thresholds (defaults when it has no row)."""

    __tablename__ = "needs_analysis_settings"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    pass_threshold: Mapped[float] = mapped_column(Float, default=60.0)  # percent of a result's maximum
    satisfaction_threshold: Mapped[float] = mapped_column(Float, default=80.0)  # mean, percent of the scale
    complaint_threshold: Mapped[int] = mapped_column(Integer, default=2)  # complaints in the period
