"""An organisation's own courses, made from question banks.

Library courses are shared by every organisation of the tool, so a bank never goes
into one. Instead the bank page's confirm makes a course the organisation owns
(``Course.owner_organisation_id``): the first time a new course ``<pool> 题库`` holding
the imported quiz (version 1.0.0), later a next version (minor bump) of one of the
organisation's own courses with the pool added, or replaced when a quiz of that id is
there already. Extending a library course means making such an own course next to it:
its lessons, tasks and sessions are not copied, so the library course keeps getting
its new versions and its learners' results stay where they are.

A version is written as a course folder (``course.yaml``, ``quizzes/*.yaml``,
``media/``) and goes through :func:`~lti_tool.catalog.course.read_course` and
:func:`~lti_tool.catalog.importer.import_course` exactly as a library course does, so
it passes the rules of ``content check`` or is not made. Services only ``flush()``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.catalog.course import MANIFEST, read_course
from lti_tool.catalog.importer import import_course, latest_version
from lti_tool.catalog.library import CatalogItem, items_of
from lti_tool.catalog.models import Asset, Course, CourseVersion
from lti_tool.catalog.schema import CourseManifest, PracticalTask, Quiz
from lti_tool.banks.writer import dump

FIRST_VERSION = "1.0.0"


class OwnCourseError(ValueError):
    """The version cannot be made: ``problems`` says why (course-relative places)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Made:
    slug: str
    version: str
    version_id: int
    created_course: bool


def own_courses(session: Session, organisation_id: int) -> list[Course]:
    return list(session.scalars(
        select(Course).where(Course.owner_organisation_id == organisation_id).order_by(Course.slug)
    ))


def versions_of(session: Session, course: Course) -> list[CourseVersion]:
    """Every version of ``course``, oldest first (as ``content versions`` lists them)."""
    rows = session.scalars(select(CourseVersion).where(CourseVersion.course_id == course.id)).all()
    return sorted(rows, key=lambda v: tuple(int(p) for p in v.version.split(".")))


def own_course(session: Session, organisation_id: int, slug: str) -> Course | None:
    """The organisation's own course ``slug``; None for a library course or another's."""
    return session.scalar(select(Course).where(Course.slug == slug, Course.owner_organisation_id == organisation_id))


def own_items(session: Session, organisation_id: int | None) -> list[CatalogItem]:
    """What an instructor of the organisation can place from its own courses (their
    latest versions), as the library's items are listed."""
    if organisation_id is None:
        return []
    items = []
    for course in own_courses(session, organisation_id):
        version = latest_version(session, course.slug)
        if version is not None:
            items += items_of(_Stored(version))
    return items


class _Stored:
    """A stored version read back as the models :func:`items_of` lists."""

    def __init__(self, version: CourseVersion) -> None:
        self.manifest = CourseManifest.model_validate(version.manifest)
        self.quizzes = [Quiz.model_validate(q) for q in version.quizzes]
        self.practical = [PracticalTask.model_validate(t) for t in version.practical]


def new_slug(session: Session, organisation_id: int, pool: str) -> str:
    """``org<id>-<pool>``, numbered when taken (course ids are unique tool-wide)."""
    base = f"org{organisation_id}-{pool}"[:60].rstrip("-")
    slug, number = base, 1
    while session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        number += 1
        slug = f"{base}-{number}"
    return slug


def next_minor(version: str) -> str:
    major, minor, _patch = (int(part) for part in version.split("."))
    return f"{major}.{minor + 1}.0"


def confirm(session: Session, *, organisation_id: int, quiz: dict, media: dict[str, bytes], name: str,
            source: str, course_slug: str | None = None) -> Made:
    """Make the next version of the organisation's own course ``course_slug`` with
    ``quiz`` added (or replacing the quiz of its id), or a new own course when
    ``course_slug`` is None. ``media``: course-relative path → bytes. Raises
    :class:`LookupError` for a course that is not the organisation's own and
    :class:`OwnCourseError` when the course would not pass ``content check``."""
    pool = quiz["id"]
    if course_slug is None:
        slug, previous = new_slug(session, organisation_id, pool), None
    else:
        course = own_course(session, organisation_id, course_slug)
        previous = latest_version(session, course_slug) if course is not None else None
        if previous is None:
            raise LookupError(course_slug)
        slug = course.slug
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / slug
        folder.mkdir()
        if previous is None:
            manifest = _new_manifest(slug, name, source)
        else:
            manifest = _write_stored(session, previous, folder, replacing=pool)
            manifest["version"] = next_minor(previous.version)
        quiz_path = f"quizzes/{pool}.yaml"
        if quiz_path not in manifest["quizzes"]:
            manifest["quizzes"].append(quiz_path)
        if pool not in manifest["completion"]["quizzes"]:
            manifest["completion"]["quizzes"].append(pool)
        _write(folder / quiz_path, dump(quiz).encode("utf-8"))
        for path, data in media.items():
            _write(folder / path, data)
        _write(folder / MANIFEST, dump(manifest).encode("utf-8"))
        content, problems = read_course(folder)
        if content is None:
            raise OwnCourseError([f"{p.file.relative_to(folder).as_posix()}:{p.line}: {p.message}" for p in problems])
        result = import_course(session, content, owner_organisation_id=organisation_id)
    if result.status != "created":
        raise OwnCourseError([result.message])
    return Made(slug, result.version, result.version_id, previous is None)


def _new_manifest(slug: str, name: str, source: str) -> dict:
    return {
        "format": 1,
        "id": slug,
        "version": FIRST_VERSION,
        "category": "general",
        "modes": ["online"],
        "title": {"zh-CN": f"{name} 题库", "en": f"{name} question bank"},
        "description": {"zh-CN": f"由题库文件 {source} 导入的测验。",
                        "en": f"The quiz imported from the question bank file {source}."},
        "hours": 1,
        "quizzes": [],
        "completion": {"lessons": [], "quizzes": []},
    }


def _write_stored(session: Session, version: CourseVersion, folder: Path, replacing: str) -> dict:
    """Write ``version`` back as a course folder (without the quiz ``replacing`` and its
    media) and return its manifest. Own courses hold quizzes and media only."""
    if version.lessons:
        raise OwnCourseError([f"{version.slug} {version.version} has lessons; it is not a course made from banks"])
    manifest = {k: v for k, v in version.manifest.items() if v is not None}
    for path, quiz in zip(manifest["quizzes"], version.quizzes):  # stored in the order listed
        if quiz["id"] != replacing:
            _write(folder / path, dump(quiz).encode("utf-8"))
    for path, task in zip(manifest["practical"], version.practical):
        _write(folder / path, dump(task).encode("utf-8"))
    for path, info in version.assets.items():
        if not path.startswith(f"media/{replacing}-"):
            _write(folder / path, session.get(Asset, info["sha256"]).data)
    return manifest


def _write(path: Path, data: bytes) -> None:
    if ".." in Path(path).parts or not re.fullmatch(r"[\w./-]+", path.name):
        raise OwnCourseError([f"{path.name}: not a file name a course may hold"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
