"""Imported course versions. A version is written once and never changed: attempts,
practical results and certificates point at ``catalog_course_version.id``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.catalog.common import I18n
from lti_tool.db import Base, UTCDateTime, utcnow


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to change a stored version or asset."""


class Course(Base):
    """A course by its stable id (the folder name), across all its versions.

    ``owner_organisation_id`` is None for a course of the shared library (imported from
    the content folder, offered to every organisation); otherwise the course is the
    organisation's own (made on the question-bank page) and no other organisation
    sees, places or opens it."""

    __tablename__ = "catalog_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course", order_by="CourseVersion.id"
    )


class CourseVersion(Base):
    """One version of a course exactly as validated and imported: the manifest and the
    parsed lessons, quizzes and practical tasks (JSON), and the files it ships."""

    __tablename__ = "catalog_course_version"
    __table_args__ = (UniqueConstraint("course_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("catalog_course.id", ondelete="RESTRICT"), index=True)
    version: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(16))
    manifest: Mapped[dict] = mapped_column(JSON)
    lessons: Mapped[list] = mapped_column(JSON)
    quizzes: Mapped[list] = mapped_column(JSON)
    practical: Mapped[list] = mapped_column(JSON)
    assets: Mapped[dict] = mapped_column(JSON)  # course-relative path → sha256, size, media_type
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship(back_populates="versions")

    @property
    def slug(self) -> str:
        return self.course.slug

    def visible_to(self, organisation_id: int | None) -> bool:
        """A library course is everyone's; an own course only its organisation's."""
        owner = self.course.owner_organisation_id
        return owner is None or owner == organisation_id

    def title(self, locale: str | None = None) -> str:
        return I18n.model_validate(self.manifest["title"]).get(locale)

    def lesson(self, lesson_id: str) -> dict:
        return _by_id(self.lessons, lesson_id, "lesson")

    def quiz(self, quiz_id: str) -> dict:
        return _by_id(self.quizzes, quiz_id, "quiz")

    def practical_task(self, task_id: str) -> dict:
        return _by_id(self.practical, task_id, "practical task")


class Asset(Base):
    """A file shipped by course versions (image, video, captions, document), stored
    once by its SHA-256 however many versions use it."""

    __tablename__ = "catalog_asset"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _by_id(items: list, item_id: str, kind: str) -> dict:
    for item in items:
        if item["id"] == item_id:
            return item
    raise LookupError(f"no {kind} '{item_id}' in this course version")


@event.listens_for(CourseVersion, "before_update")
@event.listens_for(Asset, "before_update")
def _refuse_changes(_mapper, _connection, target) -> None:
    raise ImmutableVersionError(f"{type(target).__name__} rows are immutable; import a new version instead")
