"""Assigned training: the training department's assignments (``/manage/assignments/``,
HR) with each member's status and the overdue per department, and the learner's own
list (``/learn/assigned``, "My assigned training / 我的必修培训")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.audit.actor import audited
from lti_tool.lti import roles
from lti_tool.plans import assignments
from lti_tool.plans.models import PlanItem
from lti_tool.plans.services import Invalid
from lti_tool.plans.views import catalogue
from lti_tool.practical.helpers import PER_PAGE, organisation_zone, page_number, pages

bp = Blueprint("assignments", __name__, url_prefix="/manage/assignments", template_folder="templates")
learner_bp = Blueprint("assigned", __name__, url_prefix="/learn/assigned", template_folder="templates")
hr_only = auth.require_role(roles.HR)


def status_labels() -> dict:
    return {assignments.DONE: _("Completed"), assignments.IN_PROGRESS: _("In progress"),
            assignments.NOT_STARTED: _("Not started"), assignments.OVERDUE: _("Overdue")}


@bp.context_processor
@learner_bp.context_processor
def _helpers():
    from lti_tool.practical.helpers import template_helpers

    return {**template_helpers(), "assignment_status": status_labels()}


def today():
    return datetime.now(ZoneInfo(organisation_zone())).date()


def _index(form=None, errors=None, status: int = 200):
    session, organisation_id, page = db.session(), auth.current_actor().organisation_id, page_number()
    rows, total, sizes = assignments.assignments_page(session, organisation_id, page, PER_PAGE)
    from lti_tool.hr import queries

    item = None
    source = (form or request.args).get("plan_item_id", "")
    if source.isdigit():
        item = session.get(PlanItem, int(source))
        if item is not None and item.plan.organisation_id != organisation_id:
            item = None
    return render_template("plans/assignments.html", rows=rows, total=total, page=page, pages=pages(total),
                           sizes=sizes, courses=catalogue(), departments=queries.departments(session, organisation_id),
                           form=form or ({"course_id": item.course_id, "plan_item_id": str(item.id)} if item else {}),
                           item=item, errors=errors or {}), status


@bp.get("/")
@hr_only
def index():
    return _index()


@bp.post("/")
@hr_only
def create():
    session, actor = db.session(), auth.current_actor()
    try:
        target = assignments.parse(request.form, set(catalogue()))
        assignment = assignments.create(session, actor.organisation_id, target, actor.user_id)
    except Invalid as exc:
        return _index(request.form, exc.errors, 422)
    audited("assignment.created", f"{assignment.course_id} due {assignment.due_on}", assignment_id=assignment.id)
    return redirect(url_for("assignments.show", assignment_id=assignment.id), 303)


@bp.get("/<int:assignment_id>")
@hr_only
def show(assignment_id: int):
    session = db.session()
    found = assignments.assignment_of(session, auth.current_actor().organisation_id, assignment_id)
    only = request.args.get("status", "")
    only = only if only in status_labels() else ""
    page = page_number()
    rows, total, counts, overdue = assignments.members(session, found, today(), only, page, PER_PAGE)
    return render_template("plans/assignment.html", a=found, rows=rows, total=total, page=page, pages=pages(total),
                           counts=counts, overdue=sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0])),
                           only=only, courses=catalogue())


@bp.post("/<int:assignment_id>/refresh")
@hr_only
def refresh(assignment_id: int):
    session = db.session()
    found = assignments.assignment_of(session, auth.current_actor().organisation_id, assignment_id)
    added = assignments.add_matching(session, found)
    from flask import flash

    flash(_("%(n)d employees added who now match.", n=added), "success")
    return redirect(url_for("assignments.show", assignment_id=found.id), 303)


@learner_bp.get("/")
@auth.require_role()
def mine():
    from lti_tool.records.employees import employee_of

    session = db.session()
    employee = employee_of(session, auth.current_actor().user_id)
    rows = assignments.mine(session, employee.id, today()) if employee else []
    return render_template("plans/assigned.html", rows=rows, courses=catalogue())
