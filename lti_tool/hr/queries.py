"""What HR filters and counts, within one organisation (tenant, all its platforms):
employees, certificates,
and completion rate, pass rate and average score per course and per department.
Plain values in, plain values out (used by the console, the exports and the API)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from lti_tool.certificates.models import Certificate
from lti_tool.db import utcnow
from lti_tool.lti.organisations import platform_ids
from lti_tool.records.models import Employee, EmployeeUser, TrainingRecord

STATUSES = ("valid", "expired", "revoked", "due")  # due: valid but expiring within DUE_DAYS
EMPLOYEE_STATUSES = ("completed", "in_progress")  # of the course filtered on (or of any course)
DUE_DAYS = 90


@dataclass(frozen=True)
class Filters:
    department: str = ""
    course_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""
    q: str = ""  # name or employee number

    @classmethod
    def parse(cls, args) -> Filters:
        """From query or form values; a malformed date or status raises ValueError."""
        def day(name):
            value = (args.get(name) or "").strip()
            return date.fromisoformat(value) if value else None

        status = (args.get("status") or "").strip()
        if status and status not in STATUSES + EMPLOYEE_STATUSES:
            raise ValueError(status)
        return cls((args.get("department") or "").strip(), (args.get("course") or "").strip(), day("from"), day("to"),
                   status, (args.get("q") or "").strip())

    def as_dict(self) -> dict:
        return {"department": self.department, "course": self.course_id, "status": self.status, "q": self.q,
                "from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else ""}


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def departments(session: Session, organisation_id: int) -> list[str]:
    return sorted(d for d in session.scalars(select(Employee.department).where(
        Employee.organisation_id == organisation_id).distinct()) if d)


def courses(session: Session, organisation_id: int) -> list[str]:
    return sorted(session.scalars(select(TrainingRecord.course_id).where(
        TrainingRecord.platform_id.in_(platform_ids(organisation_id))).distinct()))


def employees_query(organisation_id: int, f: Filters):
    query = select(Employee).where(Employee.organisation_id == organisation_id)
    if f.department:
        query = query.where(Employee.department == f.department)
    if f.q:
        like = f"%{f.q}%"
        query = query.where(or_(Employee.name.ilike(like), Employee.employee_number.ilike(like)))
    if f.course_id or f.date_from or f.date_to or f.status in EMPLOYEE_STATUSES:
        records = select(EmployeeUser.employee_id).join(TrainingRecord, TrainingRecord.user_id == EmployeeUser.user_id)
        if f.course_id:
            records = records.where(TrainingRecord.course_id == f.course_id)
        if f.date_from:
            records = records.where(TrainingRecord.updated_at >= _start(f.date_from))
        if f.date_to:
            records = records.where(TrainingRecord.updated_at < _start(f.date_to + timedelta(days=1)))
        completed = records.where(TrainingRecord.kind == "course", TrainingRecord.status == "completed")
        if f.status == "completed":
            query = query.where(Employee.id.in_(completed))
        elif f.status == "in_progress":
            query = query.where(Employee.id.in_(records), Employee.id.not_in(completed))
        else:
            query = query.where(Employee.id.in_(records))
    return query.order_by(Employee.department, Employee.employee_number, Employee.id)


def page_of(session: Session, query, page: int, per_page: int) -> tuple[list, int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return list(session.scalars(query.limit(per_page).offset((page - 1) * per_page))), total


def certificates_query(organisation_id: int, f: Filters, now: datetime | None = None):
    now = now or utcnow()
    query = (select(Certificate, Employee).outerjoin(EmployeeUser, EmployeeUser.user_id == Certificate.user_id)
             .outerjoin(Employee, Employee.id == EmployeeUser.employee_id)
             .where(Certificate.platform_id.in_(platform_ids(organisation_id))))
    if f.department:
        query = query.where(Employee.department == f.department)
    if f.course_id:
        query = query.where(Certificate.course_id == f.course_id)
    if f.date_from:
        query = query.where(Certificate.issued_at >= _start(f.date_from))
    if f.date_to:
        query = query.where(Certificate.issued_at < _start(f.date_to + timedelta(days=1)))
    if f.q:
        like = f"%{f.q}%"
        query = query.where(or_(Certificate.holder_name.ilike(like), Certificate.employee_number.ilike(like),
                                Certificate.number.ilike(like)))
    live = and_(Certificate.revoked_at.is_(None), or_(Certificate.valid_until.is_(None), Certificate.valid_until > now))
    if f.status == "valid":
        query = query.where(live)
    elif f.status == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    elif f.status == "expired":
        query = query.where(Certificate.revoked_at.is_(None), Certificate.valid_until <= now)
    elif f.status == "due":
        query = query.where(live, Certificate.valid_until <= now + timedelta(days=DUE_DAYS))
    return query.order_by(Certificate.id)


def certificate_page(session: Session, organisation_id: int, f: Filters, page: int, per_page: int):
    query = certificates_query(organisation_id, f)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.order_by(None).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


@dataclass
class Rates:
    key: str
    people: int = 0
    completed: int = 0
    assessed: int = 0
    passed: int = 0
    score_sum: float = 0.0
    scored: int = 0

    @property
    def completion_rate(self) -> float | None:
        return round(100.0 * self.completed / self.people, 1) if self.people else None

    @property
    def pass_rate(self) -> float | None:
        return round(100.0 * self.passed / self.assessed, 1) if self.assessed else None

    @property
    def average_score(self) -> float | None:
        return round(self.score_sum / self.scored, 1) if self.scored else None


def rates(session: Session, organisation_id: int, f: Filters) -> tuple[list[Rates], list[Rates]]:
    """Per course and per department: completion rate (people who completed the course
    among those who started it), pass rate (passed among quiz and practical results)
    and average score (percent of quiz and practical results)."""
    query = (select(TrainingRecord.user_id, TrainingRecord.course_id, TrainingRecord.kind, TrainingRecord.status,
                    TrainingRecord.score, TrainingRecord.score_max, Employee.department)
             .outerjoin(EmployeeUser, EmployeeUser.user_id == TrainingRecord.user_id)
             .outerjoin(Employee, Employee.id == EmployeeUser.employee_id)
             .where(TrainingRecord.platform_id.in_(platform_ids(organisation_id))))
    if f.department:
        query = query.where(Employee.department == f.department)
    if f.course_id:
        query = query.where(TrainingRecord.course_id == f.course_id)
    if f.date_from:
        query = query.where(TrainingRecord.updated_at >= _start(f.date_from))
    if f.date_to:
        query = query.where(TrainingRecord.updated_at < _start(f.date_to + timedelta(days=1)))
    by_course: dict[str, Rates] = {}
    by_department: dict[str, Rates] = {}
    people: dict[tuple[str, str], set] = defaultdict(set)
    done: dict[tuple[str, str], set] = defaultdict(set)
    def tag_of(table) -> str:
        return "c" if table is by_course else "d"

    for user_id, course_id, kind, status, score, score_max, department in session.execute(query):
        department = department or "—"
        for table, key in ((by_course, course_id), (by_department, department)):
            rate = table.setdefault(key, Rates(key))
            scope = (tag_of(table), key)
            people[scope].add(user_id if tag_of(table) == "c" else (user_id, course_id))
            if kind == "course" and status == "completed":
                done[scope].add((user_id, course_id))
            if kind in ("quiz", "practical") and status in ("passed", "failed"):
                rate.assessed += 1
                rate.passed += status == "passed"
                if score is not None and score_max:
                    rate.score_sum += 100.0 * score / score_max
                    rate.scored += 1
    for table, tag in ((by_course, "c"), (by_department, "d")):
        for key, rate in table.items():  # per department: people × courses they started
            rate.people, rate.completed = len(people[(tag, key)]), len(done[(tag, key)])
    return sorted(by_course.values(), key=lambda r: r.key), sorted(by_department.values(), key=lambda r: r.key)


def certificate_counts(session: Session, organisation_id: int, f: Filters) -> dict[str, int]:
    """How many certificates are valid, due for recertification, expired, revoked."""
    counts = {}
    for status in STATUSES:
        query = certificates_query(organisation_id, Filters(f.department, f.course_id, f.date_from, f.date_to, status))
        counts[status] = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return counts
