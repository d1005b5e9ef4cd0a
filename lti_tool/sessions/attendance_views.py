"""Taking attendance: the trainer's attendance sheet, the rotating check-in code and
its QR code, the learner's check-in, and the sign-in sheet as PDF and XLSX."""

from __future__ import annotations

from io import BytesIO

import segno
from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.db import utcnow
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.practical import roster
from lti_tool.practical.helpers import local_time
from lti_tool.sessions import bp, codes, services, sheets
from lti_tool.sessions.models import STATUSES
from lti_tool.sessions.views import _course_titles, instructor_only, notice_page, session_or_404, status_labels

REFUSALS = {
    "not_open": lambda: _("Check-in opens %(minutes)d minutes before the session starts.", minutes=int(codes.OPENS_BEFORE.total_seconds() // 60)),
    "closed": lambda: _("Check-in has closed: the session is over. Ask the trainer to record your attendance."),
    "cancelled": lambda: _("This session was cancelled."),
    "bad_code": lambda: _("That code is not the one shown now. Codes change every %(seconds)d seconds: enter the code on the screen.", seconds=codes.STEP_SECONDS),
    "already": lambda: _("You have already checked in to this session."),
}


@bp.route("/<int:session_id>/attendance", methods=["GET", "POST"])
@instructor_only
def attendance(session_id: int):
    actor = auth.current_actor()
    session = db.session()
    found = session_or_404(session_id)
    learners = roster.all_learners(session, actor.context_id)
    if request.method == "POST":
        by_id = {person.id: person for person in learners}
        for key, status in request.form.items():
            if not key.startswith("status-") or not status:
                continue
            try:
                person = by_id[int(key[7:])]
            except (KeyError, ValueError):
                raise UserError(_("This learner is not part of this course."), 404) from None
            if status not in STATUSES:
                raise UserError(_("Choose one of the attendance statuses."), 422)
            services.mark(session, found, person, status, request.form.get(f"remarks-{person.id}", ""), actor.user)
        flash(_("Attendance saved."), "success")
        return redirect(url_for("sessions.attendance", session_id=found.id), 303)
    return render_template("sessions/attendance.html", s=found, learners=learners,
                           rows=services.attendance_of(session, found), courses=_course_titles())


def _checkin_url(found) -> str:
    base = current_app.config["SETTINGS"].public_base_url
    return base + url_for("sessions.notice", session_id=found.id, _s=None)


@bp.get("/<int:session_id>/code")
@instructor_only
def code(session_id: int):
    found = session_or_404(session_id)
    now = utcnow()
    opens, closes = codes.window(found.starts_at, found.ends_at)
    return render_template("sessions/code.html", s=found, code=codes.code_at(found.checkin_secret, found.uid, now),
                           seconds=codes.seconds_left(now), open=opens <= now <= closes, opens=opens, closes=closes)


@bp.get("/<int:session_id>/code.json")
@instructor_only
def code_json(session_id: int):
    found = session_or_404(session_id)
    now = utcnow()
    response = jsonify(code=codes.code_at(found.checkin_secret, found.uid, now), seconds_left=codes.seconds_left(now),
                       qr_url=url_for("sessions.code_svg", session_id=found.id, step=int(now.timestamp()) // codes.STEP_SECONDS))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:session_id>/code.svg")
@instructor_only
def code_svg(session_id: int):
    """The QR code of the check-in page with the current code filled in."""
    found = session_or_404(session_id)
    current = codes.code_at(found.checkin_secret, found.uid, utcnow())
    qr = segno.make(f"{_checkin_url(found)}?code={current}", error="m")
    out = BytesIO()
    qr.save(out, kind="svg", scale=8, border=2, dark="#000", light="#fff", title=_("QR code for checking in"))
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.post("/<int:session_id>/checkin")
@auth.require_role(roles.LEARNER, context=True)
def checkin(session_id: int):
    actor = auth.current_actor()
    found = session_or_404(session_id)
    try:
        row = services.check_in(db.session(), found, actor.user, request.form.get("code", ""))
    except services.CheckInRefused as exc:
        # Shown on the check-in form itself, the code kept: codes change every 30 s and the
        # learner types the new one and tries again.
        page = notice_page(found, request.form.get("code", ""), error=REFUSALS[exc.reason]())
        return page, 409 if exc.reason == "already" else 422
    flash(_("Checked in at %(time)s: %(status)s.", time=local_time(row.checked_in_at, found.timezone, "%H:%M"),
            status=status_labels()[row.status]), "success")
    return redirect(url_for("sessions.notice", session_id=found.id), 303)


def _sheet(found):
    session = db.session()
    rows = services.attendance_of(session, found)
    labels = status_labels()
    learners = roster.all_learners(session, found.context_id)
    listed = {p.id for p in learners}
    learners += [a.user for a in rows.values() if a.user_id not in listed]
    lines = [
        (_("Course"), _course_titles().get(found.course_id, found.course_id)),
        (_("Time"), f"{local_time(found.starts_at, found.timezone)} – {local_time(found.ends_at, found.timezone, '%H:%M')} ({found.timezone})"),
        (_("Place"), found.place), (_("Trainer"), found.trainer_name),
    ]
    if found.capacity:
        lines.append((_("Capacity"), str(found.capacity)))
    return sheets.Sheet(
        title=_("Sign-in sheet: %(title)s", title=found.title), lines=lines,
        headers=[_("No."), _("Name"), _("Employee number"), _("Attendance"), _("Checked in"), _("Remarks"), _("Signature")],
        rows=[sheets.Row(i, p.name or p.sub, p.person_sourcedid or "", labels.get(rows[p.id].status, "") if p.id in rows else "",
                         local_time(rows[p.id].checked_in_at, found.timezone, "%H:%M") if p.id in rows else "",
                         rows[p.id].remarks if p.id in rows else "") for i, p in enumerate(learners, start=1)],
    )


@bp.get("/<int:session_id>/sign-in-sheet.<any(pdf, xlsx):fmt>")
@instructor_only
def sign_in_sheet(session_id: int, fmt: str):
    found = session_or_404(session_id)
    sheet = _sheet(found)
    name = f"sign-in-sheet-{found.id}.{fmt}"
    if fmt == "xlsx":
        body = sheets.xlsx(sheet)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        html = render_template("sessions/sheet_pdf.html", sheet=sheet)
        base = current_app.config["SETTINGS"].public_base_url
        body = sheets.pdf(html, base_url=base + "/", static_folder=current_app.static_folder,
                          static_url=current_app.static_url_path)
        mimetype = "application/pdf"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})
