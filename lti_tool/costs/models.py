"""Training costs (seed 九): the annual training budget with its lines, and expense
claims with their attachments. Amounts are exact (``Numeric(14, 2)``, ``Decimal``) in
the currency the row was made in (the organisation's). Approval lives in the approval
tables; ``status`` mirrors it (and payment) so that lists filter in one query."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow

# Cost categories (seed 九(一)): trainer fees, venue rental, materials and course
# development, external courses, travel, other.
TRAINER_INTERNAL, TRAINER_EXTERNAL, VENUE, MATERIALS = "trainer_internal", "trainer_external", "venue", "materials"
EXTERNAL_COURSES, TRAVEL, OTHER = "external_courses", "travel", "other"
CATEGORIES = (TRAINER_INTERNAL, TRAINER_EXTERNAL, VENUE, MATERIALS, EXTERNAL_COURSES, TRAVEL, OTHER)

# A document's status: the approval's state, "draft" before it is submitted, and for
# claims "paid" once finance paid an approved claim.
DRAFT, PAID = "draft", "paid"

# What an attachment to a claim is (seed 九(二)1): the training notice, the invoice,
# the summary report.
NOTICE, INVOICE, SUMMARY = "notice", "invoice", "summary"
ATTACHMENT_KINDS = (NOTICE, INVOICE, SUMMARY)

MONEY = Numeric(14, 2)


class Budget(Base):
    """The organisation's training budget for one year, optionally for its annual plan."""

    __tablename__ = "cost_budget"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lines: Mapped[list[BudgetLine]] = relationship(order_by="BudgetLine.id", back_populates="budget",
                                                   cascade="all, delete-orphan")


class BudgetLine(Base):
    """An amount for one category, optionally for one item of the budget's plan."""

    __tablename__ = "cost_budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("cost_budget.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_item.id", ondelete="SET NULL"))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str] = mapped_column(String(255), default="")

    budget: Mapped[Budget] = relationship(back_populates="lines")


class ExpenseClaim(Base):
    """An employee's claim for what a training cost them (seed 九(二)): one category
    and amount, for a plan item or a classroom session, reviewed by their department's
    head, then finance, then paid."""

    __tablename__ = "cost_claim"
    __table_args__ = (Index("ix_cost_claim_listing", "organisation_id", "status", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"), index=True)
    department: Mapped[str] = mapped_column(String(255), default="")  # the claimant's, when filed
    category: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    spent_on: Mapped[date] = mapped_column(Date)
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_item.id", ondelete="SET NULL"), index=True)
    class_session_id: Mapped[int | None] = mapped_column(ForeignKey("class_session.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    paid_by_label: Mapped[str] = mapped_column(String(255), default="")
    payment_reference: Mapped[str] = mapped_column(String(255), default="")

    attachments: Mapped[list[ClaimAttachment]] = relationship(order_by="ClaimAttachment.id", back_populates="claim",
                                                              cascade="all, delete-orphan")


class ClaimAttachment(Base):
    """A checked file of a claim (PDF as sent, or a photo re-encoded as JPEG), stored
    under the instance folder by ``uid``."""

    __tablename__ = "cost_claim_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("cost_claim.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    claim: Mapped[ExpenseClaim] = relationship(back_populates="attachments")
