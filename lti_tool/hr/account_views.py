"""HR links an LMS account of an untrusted platform to an employee, and unlinks it: on
the employee's page, POST with CSRF, HR only, within HR's own organisation, audited.
(Accounts of trusted platforms are linked by their employee number.)"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.audit.actor import audited
from lti_tool.errors import UserError
from lti_tool.hr import bp
from lti_tool.hr.views import employee_or_404, hr_only
from lti_tool.lti.models import Platform, User
from lti_tool.records import employees
from lti_tool.records.models import Employee


def accounts_context(employee: Employee) -> dict:
    """What the employee page shows of its accounts, and the accounts HR may link."""
    session = db.session()
    query = (request.args.get("account_q") or "").strip()[:100]
    return {"accounts": employees.accounts(session, employee.id), "account_q": query,
            "candidates": [(u, session.get(Platform, u.platform_id))
                           for u in employees.candidates(session, employee, query)]}


def _account_or_404(user_id: int) -> User:
    """An account of HR's organisation (another organisation's is not found)."""
    user = db.session().get(User, user_id)
    if user is None or employees.organisation_of_user(db.session(), user) != auth.current_actor().organisation_id:
        abort(404)
    return user


def _subject(user: User, employee: Employee) -> str:
    return f"account {user.id} ({user.name or user.sub}) ↔ employee {employee.employee_number or employee.id}"


@bp.route("/employees/<int:employee_id>/accounts", methods=["POST"])
@hr_only
def account_link(employee_id: int):
    employee = employee_or_404(employee_id)
    try:
        user = _account_or_404(int(request.form.get("user_id", "")))
    except ValueError:
        raise UserError(_("Choose an account to link."), 422) from None
    try:
        left = employees.link(db.session(), user, employee)
    except employees.LinkError as exc:
        raise UserError(_(str(exc)), 422) from None
    audited("employee.account_linked", _subject(user, employee), employee_id=employee.id, user_id=user.id,
            platform_id=user.platform_id, claimed_number=user.person_sourcedid or "",
            previous_employee_id=left.id if left is not None else None)
    flash(_("%(account)s is linked to %(name)s: their training is in this file now.",
            account=user.name or user.sub, name=employee.name), "success")
    return redirect(url_for("hr.employee", employee_id=employee.id), 303)


@bp.route("/employees/<int:employee_id>/accounts/<int:user_id>/unlink", methods=["POST"])
@hr_only
def account_unlink(employee_id: int, user_id: int):
    employee, user = employee_or_404(employee_id), _account_or_404(user_id)
    try:
        own = employees.unlink(db.session(), user, employee)
    except employees.LinkError as exc:
        raise UserError(_(str(exc)), 422) from None
    audited("employee.account_unlinked", _subject(user, employee), employee_id=employee.id, user_id=user.id,
            platform_id=user.platform_id, new_employee_id=own.id)
    flash(_("%(account)s is no longer linked to %(name)s.", account=user.name or user.sub, name=employee.name),
          "success")
    return redirect(url_for("hr.employee", employee_id=employee.id), 303)
