"""Instructor pages: the course's tasks and learners, one task's roster, one
learner's tasks, starting an assessment, and refreshing the roster from the LMS."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.practical import bp, roster, services
from lti_tool.practical.content import task_in_context, tasks_in_context
from lti_tool.practical.helpers import PER_PAGE, page_number, pages

instructor_only = auth.require_role(roles.INSTRUCTOR, context=True)


def not_found() -> UserError:
    return UserError(_("This learner or task is not part of this course."), 404)


def task_or_404(item_id: str):
    actor = auth.current_actor()
    try:
        return task_in_context(db.session(), actor.context_id, item_id)
    except LookupError:
        raise not_found() from None


def learner_or_404(user_id):
    actor = auth.current_actor()
    try:
        return roster.learner_in_context(db.session(), actor.context_id, int(user_id))
    except (LookupError, TypeError, ValueError):
        raise not_found() from None


@bp.get("/")
@instructor_only
def index():
    actor = auth.current_actor()
    session = db.session()
    search = request.args.get("q", "").strip()
    page = page_number()
    learners, total = roster.learners(session, actor.context_id, page=page, per_page=PER_PAGE, search=search)
    return render_template(
        "practical/index.html", tasks=tasks_in_context(session, actor.context_id), learners=learners, total=total,
        page=page, pages=pages(total), search=search, sync=roster.last_sync(session, actor.context_id),
        context=actor.context,
    )


@bp.get("/task/<path:item_id>")
@auth.require_role(roles.INSTRUCTOR, roles.LEARNER, context=True)
def item(item_id: str):
    """Where a placed practical task opens: the roster for instructors, the task and
    one's own results for learners."""
    actor = auth.current_actor()
    session = db.session()
    task = task_or_404(item_id)
    if not actor.has(roles.INSTRUCTOR):
        return render_template(
            "practical/learner_task.html", task=task,
            assessments=[a for a in services.of_learner(session, actor.context_id, actor.user_id, task.item_id)
                         if a.status == "signed"],
        )
    page = page_number()
    learners, total = roster.learners(session, actor.context_id, page=page, per_page=PER_PAGE)
    return render_template(
        "practical/task.html", task=task, learners=learners, total=total, page=page, pages=pages(total),
        latest=services.latest_by_learner(session, actor.context_id, task.item_id),
        sync=roster.last_sync(session, actor.context_id),
    )


@bp.get("/learner/<int:user_id>")
@instructor_only
def learner(user_id: int):
    actor = auth.current_actor()
    session = db.session()
    person = learner_or_404(user_id)
    history = services.of_learner(session, actor.context_id, person.id)
    return render_template(
        "practical/learner.html", learner=person, tasks=tasks_in_context(session, actor.context_id),
        history=history, latest={a.item_id: a for a in reversed(history)},
    )


@bp.post("/assess")
@instructor_only
def start():
    actor = auth.current_actor()
    person = learner_or_404(request.form.get("learner_id"))
    task = task_or_404(request.form.get("item_id", ""))
    assessment = services.start(db.session(), context_id=actor.context_id, learner=person, task=task,
                                assessor=actor.user)
    return redirect(url_for("practical.assessment", assessment_id=assessment.id), 303)


@bp.post("/roster/refresh")
@instructor_only
def refresh_roster():
    actor = auth.current_actor()
    context = actor.context
    if not context.nrps_url:
        flash(_("The learning platform offers no member list for this course; the roster lists everyone who has opened the tool."), "error")
    else:
        roster.request_refresh(db.session(), actor.context_id, actor.user_id)
        flash(_("The roster will be refreshed from the learning platform in a moment. Reload this page to see it."), "success")
    return redirect(request.form.get("next") if _safe_next(request.form.get("next")) else url_for("practical.index"), 303)


def _safe_next(value: str | None) -> bool:
    return bool(value) and value.startswith("/practical/") and "//" not in value
