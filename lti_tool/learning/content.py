"""Which course version a learner works in, imported on first use.

The version is the library's current one, imported when it is not yet in the database
(idempotent: a version once imported never changes); when the library lacks the course
or fails to load, the latest imported one. Lessons read and attempts started point at
this version; an attempt keeps its version to the end.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.catalog.current import current_version  # noqa: F401  (learning's way in)
from lti_tool.catalog.models import Course, CourseVersion


def versions_of(session: Session, course_id: str) -> list[CourseVersion]:
    rows = session.scalars(select(CourseVersion).join(Course).where(Course.slug == course_id)).all()
    return sorted(rows, key=lambda v: tuple(int(p) for p in v.version.split(".")))


def split_item(item_id: str) -> tuple[str, str]:
    """``"course/quiz"`` → ``("course", "quiz")``; LookupError when malformed."""
    course_id, _, rest = (item_id or "").partition("/")
    if not course_id or not rest or "/" in rest:
        raise LookupError(item_id)
    return course_id, rest
