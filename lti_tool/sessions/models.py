"""Classroom and on-site sessions scheduled in an LMS course, and attendance at them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow
from lti_tool.lti.models import User

#: Attendance statuses (the xAPI ``attendance-status`` values).
STATUSES = ("present", "late", "left-early", "absent", "excused")
ATTENDED = {"present", "late", "left-early"}


class ClassSession(Base):
    """One scheduled session of a course placed in the LMS course: a notice learners
    see (time, place, trainer, capacity, materials) and the attendance taken at it."""

    __tablename__ = "class_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)  # the xAPI activity and the .ics UID
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    content_session_id: Mapped[str | None] = mapped_column(String(64))  # a session of course.yaml, if any
    title: Mapped[str] = mapped_column(String(255))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(255))
    trainer_name: Mapped[str] = mapped_column(String(255))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    capacity: Mapped[int | None] = mapped_column(Integer)
    materials: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[float] = mapped_column(Float)
    checkin_secret: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # the .ics SEQUENCE: edits of the notice
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The training plan item it delivers (scheduled from an approved plan), if any.
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_item.id", ondelete="SET NULL"), index=True)

    attendance: Mapped[list[Attendance]] = relationship(back_populates="session", order_by="Attendance.id")

    @property
    def item_id(self) -> str:
        """The training-record item: the course.yaml session, else this scheduled one."""
        return f"{self.course_id}/{self.content_session_id or f'session-{self.id}'}"


class Attendance(Base):
    """One learner at one session: the status, remarks, and when they checked in."""

    __tablename__ = "class_attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    remarks: Mapped[str] = mapped_column(Text, default="")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))  # checkin / trainer
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    statement_id: Mapped[str | None] = mapped_column(String(36))  # the xAPI "attended" statement in force
    # Each status recorded is its own xAPI registration, so a status set again after a
    # correction is a new statement rather than the voided one.
    revision: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[ClassSession] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
