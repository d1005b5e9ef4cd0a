"""The training record: what a learner did in one training item, and how it went."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow
from lti_tool.lti.models import Context, User

# What a record is about: a lesson read, a quiz, a practical task, a classroom
# session, a questionnaire answered, a certificate, or a whole course.
KINDS = ("course", "lesson", "quiz", "practical", "session", "questionnaire", "certificate")
# Where it stands.
STATUSES = ("in_progress", "completed", "passed", "failed", "pending_grading", "attended", "absent", "excused")


class TrainingRecord(Base):
    __tablename__ = "training_record"
    __table_args__ = (UniqueConstraint("user_id", "context_id", "kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    # The LMS course it happened in (None: outside any course, e.g. an HR import).
    context_id: Mapped[int | None] = mapped_column(ForeignKey("lti_context.id", ondelete="SET NULL"), index=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(255), index=True)  # the catalogue course slug
    course_version_id: Mapped[int | None] = mapped_column(Integer)  # catalog_course_version.id
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(255))  # e.g. "fault-diagnosis-repair/final-exam"
    title: Mapped[dict] = mapped_column(JSON, default=dict)  # {"zh-CN": ..., "en": ...}
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    score_max: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Where the result comes from, e.g. {"attempt": 12} or {"assessment": 3}.
    source: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User] = relationship()
    context: Mapped[Context | None] = relationship()


Index("ix_training_record_user_course", TrainingRecord.user_id, TrainingRecord.course_id)
Index("ix_training_record_kind_status", TrainingRecord.kind, TrainingRecord.status, TrainingRecord.completed_at)


class Employee(Base):
    """A person of the company (HR's view), in one organisation (tenant): from the HR
    roster, from a launch's LIS person sourcedid (the employee number) on a platform
    trusted for identity, or an LMS account of its own (an untrusted platform's, until
    HR links it; see ``records.employees``)."""

    __tablename__ = "employee"
    __table_args__ = (UniqueConstraint("organisation_id", "employee_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    employee_number: Mapped[str | None] = mapped_column(String(64))  # None: an LMS user without one
    name: Mapped[str] = mapped_column(String(255), default="")
    department: Mapped[str] = mapped_column(String(255), default="", index=True)
    position: Mapped[str] = mapped_column(String(255), default="")
    hire_date: Mapped[date | None] = mapped_column(Date)
    # The employee number of their manager (from the roster): whom they report to.
    manager_number: Mapped[str] = mapped_column(String(64), default="", server_default="")
    source: Mapped[str] = mapped_column(String(16), default="lms")  # lms | roster
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# How an LMS account came to be an employee (``EmployeeUser.linked_by``): by the
# tool (its employee number on a trusted platform, or an employee of its own), or by HR.
AUTO = "auto"
BY_HR = "hr"


class EmployeeUser(Base):
    """Which LMS users (one per platform account) are this employee."""

    __tablename__ = "employee_user"

    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    linked_by: Mapped[str] = mapped_column(String(8), default=AUTO, server_default=AUTO)  # AUTO | BY_HR
