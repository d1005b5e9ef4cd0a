"""Plans on plain values: made, changed only while no version waits for approval or
has been approved, submitted through the one approval mechanism, listed and
exported. Every check is here, on the server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.approvals import flows, services as approvals
from lti_tool.approvals.models import MANAGEMENT, TRAINING_HEAD, ApprovalRequest
from lti_tool.db import owned
from lti_tool.errors import UserError
from lti_tool.plans.models import ADHOC, ANNUAL, KINDS, MODES, QUARTERLY, REASONS, URGENCIES, PlanItem, TrainingPlan

# Who approves which plan (seed 四): the annual plan management; a quarterly plan the
# head of the training department; an ad-hoc plan the training department (its head).
STEPS = {ANNUAL: (MANAGEMENT,), QUARTERLY: (TRAINING_HEAD,), ADHOC: (TRAINING_HEAD,)}
KIND_LABELS = {ANNUAL: lazy_gettext("Annual training plan"), QUARTERLY: lazy_gettext("Quarterly training plan"),
               ADHOC: lazy_gettext("Ad-hoc training plan")}


def approval_kind(kind: str) -> str:
    return f"plan.{kind}"


def register_kinds() -> None:
    for kind in KINDS:
        flows.register(flows.DocumentKind(approval_kind(kind), STEPS[kind], label=lambda k=kind: str(KIND_LABELS[k]),
                                          endpoint="plans.show", preview=preview))


def preview(session: Session, plan_id: int):
    """The plan as its approvers read it on the approval page (they need no HR role)."""
    from flask import render_template
    from markupsafe import Markup

    from lti_tool.plans.views import _needs_reports, catalogue, labels

    plan = session.get(TrainingPlan, plan_id)
    if plan is None:
        return None
    return Markup(render_template("plans/_preview.html", plan=plan, courses=catalogue(), **labels(),
                                  **_needs_reports(session, plan)))


class Invalid(Exception):
    """The form's values, with what is wrong with each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class PlanFields:
    kind: str
    year: int
    title: str
    quarter: int | None = None
    annual_plan_id: int | None = None
    goals: str = ""
    target_group: str = ""
    reason: str = ""
    urgency: str = "normal"
    starts_on: date | None = None
    ends_on: date | None = None
    errors: dict = field(default_factory=dict)


