"""The trainer pool (seed 八(一)): internal trainers (employees of the organisation)
and external ones (a person or an agency), each a candidate first: proposed by
themselves, by their department head or by the training department, assessed on the
seed's criteria and a trial lecture, and approved through the approval mechanism for
the courses and topics they may teach."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, utcnow

INTERNAL, EXTERNAL = "internal", "external"
KINDS = (INTERNAL, EXTERNAL)
# How a candidate came forward (seed 八(一)2: 个人自荐、部门推荐、培训管理部门考核).
SELF_NOMINATED, RECOMMENDED, ADDED = "self_nominated", "recommended", "added"
SOURCES = (SELF_NOMINATED, RECOMMENDED, ADDED)
# What the assessment rates, 1-5 each (seed 八(一)1: 专业知识、实践经验、沟通能力、教学能力).
CRITERIA = ("knowledge", "practice", "communication", "teaching")


class Trainer(Base):
    __tablename__ = "trainer"
    __table_args__ = (UniqueConstraint("organisation_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))  # internal
    name: Mapped[str] = mapped_column(String(255))
    agency: Mapped[str] = mapped_column(String(255), default="")  # external: the training company
    contact: Mapped[str] = mapped_column(String(255), default="")
    fee_terms: Mapped[str] = mapped_column(Text, default="")  # external: e.g. "¥3,000 per day"
    source: Mapped[str] = mapped_column(String(16))
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    statement: Mapped[str] = mapped_column(Text, default="")  # experience, why they should teach
    courses: Mapped[list] = mapped_column(JSON, default=list)  # catalogue course ids they may teach
    topics: Mapped[list] = mapped_column(JSON, default=list)  # other topics
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion -> 1..5
    trial_lecture: Mapped[int | None] = mapped_column(Integer)  # 0..100
    assessment_note: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def assessed(self) -> bool:
        return self.assessed_at is not None
