"""The training file of one employee (培训档案, seed 二(二)5): every course, lesson,
quiz, practical result, classroom session, questionnaire and certificate, with dates,
hours and scores, across every LMS account linked to the employee. Plain values."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.certificates.models import Certificate
from lti_tool.records.employees import user_ids_of
from lti_tool.records.models import Employee, TrainingRecord

KIND_ORDER = {"course": 0, "lesson": 1, "quiz": 2, "practical": 3, "session": 4, "questionnaire": 5, "certificate": 6}


@dataclass(frozen=True)
class Entry:
    kind: str
    item_id: str
    title: dict
    status: str
    score: float | None
    score_max: float | None
    hours: float
    started_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class CertificateLine:
    id: int
    number: str
    course_title: dict
    issued_at: datetime
    valid_until: datetime | None
    status: str


@dataclass
class CourseSection:
    course_id: str
    title: dict
    entries: list[Entry] = field(default_factory=list)

    @property
    def hours(self) -> float:
        course = [e for e in self.entries if e.kind == "course"]
        if course:
            return course[0].hours
        return round(sum(e.hours for e in self.entries), 2)

    @property
    def status(self) -> str:
        course = [e for e in self.entries if e.kind == "course"]
        return course[0].status if course else "in_progress"


@dataclass
class TrainingFile:
    employee: Employee
    courses: list[CourseSection]
    certificates: list[CertificateLine]

    @property
    def total_hours(self) -> float:
        return round(sum(c.hours for c in self.courses), 2)

    @property
    def completed_courses(self) -> int:
        return sum(1 for c in self.courses if c.status == "completed")


def training_file(session: Session, employee: Employee, now: datetime | None = None) -> TrainingFile:
    user_ids = user_ids_of(session, employee.id)
    records = list(session.scalars(select(TrainingRecord).where(TrainingRecord.user_id.in_(user_ids))
                                   .order_by(TrainingRecord.course_id, TrainingRecord.started_at))) if user_ids else []
    sections: dict[str, CourseSection] = {}
    by_course = defaultdict(list)
    for record in records:
        by_course[record.course_id].append(record)
    for course_id, rows in by_course.items():
        course_row = next((r for r in rows if r.kind == "course"), None)
        title = (course_row.title if course_row else None) or course_title(session, course_id)
        section = sections[course_id] = CourseSection(course_id, title)
        for r in sorted(rows, key=lambda r: (KIND_ORDER.get(r.kind, 9), r.item_id)):
            if r.kind == "certificate":
                continue  # listed with the certificates, which carry their status
            section.entries.append(Entry(r.kind, r.item_id, r.title or {}, r.status, r.score, r.score_max,
                                         r.hours or 0.0, r.started_at, r.completed_at))
    certificates = list(session.scalars(select(Certificate).where(Certificate.user_id.in_(user_ids))
                                        .order_by(Certificate.issued_at))) if user_ids else []
    lines = [CertificateLine(c.id, c.number, c.course_title, c.issued_at, c.valid_until, c.status(now))
             for c in certificates]
    return TrainingFile(employee, sorted(sections.values(), key=lambda s: s.course_id), lines)


def course_title(session: Session, course_id: str) -> dict:
    """A course's title in both languages (its latest version's; its id if none)."""
    from lti_tool.catalog.current import current_version
    from lti_tool.catalog.importer import latest_version

    version = latest_version(session, course_id) or current_version(session, course_id)
    return dict(version.manifest["title"]) if version else {"zh-CN": course_id, "en": course_id}
