"""Learner pages: one's own signed-off results, criterion by criterion, with the
assessor's comments and evidence, and the acknowledgement."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.practical import bp, services
from lti_tool.practical.models import SIGNED

learner_only = auth.require_role(roles.LEARNER, context=True)


def _own_result(assessment_id: int):
    actor = auth.current_actor()
    try:
        found = services.in_context(db.session(), actor.context_id, assessment_id)
    except LookupError:
        found = None
    if found is None or found.learner_id != actor.user_id or found.status != SIGNED:
        raise UserError(_("This result does not exist."), 404)
    return found


@bp.get("/my")
@learner_only
def my_results():
    actor = auth.current_actor()
    signed = [a for a in services.of_learner(db.session(), actor.context_id, actor.user_id) if a.status == SIGNED]
    return render_template("practical/my_results.html", assessments=signed,
                           tasks={a.id: services.task_of(db.session(), a) for a in signed})


@bp.get("/results/<int:assessment_id>")
@learner_only
def result(assessment_id: int):
    session = db.session()
    found = _own_result(assessment_id)
    photos: dict[str, list] = {}
    for item in found.evidence:
        photos.setdefault(item.criterion_id, []).append(item)
    return render_template("practical/result.html", assessment=found, task=services.task_of(session, found),
                           result=services.result_of(session, found), photos=photos)


@bp.post("/results/<int:assessment_id>/acknowledge")
@learner_only
def acknowledge(assessment_id: int):
    found = _own_result(assessment_id)
    services.acknowledge(db.session(), found, auth.current_actor().user_id)
    flash(_("Thank you: you acknowledged this result."), "success")
    return redirect(url_for("practical.result", assessment_id=found.id), 303)
