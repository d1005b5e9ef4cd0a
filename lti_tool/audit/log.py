"""Writing audit events. Callers pass plain values; the row is added to the caller's
transaction (flush only), so an action and its audit event commit or roll back
together."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti_tool.audit.models import AuditEvent

CLI = "cli"  # actor_label of the operator's command line


def record(session: Session, *, organisation_id: int | None, action: str, subject: str = "",
           actor_user_id: int | None = None, actor_label: str = "", details: dict | None = None) -> AuditEvent:
    """Add one audit event. ``actor_label`` is the name shown (the user's name, or
    ``CLI``); ``details`` holds plain JSON values only, never a secret."""
    event = AuditEvent(organisation_id=organisation_id, action=action, subject=subject[:255],
                       actor_user_id=actor_user_id, actor_label=(actor_label or "")[:255], details=details or {})
    session.add(event)
    session.flush()
    return event
