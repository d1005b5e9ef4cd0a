"""Submitting a document version for approval, deciding on it, and who may: on plain
values, in the caller's transaction. Every check is here, on the server; the pages
only show what these allow."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from lti_tool.approvals import flows
from lti_tool.approvals.models import (APPROVE, APPROVED, DEPARTMENT_HEAD, PENDING, ROLES, SUBMIT, WITHDRAW,
                                       ApprovalDecision, ApprovalRequest, Approver)
from lti_tool.db import owned, utcnow
from lti_tool.errors import UserError
from lti_tool.lti.models import User
from lti_tool.records.employees import employee_of


@dataclass(frozen=True)
class Person:
    """Who acts: an LMS user of an organisation (the employee they are, if any)."""

    user_id: int
    organisation_id: int
    label: str


def person(session: Session, user_id: int, organisation_id: int) -> Person:
    user = session.get(User, user_id)
    return Person(user_id, organisation_id, (user.name or user.sub) if user else "")


def latest(session: Session, kind: str, document_id: int) -> ApprovalRequest | None:
    return session.scalars(select(ApprovalRequest).where(ApprovalRequest.kind == kind,
                                                         ApprovalRequest.document_id == document_id)
                           .order_by(ApprovalRequest.version.desc()).limit(1)).first()


def history(session: Session, kind: str, document_id: int) -> list[ApprovalRequest]:
    """Every version submitted, newest first, each with its decisions."""
    return list(session.scalars(select(ApprovalRequest).where(ApprovalRequest.kind == kind,
                                                              ApprovalRequest.document_id == document_id)
                                .order_by(ApprovalRequest.version.desc())))


def editable(session: Session, kind: str, document_id: int) -> bool:
    """A document may be changed only while no version waits or has been approved."""
    found = latest(session, kind, document_id)
    return found is None or found.state in flows.RESUBMITTABLE


def submit(session: Session, who: Person, kind: str, document_id: int, title: str, summary: str = "",
           department: str = "") -> ApprovalRequest:
    """Put the document's current content forward: version 1, or the next version
    after it was returned for changes or withdrawn."""
    flows.kind_of(kind)
    found = latest(session, kind, document_id)
    if found is not None and found.organisation_id != who.organisation_id:
        raise UserError(_("This document was not found."), 404)
    if found is not None and found.state not in flows.RESUBMITTABLE:
        raise UserError(_("This document is already waiting for approval or has been decided."), 409)
    steps = flows.kind_of(kind).steps
    request = ApprovalRequest(organisation_id=who.organisation_id, kind=kind, document_id=document_id,
                              version=(found.version + 1) if found else 1, department=department[:255],
                              title=title[:255], summary=summary, state=PENDING, step=0, step_role=steps[0],
                              submitted_by=who.user_id, submitted_at=utcnow())
    request.decisions.append(ApprovalDecision(step=0, role=None, action=SUBMIT, actor_user_id=who.user_id,
                                              actor_label=who.label))
    session.add(request)
    session.flush()
    return request


def roles_of(session: Session, who: Person) -> list[Approver]:
    """The approver roles the person holds, through the employee they are."""
    employee = employee_of(session, who.user_id)
    if employee is None or employee.organisation_id != who.organisation_id:
        return []
    return list(session.scalars(select(Approver).where(Approver.organisation_id == who.organisation_id,
                                                       Approver.employee_id == employee.id)))


def _holds(held: list[Approver], request: ApprovalRequest) -> bool:
    return any(a.role == request.step_role and (a.role != DEPARTMENT_HEAD or a.department == request.department)
               for a in held)


def may_see(session: Session, who: Person, request: ApprovalRequest, manages: bool = False) -> bool:
    """The request's submitter, those who manage documents (``manages``: HR) and the
    approvers of its steps (a department head: of its department) read it; nobody of
    another organisation does."""
    if request.organisation_id != who.organisation_id:
        return False
    if manages or request.submitted_by == who.user_id:
        return True
    steps = flows.KINDS[request.kind].steps if request.kind in flows.KINDS else ()
    return any(a.role in steps and (a.role != DEPARTMENT_HEAD or a.department == request.department)
               for a in roles_of(session, who))


def may_decide(session: Session, who: Person, request: ApprovalRequest) -> bool:
    """The request waits at a step whose role the person holds (a department head: for
    the request's department), it is not their own submission, and it is not about them."""
    if not (request.organisation_id == who.organisation_id and request.state == PENDING
            and request.submitted_by != who.user_id and _holds(roles_of(session, who), request)):
        return False
    concerns = flows.KINDS[request.kind].concerns if request.kind in flows.KINDS else None
    if concerns is None:
        return True
    employee = employee_of(session, who.user_id)
    return employee is None or employee.id != concerns(session, request.document_id)


def decide(session: Session, who: Person, request_id: int, action: str, comment: str = "",
           step: int | None = None) -> ApprovalRequest:
    """Approve, reject or return the request at its current step (``step``, when given,
    is the step the approver saw: a request another approver moved on meanwhile is
    refused, not decided twice); the submitter may withdraw it while it waits."""
    request = owned(session, ApprovalRequest, request_id, who.organisation_id, _("This approval request was not found."))
    comment = (comment or "").strip()
    if (request.state, action) not in flows.TRANSITIONS:
        raise UserError(_("This request has already been decided."), 409)
    if action == WITHDRAW:
        if request.submitted_by != who.user_id:
            raise UserError(_("Only the person who submitted it can withdraw a request."), 403)
    elif not may_decide(session, who, request):
        raise UserError(_("This request does not wait for your decision."), 403)
    if action in flows.NEEDS_COMMENT and not comment:
        raise UserError(_("Write why, so the author knows what to change."), 422)
    if step is not None and step != request.step:
        raise UserError(_("This request has already been decided."), 409)
    seen = request.step
    steps = flows.kind_of(request.kind).steps
    state, next_step = flows.TRANSITIONS[(request.state, action)], seen
    if action == APPROVE and seen + 1 < len(steps):
        state, next_step = PENDING, seen + 1
    now = utcnow()
    moved = session.execute(  # only from the state and step read: two approvers at once decide once
        update(ApprovalRequest)
        .where(ApprovalRequest.id == request.id, ApprovalRequest.state == PENDING, ApprovalRequest.step == seen)
        .values(state=state, step=next_step, step_role=steps[next_step] if state == PENDING else None,
                decided_at=None if state == PENDING else now)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise UserError(_("This request has already been decided."), 409)
    session.add(ApprovalDecision(request_id=request.id, step=seen, role=None if action == WITHDRAW else steps[seen],
                                 action=action, comment=comment[:4000], actor_user_id=who.user_id,
                                 actor_label=who.label, at=now))
    session.flush()
    session.refresh(request)
    kind = flows.kind_of(request.kind)
    if request.state != PENDING and kind.on_decided is not None:
        kind.on_decided(session, request)
    return request


def waiting_for(session: Session, who: Person, page: int = 1, per_page: int = 50) -> tuple[list[ApprovalRequest], int]:
    """The requests that wait for the person's decision, oldest first, one page."""
    held = roles_of(session, who)
    if not held:
        return [], 0
    clauses = []
    for approver in held:
        clause = ApprovalRequest.step_role == approver.role
        if approver.role == DEPARTMENT_HEAD:
            clause = clause & (ApprovalRequest.department == approver.department)
        clauses.append(clause)
    query = select(ApprovalRequest).where(ApprovalRequest.organisation_id == who.organisation_id,
                                          ApprovalRequest.state == PENDING, or_(*clauses),
                                          (ApprovalRequest.submitted_by != who.user_id)
                                          | ApprovalRequest.submitted_by.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(ApprovalRequest.submitted_at, ApprovalRequest.id)
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def submitted_by(session: Session, who: Person, limit: int = 20) -> list[ApprovalRequest]:
    """The person's own latest submissions."""
    return list(session.scalars(select(ApprovalRequest).where(ApprovalRequest.organisation_id == who.organisation_id,
                                                              ApprovalRequest.submitted_by == who.user_id)
                                .order_by(ApprovalRequest.id.desc()).limit(limit)))


def approved(request: ApprovalRequest | None) -> bool:
    return request is not None and request.state == APPROVED


def appoint(session: Session, organisation_id: int, employee_id: int, role: str, department: str = "",
            by_user_id: int | None = None) -> Approver:
    """Name an employee of the organisation to an approver role (HR)."""
    from lti_tool.records.models import Employee

    owned(session, Employee, employee_id, organisation_id, _("This employee was not found."))
    if role not in ROLES:
        raise UserError(_("Choose one of the approver roles."), 422)
    department = (department or "").strip()[:255] if role == DEPARTMENT_HEAD else ""
    if role == DEPARTMENT_HEAD and not department:
        raise UserError(_("A department head approves for a department: name it."), 422)
    found = session.scalars(select(Approver).where(Approver.organisation_id == organisation_id,
                                                   Approver.employee_id == employee_id, Approver.role == role,
                                                   Approver.department == department)).first()
    if found is not None:
        return found
    approver = Approver(organisation_id=organisation_id, employee_id=employee_id, role=role, department=department,
                        created_by=by_user_id, created_at=utcnow())
    session.add(approver)
    session.flush()
    return approver


def dismiss(session: Session, organisation_id: int, approver_id: int) -> Approver:
    approver = owned(session, Approver, approver_id, organisation_id, _("This approver was not found."))
    session.delete(approver)
    session.flush()
    return approver


def approvers(session: Session, organisation_id: int, page: int = 1, per_page: int = 50):
    """The organisation's approvers with their employees, one page, by role and name."""
    from lti_tool.records.models import Employee

    query = (select(Approver, Employee).join(Employee, Employee.id == Approver.employee_id)
             .where(Approver.organisation_id == organisation_id))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(Approver.role, Approver.department, Employee.name, Approver.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total