def _int(value: str, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _day(value: str) -> date | None | bool:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return False


def _dates(form, errors: dict, key: str) -> tuple[date | None, date | None]:
    """The form's start and end dates; a wrong one is noted in ``errors[key]``."""
    starts_on, ends_on = _day(form.get("starts_on", "")), _day(form.get("ends_on", ""))
    if starts_on is False or ends_on is False:
        errors[key] = _("Dates are written YYYY-MM-DD.")
    elif starts_on and ends_on and ends_on < starts_on:
        errors[key] = _("The end date comes before the start date.")
    return starts_on or None, ends_on or None


def parse_plan(form, kind: str | None = None) -> PlanFields:
    """The plan's fields from a form; raises ``Invalid`` naming each wrong field."""
    errors = {}
    kind = kind or (form.get("kind") or "").strip()
    if kind not in KINDS:
        errors["kind"] = _("Choose annual, quarterly or ad-hoc.")
    year = _int(form.get("year", ""), 2000, 2100)
    if year is None:
        errors["year"] = _("Write the year as four digits, e.g. 2027.")
    title = (form.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the plan a title.")
    quarter = None
    if kind == QUARTERLY:
        quarter = _int(form.get("quarter", ""), 1, 4)
        if quarter is None:
            errors["quarter"] = _("Choose the quarter (1 to 4).")
    reason, urgency = (form.get("reason") or "").strip(), (form.get("urgency") or "normal").strip()
    if kind == ADHOC and reason not in REASONS:
        errors["reason"] = _("Say why this ad-hoc training is needed.")
    if urgency not in URGENCIES:
        errors["urgency"] = _("Choose normal or urgent.")
    starts_on, ends_on = _dates(form, errors, "dates")
    annual = _int(form.get("annual_plan_id", "") or "0", 0, 2**31) or None
    fields = PlanFields(kind=kind, year=year or 0, title=title[:255], quarter=quarter, annual_plan_id=annual,
                        goals=(form.get("goals") or "").strip(), target_group=(form.get("target_group") or "").strip(),
                        reason=reason if kind == ADHOC else "", urgency=urgency if urgency in URGENCIES else "normal",
                        starts_on=starts_on, ends_on=ends_on, errors=errors)
    if errors:
        raise Invalid(errors)
    return fields


def plan_of(session: Session, organisation_id: int, plan_id: int) -> TrainingPlan:
    return owned(session, TrainingPlan, plan_id, organisation_id, _("This plan was not found."))


def _check_annual(session: Session, organisation_id: int, fields: PlanFields) -> None:
    if fields.kind != QUARTERLY:
        fields.annual_plan_id = None
    elif fields.annual_plan_id is not None:
        annual = session.get(TrainingPlan, fields.annual_plan_id)
        if annual is None or annual.organisation_id != organisation_id or annual.kind != ANNUAL:
            raise Invalid({"annual_plan_id": _("Choose one of your organisation's annual plans.")})


def create(session: Session, organisation_id: int, fields: PlanFields, user_id: int | None) -> TrainingPlan:
    _check_annual(session, organisation_id, fields)
    plan = TrainingPlan(organisation_id=organisation_id, created_by=user_id, **_values(fields))
    session.add(plan)
    session.flush()
    return plan


def _values(fields: PlanFields) -> dict:
    return {name: getattr(fields, name) for name in (
        "kind", "year", "quarter", "annual_plan_id", "title", "goals", "target_group", "reason", "urgency",
        "starts_on", "ends_on")}


def editable(session: Session, plan: TrainingPlan) -> bool:
    return approvals.editable(session, approval_kind(plan.kind), plan.id)


def _unlocked(session: Session, plan: TrainingPlan) -> None:
    if not editable(session, plan):
        raise UserError(_("This plan is waiting for approval or has been approved: it cannot change. "
                          "An approver can return it for changes."), 409)


def update(session: Session, plan: TrainingPlan, fields: PlanFields) -> TrainingPlan:
    _unlocked(session, plan)
    fields.kind = plan.kind  # a plan keeps its kind (and so its approval steps)
    _check_annual(session, plan.organisation_id, fields)
    for name, value in _values(fields).items():
        setattr(plan, name, value)
    session.flush()
    return plan


def parse_item(form, plan: TrainingPlan, course_ids: set[str]) -> dict:
    errors = {}
    course_id, topic = (form.get("course_id") or "").strip(), (form.get("topic") or "").strip()
    if course_id and course_id not in course_ids:
        errors["course_id"] = _("Choose a course of the catalogue, or write a topic.")
    if not course_id and not topic:
        errors["topic"] = _("Choose a course of the catalogue, or write a topic.")
    mode = (form.get("mode") or "").strip()
    if mode not in MODES:
        errors["mode"] = _("Choose how it is delivered.")
    month = None
    if (form.get("month") or "").strip():
        month = _int(form.get("month"), 1, 12)
        if month is None:
            errors["month"] = _("The month is 1 to 12.")
    starts_on, ends_on = _dates(form, errors, "item_dates")
    hours = None
    if (form.get("hours") or "").strip():
        try:
            hours = float(form.get("hours"))
        except ValueError:
            hours = -1
        if not 0 < hours <= 1000:
            errors["hours"] = _("Hours are a number above 0.")
    if errors:
        raise Invalid(errors)
    return {"course_id": course_id, "topic": topic[:255], "mode": mode, "month": month,
            "starts_on": starts_on, "ends_on": ends_on, "place": (form.get("place") or "").strip()[:255],
            "trainer": (form.get("trainer") or "").strip()[:255], "hours": hours}


def add_item(session: Session, plan: TrainingPlan, values: dict) -> PlanItem:
    _unlocked(session, plan)
    item = PlanItem(**values)
    plan.items.append(item)
    session.flush()
    return item


def remove_item(session: Session, plan: TrainingPlan, item_id: int) -> None:
    _unlocked(session, plan)
    item = session.get(PlanItem, item_id)
    if item is None or item.plan_id != plan.id:
        raise UserError(_("This plan item was not found."), 404)
    plan.items.remove(item)
    session.flush()


def submit(session: Session, plan: TrainingPlan, who: approvals.Person) -> ApprovalRequest:
    """Put the plan as it stands forward for approval (a new version after a return)."""
    if not plan.items:
        raise UserError(_("Add at least one item before submitting the plan."), 422)
    summary = "\n".join(filter(None, [plan.goals, plan.target_group]))
    return approvals.submit(session, who, approval_kind(plan.kind), plan.id, plan.title, summary[:4000])


def latest_requests(session: Session, plans: list[TrainingPlan]) -> dict[int, ApprovalRequest]:
    """Each plan's latest approval request, in one query."""
    if not plans:
        return {}
    newest = (select(ApprovalRequest.kind, ApprovalRequest.document_id,
                     func.max(ApprovalRequest.version).label("version"))
              .where(ApprovalRequest.kind.in_([approval_kind(k) for k in KINDS]),
                     ApprovalRequest.document_id.in_([p.id for p in plans]))
              .group_by(ApprovalRequest.kind, ApprovalRequest.document_id).subquery())
    rows = session.scalars(select(ApprovalRequest).join(newest, (newest.c.kind == ApprovalRequest.kind)
                                                        & (newest.c.document_id == ApprovalRequest.document_id)
                                                        & (newest.c.version == ApprovalRequest.version)))
    kinds = {p.id: approval_kind(p.kind) for p in plans}
    return {r.document_id: r for r in rows if kinds.get(r.document_id) == r.kind}


def plans_page(session: Session, organisation_id: int, kind: str = "", year: int | None = None, page: int = 1,
               per_page: int = 50) -> tuple[list[TrainingPlan], int]:
    query = select(TrainingPlan).where(TrainingPlan.organisation_id == organisation_id)
    if kind in KINDS:
        query = query.where(TrainingPlan.kind == kind)
    if year:
        query = query.where(TrainingPlan.year == year)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(TrainingPlan.year.desc(), TrainingPlan.kind, TrainingPlan.quarter,
                                          TrainingPlan.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def annual_plans(session: Session, organisation_id: int) -> list[TrainingPlan]:
    return list(session.scalars(select(TrainingPlan).where(TrainingPlan.organisation_id == organisation_id,
                                                           TrainingPlan.kind == ANNUAL)
                                .order_by(TrainingPlan.year.desc(), TrainingPlan.id.desc()).limit(200)))
