"""The tablet form: the assessment page, autosave, sign-off, correction after sign-off,
and evidence photos (upload, thumbnail, full size; every one access-checked)."""

from __future__ import annotations

import uuid

from flask import current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from lti_tool import auth, db
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.practical import bp, evidence, services
from lti_tool.practical.helpers import instance_path, tr
from lti_tool.practical.models import DRAFT, SIGNED, Evidence
from lti_tool.practical.scoring import InvalidGrading, criteria
from lti_tool.practical.views import instructor_only

UPLOAD_LIMIT = evidence.MAX_BYTES + 256 * 1024  # the photo plus the form around it


def _assessment(assessment_id: int):
    actor = auth.current_actor()
    try:
        return services.in_context(db.session(), actor.context_id, assessment_id)
    except LookupError:
        raise UserError(_("This assessment is not part of this course."), 404) from None


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _grading() -> dict:
    """Levels, notes and the rest from a JSON body (the tablet script) or a form."""
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise InvalidGrading("not an object")
        levels, notes = data.get("levels") or {}, data.get("notes") or {}
        if not isinstance(levels, dict) or not isinstance(notes, dict):
            raise InvalidGrading("levels and notes are objects")
        get = data.get
    else:
        form = request.form
        levels = {k[6:]: v for k, v in form.items() if k.startswith("level-")}
        notes = {k[5:]: v for k, v in form.items() if k.startswith("note-")}
        get = form.get
    return {
        "levels": {str(k): str(v) for k, v in levels.items()}, "notes": {str(k): str(v) for k, v in notes.items()},
        "comment": str(get("comment") or ""), "submission_uuid": get("submission_uuid"),
        "confirm": str(get("confirm") or ""), "reason": str(get("reason") or ""),
    }


def _invalid(message: str | None = None) -> UserError:
    return UserError(message or _("The form does not match this task. Reload the page and try again."), 422)


def _incomplete(assessment, exc: services.Incomplete, back: str):
    task = services.task_of(db.session(), assessment)
    titles = {c["id"]: tr(c["title"]) for _s, c in criteria(task.task)}
    parts = []
    if exc.missing:
        parts.append(ngettext("Choose a level for %(num)d criterion: %(list)s", "Choose a level for %(num)d criteria: %(list)s",
                              len(exc.missing), list="、".join(titles[c] for c in exc.missing)))
    if exc.evidence:
        parts.append(_("Attach a photo or write a note (e.g. the measured value) for: %(list)s",
                       list="、".join(titles[c] for c in exc.evidence)))
    message = " ".join(parts)
    if _wants_json():
        return jsonify(error="incomplete", message=message, missing=exc.missing, evidence=exc.evidence), 422
    flash(message, "error")
    return redirect(back, 303)


@bp.get("/assessments/<int:assessment_id>")
@instructor_only
def assessment(assessment_id: int):
    session = db.session()
    found = _assessment(assessment_id)
    task = services.task_of(session, found)
    photos: dict[str, list[Evidence]] = {}
    for item in found.evidence:
        photos.setdefault(item.criterion_id, []).append(item)
    template = "practical/assess.html" if found.status == DRAFT else "practical/signed.html"
    return render_template(
        template, assessment=found, task=task, result=services.result_of(session, found), photos=photos,
        submission_uuid=str(uuid.uuid4()), max_mb=evidence.MAX_BYTES // (1024 * 1024),
    )


@bp.post("/assessments/<int:assessment_id>/draft")
@instructor_only
def save_draft(assessment_id: int):
    found = _assessment(assessment_id)
    try:
        data = _grading()
        services.save_draft(db.session(), found, levels=data["levels"], notes=data["notes"], comment=data["comment"])
    except InvalidGrading:
        raise _invalid() from None
    except services.Conflict:
        raise UserError(_("This assessment is already signed off; use a correction to change it."), 409) from None
    if _wants_json():
        return jsonify(status="saved", saved_at=found.draft_saved_at.isoformat())
    flash(_("Draft saved."), "success")
    return redirect(url_for("practical.assessment", assessment_id=found.id), 303)


