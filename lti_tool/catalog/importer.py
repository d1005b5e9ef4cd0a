"""Importing the library: each course's content becomes an immutable version.

Importing the same content again creates nothing (same content hash). Changed content
under a version string already imported is refused: raise the version in course.yaml.
Services only ``flush()``; the caller commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.catalog.course import CourseContent
from lti_tool.catalog.library import load_library
from lti_tool.catalog.models import Asset, Course, CourseVersion


@dataclass(frozen=True)
class ImportResult:
    course_id: str
    version: str
    status: Literal["created", "unchanged", "refused"]
    version_id: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.course_id} {self.version}: {self.message}"


def import_library(session: Session, path: Path) -> list[ImportResult]:
    """Import every course of the library at ``path``. Raises
    :class:`~lti_tool.catalog.errors.ContentError` (and writes nothing) when the
    library has problems."""
    library = load_library(path)
    return [import_course(session, course) for course in library.courses.values()]


def import_course(session: Session, content: CourseContent, owner_organisation_id: int | None = None) -> ImportResult:
    """``owner_organisation_id``: None for the shared library; an organisation's id for
    its own course. Content never goes into a course of another owner (the library
    never writes into an organisation's course, nor an organisation into the library's
    or another's)."""
    slug, version = content.id, content.manifest.version
    payload = content.payload()
    digest = content.content_hash()
    course = session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        course = Course(slug=slug, owner_organisation_id=owner_organisation_id)
        session.add(course)
        session.flush()
    elif course.owner_organisation_id != owner_organisation_id:
        whose = "the shared library" if course.owner_organisation_id is None else "an organisation's own courses"
        return ImportResult(slug, version, "refused", None,
                            f"refused: the course id '{slug}' is taken by {whose}; give the course another id")
    existing = session.scalar(
        select(CourseVersion).where(CourseVersion.course_id == course.id, CourseVersion.version == version)
    )
    if existing is not None:
        if existing.content_hash == digest:
            return ImportResult(slug, version, "unchanged", existing.id, "already imported, unchanged")
        return ImportResult(
            slug, version, "refused", existing.id,
            f"refused: the content changed but version {version} was imported before "
            f"(on {existing.imported_at:%Y-%m-%d}); versions are immutable, so raise "
            f"'version' in {slug}/course.yaml (e.g. to {_next_patch(version)}) and import again",
        )
    _store_assets(session, content, payload["assets"])
    row = CourseVersion(
        course=course,
        version=version,
        content_hash=digest,
        category=content.manifest.category,
        manifest=payload["manifest"],
        lessons=payload["lessons"],
        quizzes=payload["quizzes"],
        practical=payload["practical"],
        assets=payload["assets"],
    )
    session.add(row)
    session.flush()
    return ImportResult(slug, version, "created", row.id, f"imported as version id {row.id}")


def _store_assets(session: Session, content: CourseContent, assets: dict) -> None:
    for path, info in assets.items():
        if session.get(Asset, info["sha256"]) is not None:
            continue
        data = content.assets[path].read_bytes()
        if hashlib.sha256(data).hexdigest() != info["sha256"]:
            raise RuntimeError(f"{path} changed while it was being imported; import again")
        session.add(Asset(sha256=info["sha256"], media_type=info["media_type"], size=len(data), data=data))
    session.flush()


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _next_patch(version: str) -> str:
    major, minor, patch = _version_key(version)
    return f"{major}.{minor}.{patch + 1}"


def latest_version(session: Session, course_id: str) -> CourseVersion | None:
    """The highest version (by MAJOR.MINOR.PATCH) of a course, by its stable id."""
    versions = session.scalars(
        select(CourseVersion).join(Course).where(Course.slug == course_id)
    ).all()
    return max(versions, key=lambda v: _version_key(v.version), default=None)


def get_version(session: Session, version_id: int) -> CourseVersion | None:
    return session.get(CourseVersion, version_id)


def version_asset(session: Session, version: CourseVersion, path: str) -> Asset | None:
    """The stored file at a course-relative path of a version (for serving it)."""
    info = version.assets.get(path)
    return session.get(Asset, info["sha256"]) if info else None
