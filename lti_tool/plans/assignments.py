"""Assigned training (seed 四, 六): a course assigned to a target group — departments,
positions, employees hired from a date, named employees — with a due date; who is in
it, how far each has got (from their training records) and who is overdue."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from lti_tool.db import owned, utcnow
from lti_tool.errors import UserError
from lti_tool.practical.helpers import DEFAULT_ZONE
from lti_tool.plans.models import Assignment, AssignmentMember, PlanItem, TrainingPlan
from lti_tool.records.models import Employee, EmployeeUser, TrainingRecord

DONE, IN_PROGRESS, NOT_STARTED, OVERDUE = "done", "in_progress", "not_started", "overdue"


def split_values(text: str) -> list[str]:
    """Values written one per line or separated by commas (full-width ones too)."""
    for mark in ("，", "、", ",", ";", "；"):
        text = text.replace(mark, "\n")
    return sorted({v.strip()[:255] for v in text.splitlines() if v.strip()})


@dataclass
class Target:
    course_id: str
    due_on: date
    departments: list[str]
    positions: list[str]
    hired_from: date | None
    employee_numbers: list[str]
    onboarding: bool
    note: str
    plan_item_id: int | None


def parse(form, course_ids: set[str]) -> Target:
    from lti_tool.plans.services import Invalid, _day

    errors = {}
    course_id = (form.get("course_id") or "").strip()
    if course_id not in course_ids:
        errors["course_id"] = _("Choose a course of the catalogue.")
    due_on = _day(form.get("due_on", ""))
    if not due_on:
        errors["due_on"] = _("Give the due date (YYYY-MM-DD).")
    hired_from = _day(form.get("hired_from", ""))
    if hired_from is False:
        errors["hired_from"] = _("Dates are written YYYY-MM-DD.")
    target = Target(course_id=course_id, due_on=due_on or date.min, departments=split_values(form.get("departments", "")),
                    positions=split_values(form.get("positions", "")), hired_from=hired_from or None,
                    employee_numbers=split_values(form.get("employee_numbers", "")),
                    onboarding=form.get("onboarding") in ("1", "on", "true"),
                    note=(form.get("note") or "").strip()[:4000],
                    plan_item_id=int(form.get("plan_item_id")) if (form.get("plan_item_id") or "").isdigit() else None)
    if not (target.departments or target.positions or target.hired_from or target.employee_numbers):
        errors["target"] = _("Say who is assigned: departments, positions, a hire date or employee numbers.")
    if errors:
        raise Invalid(errors)
    return target


def _rule(assignment: Assignment):
    """Who the assignment's rule takes, as a condition on employees of its organisation."""
    parts = []
    if assignment.departments:
        parts.append(Employee.department.in_(assignment.departments))
    if assignment.positions:
        parts.append(Employee.position.in_(assignment.positions))
    if assignment.hired_from:
        parts.append(Employee.hire_date >= assignment.hired_from)
    rule = and_(*parts) if parts else None
    named = Employee.employee_number.in_(assignment.employee_numbers) if assignment.employee_numbers else None
    either = [c for c in (rule, named) if c is not None]
    return or_(*either) if either else None


def add_matching(session: Session, assignment: Assignment) -> int:
    """Add the organisation's employees the assignment takes and does not hold yet."""
    rule = _rule(assignment)
    if rule is None:
        return 0
    held = select(AssignmentMember.employee_id).where(AssignmentMember.assignment_id == assignment.id)
    new = list(session.scalars(select(Employee.id).where(Employee.organisation_id == assignment.organisation_id,
                                                         rule, Employee.id.not_in(held))))
    now = utcnow()
    session.add_all(AssignmentMember(assignment_id=assignment.id, employee_id=e, added_at=now) for e in new)
    session.flush()
    return len(new)


def create(session: Session, organisation_id: int, target: Target, user_id: int | None) -> Assignment:
    if target.plan_item_id is not None:
        item = session.get(PlanItem, target.plan_item_id)
        plan = session.get(TrainingPlan, item.plan_id) if item else None
        if plan is None or plan.organisation_id != organisation_id:
            raise UserError(_("This plan item was not found."), 404)
    unknown = set(target.employee_numbers) - set(session.scalars(select(Employee.employee_number).where(
        Employee.organisation_id == organisation_id, Employee.employee_number.in_(target.employee_numbers))))
    if unknown:
        from lti_tool.plans.services import Invalid

        raise Invalid({"employee_numbers": _("No employee of your organisation has these numbers: %(n)s",
                                             n="、".join(sorted(unknown)))})
    assignment = Assignment(organisation_id=organisation_id, created_by=user_id, **vars(target))
    session.add(assignment)
    session.flush()
    add_matching(session, assignment)
    return assignment


def onboard(session: Session, organisation_id: int) -> int:
    """Bring employees who now match into the organisation's onboarding assignments
    (after a roster import adds or changes people)."""
    return sum(add_matching(session, a) for a in session.scalars(
        select(Assignment).where(Assignment.organisation_id == organisation_id, Assignment.onboarding.is_(True))))


def assignment_of(session: Session, organisation_id: int, assignment_id: int) -> Assignment:
    return owned(session, Assignment, assignment_id, organisation_id, _("This assignment was not found."))


