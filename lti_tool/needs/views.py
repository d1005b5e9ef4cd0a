"""The training department's needs surveys (``/manage/needs/``, HR): make, open, close,
read the response rate and the summary with charts; and the employee's side
(``/needs/``): the open surveys that ask them, answered and changed until the deadline."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.lti import roles
from lti_tool.needs import services
from lti_tool.needs.models import CLOSED, DRAFT, OPEN, NeedsSurvey
from lti_tool.plans.assignment_views import today
from lti_tool.plans.services import Invalid
from lti_tool.plans.views import catalogue
from lti_tool.practical.helpers import PER_PAGE, page_number, pages

bp = Blueprint("needs", __name__, url_prefix="/manage/needs", template_folder="templates")
learner_bp = Blueprint("needs_answer", __name__, url_prefix="/needs", template_folder="templates")
hr_only = auth.require_role(roles.HR)


@bp.context_processor
@learner_bp.context_processor
def _helpers():
    from lti_tool.practical.helpers import template_helpers

    return {**template_helpers(), "survey_states": {DRAFT: _("Draft"), OPEN: _("Open"), CLOSED: _("Closed")}}


def _index(form=None, errors=None, status: int = 200):
    from sqlalchemy import func, select

    session, organisation_id, page = db.session(), auth.current_actor().organisation_id, page_number()
    query = select(NeedsSurvey).where(NeedsSurvey.organisation_id == organisation_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(session.scalars(query.order_by(NeedsSurvey.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    form = form or {"topics": "\n".join(catalogue().values())}
    return render_template("needs/index.html", rows=rows, total=total, page=page, pages=pages(total), form=form,
                           errors=errors or {}), status


@bp.get("/")
@hr_only
def index():
    return _index()


@bp.post("/")
@hr_only
def create():
    from lti_tool.audit.actor import audited

    actor = auth.current_actor()
    try:
        survey = services.create(db.session(), actor.organisation_id, services.parse(request.form), actor.user_id)
    except Invalid as exc:
        return _index(request.form, exc.errors, 422)
    audited("needs_survey.created", survey.title, survey_id=survey.id)
    return redirect(url_for("needs.show", survey_id=survey.id), 303)


@bp.get("/<int:survey_id>")
@hr_only
def show(survey_id: int):
    survey = services.survey_of(db.session(), auth.current_actor().organisation_id, survey_id)
    s = services.summary(db.session(), survey)
    from lti_tool.needs.report import survey_charts

    figures = survey_charts(s)  # the same charts as in the needs analysis report
    return render_template("needs/survey.html", survey=survey, s=s, figures=figures)


@bp.post("/<int:survey_id>/status")
@hr_only
def set_status(survey_id: int):
    session = db.session()
    survey = services.survey_of(session, auth.current_actor().organisation_id, survey_id)
    services.set_status(session, survey, request.form.get("status", ""))
    return redirect(url_for("needs.show", survey_id=survey.id), 303)


def _employee():
    from lti_tool.records.employees import employee_of

    employee = employee_of(db.session(), auth.current_actor().user_id)
    if employee is None:
        from lti_tool.errors import UserError

        raise UserError(_("This survey was not found."), 404)
    return employee


@learner_bp.get("/")
@auth.require_role()
def mine():
    from lti_tool.records.employees import employee_of

    employee = employee_of(db.session(), auth.current_actor().user_id)
    rows = services.open_for(db.session(), employee, today()) if employee else []
    return render_template("needs/mine.html", rows=rows)


def _answer_page(survey, employee, response=None, form=None, errors=None, status: int = 200):
    return render_template("needs/answer.html", survey=survey, response=response, form=form, errors=errors or {},
                           head=services.heads_department(db.session(), employee)), status


@learner_bp.get("/<int:survey_id>")
@auth.require_role()
def answer_form(survey_id: int):
    employee = _employee()
    for survey, response in services.open_for(db.session(), employee, today()):
        if survey.id == survey_id:
            return _answer_page(survey, employee, response)
    from lti_tool.errors import UserError

    raise UserError(_("This survey was not found or is closed."), 404)


@learner_bp.post("/<int:survey_id>")
@auth.require_role()
def answer(survey_id: int):
    session, employee = db.session(), _employee()
    survey = session.get(NeedsSurvey, survey_id)
    if survey is None or survey.organisation_id != employee.organisation_id:
        from lti_tool.errors import UserError

        raise UserError(_("This survey was not found."), 404)
    try:
        services.answer(session, survey, employee, request.form, today())
    except Invalid as exc:
        return _answer_page(survey, employee, form=request.form, errors=exc.errors, status=422)
    from flask import flash

    flash(_("Thank you: your answers are saved. You can change them until the deadline."), "success")
    return redirect(url_for("needs_answer.answer_form", survey_id=survey.id), 303)
