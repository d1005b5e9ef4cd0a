"""The pages of training costs: the blueprints and what their pages share, and the
budgets (HR edits; HR and finance read budget vs actual). The claims' pages are
:mod:`lti_tool.costs.claim_views`."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.approvals import services as approvals
from lti_tool.costs import money, services
from lti_tool.costs.models import ATTACHMENT_KINDS, CATEGORIES
from lti_tool.downloads import xlsx_download
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.lti.models import Organisation
from lti_tool.practical.helpers import PER_PAGE, page_number, pages
from lti_tool.records.employees import employee_of

budget_bp = Blueprint("budget", __name__, url_prefix="/manage/budget", template_folder="templates")
claims_bp = Blueprint("claims", __name__, url_prefix="/claims", template_folder="templates")
manage_bp = Blueprint("claims_manage", __name__, url_prefix="/manage/claims", template_folder="templates")
hr_only = auth.require_role(roles.HR)


def labels() -> dict:
    return {
        "category_labels": {"trainer_internal": _("Trainer fees (internal)"),
                            "trainer_external": _("Trainer fees (external)"), "venue": _("Venue rental"),
                            "materials": _("Materials and course development"),
                            "external_courses": _("External courses"), "travel": _("Travel"), "other": _("Other")},
        "attachment_labels": {"notice": _("Training notice"), "invoice": _("Invoice"), "summary": _("Summary report")},
        "status_labels": {"draft": _("Draft"), "pending": _("Waiting for approval"), "approved": _("Approved"),
                          "rejected": _("Rejected"), "returned": _("Returned for changes"),
                          "withdrawn": _("Withdrawn"), "paid": _("Paid")},
        "categories": CATEGORIES, "attachment_kinds": ATTACHMENT_KINDS, "money": money.shown,
    }


@budget_bp.context_processor
@claims_bp.context_processor
@manage_bp.context_processor
def _helpers():
    from lti_tool.approvals import _helpers as approval_helpers

    return {**approval_helpers(), **labels()}


def _me() -> approvals.Person:
    actor = auth.current_actor()
    return approvals.person(db.session(), actor.user_id, actor.organisation_id)


def _currency() -> str:
    found = db.session().get(Organisation, auth.current_actor().organisation_id)
    return (found.currency if found is not None else "") or "CNY"


def _finance_or_hr() -> bool:
    """HR or an employee HR named to the finance role; anyone else: 403."""
    actor = auth.current_actor()
    if actor.has(roles.HR):
        return True
    employee = employee_of(db.session(), actor.user_id)
    if not services.is_finance(db.session(), actor.organisation_id, employee.id if employee else None):
        raise UserError(_("Your role in this course does not give access to this page."), 403)
    return False


# -- budgets ----------------------------------------------------------------------------

def _budgets(form=None, errors=None, status: int = 200):
    session, organisation_id, page = db.session(), auth.current_actor().organisation_id, page_number()
    rows, total = services.budgets_page(session, organisation_id, page, PER_PAGE)
    return render_template("costs/budgets.html", budgets=rows, total=total, page=page, pages=pages(total),
                           plans=services.annual_plans(session, organisation_id), form=form or {},
                           errors=errors or {}), status


@budget_bp.get("/")
@hr_only
def index():
    return _budgets()


@budget_bp.post("/")
@hr_only
def create():
    session, actor = db.session(), auth.current_actor()
    try:
        budget = services.create_budget(session, actor.organisation_id, services.parse_budget(request.form),
                                        actor.user_id, _currency())
    except services.Invalid as exc:
        return _budgets(request.form, exc.errors, 422)
    return redirect(url_for("budget.show", document_id=budget.id), 303)


def _budget_page(budget, errors=None, form=None, line_form=None, line_errors=None, status: int = 200):
    from lti_tool.hr.charts import bar_chart

    session = db.session()
    versions = approvals.history(session, services.BUDGET_KIND, budget.id)
    items = services.plan_items_of(session, budget)
    result = services.versus(session, budget)
    names = labels()["category_labels"]
    charts = [bar_chart(_("Budget used per category"),
                        [(names[c], money.percent(v["actual"], v["budget"])) for c, v in result["categories"].items()],
                        maximum=max([100.0] + [money.percent(v["actual"], v["budget"]) or 0
                                               for v in result["categories"].values()]))]
    if items:
        charts.append(bar_chart(_("Budget used per plan item"),
                                [(items[i].topic or items[i].course_id, money.percent(v["actual"], v["budget"]))
                                 for i, v in result["items"].items() if i in items],
                                maximum=max([100.0] + [money.percent(v["actual"], v["budget"]) or 0
                                                       for v in result["items"].values()])))
    return render_template("costs/budget.html", budget=budget, versions=versions,
                           latest=versions[0] if versions else None, items=items, result=result, charts=charts,
                           editable=services.budget_editable(session, budget) and auth.current_actor().has(roles.HR),
                           plans=services.annual_plans(session, budget.organisation_id), errors=errors or {},
                           form=form, line_form=line_form or {}, line_errors=line_errors or {}), status


@budget_bp.get("/<int:document_id>")
@auth.require_role()
def show(document_id: int):
    _finance_or_hr()
    return _budget_page(services.budget_of(db.session(), auth.current_actor().organisation_id, document_id))


@budget_bp.get("/<int:document_id>.xlsx")
@auth.require_role()
def export(document_id: int):
    """Budget vs actual as a spreadsheet, for finance and HR."""
    _finance_or_hr()
    from lti_tool.costs.exports import versus_xlsx

    session = db.session()
    budget = services.budget_of(session, auth.current_actor().organisation_id, document_id)
    body = versus_xlsx(budget, services.versus(session, budget), services.plan_items_of(session, budget), labels())
    return xlsx_download(body, f"budget-{budget.year}.xlsx")


@budget_bp.post("/<int:document_id>")
@hr_only
def update(document_id: int):
    session = db.session()
    budget = services.budget_of(session, auth.current_actor().organisation_id, document_id)
    try:
        services.update_budget(session, budget, services.parse_budget(request.form))
    except services.Invalid as exc:
        return _budget_page(budget, errors=exc.errors, form=request.form, status=422)
    return redirect(url_for("budget.show", document_id=budget.id), 303)


@budget_bp.post("/<int:document_id>/lines")
@hr_only
def add_line(document_id: int):
    session = db.session()
    budget = services.budget_of(session, auth.current_actor().organisation_id, document_id)
    try:
        services.add_line(session, budget, services.parse_line(request.form, budget, services.plan_items_of(session, budget)))
    except services.Invalid as exc:
        return _budget_page(budget, line_form=request.form, line_errors=exc.errors, status=422)
    return redirect(url_for("budget.show", document_id=budget.id, _anchor="lines"), 303)


@budget_bp.post("/<int:document_id>/lines/<int:line_id>/remove")
@hr_only
def remove_line(document_id: int, line_id: int):
    session = db.session()
    budget = services.budget_of(session, auth.current_actor().organisation_id, document_id)
    services.remove_line(session, budget, line_id)
    return redirect(url_for("budget.show", document_id=budget.id, _anchor="lines"), 303)


@budget_bp.post("/<int:document_id>/submit")
@hr_only
def submit(document_id: int):
    session = db.session()
    budget = services.budget_of(session, auth.current_actor().organisation_id, document_id)
    try:
        found = services.submit_budget(session, budget, _me())
    except UserError as exc:
        if exc.code not in (409, 422):
            raise
        return _budget_page(budget, errors={"submit": exc.description}, status=exc.code)
    return redirect(url_for("approvals.show", request_id=found.id), 303)
