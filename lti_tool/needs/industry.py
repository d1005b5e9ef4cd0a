"""Industry and technology items (seed 三(一)4) on plain values: the training
department records what it learns (source, date, topic, relevance, a note, the
catalogue courses that cover it), changes and deletes it."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.db import owned
from lti_tool.needs.analysis_models import RELEVANCE, IndustryItem


def parse(form, courses: dict[str, str]) -> dict:
    """The form's values, or ``Invalid`` with what is wrong with each field."""
    from lti_tool.plans.services import Invalid, _day

    errors = {}
    source = (form.get("source") or "").strip()
    topic = (form.get("topic") or "").strip()
    if not source:
        errors["source"] = _("Name the source (a magazine, a fair, a supplier…).")
    elif len(source) > 255:
        errors["source"] = _("The source is longer than 255 characters.")
    if not topic:
        errors["topic"] = _("Give the topic.")
    elif len(topic) > 255:
        errors["topic"] = _("The topic is longer than 255 characters.")
    noted_on = _day(form.get("noted_on", ""))
    if not noted_on:
        errors["noted_on"] = _("Give the date (YYYY-MM-DD).")
    relevance = form.get("relevance", "")
    if relevance not in RELEVANCE:
        errors["relevance"] = _("Choose the relevance: high, medium or low.")
    note = (form.get("note") or "").strip()
    if len(note) > 4000:
        errors["note"] = _("The note is longer than 4000 characters.")
    course_ids = list(dict.fromkeys(c for c in form.getlist("course_ids") if c))
    unknown = [c for c in course_ids if c not in courses]
    if unknown:
        errors["course_ids"] = _("Not a course of the catalogue: %(ids)s", ids=", ".join(unknown)[:200])
    if errors:
        raise Invalid(errors)
    return {"source": source, "topic": topic, "noted_on": noted_on, "relevance": relevance, "note": note,
            "course_ids": course_ids}


def create(session: Session, organisation_id: int, values: dict, user_id: int | None) -> IndustryItem:
    item = IndustryItem(organisation_id=organisation_id, created_by=user_id, **values)
    session.add(item)
    session.flush()
    return item


def update(session: Session, item: IndustryItem, values: dict) -> None:
    for name, value in values.items():
        setattr(item, name, value)
    session.flush()


def item_of(session: Session, organisation_id: int, item_id: int) -> IndustryItem:
    return owned(session, IndustryItem, item_id, organisation_id, _("This industry item was not found."))


def listed(session: Session, organisation_id: int, page: int, per_page: int) -> tuple[list[IndustryItem], int]:
    query = select(IndustryItem).where(IndustryItem.organisation_id == organisation_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(IndustryItem.noted_on.desc(), IndustryItem.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def as_form(item: IndustryItem) -> dict:
    return {"source": item.source, "topic": item.topic, "noted_on": item.noted_on.isoformat(),
            "relevance": item.relevance, "note": item.note, "course_ids": list(item.course_ids or [])}


