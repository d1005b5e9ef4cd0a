"""Which course versions and practical tasks a course in the LMS offers.

A course counts as placed in an LMS course when any of its items (the course, a quiz,
a practical task or a session) was placed there by Deep Linking. The course version is
the library's current one, imported on first use (idempotent; a version once imported
never changes), so results always point at the version they were taken under.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.catalog.current import current_version
from lti_tool.catalog.library import KINDS
from lti_tool.catalog.models import CourseVersion
from lti_tool.lti.models import ResourceLink

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskRef:
    item_id: str  # "course/task"
    course_id: str
    task_id: str
    version: CourseVersion
    task: dict  # as stored in the version

    def title(self, locale: str | None) -> str:
        return _text(self.task["title"], locale)

    @property
    def titles(self) -> dict:
        return dict(self.task["title"])


def _text(value: dict, locale: str | None) -> str:
    return value["en"] if (locale or "").lower().startswith("en") else value["zh-CN"]


def course_version(session: Session, course_id: str) -> CourseVersion | None:
    """The library's current version of a course, imported if it is not yet."""
    return current_version(session, course_id)


def placed_courses(session: Session, context_id: int) -> list[str]:
    """The library courses an LMS course placed something of (the tool's own pages, such
    as the training files or certificates, are placed items but no course)."""
    item_ids = session.scalars(
        select(ResourceLink.item_id).where(ResourceLink.context_id == context_id, ResourceLink.item_id.is_not(None),
                                           ResourceLink.item_kind.in_(KINDS))
    ).all()
    return sorted({item_id.split("/", 1)[0] for item_id in item_ids if item_id})


def tasks_in_context(session: Session, context_id: int) -> list[TaskRef]:
    tasks = []
    for course_id in placed_courses(session, context_id):
        version = course_version(session, course_id)
        if version is None:
            continue
        for task in version.practical:
            tasks.append(TaskRef(f"{course_id}/{task['id']}", course_id, task["id"], version, task))
    return tasks


def task_in_context(session: Session, context_id: int, item_id: str) -> TaskRef:
    """The task ``item_id`` if its course is placed in this LMS course, else LookupError."""
    course_id, _, task_id = (item_id or "").partition("/")
    if not task_id or course_id not in placed_courses(session, context_id):
        raise LookupError(item_id)
    version = course_version(session, course_id)
    if version is None:
        raise LookupError(item_id)
    try:
        task = version.practical_task(task_id)
    except LookupError:
        raise LookupError(item_id) from None
    return TaskRef(item_id, course_id, task_id, version, task)


def task_of_version(version: CourseVersion, course_id: str, task_id: str) -> TaskRef:
    return TaskRef(f"{course_id}/{task_id}", course_id, task_id, version, version.practical_task(task_id))


def links_for(session: Session, context_id: int, kind: str, item_id: str) -> list[ResourceLink]:
    """The LMS placements of one item in a course (an item may be placed twice)."""
    return list(session.scalars(
        select(ResourceLink).where(ResourceLink.context_id == context_id, ResourceLink.item_kind == kind,
                                   ResourceLink.item_id == item_id).order_by(ResourceLink.id)
    ))
