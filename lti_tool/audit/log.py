"""Writing audit events. Callers pass plain values; the row is added to the caller's
transaction (flush only), so an action and its audit event commit or roll back
together."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti_tool.audit.models import AuditEvent

CLI = "cli"  # actor_label of the operator's command line


def _l(message: str) -> str:
    """Marks a message for the catalogue; the page translates it when it shows it."""
    return message


# Every action the tool records, with the label HR reads (translated on the page).
ACTIONS = {
    "hr_token.created": _l("API token created"),
    "hr_token.revoked": _l("API token revoked"),
    "certificate.revoked": _l("Certificate revoked"),
    "certificate.reissued": _l("Certificate reissued"),
    "roster.applied": _l("Roster imported"),
    "export.started": _l("Certificate export started"),
    "certificate_design.changed": _l("Certificate design changed"),
    "certificate_design.override_removed": _l("A course's own certificate design removed"),
    "training_file.exported": _l("Training file downloaded"),
    "audit.exported": _l("Audit log downloaded"),
    "employee.account_linked": _l("LMS account linked to an employee"),
    "employee.account_unlinked": _l("LMS account unlinked from an employee"),
    "platform.trusted": _l("Platform trusted for identity"),
    "platform.untrusted": _l("Platform no longer trusted for identity"),
    "platform.registered": _l("Platform registered"),
    "organisation.hr_roles_changed": _l("HR roles changed"),
    "registration_invite.created": _l("Registration invitation created"),
    "registration_invite.revoked": _l("Registration invitation revoked"),
    "registration_invite.listed": _l("Registration invitations listed"),
    "approver.appointed": _l("Approver named"),
    "approver.dismissed": _l("Approver removed"),
    "assignment.created": _l("Training assigned"),
    "needs_survey.created": _l("Needs survey created"),
    "question_bank.confirmed": _l("Question bank made into a version of an own course"),
    "customer_feedback.imported": _l("Customer feedback imported"),
    "industry_item.created": _l("Industry item recorded"),
    "industry_item.changed": _l("Industry item changed"),
    "industry_item.deleted": _l("Industry item deleted"),
    "needs_analysis.thresholds_changed": _l("Needs analysis thresholds changed"),
    "needs_analysis.link_added": _l("Needs analysis link added"),
    "needs_analysis.link_removed": _l("Needs analysis link removed"),
}


def record(session: Session, *, organisation_id: int | None, action: str, subject: str = "",
           actor_user_id: int | None = None, actor_label: str = "", details: dict | None = None) -> AuditEvent:
    """Add one audit event. ``actor_label`` is the name shown (the user's name, or
    ``CLI``); ``details`` holds plain JSON values only, never a secret."""
    event = AuditEvent(organisation_id=organisation_id, action=action, subject=subject[:255],
                       actor_user_id=actor_user_id, actor_label=(actor_label or "")[:255], details=details or {})
    session.add(event)
    session.flush()
    return event
