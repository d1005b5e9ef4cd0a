"""Session notices: the list, one notice (with its .ics), the page a placed session
opens, and the scheduling form."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.practical.content import course_version, placed_courses
from lti_tool.practical.helpers import PER_PAGE, page_number, pages, tr
from lti_tool.sessions import bp, calendar, services

member = auth.require_role(roles.INSTRUCTOR, roles.LEARNER, context=True)
instructor_only = auth.require_role(roles.INSTRUCTOR, context=True)


def status_labels() -> dict[str, str]:
    return {"present": _("Present"), "late": _("Late"), "left-early": _("Left early"), "absent": _("Absent"),
            "excused": _("Excused")}


def session_or_404(session_id: int):
    try:
        return services.in_context(db.session(), auth.current_actor().context_id, session_id)
    except LookupError:
        raise UserError(_("This session is not part of this course."), 404) from None


def _course_titles() -> dict[str, str]:
    session = db.session()
    titles = {}
    for course_id in placed_courses(session, auth.current_actor().context_id):
        version = course_version(session, course_id)
        titles[course_id] = tr(version.manifest["title"]) if version else course_id
    return titles


@bp.get("/")
@member
def index():
    actor = auth.current_actor()
    session = db.session()
    if actor.has(roles.INSTRUCTOR):
        page = page_number()
        rows, total = services.listing(session, actor.context_id, page=page, per_page=PER_PAGE)
        return render_template("sessions/index.html", sessions=rows, page=page, pages=pages(total), total=total,
                               courses=_course_titles())
    upcoming, past = services.for_learner(session, actor.context_id)
    mine = {a.session_id: a for s in upcoming + past for a in s.attendance if a.user_id == actor.user_id}
    return render_template("sessions/notices.html", sessions=upcoming, past=past, mine=mine, courses=_course_titles())


@bp.get("/item/<path:item_id>")
@member
def item(item_id: str):
    """Where a placed course.yaml session opens: its scheduled sessions."""
    actor = auth.current_actor()
    session = db.session()
    course_id, _sep, content_id = item_id.partition("/")
    known = {s["id"]: s for s in services.content_sessions(session, course_id)} if course_id in placed_courses(session, actor.context_id) else {}
    if content_id not in known:
        raise UserError(_("This session is not part of this course."), 404)
    rows, _total = services.listing(session, actor.context_id, content_item=item_id, per_page=200)
    mine = {a.session_id: a for s in rows for a in s.attendance if a.user_id == actor.user_id}
    return render_template("sessions/item.html", content=known[content_id], item_id=item_id, course_id=course_id,
                           content_id=content_id, sessions=rows, mine=mine, courses=_course_titles())


@bp.get("/<int:session_id>")
@member
def notice(session_id: int):
    return notice_page(session_or_404(session_id), request.args.get("code", ""))


def notice_page(found, code: str, error: str | None = None) -> str:
    """The training notice; for a learner the check-in form, with ``code`` typed in and
    why the last check-in was refused."""
    actor = auth.current_actor()
    mine = next((a for a in found.attendance if a.user_id == actor.user_id), None)
    return render_template("sessions/notice.html", s=found, mine=mine, courses=_course_titles(),
                           code=code[:12], error=error)


@bp.get("/<int:session_id>/notice.ics")
@member
def notice_ics(session_id: int):
    found = session_or_404(session_id)
    base = current_app.config["SETTINGS"].public_base_url
    body = calendar.ics(
        found, base_url=base, url=base + url_for("sessions.notice", session_id=found.id, _s=None),
        course_title=_course_titles().get(found.course_id, found.course_id),
        description="\n".join(x for x in (_("Trainer: %(name)s", name=found.trainer_name), found.materials) if x),
    )
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="session-{found.id}.ics"', "Cache-Control": "private, no-store"})


def _schedule_form(values: dict) -> services.Schedule:
    return services.Schedule(
        course_id=values.get("course_id", ""), content_session_id=values.get("content_session_id") or None,
        title=values.get("title", ""), starts=values.get("starts", ""), ends=values.get("ends", ""),
        timezone=values.get("timezone", ""), place=values.get("place", ""),
        trainer_name=values.get("trainer_name", ""), capacity=values.get("capacity", ""),
        materials=values.get("materials", ""),
    )


def _form_page(values: dict, error: str | None, editing=None):
    session = db.session()
    courses = _course_titles()
    if not courses:
        raise UserError(_("Place a course in this LMS course with “Select content” before scheduling its sessions."), 409)
    content = {course_id: services.content_sessions(session, course_id) for course_id in courses}
    from lti_tool.trainers.services import approved_for

    trainers = approved_for(session, auth.current_actor().organisation_id, courses)
    return render_template("sessions/new.html", courses=courses, content=content, values=values, error=error,
                           editing=editing, trainers=trainers), 422 if error else 200


@bp.route("/new", methods=["GET", "POST"])
@instructor_only
def new():
    actor = auth.current_actor()
    if request.method == "GET":
        courses = _course_titles()
        return _form_page({
            "course_id": request.args.get("course_id", next(iter(courses), "")),
            "content_session_id": request.args.get("content_session_id", ""), "trainer_name": actor.user.name,
        }, None)
    values = request.form.to_dict()
    try:
        created = services.schedule(db.session(), actor.context_id, _schedule_form(values), actor.user)
    except services.Invalid as exc:
        return _form_page(values, exc.field)
    return redirect(url_for("sessions.notice", session_id=created.id), 303)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@instructor_only
def edit(session_id: int):
    found = session_or_404(session_id)
    if request.method == "GET":
        return _form_page(services.form_values(found), None, editing=found)
    values = request.form.to_dict()
    try:
        services.update(db.session(), found, _schedule_form(values))
    except services.Invalid as exc:
        return _form_page(values, exc.field, editing=found)
    flash(_("The notice is updated; learners see the new details."), "success")
    return redirect(url_for("sessions.notice", session_id=found.id), 303)


@bp.post("/<int:session_id>/cancel")
@instructor_only
def cancel(session_id: int):
    found = session_or_404(session_id)
    if request.form.get("confirm") != "1":  # not from the confirming button: ask there
        return redirect(url_for("sessions.notice", session_id=found.id, cancel=1, _anchor="cancel-zone"), 303)
    services.cancel(db.session(), found)
    flash(_("The session is cancelled; learners see it on the notice."), "success")
    return redirect(url_for("sessions.notice", session_id=found.id), 303)
