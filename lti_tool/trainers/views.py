"""The trainer pool's pages: the training department's (``/manage/trainers/``, HR) and
the employee's and department head's (``/trainers/``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.approvals import services as approvals
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.plans.services import Invalid
from lti_tool.plans.views import catalogue
from lti_tool.practical.helpers import PER_PAGE, page_number, pages
from lti_tool.trainers import services
from lti_tool.trainers.models import CRITERIA, EXTERNAL, INTERNAL, KINDS, SOURCES

bp = Blueprint("trainers", __name__, url_prefix="/manage/trainers", template_folder="templates")
learner_bp = Blueprint("trainer_candidacy", __name__, url_prefix="/trainers", template_folder="templates")
hr_only = auth.require_role(roles.HR)


def labels() -> dict:
    return {"criteria": CRITERIA, "trainer_kinds": KINDS,
            "kind_labels": {INTERNAL: _("Internal trainer"), EXTERNAL: _("External trainer")},
            "source_labels": dict(zip(SOURCES, (_("Self-nominated"), _("Recommended by the department head"),
                                                _("Added by the training department")))),
            "criterion_labels": {"knowledge": _("Professional knowledge"), "practice": _("Practical experience"),
                                 "communication": _("Communication"), "teaching": _("Teaching ability")},
            "overall": services.overall}


@bp.context_processor
@learner_bp.context_processor
def _helpers():
    from lti_tool.approvals import _helpers as approval_helpers

    return {**approval_helpers(), **labels()}


def _actor():
    return auth.current_actor()


def _person():
    actor = _actor()
    return approvals.person(db.session(), actor.user_id, actor.organisation_id)


def _index(form=None, errors=None, status: int = 200):
    session, page = db.session(), page_number()
    kind, state, q = request.args.get("kind", ""), request.args.get("status", ""), request.args.get("q", "").strip()
    rows, total = services.pool_page(session, _actor().organisation_id, page, PER_PAGE, kind, state, q)
    return render_template("trainers/index.html", rows=rows, total=total, page=page, pages=pages(total),
                           latest=services.states(session, rows), courses=catalogue(), kind=kind, status=state,
                           q=q, form=form or {}, errors=errors or {}), status


@bp.get("/")
@hr_only
def index():
    return _index()


@bp.post("/")
@hr_only
def create():
    from lti_tool.audit.actor import audited

    session, actor = db.session(), _actor()
    try:
        trainer = services.add(session, actor.organisation_id, services.parse(request.form, set(catalogue())),
                               actor.user_id)
    except Invalid as exc:
        return _index(request.form, exc.errors, 422)
    audited("trainer.added", trainer.name, trainer_id=trainer.id)
    return redirect(url_for("trainers.show", trainer_id=trainer.id), 303)


def _page(trainer, errors=None, form=None, status: int = 200):
    session = db.session()
    versions = approvals.history(session, services.APPROVAL_KIND, trainer.id)
    return render_template("trainers/trainer.html", t=trainer, versions=versions,
                           latest=versions[0] if versions else None, editable=services.editable(session, trainer),
                           courses=catalogue(), errors=errors or {}, form=form), status


@bp.get("/<int:trainer_id>")
@hr_only
def show(trainer_id: int):
    return _page(services.trainer_of(db.session(), _actor().organisation_id, trainer_id))


@bp.post("/<int:trainer_id>")
@hr_only
def update(trainer_id: int):
    session = db.session()
    trainer = services.trainer_of(session, _actor().organisation_id, trainer_id)
    try:
        services.update(session, trainer, services.parse(request.form, set(catalogue()), kind=trainer.kind))
    except Invalid as exc:
        return _page(trainer, exc.errors, request.form, 422)
    return redirect(url_for("trainers.show", trainer_id=trainer.id), 303)


@bp.post("/<int:trainer_id>/assessment")
@hr_only
def assess(trainer_id: int):
    session = db.session()
    trainer = services.trainer_of(session, _actor().organisation_id, trainer_id)
    try:
        services.assess(session, trainer, request.form, _actor().user_id)
    except Invalid as exc:
        return _page(trainer, exc.errors, request.form, 422)
    return redirect(url_for("trainers.show", trainer_id=trainer.id, _anchor="assessment"), 303)


@bp.post("/<int:trainer_id>/submit")
@hr_only
def submit(trainer_id: int):
    session = db.session()
    trainer = services.trainer_of(session, _actor().organisation_id, trainer_id)
    try:
        found = services.submit(session, trainer, _person())
    except UserError as exc:
        if exc.code not in (409, 422):
            raise
        return _page(trainer, {"submit": exc.description}, status=exc.code)
    return redirect(url_for("approvals.show", request_id=found.id), 303)


def _employee():
    from lti_tool.records.employees import employee_of

    return employee_of(db.session(), _actor().user_id)


def _candidacy_page(form=None, errors=None, recommend_form=None, recommend_errors=None, status: int = 200):
    session, employee = db.session(), _employee()
    mine = services.own_candidacy(session, employee) if employee else None
    latest = approvals.latest(session, services.APPROVAL_KIND, mine.id) if mine else None
    return render_template("trainers/candidacy.html", employee=employee, mine=mine, latest=latest,
                           heads=services.headed_departments(session, _person()), courses=catalogue(),
                           form=form or {}, errors=errors or {}, recommend_form=recommend_form or {},
                           recommend_errors=recommend_errors or {}), status


@learner_bp.get("/")
@auth.require_role()
def candidacy():
    return _candidacy_page()


@learner_bp.post("/nominate")
@auth.require_role()
def nominate():
    employee = _employee()
    if employee is None:
        raise UserError(_("Only employees known to the training department can put themselves forward."), 403)
    try:
        services.nominate_self(db.session(), employee, services.parse(request.form, set(catalogue()), kind=INTERNAL),
                               _actor().user_id)
    except Invalid as exc:
        return _candidacy_page(form=request.form, errors=exc.errors, status=422)
    flash(_("Thank you: the training department will assess your candidacy."), "success")
    return redirect(url_for("trainer_candidacy.candidacy"), 303)


@learner_bp.post("/recommend")
@auth.require_role()
def recommend():
    try:
        trainer = services.recommend(db.session(), _person(),
                                     services.parse(request.form, set(catalogue()), kind=INTERNAL))
    except Invalid as exc:
        return _candidacy_page(recommend_form=request.form, recommend_errors=exc.errors, status=422)
    flash(_("%(name)s is recommended: the training department will assess them.", name=trainer.name), "success")
    return redirect(url_for("trainer_candidacy.candidacy"), 303)
