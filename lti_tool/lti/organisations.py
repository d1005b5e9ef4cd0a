"""Organisations (tenants): found by slug, made on demand, renamed. Moving a platform
to another organisation is ``records.employees.move_platform`` (its people move too)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.lti.models import DEFAULT_ORGANISATION, Organisation, Platform

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class OrganisationError(ValueError):
    pass


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise OrganisationError(f"an organisation slug is 1-64 lowercase letters, digits and dashes, got {slug!r}")
    return slug


def find(session: Session, slug: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.slug == slug.strip().lower()))


def get_or_create(session: Session, slug: str, name: str = "") -> Organisation:
    """The organisation with this slug, made now if missing (flush only)."""
    slug = check_slug(slug)
    organisation = find(session, slug)
    if organisation is None:
        organisation = Organisation(slug=slug, name=name or ("Default" if slug == DEFAULT_ORGANISATION else slug))
        session.add(organisation)
        session.flush()
    return organisation


def default(session: Session) -> Organisation:
    return get_or_create(session, DEFAULT_ORGANISATION)


def rename(session: Session, slug: str, name: str) -> Organisation:
    organisation = find(session, slug)
    if organisation is None:
        raise OrganisationError(f"no organisation {slug!r}")
    if not name.strip():
        raise OrganisationError("the name is empty")
    organisation.name = name.strip()[:255]
    session.flush()
    return organisation


def with_platform_counts(session: Session) -> list[tuple[Organisation, int]]:
    counts = dict(session.execute(select(Platform.organisation_id, func.count()).group_by(Platform.organisation_id)).all())
    return [(o, counts.get(o.id, 0)) for o in session.scalars(select(Organisation).order_by(Organisation.slug))]


def platform_ids(organisation_id: int):
    """The ids of the organisation's platforms, as a subquery for ``in_``."""
    return select(Platform.id).where(Platform.organisation_id == organisation_id).scalar_subquery()


def organisation_id_of(session: Session, platform_id: int) -> int:
    return session.get(Platform, platform_id).organisation_id


def set_hr_roles(session: Session, slug: str, roles: list[str] | None) -> Organisation:
    """Make ``roles`` (full LTI role URIs or short names) the ones that grant HR in the
    organisation, or with None go back to the built-in ones (flush only)."""
    organisation = find(session, slug)
    if organisation is None:
        raise OrganisationError(f"no organisation {slug!r}")
    if roles is not None:
        cleaned = list(dict.fromkeys(r.strip() for r in roles))
        bad = [r for r in cleaned if not r or len(r) > 255 or any(c.isspace() for c in r)]
        if bad or not cleaned:
            raise OrganisationError(f"an HR role is an LTI role URI or short name without spaces, got {bad or roles!r}")
        roles = cleaned
    organisation.hr_roles = roles
    session.flush()
    return organisation


def set_timezone(session: Session, slug: str, zone: str) -> Organisation:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    organisation = find(session, slug)
    if organisation is None:
        raise OrganisationError(f"no organisation {slug!r}")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise OrganisationError(f"not a time zone name: {zone!r} (e.g. Asia/Shanghai)") from None
    organisation.timezone = zone
    session.flush()
    return organisation


def set_currency(session: Session, slug: str, code: str) -> Organisation:
    """The currency the organisation's budgets and expense claims are in (ISO 4217)."""
    organisation = find(session, slug)
    if organisation is None:
        raise OrganisationError(f"no organisation {slug!r}")
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise OrganisationError(f"not a currency code: {code!r} (three letters, e.g. CNY)")
    organisation.currency = code
    session.flush()
    return organisation
