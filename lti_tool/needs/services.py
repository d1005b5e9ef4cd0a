"""Needs surveys on plain values: made and opened by the training department, answered
by the employees they target (department heads add their department's needs), and
summed up: response rate per department, self-rating and wanted count per topic."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lti_tool.approvals.models import DEPARTMENT_HEAD, Approver
from lti_tool.db import owned, utcnow
from lti_tool.errors import UserError
from lti_tool.needs.models import CLOSED, DRAFT, OPEN, NeedsResponse, NeedsSurvey
from lti_tool.plans.assignments import split_values
from lti_tool.records.models import Employee

MAX_TOPICS = 40


def parse(form) -> dict:
    from lti_tool.plans.services import Invalid, _day

    errors = {}
    title = (form.get("title") or "").strip()[:255]
    if not title:
        errors["title"] = _("Give the survey a title.")
    topics = [t for t in dict.fromkeys(v.strip()[:120] for v in (form.get("topics") or "").splitlines()) if t]
    if not topics:
        errors["topics"] = _("List the topics employees rate themselves on, one per line.")
    elif len(topics) > MAX_TOPICS:
        errors["topics"] = _("At most %(n)d topics.", n=MAX_TOPICS)
    due_on = _day(form.get("due_on", ""))
    if not due_on:
        errors["due_on"] = _("Give the deadline (YYYY-MM-DD).")
    if errors:
        raise Invalid(errors)
    return {"title": title, "topics": topics, "due_on": due_on, "departments": split_values(form.get("departments", "")),
            "positions": split_values(form.get("positions", ""))}


def create(session: Session, organisation_id: int, values: dict, user_id: int | None) -> NeedsSurvey:
    survey = NeedsSurvey(organisation_id=organisation_id, created_by=user_id, status=DRAFT, **values)
    session.add(survey)
    session.flush()
    return survey


def survey_of(session: Session, organisation_id: int, survey_id: int) -> NeedsSurvey:
    return owned(session, NeedsSurvey, survey_id, organisation_id, _("This survey was not found."))


def set_status(session: Session, survey: NeedsSurvey, status: str) -> None:
    allowed = {DRAFT: {OPEN}, OPEN: {CLOSED}, CLOSED: {OPEN}}
    if status not in allowed[survey.status]:
        raise UserError(_("The survey cannot go from this state to that one."), 409)
    survey.status = status
    session.flush()


def _targets(survey: NeedsSurvey):
    parts = [Employee.organisation_id == survey.organisation_id]
    if survey.departments:
        parts.append(Employee.department.in_(survey.departments))
    if survey.positions:
        parts.append(Employee.position.in_(survey.positions))
    return and_(*parts)


def targets(session: Session, survey: NeedsSurvey, employee: Employee) -> bool:
    return session.scalar(select(Employee.id).where(_targets(survey), Employee.id == employee.id)) is not None


def open_for(session: Session, employee: Employee, today: date) -> list[tuple[NeedsSurvey, NeedsResponse | None]]:
    """The open surveys that ask the employee, with their answer so far."""
    surveys = session.scalars(select(NeedsSurvey).where(NeedsSurvey.organisation_id == employee.organisation_id,
                                                        NeedsSurvey.status == OPEN, NeedsSurvey.due_on >= today)
                              .order_by(NeedsSurvey.due_on))
    mine = [s for s in surveys if targets(session, s, employee)]
    answers = {r.survey_id: r for r in session.scalars(select(NeedsResponse).where(
        NeedsResponse.employee_id == employee.id, NeedsResponse.survey_id.in_([s.id for s in mine])))} if mine else {}
    return [(s, answers.get(s.id)) for s in mine]


def heads_department(session: Session, employee: Employee) -> bool:
    """The employee is named head of their own department (approvals' department head)."""
    return bool(employee.department) and session.scalar(select(Approver.id).where(
        Approver.organisation_id == employee.organisation_id, Approver.employee_id == employee.id,
        Approver.role == DEPARTMENT_HEAD, Approver.department == employee.department)) is not None


def answer(session: Session, survey: NeedsSurvey, employee: Employee, form, today: date) -> NeedsResponse:
    """Store (or replace, until the deadline) the employee's answer."""
    from lti_tool.plans.services import Invalid

    if survey.organisation_id != employee.organisation_id or not targets(session, survey, employee):
        raise UserError(_("This survey was not found."), 404)
    if survey.status != OPEN or survey.due_on < today:
        raise UserError(_("This survey is closed."), 409)
    ratings, errors = {}, {}
    for index, topic in enumerate(survey.topics):
        value = (form.get(f"rating-{index}") or "").strip()
        if value:
            if value not in {"1", "2", "3", "4", "5"}:
                errors["ratings"] = _("Rate each topic from 1 to 5.")
            else:
                ratings[topic] = int(value)
    wanted = [survey.topics[int(i)] for i in form.getlist("wanted") if i.isdigit() and int(i) < len(survey.topics)]
    if not ratings and not wanted and not (form.get("comment") or "").strip():
        errors["ratings"] = _("Rate at least one topic, choose what you want to learn, or write a comment.")
    if errors:
        raise Invalid(errors)
    head = heads_department(session, employee)
    found = session.scalars(select(NeedsResponse).where(NeedsResponse.survey_id == survey.id,
                                                        NeedsResponse.employee_id == employee.id)).first()
    row = found or NeedsResponse(survey_id=survey.id, employee_id=employee.id)
    row.department, row.role = employee.department, (form.get("role") or "").strip()[:255]
    row.ratings, row.wanted, row.comment = ratings, sorted(set(wanted), key=survey.topics.index), \
        (form.get("comment") or "").strip()[:4000]
    row.as_department_head = head
    row.department_needs = (form.get("department_needs") or "").strip()[:4000] if head else ""
    row.suggestions = (form.get("suggestions") or "").strip()[:4000] if head else ""
    row.submitted_at = utcnow()
    if found is None:
        session.add(row)
    session.flush()
    return row


@dataclass
class Summary:
    asked: int
    answered: int
    by_department: list[tuple[str, int, int]]  # department, asked, answered
    topics: list[tuple[str, float | None, int]]  # topic, average self-rating, wanted by
    by_department_topic: dict[str, dict[str, float]]  # department -> topic -> average
    heads: list[NeedsResponse]
    comments: list[str]

    @property
    def rate(self) -> float | None:
        return round(100 * self.answered / self.asked, 1) if self.asked else None


def summary(session: Session, survey: NeedsSurvey) -> Summary:
    asked = list(session.scalars(select(Employee).where(_targets(survey))))
    responses = list(session.scalars(select(NeedsResponse).where(NeedsResponse.survey_id == survey.id)))
    answered_ids = {r.employee_id for r in responses}
    per_department: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for employee in asked:
        key = employee.department or "—"
        per_department[key][0] += 1
        per_department[key][1] += employee.id in answered_ids
    ratings: dict[str, list[int]] = defaultdict(list)
    by_dep: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    wanted = Counter()
    for r in responses:
        for topic, value in r.ratings.items():
            ratings[topic].append(value)
            by_dep[r.department or "—"][topic].append(value)
        wanted.update(r.wanted)
    average = lambda values: round(sum(values) / len(values), 1) if values else None  # noqa: E731
    return Summary(
        asked=len(asked), answered=len(answered_ids & {e.id for e in asked}),
        by_department=sorted((d, n[0], n[1]) for d, n in per_department.items()),
        topics=[(t, average(ratings.get(t, [])), wanted.get(t, 0)) for t in survey.topics],
        by_department_topic={d: {t: average(v) for t, v in topics.items()} for d, topics in sorted(by_dep.items())},
        heads=[r for r in responses if r.as_department_head],
        comments=[r.comment for r in responses if r.comment])
