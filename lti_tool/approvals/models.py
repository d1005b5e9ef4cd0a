"""Approvers (employees HR names for a role), approval requests (one per submitted
version of a document) and their decisions (the history shown on the document)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow

# Who approves (seed 二, 九): management, the head of the training department, the
# head of a department (for that department's documents only) and finance (expense
# claims, seed 九(二)).
MANAGEMENT, TRAINING_HEAD, DEPARTMENT_HEAD, FINANCE = "management", "training_head", "department_head", "finance"
ROLES = (MANAGEMENT, TRAINING_HEAD, DEPARTMENT_HEAD, FINANCE)

# A request's states, and what an approver (or the submitter) does to one.
PENDING, APPROVED, REJECTED, RETURNED, WITHDRAWN = "pending", "approved", "rejected", "returned", "withdrawn"
SUBMIT, APPROVE, REJECT, RETURN, WITHDRAW = "submit", "approve", "reject", "return", "withdraw"


class Approver(Base):
    """An employee of the organisation holding an approver role (a department head
    for one department)."""

    __tablename__ = "approval_approver"
    __table_args__ = (UniqueConstraint("organisation_id", "employee_id", "role", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(255), default="")  # DEPARTMENT_HEAD only
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApprovalRequest(Base):
    """One submitted version of a document, going through its kind's steps in order."""

    __tablename__ = "approval_request"
    __table_args__ = (UniqueConstraint("kind", "document_id", "version"),
                      Index("ix_approval_request_waiting", "organisation_id", "state", "step_role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # a registered document kind (flows.KINDS)
    document_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    department: Mapped[str] = mapped_column(String(255), default="")  # whose department head approves
    title: Mapped[str] = mapped_column(String(255))  # as submitted
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    step: Mapped[int] = mapped_column(Integer, default=0)  # index into the kind's steps
    step_role: Mapped[str | None] = mapped_column(String(32))  # that step's role while pending
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    decisions: Mapped[list[ApprovalDecision]] = relationship(
        order_by="ApprovalDecision.id", back_populates="request", cascade="all, delete-orphan")


class ApprovalDecision(Base):
    """What one person did to a request, when, and why."""

    __tablename__ = "approval_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("approval_request.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(32))  # the approver role acted in; None for the submitter
    action: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[ApprovalRequest] = relationship(back_populates="decisions")
