"""HR's background exports (progress, download), the roster import (dry run, then
apply), API tokens and xAPI store credentials."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from lti_tool import auth, db, xapi_credentials
from lti_tool.audit.actor import audited
from lti_tool.errors import UserError
from lti_tool.hr import bp, exports, roster, tokens
from lti_tool.hr.models import DONE, ApiToken, ExportJob
from lti_tool.hr.views import hr_only
from lti_tool.practical.helpers import local_time, tr
from lti_tool.records.file import course_title


def job_or_404(job_id: int) -> ExportJob:
    job = db.session().get(ExportJob, job_id)
    if job is None or job.organisation_id != auth.current_actor().organisation_id:
        abort(404)
    return job


@bp.route("/exports", methods=["POST"])
@hr_only
def export_start():
    actor = auth.current_actor()
    job = exports.create(db.session(), organisation_id=actor.organisation_id, filters=filters_from_form(),
                         user_id=actor.user_id)
    audited("export.started", f"export job {job.id} ({job.total} certificates)", export_job_id=job.id,
            filters=job.filters)
    return redirect(url_for("hr.export_page", job_id=job.id), 303)


def filters_from_form():
    from lti_tool.hr.queries import Filters

    try:
        return Filters.parse(request.form)
    except ValueError:
        raise UserError(_("Dates are written YYYY-MM-DD, and the status must be one of the listed ones."), 400) from None


@bp.route("/exports/<int:job_id>")
@hr_only
def export_page(job_id: int):
    job = job_or_404(job_id)
    f = exports.filters_of(job)
    session = db.session()
    status_labels = {"valid": _("Valid"), "due": _("Recertification due (90 days)"), "expired": _("Expired"),
                     "revoked": _("Revoked")}
    used = [(label, value) for label, value in (
        (_("Department"), f.department),
        (_("Course"), tr(course_title(session, f.course_id)) if f.course_id else ""),
        (_("From"), f.date_from.isoformat() if f.date_from else ""),
        (_("To"), f.date_to.isoformat() if f.date_to else ""),
        (_("Status"), status_labels.get(f.status, f.status)),
        (_("Name or employee number"), f.q),
    ) if value]
    return render_template("hr/export.html", job=job, used=used,
                           made=local_time(job.created_at, label=True))


@bp.route("/exports/<int:job_id>.json")
@hr_only
def export_status(job_id: int):
    job = job_or_404(job_id)
    return jsonify({"status": job.status, "done": job.done, "total": job.total, "percent": job.percent,
                    "failures": job.failures, "error": job.error,
                    "download": url_for("hr.export_download", job_id=job.id) if job.status == DONE else None})


@bp.route("/exports/<int:job_id>/download")
@hr_only
def export_download(job_id: int):
    job = job_or_404(job_id)
    path = exports.zip_path(Path(current_app.instance_path), job)
    if job.status != DONE or not path.exists():
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)


# -- roster ---------------------------------------------------------------------------


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "roster-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.route("/roster", methods=["GET", "POST"])
@hr_only
def roster_upload():
    if request.method == "GET":
        return render_template("hr/roster.html", plan=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UserError(_("Choose a .csv or .xlsx file to upload."), 422)
    data = upload.read(roster.MAX_BYTES + 1)
    plan = roster.plan(db.session(), auth.current_actor().organisation_id, upload.filename, data)
    ticket = ""
    if plan.ok:  # kept until confirmed: the dry run and the import read the same bytes
        ticket = secrets.token_urlsafe(16)
        suffix = ".xlsx" if upload.filename.lower().endswith(".xlsx") else ".csv"
        (_upload_dir() / f"{ticket}{suffix}").write_bytes(data)
    return render_template("hr/roster.html", plan=plan, ticket=ticket, filename=upload.filename,
                           digest=hashlib.sha256(data).hexdigest()[:12]), 200 if plan.ok else 422


@bp.route("/roster/apply", methods=["POST"])
@hr_only
def roster_apply():
    ticket = request.form.get("ticket", "")
    matches = [p for p in _upload_dir().glob(f"{ticket}.*")] if ticket.replace("-", "").replace("_", "").isalnum() else []
    if not ticket or len(matches) != 1:
        raise UserError(_("This import was already applied or has expired. Upload the file again."), 404)
    path = matches[0]
    plan = roster.plan(db.session(), auth.current_actor().organisation_id, path.name, path.read_bytes())
    if not plan.ok:
        raise UserError(_("The file no longer passes the checks. Upload it again."), 422)
    changed = roster.apply(db.session(), auth.current_actor().organisation_id, plan)
    from lti_tool.plans import assignments

    onboarded = assignments.onboard(db.session(), auth.current_actor().organisation_id)  # new hires' training
    audited("roster.applied", f"roster import ({changed} employees)", employees=changed,
            new=len(plan.new), changed=len(plan.changed), unchanged=plan.unchanged, assigned=onboarded)
    path.unlink(missing_ok=True)
    flash(_("Roster imported: %(n)d employees added or updated.", n=changed), "success")
    return redirect(url_for("hr.employees"), 303)


# -- API tokens -----------------------------------------------------------------------


@bp.route("/tokens", methods=["GET", "POST"])
@hr_only
def api_tokens():
    actor = auth.current_actor()
    plain = None
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()
        if not name:
            raise UserError(_("Name the token after the system that will use it."), 422)
        token, plain = tokens.create(db.session(), organisation_id=actor.organisation_id, name=name, user_id=actor.user_id)
        audited("hr_token.created", f"API token {token.name} ({token.prefix}…)", token_id=token.id)
    return render_template("hr/tokens.html", tokens=tokens.of_organisation(db.session(), actor.organisation_id),
                           plain=plain, api_base=url_for("hr_api.openapi_json"))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@hr_only
def api_token_revoke(token_id: int):
    token = db.session().get(ApiToken, token_id)
    if token is None or token.organisation_id != auth.current_actor().organisation_id:
        abort(404)
    if token.revoked_at is None:
        tokens.revoke(db.session(), token)
        audited("hr_token.revoked", f"API token {token.name} ({token.prefix}…)", token_id=token.id)
    flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("hr.api_tokens"), 303)


# -- xAPI store credentials -----------------------------------------------------------


@bp.route("/xapi-credentials", methods=["GET", "POST"])
@hr_only
def xapi_credentials_page():
    actor = auth.current_actor()
    secret = made = None
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()
        if not name:
            raise UserError(_("Name the credential after the system that will use it."), 422)
        made, secret = xapi_credentials.create(db.session(), organisation_id=actor.organisation_id, name=name,
                                               user_id=actor.user_id, actor_label=actor.user.name or "")
    return render_template("hr/xapi_credentials.html", made=made, secret=secret,
                           credentials=xapi_credentials.listed(db.session(), actor.organisation_id),
                           store_url=current_app.config["SETTINGS"].public_base_url + url_for("xapi.statements"))


@bp.route("/xapi-credentials/<int:credential_id>/revoke", methods=["POST"])
@hr_only
def xapi_credential_revoke(credential_id: int):
    actor = auth.current_actor()
    credential = db.session().get(xapi_credentials.XapiCredential, credential_id)
    if credential is None or credential.organisation_id != actor.organisation_id:
        abort(404)
    xapi_credentials.revoke(db.session(), credential, user_id=actor.user_id, actor_label=actor.user.name or "")
    flash(_("Credential %(name)s revoked.", name=credential.name), "success")
    return redirect(url_for("hr.xapi_credentials_page"), 303)
