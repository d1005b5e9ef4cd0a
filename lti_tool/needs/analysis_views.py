"""The training department's inputs and analyses under ``/manage/needs/`` (HR only,
one organisation): the customer feedback import (template, dry run, apply, the
imported rows), industry and technology items (list, add, change, delete), and the
analysis page (filters, the three analyses with their charts, the map of positions,
fault categories and products to courses, and the thresholds)."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db, spreadsheet
from lti_tool.audit.actor import audited
from lti_tool.errors import UserError
from lti_tool.needs import analysis, feedback, industry, mapping
from lti_tool.needs.analysis_models import LINK_KINDS, RELEVANCE
from lti_tool.needs.views import bp, hr_only
from lti_tool.plans.services import Invalid
from lti_tool.plans.views import catalogue
from lti_tool.practical.helpers import PER_PAGE, page_number, pages


def _organisation() -> int:
    return auth.current_actor().organisation_id


def _labels() -> dict:
    return {"relevance": {"high": _("High"), "medium": _("Medium"), "low": _("Low")},
            "kinds": {"complaint": _("Complaint"), "satisfaction": _("Satisfaction")},
            "links": {"position": _("Position"), "fault": _("Fault category"), "product": _("Product")}}


# -- customer feedback ----------------------------------------------------------------


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "feedback-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _feedback_page(plan=None, status: int = 200, **extra):
    page = page_number()
    rows, total = feedback.listed(db.session(), _organisation(), page, PER_PAGE)
    return render_template("needs/feedback.html", plan=plan, rows=rows, total=total, page=page, pages=pages(total),
                           labels=_labels(), **extra), status


@bp.get("/feedback")
@hr_only
def feedback_index():
    return _feedback_page()


@bp.post("/feedback")
@hr_only
def feedback_upload():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UserError(_("Choose a .csv or .xlsx file to upload."), 422)
    data = upload.read(feedback.MAX_BYTES + 1)
    plan = feedback.plan(db.session(), _organisation(), upload.filename, data)
    ticket = ""
    if plan.ok and plan.new:  # kept until confirmed: the dry run and the import read the same bytes
        ticket = secrets.token_urlsafe(16)
        suffix = ".xlsx" if upload.filename.lower().endswith(".xlsx") else ".csv"
        (_upload_dir() / f"{_organisation()}-{ticket}{suffix}").write_bytes(data)
    return _feedback_page(plan, 200 if plan.ok else 422, ticket=ticket, filename=upload.filename,
                          digest=hashlib.sha256(data).hexdigest()[:12])


@bp.post("/feedback/apply")
@hr_only
def feedback_apply():
    ticket = request.form.get("ticket", "")
    valid = ticket and ticket.replace("-", "").replace("_", "").isalnum()
    matches = list(_upload_dir().glob(f"{_organisation()}-{ticket}.*")) if valid else []
    if len(matches) != 1:
        raise UserError(_("This import was already applied or has expired. Upload the file again."), 404)
    path = matches[0]
    plan = feedback.plan(db.session(), _organisation(), path.name, path.read_bytes())
    if not plan.ok:
        raise UserError(_("The file no longer passes the checks. Upload it again."), 422)
    added = feedback.apply(db.session(), _organisation(), plan, auth.current_actor().user_id)
    audited("customer_feedback.imported", f"customer feedback import ({added} rows)", added=added,
            already=plan.already, repeated=plan.repeated)
    path.unlink(missing_ok=True)
    flash(_("Customer feedback imported: %(n)d new rows.", n=added), "success")
    return redirect(url_for("needs.feedback_index"), 303)


@bp.get("/feedback/template.<fmt>")
@hr_only
def feedback_template(fmt: str):
    from flask import Response

    from lti_tool import i18n

    header = [en if i18n.current() == "en" else zh for _name, en, zh in feedback.TEMPLATE]
    if fmt == "csv":
        return Response(spreadsheet.csv_bytes(header, feedback.EXAMPLES), mimetype=spreadsheet.MIME_CSV,
                        headers={"Content-Disposition": "attachment; filename=customer-feedback.csv"})
    if fmt != "xlsx":
        raise UserError(_("The template comes as .xlsx or .csv."), 404)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "feedback"
    spreadsheet.append(sheet, header)
    for example in feedback.EXAMPLES:
        spreadsheet.append(sheet, example)
    return Response(spreadsheet.xlsx_bytes(book), mimetype=spreadsheet.MIME_XLSX,
                    headers={"Content-Disposition": "attachment; filename=customer-feedback.xlsx"})


# -- industry and technology items ----------------------------------------------------


def _industry_page(form=None, errors=None, status: int = 200):
    page = page_number()
    rows, total = industry.listed(db.session(), _organisation(), page, PER_PAGE)
    return render_template("needs/industry.html", rows=rows, total=total, page=page, pages=pages(total),
                           form=form or {}, errors=errors or {}, courses=catalogue(), labels=_labels(),
                           relevances=RELEVANCE), status


@bp.get("/industry")
@hr_only
def industry_index():
    return _industry_page()


@bp.post("/industry")
@hr_only
def industry_create():
    actor = auth.current_actor()
    try:
        item = industry.create(db.session(), actor.organisation_id, industry.parse(request.form, catalogue()),
                               actor.user_id)
    except Invalid as exc:
        return _industry_page(_form(), exc.errors, 422)
    audited("industry_item.created", item.topic, industry_item_id=item.id)
    flash(_("Industry item recorded."), "success")
    return redirect(url_for("needs.industry_index"), 303)


def _form() -> dict:
    return {**request.form.to_dict(), "course_ids": request.form.getlist("course_ids")}


def _edit_page(item, form, errors=None, status: int = 200):
    return render_template("needs/industry_edit.html", item=item, form=form, errors=errors or {},
                           courses=catalogue(), labels=_labels(), relevances=RELEVANCE), status


@bp.get("/industry/<int:item_id>")
@hr_only
def industry_edit(item_id: int):
    item = industry.item_of(db.session(), _organisation(), item_id)
    return _edit_page(item, industry.as_form(item))


@bp.post("/industry/<int:item_id>")
@hr_only
def industry_update(item_id: int):
    item = industry.item_of(db.session(), _organisation(), item_id)
    try:
        industry.update(db.session(), item, industry.parse(request.form, catalogue()))
    except Invalid as exc:
        return _edit_page(item, _form(), exc.errors, 422)
    audited("industry_item.changed", item.topic, industry_item_id=item.id)
    flash(_("Industry item saved."), "success")
    return redirect(url_for("needs.industry_index"), 303)


@bp.post("/industry/<int:item_id>/delete")
@hr_only
def industry_delete(item_id: int):
    session = db.session()
    item = industry.item_of(session, _organisation(), item_id)
    audited("industry_item.deleted", item.topic, industry_item_id=item.id)
    session.delete(item)
    session.flush()
    flash(_("Industry item deleted."), "success")
    return redirect(url_for("needs.industry_index"), 303)


# -- analysis -------------------------------------------------------------------------


def _filters() -> dict:
    raw_year = (request.args.get("year") or "").strip()
    year = None
    if raw_year:
        if not raw_year.isdigit() or not 2000 <= int(raw_year) <= 2100:
            raise UserError(_("The year is a number such as 2026."), 400)
        year = int(raw_year)
    return {"year": year, "department": (request.args.get("department") or "").strip()[:255] or None,
            "position": (request.args.get("position") or "").strip()[:255] or None}


def _choices() -> dict:
    from sqlalchemy import select

    from lti_tool.records.models import Employee

    rows = db.session().execute(select(Employee.department, Employee.position).where(
        Employee.organisation_id == _organisation()).distinct()).all()
    return {"departments": sorted({d for d, _p in rows if d}), "positions": sorted({p for _d, p in rows if p})}


def _analysis_page(settings_form=None, link_form=None, errors=None, status: int = 200):
    session, organisation_id, page = db.session(), _organisation(), page_number()
    filters = _filters()
    links, total = mapping.links_page(session, organisation_id, page, PER_PAGE)
    settings = mapping.settings_of(session, organisation_id)
    shown, paging = [], {}
    for found in analysis.analyses(session, organisation_id, **filters):  # each table pages on its own
        try:
            number = max(1, int(request.args.get(f"{found.key}_page", 1)))
        except ValueError:
            number = 1
        count = pages(len(found.rows))
        args = {k: v for k, v in filters.items() if v}
        link = lambda n, key=found.key, args=args: url_for(  # noqa: E731
            "needs.analysis_page", **args, **{f"{key}_page": n}) + f"#analysis-{key}"
        paging[found.key] = (number, count, link(number - 1) if number > 1 else "",
                             link(number + 1) if number < count else "")
        found.rows = found.rows[(number - 1) * PER_PAGE:number * PER_PAGE]
        shown.append(found)
    return render_template(
        "needs/analysis.html", analyses=shown, paging=paging, filters=filters,
        choices=_choices(), links=links, total=total, page=page, pages=pages(total), courses=catalogue(),
        labels=_labels(), link_kinds=LINK_KINDS, errors=errors or {}, link_form=link_form or {},
        settings_form=settings_form or {"pass_threshold": settings.pass_threshold,
                                        "satisfaction_threshold": settings.satisfaction_threshold,
                                        "complaint_threshold": settings.complaint_threshold}), status


@bp.get("/analysis")
@hr_only
def analysis_page():
    return _analysis_page()


@bp.post("/analysis/settings")
@hr_only
def analysis_settings():
    try:
        values = mapping.parse_settings(request.form)
    except Invalid as exc:
        return _analysis_page(settings_form=request.form, errors=exc.errors, status=422)
    mapping.save_settings(db.session(), _organisation(), values)
    audited("needs_analysis.thresholds_changed", "needs analysis thresholds", **values)
    flash(_("Thresholds saved."), "success")
    return redirect(url_for("needs.analysis_page"), 303)


@bp.post("/analysis/links")
@hr_only
def analysis_link_add():
    try:
        values = mapping.parse_link(request.form, catalogue())
    except Invalid as exc:
        return _analysis_page(link_form=request.form, errors=exc.errors, status=422)
    link, added = mapping.add_link(db.session(), _organisation(), values)
    if added:
        audited("needs_analysis.link_added", f"{link.kind} {link.name} → {link.course_id}", link_id=link.id)
    flash(_("Link saved."), "success")
    return redirect(url_for("needs.analysis_page") + "#links", 303)


@bp.post("/analysis/links/<int:link_id>/delete")
@hr_only
def analysis_link_delete(link_id: int):
    session = db.session()
    link = mapping.link_of(session, _organisation(), link_id)
    audited("needs_analysis.link_removed", f"{link.kind} {link.name} → {link.course_id}", link_id=link.id)
    session.delete(link)
    session.flush()
    flash(_("Link removed."), "success")
    return redirect(url_for("needs.analysis_page") + "#links", 303)
