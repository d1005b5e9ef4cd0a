"""The needs analysis report's pages (``/manage/needs/reports/``, HR): the list, a new
report for a year (drafted from that year's data), its page (the four texts, editable
until submitted, around the computed tables; submit; the approval history) and its PDF;
and, on an annual plan's page, naming the approved reports it answers."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.approvals import services as approvals
from lti_tool.approvals.views import labels as approval_labels
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.needs import report
from lti_tool.needs.views import bp
from lti_tool.practical.helpers import PER_PAGE, page_number, pages

hr_only = auth.require_role(roles.HR)


def _organisation() -> int:
    return auth.current_actor().organisation_id


def _list(form=None, errors=None, status: int = 200):
    from lti_tool.plans.assignment_views import today

    session, page = db.session(), page_number()
    rows, total = report.reports_page(session, _organisation(), page, PER_PAGE)
    return render_template("needs/reports.html", rows=rows, total=total, page=page, pages=pages(total),
                           latest=report.latest_requests(session, rows), form=form or {"year": str(today().year)},
                           errors=errors or {}, **approval_labels()), status


@bp.get("/reports/")
@hr_only
def reports():
    return _list()


@bp.post("/reports/")
@hr_only
def create_report():
    from lti_tool.audit.actor import audited

    session, actor = db.session(), auth.current_actor()
    try:
        found = report.create(session, actor.organisation_id, report.parse_year(request.form.get("year", "")),
                              actor.user_id)
    except report.Invalid as exc:
        return _list(request.form, exc.errors, 422)
    audited("needs_report.created", found.title, report_id=found.id)
    return redirect(url_for("needs.report", document_id=found.id), 303)


def _page(found, errors: dict | None = None, form=None, status: int = 200):
    session = db.session()
    versions = approvals.history(session, report.KIND, found.id)
    return render_template(
        "needs/report.html", report=found, tables=report.tables_of(found), sections=report.section_labels(),
        text=report.render_text, editable=report.editable(session, found), versions=versions,
        latest=versions[0] if versions else None, plans=report.plans_answering(session, found.id),
        errors=errors or {}, form=form, **approval_labels()), status


@bp.get("/reports/<int:document_id>", endpoint="report")
@hr_only
def report_page(document_id: int):
    return _page(report.report_of(db.session(), _organisation(), document_id))


@bp.post("/reports/<int:document_id>")
@hr_only
def update_report(document_id: int):
    session = db.session()
    found = report.report_of(session, _organisation(), document_id)
    try:
        report.update(session, found, report.parse_texts(request.form))
    except report.Invalid as exc:
        return _page(found, errors=exc.errors, form=request.form, status=422)
    return redirect(url_for("needs.report", document_id=found.id), 303)


@bp.post("/reports/<int:document_id>/refresh")
@hr_only
def refresh_report(document_id: int):
    session = db.session()
    report.refresh(session, report.report_of(session, _organisation(), document_id))
    return redirect(url_for("needs.report", document_id=document_id, _anchor="tables"), 303)


@bp.post("/reports/<int:document_id>/submit")
@hr_only
def submit_report(document_id: int):
    session, actor = db.session(), auth.current_actor()
    found = report.report_of(session, actor.organisation_id, document_id)
    try:
        sent = report.submit(session, found, approvals.person(session, actor.user_id, actor.organisation_id))
    except UserError as exc:
        if exc.code != 422:
            raise
        return _page(found, errors={"submit": exc.description}, status=exc.code)
    return redirect(url_for("approvals.show", request_id=sent.id), 303)


@bp.get("/reports/<int:document_id>.pdf")
@hr_only
def report_pdf(document_id: int):
    from lti_tool.downloads import pdf_download

    session = db.session()
    found = report.report_of(session, _organisation(), document_id)
    versions = approvals.history(session, report.KIND, found.id)
    html = render_template("needs/report_pdf.html", report=found, tables=report.tables_of(found),
                           sections=report.section_labels(), text=report.render_text, versions=versions,
                           latest=versions[0] if versions else None,
                           plans=report.plans_answering(session, found.id), **approval_labels())
    return pdf_download(html, f"needs-report-{found.year}-{found.id}.pdf")


# -- an annual plan (its page's form): the approved reports it answers -------------------------------------

@bp.post("/reports/plans/<int:document_id>")
@hr_only
def link_needs_report(document_id: int):
    from lti_tool.plans import _helpers, services as plans
    from lti_tool.plans.views import _page

    def plan_page(plan, errors, status):  # the plan's own page, with its blueprint's helpers
        return _page(plan, errors=errors, status=status, **_helpers())

    session = db.session()
    plan = plans.plan_of(session, _organisation(), document_id)
    try:
        report_id = int(request.form.get("report_id", ""))
    except ValueError:
        return plan_page(plan, errors={"report": _("Choose an approved needs analysis report.")}, status=422)
    try:
        report.link(session, plan, report_id)
    except report.Invalid as exc:
        return plan_page(plan, errors=exc.errors, status=422)
    return redirect(url_for("plans.show", document_id=plan.id, _anchor="needs-reports"), 303)


@bp.post("/reports/plans/<int:document_id>/<int:report_id>/remove")
@hr_only
def unlink_needs_report(document_id: int, report_id: int):
    from lti_tool.plans import services as plans

    session = db.session()
    plan = plans.plan_of(session, _organisation(), document_id)
    report.unlink(session, plan, report_id)
    return redirect(url_for("plans.show", document_id=plan.id, _anchor="needs-reports"), 303)
