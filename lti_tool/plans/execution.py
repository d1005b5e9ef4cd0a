"""A plan's execution (seed 四, 七): planned against delivered, per item and per quarter.

For each item: the sessions scheduled from it (not cancelled) and held (not cancelled
and over), the training hours delivered (the held sessions' hours), the people trained
(attended a held session), and its assigned group (the members of the assignments made
from it): how many completed the course (their status as assigned training shows it)
and how many passed an assessment of it. An annual plan takes in the items of the
quarterly plans that refine it, by quarter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.plans import assignments
from lti_tool.plans.models import ANNUAL, Assignment, AssignmentMember, PlanItem, TrainingPlan
from lti_tool.records.models import EmployeeUser
from lti_tool.sessions.models import ATTENDED, Attendance, ClassSession


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@dataclass
class Figures:
    planned: int = 0  # sessions scheduled, not cancelled
    held: int = 0
    hours: float = 0.0
    planned_hours: float = 0.0
    trained: int = 0
    assigned: int = 0
    completed: int = 0
    passed: int = 0

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.completed, self.assigned)

    @property
    def pass_rate(self) -> float | None:
        return _rate(self.passed, self.assigned)

    def add(self, other: Figures) -> None:
        for name in ("planned", "held", "hours", "planned_hours", "trained", "assigned", "completed", "passed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.hours = round(self.hours, 2)


@dataclass
class ItemRow:
    item: PlanItem
    plan: TrainingPlan
    quarter: int | None
    figures: Figures


@dataclass
class Report:
    plan: TrainingPlan
    rows: list[ItemRow]
    quarters: dict[int | None, Figures] = field(default_factory=dict)
    total: Figures = field(default_factory=Figures)

    def by_quarter(self) -> list[tuple[int | None, Figures]]:
        """Each quarter's totals in order, the items with no quarter last."""
        return sorted(self.quarters.items(), key=lambda kv: kv[0] or 5)


def quarter_of(plan: TrainingPlan, item: PlanItem) -> int | None:
    if plan.quarter:
        return plan.quarter
    if item.starts_on:
        return (item.starts_on.month - 1) // 3 + 1
    if item.month:
        return (item.month - 1) // 3 + 1
    return None


def plans_in(session: Session, plan: TrainingPlan) -> list[TrainingPlan]:
    """The plan, and for an annual plan the quarterly plans of the organisation that refine it."""
    found = [plan]
    if plan.kind == ANNUAL:
        found += list(session.scalars(select(TrainingPlan).where(
            TrainingPlan.organisation_id == plan.organisation_id, TrainingPlan.annual_plan_id == plan.id)
            .order_by(TrainingPlan.quarter, TrainingPlan.id)))
    return found


def _delivered(session: Session, item_ids: list[int], now: datetime) -> dict[int, Figures]:
    figures = {i: Figures() for i in item_ids}
    held_ids: dict[int, int] = {}
    for row in session.execute(select(ClassSession.id, ClassSession.plan_item_id, ClassSession.ends_at,
                                      ClassSession.hours)
                               .where(ClassSession.plan_item_id.in_(item_ids), ClassSession.cancelled_at.is_(None))):
        f = figures[row.plan_item_id]
        f.planned += 1
        if row.ends_at <= now:
            f.held += 1
            f.hours = round(f.hours + (row.hours or 0), 2)
            held_ids[row.id] = row.plan_item_id
    people: dict[int, set] = defaultdict(set)
    if held_ids:
        for session_id, user_id, employee_id in session.execute(
                select(Attendance.session_id, Attendance.user_id, EmployeeUser.employee_id)
                .outerjoin(EmployeeUser, EmployeeUser.user_id == Attendance.user_id)
                .where(Attendance.session_id.in_(list(held_ids)), Attendance.status.in_(ATTENDED))):
            # one person once, whichever LMS account they attended with
            people[held_ids[session_id]].add(("e", employee_id) if employee_id is not None else ("u", user_id))
    for item_id, who in people.items():
        figures[item_id].trained = len(who)
    return figures


def _assigned(session: Session, items: list[PlanItem], figures: dict[int, Figures], today: date) -> None:
    members: dict[int, set[tuple[int, str, date]]] = defaultdict(set)
    for item_id, course_id, due_on, employee_id in session.execute(
            select(Assignment.plan_item_id, Assignment.course_id, Assignment.due_on, AssignmentMember.employee_id)
            .join(AssignmentMember, AssignmentMember.assignment_id == Assignment.id)
            .where(Assignment.plan_item_id.in_([i.id for i in items]))):
        members[item_id].add((employee_id, course_id, due_on))
    employees = sorted({m[0] for rows in members.values() for m in rows})
    courses = {m[1] for rows in members.values() for m in rows}
    progress = assignments._progress(session, employees, courses)
    passed = assignments.passed(session, employees, courses)
    for item_id, rows in members.items():
        f, seen = figures[item_id], {}
        for employee_id, course_id, due_on in rows:
            seen.setdefault((employee_id, course_id), due_on)
        f.assigned = len(seen)
        f.completed = sum(assignments.status(progress.get(key), due_on, today) == assignments.DONE
                          for key, due_on in seen.items())
        f.passed = sum(key in passed for key in seen)


def report(session: Session, plan: TrainingPlan, today: date, now: datetime | None = None) -> Report:
    plans = plans_in(session, plan)
    items = [(p, i) for p in plans for i in p.items]
    item_ids = [i.id for _p, i in items]
    figures = _delivered(session, item_ids, now or utcnow()) if item_ids else {}
    if items:
        _assigned(session, [i for _p, i in items], figures, today)
    rows = []
    for p, item in items:
        f = figures[item.id]
        f.planned_hours = item.hours or 0.0
        rows.append(ItemRow(item, p, quarter_of(p, item), f))
    rows.sort(key=lambda r: (r.quarter or 5, r.plan.id != plan.id, r.item.starts_on or date.max, r.item.id))
    found = Report(plan, rows)
    for row in rows:
        found.quarters.setdefault(row.quarter, Figures()).add(row.figures)
        found.total.add(row.figures)
    return found
