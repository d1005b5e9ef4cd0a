"""Which version of a course features work in: the library's current one, imported on
first use (idempotent: a version once imported never changes); when the library lacks
the course or fails to load, the latest imported one. Results keep the version they
were taken under, so a new version never changes an old result."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.catalog import cache
from lti_tool.catalog.importer import import_course, latest_version
from lti_tool.catalog.library import load_library
from lti_tool.catalog.models import CourseVersion

log = logging.getLogger(__name__)


def current_version(session: Session, course_id: str) -> CourseVersion | None:
    """Remembered for the rest of the session's transaction (one request)."""
    known = session.info.setdefault("catalog_current_versions", {})
    if course_id not in known:
        known[course_id] = _current_version(session, course_id)
    return known[course_id]


def _current_version(session: Session, course_id: str) -> CourseVersion | None:
    library = load_library(current_app.config["SETTINGS"].resolved_content_path, strict=False)
    content = library.courses.get(course_id)
    if content is None:
        return latest_version(session, course_id)
    found = stored_version(session, course_id, content.manifest.version)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            result = import_course(session, content)
    except IntegrityError:  # another request imported it at the same moment
        return stored_version(session, course_id, content.manifest.version)
    log.info("imported %s on first use: %s", course_id, result)
    if result.status == "created":
        return session.get(CourseVersion, result.version_id)
    return latest_version(session, course_id)


def stored_version(session: Session, course_id: str, version: str) -> CourseVersion | None:
    """The imported version (a version never changes: remembered per process once read)."""
    return cache.stored_version(session, course_id, version)
