"""Training needs surveys (seed 三(一) 1–2): a campaign asks a target group of
employees about their role, how they rate themselves on each topic, what they want
to learn; department heads add their department's needs. One response per employee."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, utcnow

DRAFT, OPEN, CLOSED = "draft", "open", "closed"


class NeedsSurvey(Base):
    __tablename__ = "needs_survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    topics: Mapped[list] = mapped_column(JSON, default=list)  # what employees rate and choose
    departments: Mapped[list] = mapped_column(JSON, default=list)  # [] : every department
    positions: Mapped[list] = mapped_column(JSON, default=list)  # [] : every position
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NeedsResponse(Base):
    __tablename__ = "needs_response"
    __table_args__ = (UniqueConstraint("survey_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("needs_survey.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    department: Mapped[str] = mapped_column(String(255), default="")  # the employee's, when they answered
    role: Mapped[str] = mapped_column(String(255), default="")  # their work, in their words
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)  # topic -> 1..5
    wanted: Mapped[list] = mapped_column(JSON, default=list)  # topics they want training in
    comment: Mapped[str] = mapped_column(Text, default="")
    as_department_head: Mapped[bool] = mapped_column(Boolean, default=False)
    department_needs: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
