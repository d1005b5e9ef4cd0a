"""Small helpers shared by the practical and sessions pages: bilingual texts from the
course library in the page's language, times in the organisation's time zone, page numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request
from markupsafe import Markup

from lti_tool import i18n

DEFAULT_ZONE = "Asia/Shanghai"
PER_PAGE = 50


def tr(value) -> str:
    """``{"zh-CN": ..., "en": ...}`` in the current language (plain strings pass through)."""
    if isinstance(value, dict):
        return value.get("en" if i18n.current() == "en" else "zh-CN") or next(iter(value.values()), "")
    return value or ""


def markdown(value) -> Markup:
    from lti_tool.catalog.render import render_markdown

    text = tr(value)
    return Markup(render_markdown(text, folder="practical", language="en" if i18n.current() == "en" else "zh-CN"))


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def organisation_zone() -> str:
    """The time zone the signed-in person's organisation reads times in
    (``organisation timezone``; Asia/Shanghai unless set); outside a launched request,
    the default."""
    if not has_request_context():
        return DEFAULT_ZONE
    if "organisation_zone" not in g:
        from lti_tool import auth, db
        from lti_tool.lti.models import Platform

        actor = auth.current_actor()
        platform = db.session().get(Platform, actor.platform_id) if actor is not None else None
        g.organisation_zone = (platform.organisation.timezone if platform is not None else "") or DEFAULT_ZONE
    return g.organisation_zone


def zone_of_users(session, user_ids) -> dict[int, str]:
    """Each user's organisation time zone (for work done outside a request: PDFs, exports)."""
    from sqlalchemy import select

    from lti_tool.lti.models import Organisation, Platform, User

    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.execute(select(User.id, Organisation.timezone).join(Platform, Platform.id == User.platform_id)
                           .join(Organisation, Organisation.id == Platform.organisation_id).where(User.id.in_(ids)))
    return {user_id: zone or DEFAULT_ZONE for user_id, zone in rows}


def zone_of_organisation(session, organisation_id: int) -> str:
    from lti_tool.lti.models import Organisation

    organisation = session.get(Organisation, organisation_id)
    return (organisation.timezone if organisation is not None else "") or DEFAULT_ZONE


def zone_label(zone: str | None, at: datetime | None = None) -> str:
    """The zone as people read it next to a time: its offset from UTC then, e.g. UTC+8."""
    offset = (at or datetime.now(UTC)).astimezone(_zone(zone)).utcoffset()
    minutes = int(offset.total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def local_time(value: datetime | None, zone: str | None = None, fmt: str = "%Y-%m-%d %H:%M", *,
               label: bool = False) -> str:
    """``value`` as the wall-clock time of ``zone`` (the organisation's unless given);
    ``label``: followed by its offset (``2026-12-07 10:02 UTC+8``)."""
    if value is None:
        return ""
    zone = zone or organisation_zone()
    text = value.astimezone(_zone(zone)).strftime(fmt)
    return f"{text} {zone_label(zone, value)}" if label else text


def page_time(value: datetime | None, zone: str | None = None, fmt: str = "%Y-%m-%d %H:%M",
              label: bool | None = None) -> str:
    """``local_time`` on pages: a time of day carries its zone's offset unless told not to."""
    return local_time(value, zone, fmt, label="%H" in fmt if label is None else label)


def page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100000))
    except ValueError:
        return 1


def pages(total: int, per_page: int = PER_PAGE) -> int:
    return max(1, -(-total // per_page))


def instance_path() -> Path:
    """The instance folder, absolute (uploads live under it, never under static)."""
    return Path(current_app.instance_path)


def template_helpers() -> dict:
    return {"tr": tr, "markdown": markdown, "local_time": page_time, "zone_label": zone_label}
