"""The course library as the rest of the tool sees it: validated courses and a flat
list of the items an instructor can place in an LMS course by Deep Linking."""

from __future__ import annotations

import logging
import time

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lti_tool.catalog.common import I18n
from lti_tool.catalog.course import MANIFEST, CourseContent, read_course
from lti_tool.catalog.errors import ContentError, Problem

KINDS = ("course", "quiz", "practical", "session")


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogItem:
    """Something an instructor can place in an LMS course.

    ``id`` is stable across versions: ``course-slug`` for a course, else
    ``course-slug/item-id``. ``score_maximum`` is the gradebook maximum (a session's 1
    is attendance). Titles stand alone in an LMS gradebook, so quizzes, tasks and
    sessions name their subject in their own title.
    """

    kind: str
    id: str
    course_id: str
    titles: I18n
    descriptions: I18n | None
    score_maximum: float
    category: str
    hours: float
    course_titles: I18n

    def title(self, locale: str | None = None) -> str:
        """The title in ``zh_CN`` / ``zh-CN`` / ``en`` (Chinese for anything else)."""
        return self.titles.get(locale)

    def course_title(self, locale: str | None = None) -> str:
        return self.course_titles.get(locale)

    def description(self, locale: str | None = None) -> str:
        return self.descriptions.get(locale) if self.descriptions else ""


class Library:
    """Every course of one library folder, validated."""

    def __init__(self, path: Path, courses: list[CourseContent], problems: list | None = None) -> None:
        self.path = path
        self.courses = {course.id: course for course in courses}
        self.problems = problems or []

    def course(self, course_id: str) -> CourseContent:
        try:
            return self.courses[course_id]
        except KeyError:
            raise LookupError(f"no course '{course_id}' in {self.path}") from None

    def items(self) -> list[CatalogItem]:
        return [item for course in self.courses.values() for item in items_of(course)]

    def item(self, kind: str, item_id: str) -> CatalogItem:
        for item in self.items():
            if item.kind == kind and item.id == item_id:
                return item
        raise LookupError(f"no {kind} '{item_id}' in {self.path}")


def items_of(course) -> list[CatalogItem]:
    """The placeable items of a course: anything with a ``manifest`` and its
    ``quizzes`` and ``practical`` models (a course folder, or a stored version)."""
    m = course.manifest
    common = {"course_id": m.id, "category": m.category, "course_titles": m.title}
    items = [CatalogItem("course", m.id, titles=m.title, descriptions=m.description, score_maximum=100, hours=m.hours, **common)]
    for quiz in course.quizzes:
        items.append(CatalogItem(
            "quiz", f"{m.id}/{quiz.id}", titles=quiz.title, descriptions=quiz.description,
            score_maximum=quiz.score_maximum, hours=round((quiz.settings.time_limit_minutes or 0) / 60, 2), **common,
        ))
    for task in course.practical:
        items.append(CatalogItem(
            "practical", f"{m.id}/{task.id}", titles=task.title, descriptions=task.description,
            score_maximum=task.score_maximum, hours=round(task.duration_minutes / 60, 2), **common,
        ))
    for session in m.sessions:
        items.append(CatalogItem(
            "session", f"{m.id}/{session.id}", titles=session.title, descriptions=session.description,
            score_maximum=1, hours=session.hours, **common,
        ))
    return items


def course_folders(path: Path) -> list[Path]:
    """The course folders of a library: its sub-folders, except ``.hidden`` and
    ``_drafts``. A folder that is itself a course is a library of one."""
    if (path / MANIFEST).is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def check_library(path: Path) -> tuple[list[CourseContent], list[Problem]]:
    """Every valid course and every problem of the library at ``path``."""
    path = Path(path)
    if not path.is_dir():
        return [], [Problem(path, 1, "no such folder")]
    courses, problems = [], []
    for folder in course_folders(path):
        course, found = read_course(folder)
        problems += found
        if course is not None:
            courses.append(course)
    return courses, sorted(problems)


def load_library(path: Path, strict: bool = True) -> Library:
    """The validated library at ``path`` (cached until a file in it changes).

    ``strict``: :class:`ContentError` lists every problem when any course is invalid
    (``content check``, imports). Otherwise the valid courses are served and the
    problems are kept in ``Library.problems``: one broken course must not take the
    whole catalogue away from learners and instructors."""
    path = Path(path).resolve()
    library = _load(path, _fingerprint(path) if strict else _recent_fingerprint(path))
    if strict and library.problems:
        raise ContentError(library.problems)
    return library


@lru_cache(maxsize=8)
def _load(path: Path, _fingerprint: tuple) -> Library:
    courses, problems = check_library(path)
    if problems:
        log.error("the course library at %s has %d problem(s); first: %s", path, len(problems), problems[0])
    return Library(path, courses, problems)


# Serving a page need not walk the whole library each time: a change made to the
# folder shows within this many seconds.
FRESH_SECONDS = 2.0
_recent: dict[Path, tuple[float, tuple]] = {}


def _recent_fingerprint(path: Path) -> tuple:
    now = time.monotonic()
    seen = _recent.get(path)
    if seen is not None and now - seen[0] < FRESH_SECONDS:
        return seen[1]
    fingerprint = _fingerprint(path)
    _recent[path] = (now, fingerprint)
    return fingerprint


def _fingerprint(path: Path) -> tuple:
    if not path.is_dir():
        return ()
    return tuple(
        (str(file.relative_to(path)), stat.st_mtime_ns, stat.st_size)
        for file in sorted(path.rglob("*"))
        if (stat := file.stat()) and file.is_file()
    )
