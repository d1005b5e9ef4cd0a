"""The pages of expense claims: an employee's own (``/claims/``: file, attach, submit,
download) and those HR and finance manage (``/manage/claims/``: filters, payment, XLSX)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.approvals import services as approvals
from lti_tool.costs import claims, files, money, services
from lti_tool.costs.models import ClaimAttachment, ExpenseClaim
from lti_tool.downloads import xlsx_download
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.practical.helpers import PER_PAGE, instance_path, page_number, pages
from lti_tool.records.employees import employee_of
from lti_tool.costs.views import _currency, _finance_or_hr, _me, claims_bp, labels, manage_bp


# -- an employee's own claims -----------------------------------------------------------

@claims_bp.url_value_preprocessor
def _limit_uploads(endpoint, _values):
    """Before the CSRF check reads the form: an oversized file is refused (413) while read."""
    if endpoint == "claims.attach":
        request.max_content_length = files.MAX_BYTES + 64 * 1024


def _employee():
    employee = employee_of(db.session(), auth.current_actor().user_id)
    if employee is None or employee.organisation_id != auth.current_actor().organisation_id:
        raise UserError(_("Only an employee of the organisation can file expense claims."), 403)
    return employee


def _claims(form=None, errors=None, status: int = 200):
    session, page = db.session(), page_number()
    rows, total = claims.mine(session, auth.current_actor().user_id, page, PER_PAGE)
    organisation_id = auth.current_actor().organisation_id
    return render_template("costs/my_claims.html", rows=rows, total=total, page=page, pages=pages(total),
                           flags=services.over_budget(session, rows), form=form or {}, errors=errors or {},
                           items=claims.plan_items(session, organisation_id),
                           sessions=claims.class_sessions(session, organisation_id)), status


@claims_bp.get("/")
@auth.require_role()
def mine():
    _employee()
    return _claims()


@claims_bp.post("/")
@auth.require_role()
def file():
    session, employee = db.session(), _employee()
    try:
        values = claims.parse_claim(session, request.form, employee.organisation_id)
    except services.Invalid as exc:
        return _claims(request.form, exc.errors, 422)
    claim = claims.create(session, employee, auth.current_actor().user_id, values, _currency())
    return redirect(url_for("claims.show", claim_id=claim.id), 303)


def _claim_page(claim, errors=None, form=None, status: int = 200):
    session = db.session()
    versions = approvals.history(session, services.CLAIM_KIND, claim.id)
    return render_template("costs/claim.html", claim=claim, versions=versions, latest=versions[0] if versions else None,
                           editable=claims.editable(session, claim), check=services.over_budget(session, [claim])[claim.id],
                           target=claims.target_label(session, claim), errors=errors or {}, form=form,
                           items=claims.plan_items(session, claim.organisation_id),
                           sessions=claims.class_sessions(session, claim.organisation_id)), status


def _own(claim_id: int) -> ExpenseClaim:
    actor = auth.current_actor()
    return claims.own_claim(db.session(), actor.organisation_id, actor.user_id, claim_id)


@claims_bp.get("/<int:claim_id>")
@auth.require_role()
def show(claim_id: int):
    return _claim_page(_own(claim_id))


@claims_bp.post("/<int:claim_id>")
@auth.require_role()
def update(claim_id: int):
    session, claim = db.session(), _own(claim_id)
    try:
        claims.update(session, claim, claims.parse_claim(session, request.form, claim.organisation_id))
    except services.Invalid as exc:
        return _claim_page(claim, errors=exc.errors, form=request.form, status=422)
    return redirect(url_for("claims.show", claim_id=claim.id), 303)


def refusals() -> dict[str, tuple[str, int]]:
    return {"size": (_("The file is larger than %(num)d MB.", num=files.MAX_BYTES // (1024 * 1024)), 413),
            "type": (_("Attach a PDF, JPEG or PNG file whose name matches what it is."), 422),
            "active": (_("This PDF holds scripts or embedded files: print it to a plain PDF and attach that."), 422),
            "pixels": (_("The photo has too many pixels. Take it at a lower resolution."), 413),
            "busy": (_("The server is busy with other files. Try again in a moment."), 503)}


@claims_bp.post("/<int:claim_id>/attachments")
@auth.require_role()
def attach(claim_id: int):
    session, claim = db.session(), _own(claim_id)
    if not claims.editable(session, claim):
        raise UserError(_("This claim is waiting for approval or has been decided: it cannot change."), 409)
    if len(claim.attachments) >= files.MAX_PER_CLAIM:
        raise UserError(_("At most %(num)d files per claim.", num=files.MAX_PER_CLAIM), 422)
    upload = request.files.get("file")
    name = upload.filename if upload else ""
    try:
        checked = files.check(upload.stream.read(files.MAX_BYTES + 1) if upload else b"", name,
                              current_app.extensions.get("evidence_budget"),
                              current_app.config["SETTINGS"].evidence_wait_seconds)
    except files.AttachmentError as exc:
        message, code = refusals()[exc.reason]
        return _claim_page(claim, errors={"file": message}, status=code)
    uid = files.new_uid()
    files.store(instance_path(), claim.organisation_id, uid, checked)
    try:
        claims.add_attachment(session, claim, request.form.get("kind", ""), name, checked, uid,
                              auth.current_actor().user_id)
    except UserError as exc:
        files.remove(instance_path(), claim.organisation_id, uid, checked.media_type)
        return _claim_page(claim, errors={"file": exc.description}, status=exc.code)
    return redirect(url_for("claims.show", claim_id=claim.id, _anchor="attachments"), 303)


@claims_bp.post("/<int:claim_id>/attachments/<int:attachment_id>/remove")
@auth.require_role()
def detach(claim_id: int, attachment_id: int):
    session, claim = db.session(), _own(claim_id)
    row = claims.remove_attachment(session, claim, attachment_id)
    files.remove(instance_path(), claim.organisation_id, row.uid, row.media_type)
    return redirect(url_for("claims.show", claim_id=claim.id, _anchor="attachments"), 303)


@claims_bp.post("/<int:claim_id>/submit")
@auth.require_role()
def submit_claim(claim_id: int):
    session, claim = db.session(), _own(claim_id)
    try:
        found = claims.submit(session, claim, _me())
    except UserError as exc:
        if exc.code not in (409, 422):
            raise
        return _claim_page(claim, errors={"submit": exc.description}, status=exc.code)
    return redirect(url_for("approvals.show", request_id=found.id), 303)


@claims_bp.get("/files/<int:attachment_id>")
@auth.require_role()
def download(attachment_id: int):
    """The claimant, HR, finance and the claim's approvers; 404 to anyone else."""
    session, actor = db.session(), auth.current_actor()
    row = session.get(ClaimAttachment, attachment_id)
    employee = employee_of(session, actor.user_id)
    if row is None or not claims.may_read(session, _me(), row.claim, actor.has(roles.HR),
                                          employee.id if employee else None):
        raise UserError(_("This file was not found."), 404)
    path = files.path(instance_path(), row.claim.organisation_id, row.uid, row.media_type)
    if not path.is_file():
        raise UserError(_("This file was not found."), 404)
    suffix = ".pdf" if row.media_type == files.PDF else ".jpg"
    response = send_file(path, mimetype=row.media_type, as_attachment=True,
                         download_name=f"claim-{row.claim_id}-{row.kind}-{row.id}{suffix}", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- HR and finance: all claims ---------------------------------------------------------

def _filters() -> dict:
    return {k: (request.args.get(k) or "").strip()[:255] for k in ("status", "category", "department")}


@manage_bp.get("/")
@auth.require_role()
def index():
    _finance_or_hr()
    from lti_tool.hr import queries

    session, page, filters = db.session(), page_number(), _filters()
    organisation_id = auth.current_actor().organisation_id
    rows, total = claims.listing(session, organisation_id, page=page, per_page=PER_PAGE, **filters)
    return render_template("costs/claims.html", rows=rows, total=total, page=page, pages=pages(total),
                           filters=filters, flags=services.over_budget(session, [c for c, _e in rows]),
                           departments=queries.departments(session, organisation_id))


@manage_bp.get("/<int:document_id>")
@auth.require_role()
def show(document_id: int):
    _finance_or_hr()
    session = db.session()
    from lti_tool.db import owned

    claim = owned(session, ExpenseClaim, document_id, auth.current_actor().organisation_id,
                  _("This claim was not found."))
    employee = employee_of(session, auth.current_actor().user_id)
    return _manage_page(claim, employee)


def _manage_page(claim, employee, error: str = "", status: int = 200):
    session = db.session()
    versions = approvals.history(session, services.CLAIM_KIND, claim.id)
    from lti_tool.records.models import Employee

    return render_template("costs/manage_claim.html", claim=claim, versions=versions,
                           latest=versions[0] if versions else None, claimant=session.get(Employee, claim.employee_id),
                           check=services.over_budget(session, [claim])[claim.id],
                           target=claims.target_label(session, claim), error=error,
                           may_pay=services.is_finance(session, claim.organisation_id, employee.id if employee else None)
                           and claim.status == "approved"), status


@manage_bp.post("/<int:document_id>/paid")
@auth.require_role()
def paid(document_id: int):
    session, actor = db.session(), auth.current_actor()
    from lti_tool.db import owned

    claim = owned(session, ExpenseClaim, document_id, actor.organisation_id, _("This claim was not found."))
    employee = employee_of(session, actor.user_id)
    if not services.is_finance(session, actor.organisation_id, employee.id if employee else None):
        raise UserError(_("Only finance marks a claim paid."), 403)
    try:
        claims.mark_paid(session, claim, _me(), request.form.get("reference", ""))
    except UserError as exc:
        if exc.code != 409:
            raise
        return _manage_page(claim, employee, exc.description, 409)
    from lti_tool.audit.actor import audited

    audited("claim.paid", f"{claim.id}: {claim.currency} {money.shown(claim.amount)}", claim_id=claim.id,
            amount=str(claim.amount), reference=claim.payment_reference)
    return redirect(url_for("claims_manage.show", document_id=claim.id), 303)


@manage_bp.get("/claims.xlsx")
@auth.require_role()
def export():
    _finance_or_hr()
    from lti_tool.costs.exports import claims_xlsx

    session, filters = db.session(), _filters()
    rows, _total = claims.listing(session, auth.current_actor().organisation_id, page=1, per_page=100000, **filters)
    body = claims_xlsx(rows, services.over_budget(session, [c for c, _e in rows]), labels(),
                       {c.id: claims.target_label(session, c) for c, _e in rows})
    return xlsx_download(body, "expense-claims.xlsx")
