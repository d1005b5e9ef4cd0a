"""The learner's questionnaire form and the trainer's summary of a course run."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lti_tool import auth, db
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.questionnaires import bp, services
from lti_tool.questionnaires.models import MIN_RESPONSES, QUESTIONS
from lti_tool.records.file import course_title

LABELS = {"content": _l("The content of the training"), "method": _l("The teaching method"),
          "trainer": _l("The trainer")}
SCALE = {1: _l("Very poor"), 2: _l("Poor"), 3: _l("Fair"), 4: _l("Good"), 5: _l("Very good")}


@bp.route("/<path:course_id>", methods=["GET", "POST"])
@auth.require_role(roles.LEARNER, context=True)
def answer(course_id: str):
    actor = auth.current_actor()
    session = db.session()
    if not services.took_part(session, actor.user_id, actor.context_id, course_id):
        abort(404)
    title = course_title(session, course_id)
    if services.has_answered(session, actor.platform_id, actor.context_id, course_id, actor.user_id):
        return render_template("questionnaires/thanks.html", title=title, already=True)
    if request.method == "POST":
        ratings = {}
        for question in QUESTIONS:
            value = request.form.get(question, "")
            if value not in {"1", "2", "3", "4", "5"}:
                raise UserError(_("Rate each question from 1 to 5."), 422)
            ratings[question] = int(value)
        comment = request.form.get("comment", "")
        if len(comment) > services.MAX_COMMENT:
            raise UserError(_("Keep the comment under %(n)d characters.", n=services.MAX_COMMENT), 422)
        try:
            services.submit(session, platform_id=actor.platform_id, context_id=actor.context_id, course_id=course_id,
                            user_id=actor.user_id, ratings=ratings, comment=comment, title=title)
        except services.AlreadyAnswered:
            return render_template("questionnaires/thanks.html", title=title, already=True)
        flash(_("Thank you: your answers were saved without your name."), "success")
        return redirect(url_for("records.mine"), 303)
    return render_template("questionnaires/form.html", title=title, course_id=course_id, labels=LABELS,
                           scale=SCALE, questions=QUESTIONS)


@bp.route("/<path:course_id>/results")
@auth.require_role(roles.INSTRUCTOR, context=True)
def results(course_id: str):
    actor = auth.current_actor()
    summary = services.summary(db.session(), actor.context_id, course_id)
    return render_template("questionnaires/results.html", summary=summary, title=course_title(db.session(), course_id),
                           labels=LABELS, minimum=MIN_RESPONSES)
