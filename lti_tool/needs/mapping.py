"""The organisation's map for the analysis, on plain values: a position's required
catalogue courses, the courses that cover a fault category or a product (each link
one row, added and removed), and its thresholds."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.db import owned
from lti_tool.needs.analysis_models import LINK_KINDS, AnalysisSettings, TopicLink

DEFAULTS = {"pass_threshold": 60.0, "satisfaction_threshold": 80.0, "complaint_threshold": 2}


def settings_of(session: Session, organisation_id: int) -> AnalysisSettings:
    """The organisation's thresholds (a row with the defaults, not added, when it has none)."""
    found = session.get(AnalysisSettings, organisation_id)
    return found or AnalysisSettings(organisation_id=organisation_id, **DEFAULTS)


def parse_settings(form) -> dict:
    from lti_tool.plans.services import Invalid

    errors, values = {}, {}
    for name, low, high, message in (
            ("pass_threshold", 0, 100, _("The pass threshold is a percentage from 0 to 100.")),
            ("satisfaction_threshold", 0, 100, _("The satisfaction threshold is a percentage from 0 to 100.")),
            ("complaint_threshold", 1, 10000, _("The complaint threshold is a whole number from 1."))):
        raw = (form.get(name) or "").strip()
        try:
            value = int(raw) if name == "complaint_threshold" else float(raw)
        except ValueError:
            value = None
        if value is None or value != value or not low <= value <= high:
            errors[name] = message
        else:
            values[name] = value
    if errors:
        raise Invalid(errors)
    return values


def save_settings(session: Session, organisation_id: int, values: dict) -> AnalysisSettings:
    row = session.get(AnalysisSettings, organisation_id)
    if row is None:
        row = AnalysisSettings(organisation_id=organisation_id)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row


def parse_link(form, courses: dict[str, str]) -> dict:
    from lti_tool.plans.services import Invalid

    errors = {}
    kind, name, course_id = form.get("kind", ""), (form.get("name") or "").strip(), form.get("course_id", "")
    if kind not in LINK_KINDS:
        errors["kind"] = _("Choose what the course covers: a position, a fault category or a product.")
    if not name:
        errors["name"] = _("Name the position, fault category or product.")
    elif len(name) > 255:
        errors["name"] = _("The name is longer than 255 characters.")
    if course_id not in courses:
        errors["course_id"] = _("Choose a course of the catalogue.")
    if errors:
        raise Invalid(errors)
    return {"kind": kind, "name": name, "course_id": course_id}


def add_link(session: Session, organisation_id: int, values: dict) -> tuple[TopicLink, bool]:
    """The link (added unless it exists); True when it was added."""
    found = session.scalar(select(TopicLink).where(TopicLink.organisation_id == organisation_id,
                                                   TopicLink.kind == values["kind"], TopicLink.name == values["name"],
                                                   TopicLink.course_id == values["course_id"]))
    if found is not None:
        return found, False
    link = TopicLink(organisation_id=organisation_id, **values)
    session.add(link)
    session.flush()
    return link, True


def link_of(session: Session, organisation_id: int, link_id: int) -> TopicLink:
    return owned(session, TopicLink, link_id, organisation_id, _("This link was not found."))


def links_page(session: Session, organisation_id: int, page: int, per_page: int) -> tuple[list[TopicLink], int]:
    query = select(TopicLink).where(TopicLink.organisation_id == organisation_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(TopicLink.kind, TopicLink.name, TopicLink.course_id)
                                .offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def links(session: Session, organisation_id: int, kind: str) -> dict[str, list[str]]:
    """name -> course ids, for one kind."""
    found: dict[str, list[str]] = {}
    for name, course_id in session.execute(select(TopicLink.name, TopicLink.course_id).where(
            TopicLink.organisation_id == organisation_id, TopicLink.kind == kind).order_by(TopicLink.id)):
        found.setdefault(name, []).append(course_id)
    return found
