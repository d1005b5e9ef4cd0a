"""From an approved plan to delivery (seed 四, 六): a plan item whose course is placed in
LMS courses of the organisation gets its classroom sessions scheduled there, through the
sessions package's own ``schedule``, each linked to the item it delivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_tool.approvals.models import APPROVED
from lti_tool.catalog.library import KINDS
from lti_tool.errors import UserError
from lti_tool.lti.models import Context, Deployment, ResourceLink, User
from lti_tool.lti.organisations import platform_ids
from lti_tool.plans import services
from lti_tool.plans.models import PlanItem, TrainingPlan
from lti_tool.sessions import services as sessions
from lti_tool.sessions.models import ClassSession

MAX_DAYS = 14  # consecutive days scheduled from one form


def approved(session: Session, plan: TrainingPlan) -> bool:
    found = services.latest_requests(session, [plan]).get(plan.id)
    return found is not None and found.state == APPROVED


def item_of(session: Session, plan: TrainingPlan, item_id: int) -> PlanItem:
    item = session.get(PlanItem, item_id)
    if item is None or item.plan_id != plan.id:
        raise UserError(_("This plan item was not found."), 404)
    return item


def contexts_for(session: Session, organisation_id: int, course_id: str) -> list[Context]:
    """The organisation's LMS courses where the course (or an item of it) is placed."""
    if not course_id:
        return []
    placed = (select(ResourceLink.context_id)
              .where(ResourceLink.item_kind.in_(KINDS),
                     or_(ResourceLink.item_id == course_id, ResourceLink.item_id.like(f"{course_id}/%"))))
    return list(session.scalars(
        select(Context).join(Deployment, Deployment.id == Context.deployment_pk)
        .where(Deployment.platform_id.in_(platform_ids(organisation_id)), Context.id.in_(placed))
        .order_by(Context.title, Context.id).limit(200)))


@dataclass
class Plan:
    """The scheduling form's values, checked: one session a day on ``days`` days."""

    context_id: int
    first_day: date
    days: int
    starts: str  # "09:00"
    ends: str
    title: str
    place: str
    trainer_name: str
    capacity: str
    materials: str


def defaults(item: PlanItem, title: str) -> dict:
    """The form's first values, from the item: its dates, place, trainer and hours."""
    days = (item.ends_on - item.starts_on).days + 1 if item.starts_on and item.ends_on else 1
    hours = item.hours / days if item.hours else 0
    ends = datetime(2000, 1, 1, 9) + timedelta(hours=min(hours, 10) or 2)
    return {"first_day": item.starts_on.isoformat() if item.starts_on else "", "days": str(min(days, MAX_DAYS)),
            "starts": "09:00", "ends": ends.strftime("%H:%M"), "title": title, "place": item.place,
            "trainer_name": item.trainer, "capacity": "", "materials": ""}


def parse(form) -> Plan:
    from lti_tool.plans.services import Invalid, _day

    errors = {}
    context = (form.get("context_id") or "").strip()
    if not context.isdigit():
        errors["context_id"] = _("Choose the LMS course the sessions take place in.")
    first_day = _day(form.get("first_day", ""))
    if not first_day:
        errors["first_day"] = _("Give the first day (YYYY-MM-DD).")
    days = (form.get("days") or "1").strip()
    if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
        errors["days"] = _("The number of days is 1 to %(n)d.", n=MAX_DAYS)
    times = {}
    for name in ("starts", "ends"):
        try:
            times[name] = datetime.strptime((form.get(name) or "").strip(), "%H:%M")
        except ValueError:
            errors[name] = _("Times are written HH:MM, e.g. 09:00.")
    if len(times) == 2 and times["ends"] <= times["starts"]:
        errors["ends"] = _("The end must be after the start.")
    if not (form.get("title") or "").strip():
        errors["title"] = _("Give the session a title.")
    if not (form.get("place") or "").strip():
        errors["place"] = _("Say where the session takes place.")
    if errors:
        raise Invalid(errors)
    return Plan(context_id=int(context), first_day=first_day, days=int(days), starts=form["starts"].strip(),
                ends=form["ends"].strip(), title=form["title"], place=form["place"],
                trainer_name=form.get("trainer_name") or "", capacity=form.get("capacity") or "",
                materials=form.get("materials") or "")


FIELD_ERRORS = {
    "capacity": lambda: _("The capacity is a whole number of places, or empty."),
    "title": lambda: _("Give the session a title."), "place": lambda: _("Say where the session takes place."),
    "ends": lambda: _("The end must be after the start."), "starts": lambda: _("Times are written HH:MM, e.g. 09:00."),
}


def schedule(session: Session, plan: TrainingPlan, item: PlanItem, values: Plan, creator: User,
             timezone: str) -> list[ClassSession]:
    """The item's sessions, one a day from ``first_day``, in the chosen LMS course of the
    organisation; refused on a plan not approved and a course placed elsewhere."""
    from lti_tool.plans.services import Invalid

    if not approved(session, plan):
        raise UserError(_("Sessions are scheduled from an approved plan only."), 409)
    if not item.course_id:
        raise UserError(_("This item names no catalogue course: there is nothing to schedule."), 409)
    if values.context_id not in {c.id for c in contexts_for(session, plan.organisation_id, item.course_id)}:
        raise UserError(_("This LMS course was not found among those where the course is placed."), 404)
    rows = []
    for n in range(values.days):
        day = (values.first_day + timedelta(days=n)).isoformat()
        form = sessions.Schedule(course_id=item.course_id, content_session_id=None, title=values.title,
                                 starts=f"{day}T{values.starts}", ends=f"{day}T{values.ends}", timezone=timezone,
                                 place=values.place, trainer_name=values.trainer_name, capacity=values.capacity,
                                 materials=values.materials)
        try:
            rows.append(sessions.schedule(session, values.context_id, form, creator, plan_item_id=item.id))
        except sessions.Invalid as exc:
            message = FIELD_ERRORS.get(exc.field, lambda: _("Choose the LMS course the sessions take place in."))()
            raise Invalid({exc.field: message}) from None
    return rows


def sessions_of(session: Session, item_ids: list[int]) -> dict[int, list[ClassSession]]:
    """Each item's scheduled sessions, first first, in one query."""
    found: dict[int, list[ClassSession]] = {i: [] for i in item_ids}
    if item_ids:
        for row in session.scalars(select(ClassSession).where(ClassSession.plan_item_id.in_(item_ids))
                                   .order_by(ClassSession.starts_at, ClassSession.id)):
            found[row.plan_item_id].append(row)
    return found
