"""Training plans (seed 四): annual, quarterly and ad-hoc, each with its items (a
catalogue course or another topic, how and when it is delivered, by whom)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text
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


class Assignment(Base):
    """A catalogue course assigned to a target group with a due date (from a plan item
    or on its own). Its members are materialised (``AssignmentMember``); with
    ``onboarding`` set, employees who later match (a roster import) join it."""

    __tablename__ = "plan_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_item.id", ondelete="SET NULL"))
    course_id: Mapped[str] = mapped_column(String(255))
    due_on: Mapped[date] = mapped_column(Date)
    departments: Mapped[list] = mapped_column(JSON, default=list)  # any of these ([] : any department)
    positions: Mapped[list] = mapped_column(JSON, default=list)  # any of these ([] : any position)
    hired_from: Mapped[date | None] = mapped_column(Date)  # hired on or after
    employee_numbers: Mapped[list] = mapped_column(JSON, default=list)  # named people, whatever the rule
    onboarding: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssignmentMember(Base):
    __tablename__ = "plan_assignment_member"

    assignment_id: Mapped[int] = mapped_column(ForeignKey("plan_assignment.id", ondelete="CASCADE"), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
