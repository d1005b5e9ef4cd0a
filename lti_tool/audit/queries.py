"""Reading the audit log: one organisation's events, newest first, filtered by action
and by a date range read in the organisation's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lti_tool.audit.log import ACTIONS
from lti_tool.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(cls, args) -> AuditFilters:
        """From query values; an unknown action or a malformed date raises ValueError."""
        def day(name):
            value = (args.get(name) or "").strip()
            return date.fromisoformat(value) if value else None

        action = (args.get("action") or "").strip()
        if action and action not in ACTIONS:
            raise ValueError(action)
        found = cls(action, day("from"), day("to"))
        if found.date_from and found.date_to and found.date_from > found.date_to:
            raise ValueError("from after to")
        return found

    def as_dict(self) -> dict:
        return {"action": self.action, "from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else ""}


def _start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def events_query(organisation_id: int, f: AuditFilters, zone: str):
    """The organisation's events (never another's, nor the operator's tool-wide ones),
    newest first; served by the index on (organisation, action, at)."""
    query = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.date_from:
        query = query.where(AuditEvent.at >= _start(f.date_from, zone))
    if f.date_to:
        query = query.where(AuditEvent.at < _start(f.date_to + timedelta(days=1), zone))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
