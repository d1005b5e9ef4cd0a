"""Instructor pages: the quizzes of this LMS course, the manual-grading queue, grading
one open answer, per-question statistics, regrading, and the log of scores sent to
the LMS. Everything is scoped to the instructor's LMS course."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from lti_tool import db, i18n
from lti_tool.auth import current_actor, require_role
from lti_tool.catalog.models import CourseVersion
from lti_tool.errors import UserError
from lti_tool.learning import access, marking, present
from lti_tool.learning.attempts import quiz_of
from lti_tool.learning.content import split_item
from lti_tool.learning.models import PENDING_GRADING, AttemptResponse, QuizAttempt
from lti_tool.learning.stats import question_stats
from lti_tool.lti.ags_models import ScoreDelivery, ScoreOutbox
from lti_tool.lti.models import ResourceLink
from lti_tool.lti.roles import INSTRUCTOR
from lti_tool.numbers import shown

bp = Blueprint("learning_teach", __name__, url_prefix="/learn/teach", template_folder="templates")


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _quiz_items(context_id: int) -> list[dict]:
    session = db.session()
    links = session.scalars(select(ResourceLink).where(ResourceLink.context_id == context_id,
                                                       ResourceLink.item_id.is_not(None))).all()
    courses = sorted({link.item_id.split("/", 1)[0] for link in links})
    items = []
    for course_id in courses:
        version = access.current_version(session, course_id)
        if version is not None and version.course.owner_organisation_id is not None \
                and not version.visible_to(current_actor().organisation_id):
            continue  # a link naming another organisation's own course shows nothing of it
        for quiz in (version.quizzes if version else []):
            item_id = f"{course_id}/{quiz['id']}"
            counts = dict(session.execute(
                select(QuizAttempt.status, func.count()).where(QuizAttempt.context_id == context_id,
                                                               QuizAttempt.item_id == item_id)
                .group_by(QuizAttempt.status)).all())
            items.append({"item_id": item_id, "title": present.text(quiz["title"]),
                          "attempts": sum(counts.values()), "pending": counts.get(PENDING_GRADING, 0)})
    return items


@bp.get("/")
@require_role(INSTRUCTOR, context=True)
def overview():
    actor = current_actor()
    queue = marking.grading_queue(db.session(), actor.context_id)
    return render_template("learning/teach/overview.html", quizzes=_quiz_items(actor.context_id),
                           waiting=queue.total)


@bp.get("/grading")
@require_role(INSTRUCTOR, context=True)
def queue():
    actor = current_actor()
    page = marking.grading_queue(db.session(), actor.context_id, _page())
    return render_template("learning/teach/queue.html", page=page, labels=[_queue_labels(r) for r in page.items])


#: How much of a question's text the grading queue shows.
STEM_EXCERPT = 60


def _queue_labels(response: AttemptResponse) -> tuple[str, str]:
    """The quiz's title and the start of the question's text, in the reader's language
    (for a part of a case analysis: the start of the case, then the part's)."""
    quiz, case, question = _question_of(response)
    version_id = response.attempt.graded_version_id or response.attempt.course_version_id

    def excerpt(source, length: int) -> str:
        plain = " ".join(present.markdown(present.text(source), version_id, "quizzes").striptags().split())
        return plain if len(plain) <= length else plain[:length].rstrip() + "…"

    stem = excerpt(question.stem, STEM_EXCERPT)
    if case is not None:
        stem = f"{excerpt(case.stem, STEM_EXCERPT // 2)} › {stem}"
    return quiz.title(i18n.current()), stem


def _question_of(response: AttemptResponse):
    _version, quiz = quiz_of(db.session(), response.attempt)
    question = quiz.questions[response.question_id]
    case = None
    if response.part_id:
        case = question
        question = next(q for q in question.questions if q.id == response.part_id)
    return quiz, case, question


@bp.route("/grading/<int:response_id>", methods=["GET", "POST"])
@require_role(INSTRUCTOR, context=True)
def grade(response_id: int):
    actor = current_actor()
    try:
        response = marking.response_in_context(db.session(), actor.context_id, response_id)
    except LookupError:
        raise UserError(_("This answer was not found."), 404) from None
    quiz, case, question = _question_of(response)
    error = None
    if request.method == "POST":
        try:
            points = float(request.form.get("points", "").replace(",", "."))
            marking.grade_response(db.session(), response, points=points, comment=request.form.get("comment"),
                                   grader_id=actor.user_id)
        except ValueError:
            error = _("Enter points between 0 and %(max)s.", max=shown(response.max_points))
        else:
            flash(_("Grade saved."), "success")
            following = marking.grading_queue(db.session(), actor.context_id)
            if following.items:
                return redirect(url_for("learning_teach.grade", response_id=following.items[0].id), 303)
            return redirect(url_for("learning_teach.queue"), 303)
    version_id = response.attempt.graded_version_id or response.attempt.course_version_id
    return render_template(
        "learning/teach/grade.html", response=response, quiz=quiz, error=error, text=present.text,
        stem=present.markdown(present.text(question.stem), version_id, "quizzes"),
        case=present.markdown(present.text(case.case), version_id, "quizzes") if case else None,
        reference=present.markdown(present.text(question.reference_answer), version_id, "quizzes")
        if getattr(question, "reference_answer", None) else None,
        rubric=[(r.points, present.text(r.descriptor)) for r in (getattr(question, "rubric", None) or [])],
        status=422 if error else 200,
    ), 422 if error else 200


@bp.get("/quiz/<path:item_id>")
@require_role(INSTRUCTOR, context=True)
def quiz(item_id: str):
    actor = current_actor()
    version, quiz_def = access.quiz(db.session(), actor, item_id)
    session = db.session()
    attempts = marking.paginate(session, select(QuizAttempt).where(
        QuizAttempt.context_id == actor.context_id, QuizAttempt.item_id == item_id).order_by(QuizAttempt.id.desc())
        .options(joinedload(QuizAttempt.user)),
        _page())
    stats = question_stats(session, actor.context_id, item_id)
    versions = marking.newer_versions(session, version, quiz_def.quiz.id)
    deliveries = session.execute(
        select(ScoreOutbox, ResourceLink).join(ResourceLink, ScoreOutbox.resource_link_id == ResourceLink.id)
        .where(ResourceLink.context_id == actor.context_id, ResourceLink.item_id == item_id)
        .order_by(ScoreOutbox.id.desc()).limit(50).options(joinedload(ScoreOutbox.user))
    ).all()
    tries = {}
    if deliveries:
        for row in session.scalars(select(ScoreDelivery).where(
                ScoreDelivery.outbox_id.in_([o.id for o, _link in deliveries])).order_by(ScoreDelivery.id)):
            tries.setdefault(row.outbox_id, []).append(row)
    return render_template(
        "learning/teach/quiz.html", item_id=item_id, quiz=quiz_def, version=version, attempts=attempts,
        stats=stats, versions=versions, regrades=marking.regrades(session, actor.context_id, item_id),
        deliveries=deliveries, tries=tries, text=present.text,
    )


@bp.post("/regrade/<path:item_id>")
@require_role(INSTRUCTOR, context=True)
def regrade(item_id: str):
    actor = current_actor()
    version, quiz_def = access.quiz(db.session(), actor, item_id)
    course_id, quiz_id = split_item(item_id)
    try:
        chosen = db.session().get(CourseVersion, int(request.form.get("version_id", "0")))
    except ValueError:
        chosen = None
    allowed = {v.id for v in marking.newer_versions(db.session(), version, quiz_id)}
    if chosen is None or chosen.id not in allowed:
        raise UserError(_("Choose a version of this course that has this quiz."), 422)
    row = marking.regrade(db.session(), context_id=actor.context_id, item_id=item_id, version=chosen,
                          by_user_id=actor.user_id)
    flash(_("Regraded %(n)s attempts under version %(v)s; %(c)s results changed and were sent to the learning platform.",
            n=row.attempts, v=chosen.version, c=row.changed), "success")
    return redirect(url_for("learning_teach.quiz", item_id=item_id), 303)
