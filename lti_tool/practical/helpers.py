"""Small helpers shared by the practical and sessions pages: bilingual texts from the
course library in the page's language, times in the page's time zone, page numbers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, request
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


def local_time(value: datetime | None, zone: str | None = None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    try:
        tz = ZoneInfo(zone or DEFAULT_ZONE)
    except (KeyError, ValueError):
        tz = ZoneInfo(DEFAULT_ZONE)
    return value.astimezone(tz).strftime(fmt)


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
    return {"tr": tr, "markdown": markdown, "local_time": local_time}