@bp.post("/assessments/<int:assessment_id>/sign-off")
@instructor_only
def sign_off(assessment_id: int):
    session = db.session()
    found = _assessment(assessment_id)
    back = url_for("practical.assessment", assessment_id=found.id)
    try:
        data = _grading()
        if data["confirm"] != "1":
            raise _invalid(_("Confirm that you observed the assessment before signing it off."))
        found, replayed = services.sign_off(
            session, found, submission_uuid=data["submission_uuid"], levels=data["levels"], notes=data["notes"],
            comment=data["comment"], assessor=auth.current_actor().user,
        )
    except services.Incomplete as exc:
        if found.status == DRAFT and not _wants_json():  # keep what was entered
            services.save_draft(session, found, levels=data["levels"], notes=data["notes"], comment=data["comment"])
        return _incomplete(found, exc, back)
    except InvalidGrading:
        raise _invalid() from None
    except services.Conflict:
        raise UserError(_("This assessment was already signed off with another form."), 409,
                        hint=_("Open it again to see the signed result, or correct it.")) from None
    except ValueError:
        raise UserError(_("The form is incomplete. Reload the page and try again."), 400) from None
    if _wants_json():
        return jsonify(status=found.status, replayed=replayed, score=found.score, passed=found.passed, url=back)
    if not replayed:
        flash(_("Signed off. The score goes to the course gradebook; the learner is asked to acknowledge it."), "success")
    return redirect(back, 303)


@bp.route("/assessments/<int:assessment_id>/correct", methods=["GET", "POST"])
@instructor_only
def correct(assessment_id: int):
    session = db.session()
    found = _assessment(assessment_id)
    if found.status != SIGNED:
        raise UserError(_("Only a signed-off assessment can be corrected."), 409)
    back = url_for("practical.assessment", assessment_id=found.id)
    if request.method == "GET":
        photos: dict[str, list[Evidence]] = {}
        for item in found.evidence:
            photos.setdefault(item.criterion_id, []).append(item)
        return render_template(
            "practical/assess.html", assessment=found, task=services.task_of(session, found),
            result=services.result_of(session, found), photos=photos, submission_uuid=str(uuid.uuid4()),
            correcting=True, max_mb=evidence.MAX_BYTES // (1024 * 1024),
        )
    try:
        data = _grading()
        if not data["reason"].strip():
            raise _invalid(_("Say why the result is corrected: the reason is kept in the audit trail."))
        found, replayed = services.correct(
            session, found, submission_uuid=data["submission_uuid"], levels=data["levels"], notes=data["notes"],
            comment=data["comment"], reason=data["reason"], corrector=auth.current_actor().user,
        )
    except services.Incomplete as exc:
        return _incomplete(found, exc, url_for("practical.correct", assessment_id=found.id))
    except InvalidGrading:
        raise _invalid() from None
    except services.Conflict:
        raise UserError(_("This correction was already made."), 409) from None
    except ValueError:
        raise UserError(_("The form is incomplete. Reload the page and try again."), 400) from None
    if _wants_json():
        return jsonify(status=found.status, replayed=replayed, version=found.version, score=found.score, url=back)
    if not replayed:
        flash(_("Corrected. The previous version is kept in the audit trail and the new score is sent again."), "success")
    return redirect(back, 303)


# -- evidence ----------------------------------------------------------------------------

@bp.url_value_preprocessor
def _limit_uploads(endpoint, _values):
    """URL value preprocessors run before every before-request function (the CSRF check
    reads the form): an oversized photo is refused (413) while it is read, not after."""
    if endpoint == "practical.upload_evidence":
        request.max_content_length = UPLOAD_LIMIT


