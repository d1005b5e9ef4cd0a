"""Expense claims on plain values: filed by an employee for a plan item or a classroom
session of their organisation, with checked attachments, submitted to their
department's head then finance, paid by finance; who may read each claim."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.approvals import services as approvals
from lti_tool.approvals.models import APPROVED, PENDING
from lti_tool.costs.models import ATTACHMENT_KINDS, CATEGORIES, PAID, ClaimAttachment, ExpenseClaim
from lti_tool.costs.services import CLAIM_KIND, Invalid, is_finance, parse_amount
from lti_tool.db import owned, utcnow
from lti_tool.errors import UserError
from lti_tool.lti.models import Context, Deployment
from lti_tool.lti.organisations import platform_ids
from lti_tool.plans.models import PlanItem, TrainingPlan
from lti_tool.records.models import Employee
from lti_tool.sessions.models import ClassSession


def plan_items(session: Session, organisation_id: int) -> list[tuple[PlanItem, TrainingPlan]]:
    return list(session.execute(select(PlanItem, TrainingPlan).join(TrainingPlan, TrainingPlan.id == PlanItem.plan_id)
                                .where(TrainingPlan.organisation_id == organisation_id)
                                .order_by(TrainingPlan.year.desc(), PlanItem.id).limit(300)).all())


def class_sessions(session: Session, organisation_id: int) -> list[ClassSession]:
    return list(session.scalars(select(ClassSession).join(Context, Context.id == ClassSession.context_id)
                                .join(Deployment, Deployment.id == Context.deployment_pk)
                                .where(Deployment.platform_id.in_(platform_ids(organisation_id)))
                                .order_by(ClassSession.starts_at.desc()).limit(300)))


def _session_of_organisation(session: Session, organisation_id: int, session_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(ClassSession)
                          .join(Context, Context.id == ClassSession.context_id)
                          .join(Deployment, Deployment.id == Context.deployment_pk)
                          .where(ClassSession.id == session_id,
                                 Deployment.platform_id.in_(platform_ids(organisation_id)))) > 0


def parse_claim(session: Session, form, organisation_id: int) -> dict:
    errors = {}
    category = (form.get("category") or "").strip()
    if category not in CATEGORIES:
        errors["category"] = _("Choose a cost category.")
    try:
        amount = parse_amount(form.get("amount", ""))
    except Invalid as exc:
        errors.update(exc.errors)
        amount = None
    try:
        spent_on = date.fromisoformat((form.get("spent_on") or "").strip())
    except ValueError:
        spent_on = None
        errors["spent_on"] = _("Dates are written YYYY-MM-DD.")
    target = (form.get("target") or "").strip()  # "item:12" or "session:5"
    plan_item_id = class_session_id = None
    kind, _sep, number = target.partition(":")
    try:
        number_id = int(number)
    except ValueError:
        number_id = 0
    if kind == "item":
        item = session.get(PlanItem, number_id)
        if item is not None and item.plan.organisation_id == organisation_id:
            plan_item_id = item.id
    elif kind == "session" and _session_of_organisation(session, organisation_id, number_id):
        class_session_id = number_id
    if plan_item_id is None and class_session_id is None:
        errors["target"] = _("Choose the plan item or classroom session the claim is for.")
    if errors:
        raise Invalid(errors)
    return {"category": category, "amount": amount, "spent_on": spent_on, "plan_item_id": plan_item_id,
            "class_session_id": class_session_id, "description": (form.get("description") or "").strip()[:4000]}


def create(session: Session, employee: Employee, user_id: int, values: dict, currency: str) -> ExpenseClaim:
    claim = ExpenseClaim(organisation_id=employee.organisation_id, employee_id=employee.id, user_id=user_id,
                         department=employee.department or "", currency=currency, created_at=utcnow(), **values)
    session.add(claim)
    session.flush()
    return claim


def editable(session: Session, claim: ExpenseClaim) -> bool:
    return approvals.editable(session, CLAIM_KIND, claim.id)


def _unlocked(session: Session, claim: ExpenseClaim) -> None:
    if not editable(session, claim):
        raise UserError(_("This claim is waiting for approval or has been decided: it cannot change."), 409)


def update(session: Session, claim: ExpenseClaim, values: dict) -> ExpenseClaim:
    _unlocked(session, claim)
    for name, value in values.items():
        setattr(claim, name, value)
    session.flush()
    return claim


def own_claim(session: Session, organisation_id: int, user_id: int, claim_id: int) -> ExpenseClaim:
    """The claim, to the person who filed it; 404 to anyone else."""
    claim = owned(session, ExpenseClaim, claim_id, organisation_id, _("This claim was not found."))
    if claim.user_id != user_id:
        raise UserError(_("This claim was not found."), 404)
    return claim


def add_attachment(session: Session, claim: ExpenseClaim, kind: str, filename: str, checked, uid: str,
                   user_id: int) -> ClaimAttachment:
    _unlocked(session, claim)
    if kind not in ATTACHMENT_KINDS:
        raise UserError(_("Say what the file is: notice, invoice or summary report."), 422)
    row = ClaimAttachment(uid=uid, kind=kind, filename=(filename or "")[-255:], media_type=checked.media_type,
                          size=len(checked.data), sha256=checked.sha256, uploaded_by=user_id, uploaded_at=utcnow())
    claim.attachments.append(row)
    session.flush()
    return row


def remove_attachment(session: Session, claim: ExpenseClaim, attachment_id: int) -> ClaimAttachment:
    _unlocked(session, claim)
    row = session.get(ClaimAttachment, attachment_id)
    if row is None or row.claim_id != claim.id:
        raise UserError(_("This file was not found."), 404)
    claim.attachments.remove(row)
    session.flush()
    return row


def submit(session: Session, claim: ExpenseClaim, who: approvals.Person):
    if not claim.attachments:
        raise UserError(_("Attach the invoice (and the notice or summary report) before submitting."), 422)
    employee = session.get(Employee, claim.employee_id)
    claim.department = (employee.department if employee is not None else "") or ""  # as HR records it now
    if not claim.department:
        raise UserError(_("Your department is not recorded, so no department head can review the claim: "
                          "ask HR to record it."), 422)
    title = _("Expense claim %(id)d", id=claim.id)
    request = approvals.submit(session, who, CLAIM_KIND, claim.id, title, claim.description[:4000],
                               department=claim.department)
    claim.status = PENDING
    return request


def may_read(session: Session, who: approvals.Person, claim: ExpenseClaim, is_hr: bool, employee_id: int | None) -> bool:
    """The claimant, HR, finance and the approvers of its request (its department's head)."""
    if claim.organisation_id != who.organisation_id:
        return False
    if claim.user_id == who.user_id or is_hr or is_finance(session, who.organisation_id, employee_id):
        return True
    request = approvals.latest(session, CLAIM_KIND, claim.id)
    return request is not None and approvals.may_see(session, who, request)


def mark_paid(session: Session, claim: ExpenseClaim, who: approvals.Person, reference: str) -> ExpenseClaim:
    if claim.status != APPROVED:
        raise UserError(_("Only an approved claim that is not paid yet can be marked paid."), 409)
    claim.status, claim.paid_at, claim.paid_by, claim.paid_by_label = PAID, utcnow(), who.user_id, who.label
    claim.payment_reference = (reference or "").strip()[:255]
    session.flush()
    return claim


def mine(session: Session, user_id: int, page: int, per_page: int):
    query = select(ExpenseClaim).where(ExpenseClaim.user_id == user_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(ExpenseClaim.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def listing(session: Session, organisation_id: int, status: str = "", category: str = "", department: str = "",
            page: int = 1, per_page: int = 50):
    query = select(ExpenseClaim, Employee).join(Employee, Employee.id == ExpenseClaim.employee_id).where(
        ExpenseClaim.organisation_id == organisation_id)
    if status:
        query = query.where(ExpenseClaim.status == status)
    if category:
        query = query.where(ExpenseClaim.category == category)
    if department:
        query = query.where(ExpenseClaim.department == department)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(ExpenseClaim.id.desc()).offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total


def target_label(session: Session, claim: ExpenseClaim) -> str:
    if claim.plan_item_id:
        item = session.get(PlanItem, claim.plan_item_id)
        if item is not None:
            return f"{item.plan.year} · {item.plan.title} · {item.topic or item.course_id}"
    if claim.class_session_id:
        found = session.get(ClassSession, claim.class_session_id)
        if found is not None:
            return f"{found.title} · {found.starts_at:%Y-%m-%d}"
    return ""
