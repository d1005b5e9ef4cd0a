"""The training department's plans (``/manage/plans/``, HR): the list, a new plan, a
plan's page (its fields and items, editable until it is submitted; submit for
approval; the approval history) and its spreadsheet."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.approvals import services as approvals
from lti_tool.approvals.models import APPROVED
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.plans import bp, services
from lti_tool.plans.models import KINDS, MODES, REASONS, URGENCIES
from lti_tool.practical.helpers import PER_PAGE, page_number, pages, tr

hr_only = auth.require_role(roles.HR)
manage_bp = Blueprint("manage", __name__, url_prefix="/manage", template_folder="templates")


@manage_bp.get("/", endpoint="index")
@hr_only
def manage():
    """The training department's section (seed 二–四): needs, plans, assigned training,
    approvers and question banks, each with what waits there."""
    from sqlalchemy import func, select

    from lti_tool.approvals.models import PENDING, ApprovalRequest
    from lti_tool.needs.models import OPEN, NeedsSurvey

    session, organisation_id = db.session(), _organisation()
    waiting = session.scalar(select(func.count()).select_from(ApprovalRequest).where(
        ApprovalRequest.organisation_id == organisation_id, ApprovalRequest.state == PENDING))
    surveys = session.scalar(select(func.count()).select_from(NeedsSurvey).where(
        NeedsSurvey.organisation_id == organisation_id, NeedsSurvey.status == OPEN))
    return render_template("plans/manage.html", waiting=waiting, surveys=surveys)



def labels() -> dict:
    return {
        "plan_kinds": KINDS, "plan_modes": MODES, "plan_reasons": REASONS, "plan_urgencies": URGENCIES,
        "kind_labels": {k: str(v) for k, v in services.KIND_LABELS.items()},
        "reason_labels": {"new_product": _("New product launch"), "new_business": _("New business"),
                          "complaint": _("Customer complaints"), "other": _("Other")},
        "urgency_labels": {"normal": _("Normal"), "urgent": _("Urgent")},
        "mode_labels": {"internal": _("Internal training"), "external": _("External training"),
                        "online": _("Online learning"), "practical": _("Practical training")},
    }


def _organisation() -> int:
    return auth.current_actor().organisation_id


def catalogue(organisation_id: int | None = None) -> dict[str, str]:
    """The catalogue's courses, by id, with their titles in the page's language: the
    library's, then the organisation's own (never another organisation's);
    ``organisation_id``: whose (the acting user's organisation by default)."""
    from lti_tool.banks.courses import own_items
    from lti_tool.catalog.library import load_library

    library = load_library(current_app.config["SETTINGS"].resolved_content_path, strict=False)
    courses = {course_id: tr(dict(course.manifest.title)) for course_id, course in sorted(library.courses.items())}
    for item in own_items(db.session(), organisation_id if organisation_id is not None else _organisation()):
        if item.kind == "course":
            courses.setdefault(item.id, tr(item.titles.model_dump(by_alias=True)))
    return courses


@bp.get("/")
@hr_only
def index():
    session, page = db.session(), page_number()
    kind = request.args.get("kind", "")
    try:
        year = int(request.args.get("year") or 0) or None
    except ValueError:
        year = None
    rows, total = services.plans_page(session, _organisation(), kind, year, page, PER_PAGE)
    return render_template("plans/index.html", plans=rows, total=total, page=page, pages=pages(total),
                           latest=services.latest_requests(session, rows), kind=kind, year=year or "",
                           annual=services.annual_plans(session, _organisation()), form={}, errors={})


@bp.post("/")
@hr_only
def create():
    session = db.session()
    try:
        fields = services.parse_plan(request.form)
        plan = services.create(session, _organisation(), fields, auth.current_actor().user_id)
    except services.Invalid as exc:
        rows, total = services.plans_page(session, _organisation(), "", None, 1, PER_PAGE)
        return render_template("plans/index.html", plans=rows, total=total, page=1, pages=pages(total),
                               latest=services.latest_requests(session, rows), kind="", year="",
                               annual=services.annual_plans(session, _organisation()),
                               form=request.form, errors=exc.errors), 422
    return redirect(url_for("plans.show", document_id=plan.id), 303)


def _page(plan, errors: dict | None = None, form=None, item_form=None, item_errors: dict | None = None,
          status: int = 200, **context):
    """The plan's page (``context``: what this blueprint's helpers give, for a page
    rendered from another blueprint's view)."""
    session = db.session()
    kind = services.approval_kind(plan.kind)
    versions = approvals.history(session, kind, plan.id)
    courses = catalogue()
    approved = bool(versions and versions[0].state == APPROVED)
    from lti_tool.plans.delivery import sessions_of

    return render_template(
        "plans/plan.html", plan=plan, editable=services.editable(session, plan), versions=versions,
        latest=versions[0] if versions else None, approved=approved,
        delivered=sessions_of(session, [i.id for i in plan.items]) if approved else {},
        courses=courses, annual=services.annual_plans(session, plan.organisation_id),
        annual_plan=session.get(type(plan), plan.annual_plan_id) if plan.annual_plan_id else None,
        errors=errors or {}, form=form, item_form=item_form or {}, item_errors=item_errors or {},
        **_needs_reports(session, plan), **context), status


def _needs_reports(session, plan) -> dict:
    """An annual plan's approved needs analysis reports (seed 四(一)), and those it may name."""
    from lti_tool.needs import report
    from lti_tool.plans.models import ANNUAL

    if plan.kind != ANNUAL:
        return {"needs_reports": [], "report_choices": []}
    return {"needs_reports": report.linked(session, plan.id),
            "report_choices": report.approved_reports(session, plan.organisation_id)}


@bp.get("/<int:document_id>")
@hr_only
def show(document_id: int):
    return _page(services.plan_of(db.session(), _organisation(), document_id))


@bp.post("/<int:document_id>")
@hr_only
def update(document_id: int):
    session = db.session()
    plan = services.plan_of(session, _organisation(), document_id)
    try:
        services.update(session, plan, services.parse_plan(request.form, kind=plan.kind))
    except services.Invalid as exc:
        return _page(plan, errors=exc.errors, form=request.form, status=422)
    return redirect(url_for("plans.show", document_id=plan.id), 303)


@bp.post("/<int:document_id>/items")
@hr_only
def add_item(document_id: int):
    session = db.session()
    plan = services.plan_of(session, _organisation(), document_id)
    try:
        services.add_item(session, plan, services.parse_item(request.form, plan, set(catalogue())))
    except services.Invalid as exc:
        return _page(plan, item_form=request.form, item_errors=exc.errors, status=422)
    return redirect(url_for("plans.show", document_id=plan.id, _anchor="items"), 303)


@bp.post("/<int:document_id>/items/<int:item_id>/remove")
@hr_only
def remove_item(document_id: int, item_id: int):
    session = db.session()
    plan = services.plan_of(session, _organisation(), document_id)
    services.remove_item(session, plan, item_id)
    return redirect(url_for("plans.show", document_id=plan.id, _anchor="items"), 303)


@bp.post("/<int:document_id>/submit")
@hr_only
def submit(document_id: int):
    session = db.session()
    plan = services.plan_of(session, _organisation(), document_id)
    actor = auth.current_actor()
    try:
        found = services.submit(session, plan, approvals.person(session, actor.user_id, actor.organisation_id))
    except UserError as exc:
        if exc.code not in (409, 422):
            raise
        return _page(plan, errors={"submit": exc.description}, status=exc.code)
    return redirect(url_for("approvals.show", request_id=found.id), 303)


@bp.get("/<int:document_id>.pdf")
@hr_only
def export_pdf(document_id: int):
    from lti_tool.downloads import pdf_download

    session = db.session()
    plan = services.plan_of(session, _organisation(), document_id)
    versions = approvals.history(session, services.approval_kind(plan.kind), plan.id)
    html = render_template("plans/plan_pdf.html", plan=plan, courses=catalogue(), versions=versions,
                           latest=versions[0] if versions else None, **_needs_reports(session, plan))
    return pdf_download(html, f"plan-{plan.year}-{plan.kind}-{plan.id}.pdf")


@bp.get("/<int:document_id>.xlsx")
@hr_only
def export(document_id: int):
    from lti_tool.downloads import xlsx_download
    from lti_tool.plans.exports import plan_xlsx

    plan = services.plan_of(db.session(), _organisation(), document_id)
    return xlsx_download(plan_xlsx(plan, catalogue(), labels()), f"plan-{plan.year}-{plan.kind}-{plan.id}.xlsx")

