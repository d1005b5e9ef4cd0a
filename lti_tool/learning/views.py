"""Learner pages in the LMS iframe: the course with its lessons and progress, a lesson,
a quiz, an attempt (autosaved, submitted exactly once) and its result."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import db
from lti_tool.auth import current_actor, require_role
from lti_tool.catalog.importer import version_asset
from lti_tool.catalog.models import CourseVersion
from lti_tool.db import utcnow
from lti_tool.errors import UserError
from lti_tool.learning import access, attempts, lessons, outcomes, present
from lti_tool.learning.grading import strategy_for
from lti_tool.learning.models import OPEN
from lti_tool.learning.outcomes import outcome
from lti_tool.lti.roles import INSTRUCTOR, LEARNER

bp = Blueprint("learning", __name__, url_prefix="/learn", template_folder="templates")
LEARNERS = (LEARNER, INSTRUCTOR)


@bp.get("/course/<path:item_id>")
@require_role(*LEARNERS, context=True)
def course(item_id: str):
    actor = current_actor()
    version = access.course_version(db.session(), actor, item_id)
    progress = lessons.course_progress(db.session(), access.learner(actor), version)
    quizzes, learner = [], access.learner(actor)
    for quiz in version.quizzes:
        item = f"{version.slug}/{quiz['id']}"
        result = outcome(outcomes.finished(db.session(), learner.user_id, learner.context_id, item),
                         quiz["settings"].get("grading", "highest"))
        quizzes.append({"item_id": item, "title": present.text(quiz["title"]), "result": result})
    from lti_tool.plans import assignments
    from lti_tool.plans.assignment_views import status_labels

    assigned = assignments.for_course(db.session(), actor.user_id, version.slug)
    return render_template("learning/course.html", version=version, progress=progress, quizzes=quizzes,
                           text=present.text, manifest=version.manifest, assigned=assigned,
                           assignment_status=status_labels(),
                           description=present.markdown(present.text(version.manifest["description"]), version.id, ""))


@bp.get("/lesson/<course_id>/<lesson_id>")
@require_role(*LEARNERS, context=True)
def lesson(course_id: str, lesson_id: str):
    actor = current_actor()
    version = access.course_version(db.session(), actor, course_id)
    try:
        data = version.lesson(lesson_id)
    except LookupError:
        raise access.not_found() from None
    row = lessons.open_lesson(db.session(), access.learner(actor), version, lesson_id)
    ids = [item["id"] for item in version.lessons]
    index = ids.index(lesson_id)
    return render_template(
        "learning/lesson.html", version=version, lesson=data, row=row, text=present.text,
        body=present.markdown(present.text(data["body"]), version.id, "lessons"),
        previous=version.lessons[index - 1] if index > 0 else None,
        next=version.lessons[index + 1] if index + 1 < len(ids) else None, number=index + 1, total=len(ids),
    )


@bp.post("/lesson/<course_id>/<lesson_id>/progress")
@require_role(*LEARNERS, context=True)
def lesson_progress(course_id: str, lesson_id: str):
    actor = current_actor()
    version = access.course_version(db.session(), actor, course_id)
    try:
        percent = int(request.form.get("percent", "100"))
        row = lessons.report_progress(db.session(), access.learner(actor), version, lesson_id, percent)
    except (ValueError, LookupError):
        raise UserError(_("This lesson was not found."), 404) from None
    if request.form.get("js"):
        return jsonify(progress=row.progress, status=row.status)
    target = request.form.get("next")
    ids = [item["id"] for item in version.lessons]
    if target in ids:
        return redirect(url_for("learning.lesson", course_id=course_id, lesson_id=target), 303)
    return redirect(url_for("learning.course", item_id=course_id), 303)


@bp.get("/asset/<int:version_id>/<path:path>")
@require_role()
def asset(version_id: int, path: str):
    version = db.session().get(CourseVersion, version_id)
    stored = version_asset(db.session(), version, path) if version else None
    if stored is None:
        abort(404)
    response = Response(stored.data, mimetype=stored.media_type)
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if stored.media_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/quiz/<path:item_id>")
@require_role(*LEARNERS, context=True)
def quiz(item_id: str):
    actor = current_actor()
    if actor.has(INSTRUCTOR) and not request.args.get("preview"):
        # A trainer opening the quiz lands on its teaching view (attempts, statistics,
        # the grading queue), which offers this page as "preview as a learner".
        return redirect(url_for("learning_teach.quiz", item_id=item_id), 303)
    version, quiz_def = access.quiz(db.session(), actor, item_id)
    mine = attempts.attempts_of(db.session(), access.learner(actor), item_id)
    for attempt in mine:
        attempts.close_if_expired(db.session(), attempt)
    limit = quiz_def.settings.max_attempts
    return render_template(
        "learning/quiz.html", item_id=item_id, quiz=quiz_def, version=version, attempts=mine,
        result=outcome(mine, quiz_def.settings.grading), open=next((a for a in mine if a.status == OPEN), None),
        left=None if limit is None else max(0, limit - len(mine)), text=present.text,
        description=present.markdown(present.text(quiz_def.quiz.description), version.id, "quizzes")
        if quiz_def.quiz.description else None,
        can_review=lambda a: review_allowed(quiz_def, a, mine),
    )


@bp.post("/start/<path:item_id>")
@require_role(*LEARNERS, context=True)
def start(item_id: str):
    actor = current_actor()
    _version, quiz_def = access.quiz(db.session(), actor, item_id)
    course_id, quiz_id = item_id.split("/", 1)
    try:
        attempt = attempts.start_or_resume(db.session(), access.learner(actor), course_id, quiz_id)
    except attempts.AttemptRefused as refused:
        if refused.reason == "max_attempts":
            raise UserError(_("You have used all %(n)s attempts at this quiz.", n=quiz_def.settings.max_attempts),
                            409, hint=_("Your best or last result counts, as the quiz says.")) from None
        raise access.not_found() from None
    return redirect(url_for("learning.attempt", attempt_id=attempt.id), 303)


@bp.get("/attempt/<int:attempt_id>")
@require_role(*LEARNERS, context=True)
def attempt(attempt_id: int):
    actor = current_actor()
    found = access.attempt(db.session(), actor, attempt_id)
    attempts.close_if_expired(db.session(), found)
    if found.status != OPEN:
        return redirect(url_for("learning.result", attempt_id=found.id), 303)
    version, quiz_def = attempts.quiz_of(db.session(), found, graded=False)
    now = utcnow()
    return render_template(
        "learning/attempt.html", attempt=found, quiz=quiz_def, questions=present.paper(quiz_def, found),
        submit_key=secrets.token_hex(16), text=present.text,
        remaining=int((found.deadline - now).total_seconds()) if found.deadline else None,
    )


def _answers_from_form(quiz_def, found) -> dict:
    answers = {}
    for entry in found.paper:
        question = quiz_def.questions.get(entry["q"])
        if question is not None:
            answers[question.id] = strategy_for(question).from_form(question, request.form.getlist)
    return answers


@bp.post("/attempt/<int:attempt_id>/save")
@require_role(*LEARNERS, context=True)
def save(attempt_id: int):
    actor = current_actor()
    found = access.attempt(db.session(), actor, attempt_id)
    _version, quiz_def = attempts.quiz_of(db.session(), found, graded=False)
    saved = attempts.save_answers(db.session(), found, _answers_from_form(quiz_def, found))
    if request.form.get("js"):
        return jsonify(saved=saved, status=found.status,
                       saved_at=found.saved_at.isoformat() if found.saved_at else None)
    if not saved:
        return redirect(url_for("learning.result", attempt_id=found.id), 303)
    return redirect(url_for("learning.attempt", attempt_id=found.id, saved=1), 303)


@bp.post("/attempt/<int:attempt_id>/submit")
@require_role(*LEARNERS, context=True)
def submit(attempt_id: int):
    actor = current_actor()
    found = access.attempt(db.session(), actor, attempt_id, with_people=True)
    if found.status == OPEN:
        _version, quiz_def = attempts.quiz_of(db.session(), found, graded=False)
        attempts.submit(db.session(), found, _answers_from_form(quiz_def, found), request.form.get("submit_key"))
    return redirect(url_for("learning.result", attempt_id=found.id), 303)


def review_allowed(quiz_def, found, mine) -> bool:
    policy = quiz_def.settings.review
    if found.status == OPEN or policy == "never":
        return False
    if policy == "after_last_attempt":
        limit = quiz_def.settings.max_attempts
        return len(mine) >= (limit or 0) and all(a.status != OPEN for a in mine)
    return True


@bp.get("/attempt/<int:attempt_id>/result")
@require_role(*LEARNERS, context=True)
def result(attempt_id: int):
    actor = current_actor()
    found = access.attempt(db.session(), actor, attempt_id, own=False)
    attempts.close_if_expired(db.session(), found)
    if found.status == OPEN:
        return redirect(url_for("learning.attempt", attempt_id=found.id), 303)
    _version, quiz_def = attempts.quiz_of(db.session(), found)
    as_instructor = found.user_id != actor.user_id
    mine = attempts.attempts_of(db.session(), attempts.Learner(found.user_id, found.context_id), found.item_id)
    review = as_instructor or review_allowed(quiz_def, found, mine)
    shown = present.with_responses(present.paper(quiz_def, found, disabled=True), found.responses) if review else []
    return render_template(
        "learning/result.html", attempt=found, quiz=quiz_def, questions=shown, review=review,
        show_answers=as_instructor or quiz_def.settings.show_correct_answers, as_instructor=as_instructor,
        pass_points=round(found.score_max * quiz_def.settings.pass_percent / 100, 2), text=present.text,
    )
