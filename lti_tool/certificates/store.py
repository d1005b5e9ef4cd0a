"""Certificate PDFs rendered once and kept: by the worker soon after issue (in batches),
or on first download. A failed render is retried and reported, never skipped quietly."""

from __future__ import annotations

import hashlib
import logging

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.certificates import design, pdf
from lti_tool.certificates.models import Certificate, CertificateEvent, CertificatePdf
from lti_tool.certificates.services import verify_url
from lti_tool.db import get_db, insert_once, utcnow
from lti_tool.practical.helpers import DEFAULT_ZONE, local_time, zone_of_users

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
BATCH = 10  # one worker pass: ~0.5-1 s of rendering, so other drainers are not held up


def face(certificate: Certificate, base_url: str, replaced_number: str | None = None, zone: str | None = None,
         image_uris: dict[int, str] | None = None) -> pdf.Face:
    """What the PDF shows; its days in ``zone``, the holder's organisation's; its look
    the design kept at issue, its images from ``image_uris`` (design.image_uris)."""
    title = certificate.course_title or {}
    return pdf.Face(
        number=certificate.number, holder_name=certificate.holder_name, employee_number=certificate.employee_number,
        course_title_zh=title.get("zh-CN", ""), course_title_en=title.get("en", ""),
        issued=local_time(certificate.issued_at, zone or DEFAULT_ZONE, "%Y-%m-%d"),
        valid_until=local_time(certificate.valid_until, zone or DEFAULT_ZONE, "%Y-%m-%d") or None,
        hours=f"{certificate.hours:g}" if certificate.hours else "", verify_url=verify_url(certificate.code, base_url),
        reissue_of=replaced_number,
        **design_fields(design.Design.from_snapshot(certificate.design), image_uris or {}),
    )


def design_fields(shown: design.Design, image_uris: dict[int, str]) -> dict:
    """The ``pdf.Face`` fields of a design."""
    signatories = []
    for n in (1, 2):
        name, title = getattr(shown, f"signatory{n}_name"), getattr(shown, f"signatory{n}_title")
        image = image_uris.get(getattr(shown, f"signatory{n}_image_id"))
        if name or title or image:
            signatories.append(pdf.Signatory(name or "", title or "", image))
    return {"company_name_zh": shown.company_name_zh or "", "company_name_en": shown.company_name_en or "",
            "logo": image_uris.get(shown.logo_image_id), "seal": image_uris.get(shown.seal_image_id),
            "signatories": tuple(signatories), "primary_colour": shown.primary_colour,
            "accent_colour": shown.accent_colour}


def _faces(session: Session, certificates: list[Certificate], base_url: str) -> list[pdf.Face]:
    replaced = {c.replaces_id for c in certificates if c.replaces_id}
    numbers = dict(session.execute(select(Certificate.id, Certificate.number).where(Certificate.id.in_(replaced)))
                   .all()) if replaced else {}
    zones = zone_of_users(session, [c.user_id for c in certificates])
    uris = design.image_uris(session, [i for c in certificates if c.design
                                       for i in design.Design.from_snapshot(c.design).image_ids()])
    return [face(c, base_url, numbers.get(c.replaces_id), zones.get(c.user_id), uris) for c in certificates]


def _keep(session: Session, certificate: Certificate, data: bytes) -> bytes:
    """Keep ``data`` unless another transaction (a download, a worker) kept this PDF
    first: then its bytes are the certificate's, and are returned instead."""
    values = {"certificate_id": certificate.id, "data": data, "sha256": hashlib.sha256(data).hexdigest(),
              "rendered_at": utcnow()}
    if not insert_once(session, CertificatePdf, values, ["certificate_id"]):
        # ON CONFLICT waited for the other transaction to commit, so its row is visible now
        return session.scalars(select(CertificatePdf.data)
                               .where(CertificatePdf.certificate_id == certificate.id)).one()
    session.add(CertificateEvent(certificate_id=certificate.id, action="rendered",
                                 details={"sha256": values["sha256"], "bytes": len(data)}))
    if certificate.render_error:
        certificate.render_error = ""
    return data


def _failed(session: Session, certificate: Certificate, error: str) -> None:
    certificate.render_attempts = (certificate.render_attempts or 0) + 1
    certificate.render_error = error[:2000]
    session.add(CertificateEvent(certificate_id=certificate.id, action="render_failed",
                                 details={"attempt": certificate.render_attempts, "error": error[:500]}))
    log.warning("certificate %s failed to render (attempt %s): %s", certificate.number, certificate.render_attempts,
                error)


def render_batch(session: Session, certificates: list[Certificate], base_url: str) -> dict[int, bytes]:
    """Render and keep the PDFs of ``certificates`` (laid out together); a batch that
    fails is tried again one by one, so one bad certificate spoils no other."""
    if not certificates:
        return {}
    try:
        datas = pdf.render_many(_faces(session, certificates, base_url))
        pairs = list(zip(certificates, datas, strict=True))
    except pdf.RenderError:
        pairs = []
        for certificate in certificates:
            try:
                pairs.append((certificate, pdf.render_one(_faces(session, [certificate], base_url)[0])))
            except pdf.RenderError as exc:
                _failed(session, certificate, str(exc))
    kept = {}
    for certificate, data in pairs:
        kept[certificate.id] = _keep(session, certificate, data)
    session.flush()
    return kept


def pdf_bytes(session: Session, certificate: Certificate, base_url: str) -> bytes:
    """The kept PDF, rendered now (and kept) if the worker has not got to it yet."""
    stored = session.get(CertificatePdf, certificate.id)
    if stored is not None:
        return stored.data
    # A worker rendering it holds the certificate's row (``unrendered``): wait for its
    # commit and serve its PDF, rather than render a second one that cannot be kept.
    session.execute(select(Certificate.id).where(Certificate.id == certificate.id).with_for_update())
    stored = session.get(CertificatePdf, certificate.id)
    if stored is not None:
        return stored.data
    for _attempt in range(MAX_ATTEMPTS):
        kept = render_batch(session, [certificate], base_url)
        if certificate.id in kept:
            return kept[certificate.id]
    raise pdf.RenderError(certificate.render_error or "render failed")


def unrendered(session: Session, limit: int, ids: list[int] | None = None) -> list[Certificate]:
    query = (select(Certificate).outerjoin(CertificatePdf, CertificatePdf.certificate_id == Certificate.id)
             .where(CertificatePdf.certificate_id.is_(None), Certificate.render_attempts < MAX_ATTEMPTS)
             .order_by(Certificate.id).limit(limit)
             # Several workers: each renders the certificates it locked, none twice.
             .with_for_update(of=Certificate, skip_locked=True))
    if ids is not None:
        query = query.where(Certificate.id.in_(ids))
    return list(session.scalars(query))


def drain(app: Flask) -> int:
    """Worker pass: render one batch of new certificates; returns how many were handled."""
    base_url = app.config["SETTINGS"].public_base_url
    with app.app_context(), get_db(app).sessionmaker.begin() as session:
        batch = unrendered(session, BATCH)
        render_batch(session, batch, base_url)
        return len(batch)
