"""Online learning: lesson progress, quiz attempts, graded responses, regrades.

An attempt points at the course version it was taken under (``course_version_id``)
and, once an instructor regraded it under a corrected version, at that one too
(``graded_version_id``): a new version never changes an old result by itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow
from lti_tool.lti.models import Context, User

OPEN, PENDING_GRADING, GRADED = "open", "pending_grading", "graded"
IN_PROGRESS, COMPLETED = "in_progress", "completed"


class LessonProgress(Base):
    """How far one learner got in one lesson of a course, in one LMS course."""

    __tablename__ = "learning_lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "context_id", "course_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    lesson_id: Mapped[str] = mapped_column(String(64))
    course_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_course_version.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent read
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The xAPI statements the row owes (each opening, each milestone reached), written
    # with the request's own write and built by the worker (``lessons.emit_due_statements``).
    statements_due: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"), index=True)
    due_events: Mapped[list | None] = mapped_column(JSON)  # [{"kind", "at", "version", "progress"?}]
    # Until when a worker's pass has claimed them (``attempts.claim_due``).
    statements_lease: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuizAttempt(Base):
    """One attempt at a quiz: the paper drawn for it, the answers saved as the learner
    goes, and, once submitted (exactly once), its grade."""

    __tablename__ = "learning_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "context_id", "item_id", "number"),
        Index("ix_learning_attempt_item", "context_id", "item_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the xAPI registration
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    resource_link_id: Mapped[int | None] = mapped_column(ForeignKey("lti_resource_link.id", ondelete="SET NULL"))
    course_id: Mapped[str] = mapped_column(String(64))
    quiz_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(255))  # "course/quiz"
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per learner and quiz
    course_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_course_version.id", ondelete="RESTRICT"))
    graded_version_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_course_version.id", ondelete="RESTRICT"))
    paper: Mapped[list] = mapped_column(JSON)  # [{"q": id, "options": [...], "parts": {sub: [...]}}]
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # question id -> answer, autosaved
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_deadline: Mapped[bool] = mapped_column(Boolean, default=False)
    submit_key: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    score_max: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its xAPI statements are still to be built (by the worker, from the stored attempt
    # and responses): set in the start's and the submit's transactions, so none is lost.
    statements_due: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Until when a worker's pass has claimed them (``attempts.claim_due_statements``).
    statements_lease: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    context: Mapped[Context] = relationship()
    responses: Mapped[list[AttemptResponse]] = relationship(
        back_populates="attempt", order_by="AttemptResponse.id", cascade="all, delete-orphan"
    )


class AttemptResponse(Base):
    """The graded answer to one question (or one part of a case analysis)."""

    __tablename__ = "learning_response"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", "part_id"),
        Index("ix_learning_response_grading", "needs_grading", "attempt_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("learning_attempt.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    part_id: Mapped[str] = mapped_column(String(64), default="")  # a case analysis's sub-question
    type: Mapped[str] = mapped_column(String(32))
    answer: Mapped[dict | list | str | bool | None] = mapped_column(JSON)
    points: Mapped[float | None] = mapped_column(Float)  # None: waiting for an instructor
    max_points: Mapped[float] = mapped_column(Float)
    needs_grading: Mapped[bool] = mapped_column(Boolean, default=False)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="responses")


class Regrade(Base):
    """An instructor regraded every attempt at a quiz under a (corrected) version."""

    __tablename__ = "learning_regrade"

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(255))
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_course_version.id", ondelete="RESTRICT"))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[list] = mapped_column(JSON, default=list)  # [{"attempt": id, "before": x, "after": y}]
