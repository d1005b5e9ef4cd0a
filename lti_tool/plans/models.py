"""Training plans (seed 四): annual, quarterly and ad-hoc, each with its items (a
catalogue course or another topic, how and when it is delivered, by whom)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow

ANNUAL, QUARTERLY, ADHOC = "annual", "quarterly", "adhoc"
KINDS = (ANNUAL, QUARTERLY, ADHOC)
# Why an ad-hoc plan is made (seed 四(三)).
REASONS = ("new_product", "new_business", "complaint", "other")
URGENCIES = ("normal", "urgent")
# How an item is delivered (seed 六(一)).
MODES = ("internal", "external", "online", "practical")


class TrainingPlan(Base):
    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int | None] = mapped_column(Integer)  # quarterly plans: 1-4
    annual_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))  # what it refines
    title: Mapped[str] = mapped_column(String(255))
    goals: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(32), default="")  # ad-hoc plans: one of REASONS
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    items: Mapped[list[PlanItem]] = relationship(order_by="PlanItem.id", back_populates="plan",
                                                 cascade="all, delete-orphan")


class PlanItem(Base):
    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(255), default="")  # a catalogue course, or ""
    topic: Mapped[str] = mapped_column(String(255), default="")  # what is taught when no course is named
    mode: Mapped[str] = mapped_column(String(16), default="internal")
    month: Mapped[int | None] = mapped_column(Integer)  # annual plans: 1-12
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(255), default="")
    trainer: Mapped[str] = mapped_column(String(255), default="")
    hours: Mapped[float | None] = mapped_column(Float)

    plan: Mapped[TrainingPlan] = relationship(back_populates="items")
