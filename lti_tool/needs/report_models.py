"""The needs analysis report (seed 三(三)): per organisation and year, the four
sections the seed names as editable text, around the computed tables kept as they
stood when last refreshed (so a submitted or approved report does not change under
its approvers); and which annual plans answer it (seed 四(一))."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, utcnow

# The sections of the report, in order (seed 三(三)).
SECTIONS = ("overview", "methods", "main_needs", "recommendations")


class NeedsReport(Base):
    __tablename__ = "needs_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    overview: Mapped[str] = mapped_column(Text, default="")
    methods: Mapped[str] = mapped_column(Text, default="")
    main_needs: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    # locale -> the computed tables (``report.ReportTable`` as dicts) in that language
    tables: Mapped[dict] = mapped_column(JSON, default=dict)
    tables_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PlanNeedsReport(Base):
    """An annual plan names an approved needs report it answers."""

    __tablename__ = "plan_needs_report"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("needs_report.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
