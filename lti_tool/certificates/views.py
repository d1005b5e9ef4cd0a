"""Certificate pages: the public verification page, a holder's certificates and PDFs,
and HR's revoke and reissue (with the audit trail)."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lti_tool import auth, db
from lti_tool.audit.actor import audited
from lti_tool.certificates import bp, services, store
from lti_tool.certificates.models import Certificate
from lti_tool.certificates.pdf import RenderError
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.lti.organisations import organisation_id_of
from lti_tool.practical.helpers import zone_of_users
from lti_tool.records.employees import employee_of, user_ids_of


@bp.route("/verify/<code>")
def verify(code: str):
    """Public: valid / expired / revoked, holder, course, dates; nothing more."""
    certificate = services.by_code(db.session(), code)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None), 404
    zone = zone_of_users(db.session(), [certificate.user_id]).get(certificate.user_id)  # the issuer's days
    response = Response(render_template("certificates/verify.html", certificate=certificate,
                                        status=certificate.status(), zone=zone))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def own_user_ids(actor) -> list[int]:
    """The actor's users: every LMS account linked to the same employee."""
    session = db.session()
    employee = employee_of(session, actor.user_id)
    return user_ids_of(session, employee.id) if employee else [actor.user_id]


def certificate_or_404(certificate_id: int, *, hr_only: bool = False) -> Certificate:
    """The certificate, if the actor may see it: its holder (from any of their LMS
    accounts), or HR of the same organisation."""
    actor = auth.current_actor()
    found = db.session().get(Certificate, certificate_id)
    if found is None or organisation_id_of(db.session(), found.platform_id) != actor.organisation_id:
        abort(404)
    if actor.has(roles.HR):
        return found
    if hr_only or found.user_id not in own_user_ids(actor):
        abort(404)
    return found


@bp.route("/certificates/")
@auth.require_role()
def mine():
    actor = auth.current_actor()
    certificates = db.session().scalars(select(Certificate).where(Certificate.user_id.in_(own_user_ids(actor)))
                                        .order_by(Certificate.issued_at.desc())).all()
    return render_template("certificates/mine.html", certificates=certificates)


@bp.route("/certificates/<int:certificate_id>")
@auth.require_role()
def detail(certificate_id: int):
    certificate = certificate_or_404(certificate_id)
    is_hr = auth.current_actor().has(roles.HR)
    return render_template("certificates/detail.html", certificate=certificate, status=certificate.status(),
                           events=services.history(db.session(), certificate.id) if is_hr else [], is_hr=is_hr,
                           verify_url=services.verify_url(certificate.code))


@bp.route("/certificates/<int:certificate_id>.pdf")
@auth.require_role()
def pdf(certificate_id: int):
    certificate = certificate_or_404(certificate_id)
    try:
        data = store.pdf_bytes(db.session(), certificate, current_app.config["SETTINGS"].public_base_url)
    except RenderError:
        raise UserError(_("The certificate could not be rendered. It has been reported; try again later."), 503) from None
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{certificate.number}.pdf"'})


def _reason() -> str:
    reason = (request.form.get("reason") or "").strip()
    if not reason or len(reason) > 500:
        raise UserError(_("Give a reason (at most 500 characters): it goes into the audit trail."), 422)
    return reason


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@auth.require_role(roles.HR)
def revoke(certificate_id: int):
    certificate = certificate_or_404(certificate_id, hr_only=True)
    if certificate.revoked_at is not None:
        raise UserError(_("This certificate is already revoked."), 409)
    reason = _reason()
    services.revoke(db.session(), certificate, reason=reason, actor_user_id=auth.current_actor().user_id)
    audited("certificate.revoked", f"certificate {certificate.number}", certificate_id=certificate.id,
            reason=reason)
    flash(_("Certificate %(number)s revoked.", number=certificate.number), "success")
    return redirect(url_for("certificates.detail", certificate_id=certificate.id), 303)


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@auth.require_role(roles.HR)
def reissue(certificate_id: int):
    certificate = certificate_or_404(certificate_id, hr_only=True)
    if certificate.revoked_at is not None:
        raise UserError(_("A revoked certificate cannot be reissued."), 409)
    reason = _reason()
    new = services.reissue(db.session(), certificate, reason=reason, actor_user_id=auth.current_actor().user_id)
    audited("certificate.reissued", f"certificate {certificate.number} → {new.number}",
            certificate_id=certificate.id, new_certificate_id=new.id, reason=reason)
    flash(_("Certificate reissued as %(number)s.", number=new.number), "success")
    return redirect(url_for("certificates.detail", certificate_id=new.id), 303)
