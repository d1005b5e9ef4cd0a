"""Practical assessments graded on site: the assessment (one attempt of one learner at
one task), its audit trail, its evidence photos, the submissions that made it final
(exactly once), and roster refreshes from the LMS."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow
from lti_tool.lti.models import User

DRAFT, SIGNED = "draft", "signed"


class Assessment(Base):
    """One learner's assessment at one practical task, in one LMS course.

    A draft is saved as the assessor fills it in; the assessor's sign-off makes it
    final (score to the LMS, xAPI, training record); the learner then acknowledges
    it. A correction after sign-off keeps the replaced version as a ``Revision``."""

    __tablename__ = "practical_assessment"
    __table_args__ = (
        # At most one open draft per learner, task and course, however many tablets at once.
        Index(
            "uq_practical_assessment_draft", "context_id", "learner_id", "item_id", unique=True,
            sqlite_where=text("status = 'draft'"), postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # the xAPI registration
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    course_id: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(255))  # "course/task"
    course_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_course_version.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    levels: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion id → level id
    notes: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion id → the assessor's comment
    comment: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer, default=1)
    statement_ids: Mapped[list] = mapped_column(JSON, default=list)  # xAPI statements of the signed version
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    evidence: Mapped[list[Evidence]] = relationship(back_populates="assessment", order_by="Evidence.id")
    revisions: Mapped[list[Revision]] = relationship(back_populates="assessment", order_by="Revision.version")


class Revision(Base):
    """A signed version replaced by a correction: what it said, who signed it, and who
    corrected it, when and why."""

    __tablename__ = "practical_revision"
    __table_args__ = (UniqueConstraint("assessment_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("practical_assessment.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    levels: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)

    assessment: Mapped[Assessment] = relationship(back_populates="revisions")
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    corrected_by: Mapped[User | None] = relationship(foreign_keys=[corrected_by_id])


class Submission(Base):
    """A final submission (sign-off or correction) by the id its form generated: the
    same form sent again, e.g. when a tablet's connection returns, is applied once."""

    __tablename__ = "practical_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("practical_assessment.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # sign_off / correction
    version: Mapped[int] = mapped_column(Integer)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(Base):
    """A photo attached to one criterion: re-encoded without EXIF, stored under the
    instance folder (never under static), served only through an access check. Its
    ``slot`` (1 to the per-criterion limit) is unique per criterion, so uploads at once
    cannot store more photos than the limit: the one that loses a slot takes another
    free one or is refused."""

    __tablename__ = "practical_evidence"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)  # the stored file's name
    assessment_id: Mapped[int] = mapped_column(ForeignKey("practical_assessment.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[str] = mapped_column(String(64))
    slot: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="evidence")


class RosterSync(Base):
    """A request to refresh a course's roster from the LMS (NRPS), done in the background."""

    __tablename__ = "practical_roster_sync"

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending / done / failed
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    members: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