@bp.post("/assessments/<int:assessment_id>/evidence")
@instructor_only
def upload_evidence(assessment_id: int):
    session = db.session()
    found = _assessment(assessment_id)
    if found.status != DRAFT:
        raise UserError(_("Photos can be added while the assessment is a draft."), 409)
    criterion_id = request.form.get("criterion_id", "")
    task = services.task_of(session, found)
    if criterion_id not in {c["id"] for _s, c in criteria(task.task)}:
        raise _invalid()
    limit_message = _("At most %(num)d photos per criterion.", num=evidence.MAX_PER_CRITERION)
    if services.photos_by_criterion(session, found.id).get(criterion_id, 0) >= evidence.MAX_PER_CRITERION:
        raise UserError(limit_message, 422)  # before decoding anything; counted again, atomically, at the insert
    upload = request.files.get("photo")
    settings = current_app.config["SETTINGS"]
    try:
        photo = evidence.process(upload.stream.read(evidence.MAX_BYTES + 1) if upload else b"",
                                 current_app.extensions["evidence_budget"], settings.evidence_wait_seconds)
    except evidence.EvidenceError as exc:
        message, code = _refusals()[exc.reason]
        if _wants_json():
            return jsonify(error=exc.reason, message=message), code, {"Retry-After": "10"} if code == 503 else {}
        raise UserError(message, code) from None
    uid = evidence.new_uid()
    evidence.store(instance_path(), found.context_id, uid, photo)
    row = services.add_evidence(session, {
        "uid": uid, "assessment_id": found.id, "criterion_id": criterion_id, "media_type": "image/jpeg",
        "size": len(photo.data), "width": photo.width, "height": photo.height, "sha256": photo.sha256,
        "uploaded_by_id": auth.current_actor().user_id}, evidence.MAX_PER_CRITERION)
    if row is None:  # parallel uploads took the last slots meanwhile
        evidence.remove(instance_path(), found.context_id, uid)
        raise UserError(limit_message, 422)
    if _wants_json():
        return jsonify(id=row.id, criterion_id=criterion_id, thumb_url=url_for("practical.evidence_file", evidence_id=row.id, size="thumb"),
                       url=url_for("practical.evidence_file", evidence_id=row.id, size="full")), 201
    flash(_("Photo attached."), "success")
    return redirect(url_for("practical.assessment", assessment_id=found.id) + f"#criterion-{criterion_id}", 303)


def _refusals() -> dict[str, tuple[str, int]]:
    return {
        "size": (_("The photo is larger than %(num)d MB.", num=evidence.MAX_BYTES // (1024 * 1024)), 413),
        "pixels": (_("The photo has more than %(num)d megapixels. Take it at a lower resolution.",
                     num=evidence.MAX_PIXELS // 1_000_000), 413),
        "type": (_("Only JPEG, PNG or WebP photos can be attached."), 422),
        "busy": (_("The server is busy with other photos. Try again in a moment."), 503),
    }


@bp.post("/evidence/<int:evidence_id>/delete")
@instructor_only
def delete_evidence(evidence_id: int):
    session = db.session()
    row = session.get(Evidence, evidence_id)
    if row is None:
        raise UserError(_("This photo does not exist."), 404)
    found = _assessment(row.assessment_id)
    if found.status != DRAFT:
        raise UserError(_("Photos of a signed-off assessment are kept."), 409)
    session.delete(row)
    session.flush()
    evidence.remove(instance_path(), found.context_id, row.uid)
    if _wants_json():
        return jsonify(status="deleted")
    return redirect(url_for("practical.assessment", assessment_id=found.id) + f"#criterion-{row.criterion_id}", 303)


@bp.get("/evidence/<int:evidence_id>/<any(thumb, full):size>")
@auth.require_role(roles.INSTRUCTOR, roles.LEARNER, context=True)
def evidence_file(evidence_id: int, size: str):
    """Instructors of the course, and the learner once the result is signed off."""
    actor = auth.current_actor()
    row = db.session().get(Evidence, evidence_id)
    found = row.assessment if row is not None else None
    allowed = found is not None and found.context_id == actor.context_id and (
        actor.has(roles.INSTRUCTOR) or (found.learner_id == actor.user_id and found.status == SIGNED)
    )
    if not allowed:
        raise UserError(_("This photo does not exist."), 404)
    full, thumb = evidence.paths(instance_path(), found.context_id, row.uid)
    path = thumb if size == "thumb" else full
    if not path.is_file():
        raise UserError(_("This photo does not exist."), 404)
    response = send_file(path, mimetype="image/jpeg", max_age=0, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = f'inline; filename="evidence-{row.id}.jpg"'
    return response
