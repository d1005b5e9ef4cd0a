"""A session notice as an iCalendar file (RFC 5545), for the learner's own calendar."""

from __future__ import annotations

from urllib.parse import urlparse

from icalendar import Calendar, Event

from lti_tool.db import utcnow
from lti_tool.sessions.models import ClassSession


def ics(class_session: ClassSession, *, base_url: str, url: str, course_title: str, description: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//aftersales-training//classroom sessions//ZH")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{class_session.uid}@{urlparse(base_url).hostname or 'aftersales-training'}")
    event.add("dtstamp", utcnow())
    event.add("sequence", class_session.sequence or 0)
    if class_session.updated_at is not None:
        event.add("last-modified", class_session.updated_at)
    event.add("dtstart", class_session.starts_at)
    event.add("dtend", class_session.ends_at)
    event.add("summary", class_session.title)
    event.add("location", class_session.place)
    event.add("description", description)
    event.add("categories", [course_title])
    event.add("url", url)
    if class_session.cancelled_at is not None:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
