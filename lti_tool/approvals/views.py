"""The approver's inbox and a request's page (decide, with the history), and HR's
list of approvers. Who may see and do what is decided in ``services``."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.approvals import bp, flows, services
from lti_tool.approvals.models import (APPROVE, APPROVED, DEPARTMENT_HEAD, FINANCE, MANAGEMENT, PENDING, REJECT, REJECTED,
                                       RETURN, RETURNED, ROLES, SUBMIT, TRAINING_HEAD, WITHDRAW, WITHDRAWN,
                                       ApprovalRequest)
from lti_tool.audit.actor import audited
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.practical.helpers import PER_PAGE, page_number, pages
from lti_tool.records.models import Employee


def labels() -> dict:
    return {
        "role_labels": {MANAGEMENT: _("Management"), TRAINING_HEAD: _("Head of the training department"),
                        DEPARTMENT_HEAD: _("Department head"), FINANCE: _("Finance")},
        "state_labels": {PENDING: _("Waiting for approval"), APPROVED: _("Approved"), REJECTED: _("Rejected"),
                         RETURNED: _("Returned for changes"), WITHDRAWN: _("Withdrawn")},
        "action_labels": {SUBMIT: _("Submitted"), APPROVE: _("Approved"), REJECT: _("Rejected"),
                          RETURN: _("Returned for changes"), WITHDRAW: _("Withdrawn")},
        "kind_label": lambda kind: flows.KINDS[kind].label() if kind in flows.KINDS else kind,
    }


def _me() -> services.Person:
    actor = auth.current_actor()
    return services.person(db.session(), actor.user_id, actor.organisation_id)


@bp.get("/")
@auth.require_role()
def inbox():
    session, me, page = db.session(), _me(), page_number()
    waiting, total = services.waiting_for(session, me, page, PER_PAGE)
    return render_template("approvals/inbox.html", waiting=waiting, total=total, page=page, pages=pages(total),
                           held=services.roles_of(session, me), mine=services.submitted_by(session, me),
                           is_hr=auth.current_actor().has(roles.HR))


def _visible(request_id: int) -> tuple[ApprovalRequest, services.Person]:
    """The request, to those who may read it (``services.may_see``); 404 to anyone else."""
    session, me = db.session(), _me()
    found = session.get(ApprovalRequest, request_id)
    if found is None or not services.may_see(session, me, found, manages=auth.current_actor().has(roles.HR)):
        raise UserError(_("This approval request was not found."), 404)
    return found, me


def _request_page(found: ApprovalRequest, me: services.Person, error: str = "", comment: str = "", status: int = 200):
    session = db.session()
    kind = flows.KINDS.get(found.kind)
    manages = auth.current_actor().has(roles.HR)  # documents are managed by the training department (HR)
    document_url = url_for(kind.endpoint, document_id=found.document_id) if kind and kind.endpoint and manages else None
    return render_template(
        "approvals/request.html", r=found, steps=kind.steps if kind else (), document_url=document_url,
        preview=kind.preview(session, found.document_id) if kind and kind.preview else None,
        versions=services.history(session, found.kind, found.document_id),
        may_decide=services.may_decide(session, me, found),
        may_withdraw=found.state == PENDING and found.submitted_by == me.user_id,
        error=error, comment=comment), status


@bp.get("/<int:request_id>")
@auth.require_role()
def show(request_id: int):
    found, me = _visible(request_id)
    return _request_page(found, me)


@bp.post("/<int:request_id>/decide")
@auth.require_role()
def decide(request_id: int):
    found, me = _visible(request_id)
    action, comment = request.form.get("action", ""), request.form.get("comment", "")
    if action not in (APPROVE, REJECT, RETURN, WITHDRAW):
        raise UserError(_("Choose approve, reject or return for changes."), 400)
    try:
        step = int(request.form.get("step", ""))
    except ValueError:
        step = None
    try:
        services.decide(db.session(), me, found.id, action, comment, step)
    except UserError as exc:
        if exc.code not in (409, 422):
            raise
        db.session().rollback()
        found, me = _visible(request_id)
        return _request_page(found, me, error=exc.description, comment=comment, status=exc.code)
    return redirect(url_for("approvals.show", request_id=found.id), 303)


# -- HR: who approves -----------------------------------------------------------------

hr_only = auth.require_role(roles.HR)


def _approvers_page(error: str = "", form: dict | None = None, status: int = 200):
    session, organisation_id, page = db.session(), auth.current_actor().organisation_id, page_number()
    rows, total = services.approvers(session, organisation_id, page, PER_PAGE)
    from lti_tool.hr import queries

    return render_template("approvals/approvers.html", rows=rows, total=total, page=page, pages=pages(total),
                           roles=ROLES, departments=queries.departments(session, organisation_id),
                           error=error, form=form or {}), status


@bp.get("/approvers")
@hr_only
def approvers():
    return _approvers_page()


@bp.post("/approvers")
@hr_only
def appoint():
    session, organisation_id = db.session(), auth.current_actor().organisation_id
    form = {k: request.form.get(k, "").strip() for k in ("employee_number", "role", "department")}
    from sqlalchemy import select

    employee = session.scalars(select(Employee).where(Employee.organisation_id == organisation_id,
                                                      Employee.employee_number == form["employee_number"])).first() \
        if form["employee_number"] else None
    try:
        if employee is None:
            raise UserError(_("No employee of your organisation has this employee number."), 422)
        approver = services.appoint(session, organisation_id, employee.id, form["role"], form["department"],
                                    auth.current_actor().user_id)
    except UserError as exc:
        if exc.code != 422:
            raise
        return _approvers_page(exc.description, form, 422)
    audited("approver.appointed", f"{employee.employee_number} ({employee.name}): {approver.role}"
            + (f" / {approver.department}" if approver.department else ""),
            employee_id=employee.id, role=approver.role, department=approver.department)
    return redirect(url_for("approvals.approvers"), 303)


@bp.post("/approvers/<int:approver_id>/remove")
@hr_only
def dismiss(approver_id: int):
    session = db.session()
    approver = services.dismiss(session, auth.current_actor().organisation_id, approver_id)
    employee = session.get(Employee, approver.employee_id)
    audited("approver.dismissed", f"{employee.employee_number or employee.id} ({employee.name}): {approver.role}",
            employee_id=employee.id, role=approver.role, department=approver.department)
    return redirect(url_for("approvals.approvers"), 303)