def _progress(session: Session, employee_ids: list[int], course_ids: set[str]) -> dict[tuple[int, str], str]:
    """(employee, course) -> done / in progress, from the training records of every
    LMS account of the employees."""
    if not employee_ids or not course_ids:
        return {}
    rows = session.execute(
        select(EmployeeUser.employee_id, TrainingRecord.course_id, TrainingRecord.kind, TrainingRecord.status)
        .join(TrainingRecord, TrainingRecord.user_id == EmployeeUser.user_id)
        .where(EmployeeUser.employee_id.in_(employee_ids), TrainingRecord.course_id.in_(course_ids)))
    found: dict[tuple[int, str], str] = {}
    for employee_id, course_id, kind, status in rows:
        key = (employee_id, course_id)
        if kind == "course" and status == "completed":
            found[key] = DONE
        else:
            found.setdefault(key, IN_PROGRESS)
    return found


def status(progress: str | None, due_on: date, today: date) -> str:
    if progress == DONE:
        return DONE
    if due_on < today:
        return OVERDUE
    return progress or NOT_STARTED


@dataclass
class Row:
    employee: Employee
    status: str


def members(session: Session, assignment: Assignment, today: date, only: str = "", page: int = 1,
            per_page: int = 50) -> tuple[list[Row], int, Counter, Counter]:
    """One page of the members with their status (``only``: one status), the counts of
    each status, and the overdue per department."""
    everyone = list(session.scalars(select(Employee).join(AssignmentMember, AssignmentMember.employee_id == Employee.id)
                                    .where(AssignmentMember.assignment_id == assignment.id)
                                    .order_by(Employee.department, Employee.employee_number, Employee.id)))
    progress = _progress(session, [e.id for e in everyone], {assignment.course_id})
    rows = [Row(e, status(progress.get((e.id, assignment.course_id)), assignment.due_on, today)) for e in everyone]
    counts = Counter(r.status for r in rows)
    overdue = Counter(r.employee.department or "—" for r in rows if r.status == OVERDUE)
    shown = [r for r in rows if not only or r.status == only]
    return shown[(page - 1) * per_page: page * per_page], len(shown), counts, overdue


def assignments_page(session: Session, organisation_id: int, page: int = 1, per_page: int = 50):
    query = select(Assignment).where(Assignment.organisation_id == organisation_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(session.scalars(query.order_by(Assignment.due_on.desc(), Assignment.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)))
    sizes = dict(session.execute(select(AssignmentMember.assignment_id, func.count())
                                 .where(AssignmentMember.assignment_id.in_([a.id for a in rows]))
                                 .group_by(AssignmentMember.assignment_id)).all()) if rows else {}
    return rows, total, sizes


def mine(session: Session, employee_id: int, today: date) -> list[tuple[Assignment, str]]:
    """The employee's assigned training, soonest due first, with its status."""
    assigned = list(session.scalars(select(Assignment).join(AssignmentMember, AssignmentMember.assignment_id == Assignment.id)
                                    .where(AssignmentMember.employee_id == employee_id)
                                    .order_by(Assignment.due_on, Assignment.id)))
    progress = _progress(session, [employee_id], {a.course_id for a in assigned})
    return [(a, status(progress.get((employee_id, a.course_id)), a.due_on, today)) for a in assigned]


def passed(session: Session, employee_ids: list[int], course_ids: set[str]) -> set[tuple[int, str]]:
    """(employee, course) pairs with a passed assessment of the course (a quiz or a
    practical task), on any LMS account of the employee."""
    if not employee_ids or not course_ids:
        return set()
    return set(session.execute(
        select(EmployeeUser.employee_id, TrainingRecord.course_id).distinct()
        .join(TrainingRecord, TrainingRecord.user_id == EmployeeUser.user_id)
        .where(EmployeeUser.employee_id.in_(employee_ids), TrainingRecord.course_id.in_(course_ids),
               TrainingRecord.passed.is_(True))).all())


def for_course(session: Session, user_id: int, course_id: str, now: datetime | None = None
               ) -> list[tuple[Assignment, str]]:
    """The training assigned to the employee of this LMS account for this course, with
    its status on the organisation's own date, in one query (the course page shows it)."""
    from lti_tool.lti.models import Organisation

    mine = select(EmployeeUser.employee_id).where(EmployeeUser.user_id == user_id).scalar_subquery()
    accounts = select(EmployeeUser.user_id).where(EmployeeUser.employee_id == mine)
    records = (select(TrainingRecord.id).where(TrainingRecord.user_id.in_(accounts),
                                               TrainingRecord.course_id == course_id))
    done = records.where(TrainingRecord.kind == "course", TrainingRecord.status == "completed").exists()
    rows = session.execute(
        select(Assignment, Organisation.timezone, done.label("done"), records.exists().label("started"))
        .join(AssignmentMember, AssignmentMember.assignment_id == Assignment.id)
        .join(Organisation, Organisation.id == Assignment.organisation_id)
        .where(AssignmentMember.employee_id == mine, Assignment.course_id == course_id)
        .order_by(Assignment.due_on, Assignment.id).limit(20))
    now = now or utcnow()
    return [(a, status(DONE if is_done else IN_PROGRESS if started else None, a.due_on,
                       now.astimezone(ZoneInfo(zone or DEFAULT_ZONE)).date()))
            for a, zone, is_done, started in rows]
