"""HR sets how the organisation's certificates look (证书样式): company name, logo,
signatories, seal and colours, and per course an override of any of them; a preview
shows a sample certificate with the saved design, as a page and as the PDF.

A submission with a wrong field saves nothing and shows the form again with the
field's error and the other values as typed. Certificates issued already keep the
design they were issued with (certificates.design)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from lti_tool import auth, db
from lti_tool.audit.actor import audited
from lti_tool.catalog.models import Course
from lti_tool.certificates import design, fonts, images, pdf, store
from lti_tool.hr import bp
from lti_tool.hr.views import hr_only
from lti_tool.practical.helpers import tr
from lti_tool.records.file import course_title

SAMPLE_HOLDER = "欧阳娜娜娜娜"
SAMPLE_COURSE = {"zh-CN": "新能源汽车高压系统安全操作与动力电池故障诊断维修", "en":
                 "Safe work on high-voltage systems of new energy vehicles and traction battery diagnosis and repair"}
IMAGE_FIELDS = {"logo_image_id": "logo", "seal_image_id": "seal", "signatory1_image_id": "signature1",
                "signatory2_image_id": "signature2"}


@dataclass
class Submitted:
    """A parsed form: the values to save, or the errors by field."""

    texts: dict = field(default_factory=dict)
    colours: dict = field(default_factory=dict)
    pictures: dict = field(default_factory=dict)
    removed: set = field(default_factory=set)
    errors: dict = field(default_factory=dict)


def _image_refusals() -> dict[str, str]:
    return {"type": _("Upload a PNG or JPEG image (SVG, GIF and other formats are not accepted)."),
            "size": _("The image is larger than %(mb)d MB.", mb=images.MAX_BYTES // (1024 * 1024)),
            "pixels": _("The image has more than %(mp)d megapixels.", mp=images.MAX_PIXELS // 1_000_000),
            "busy": _("The server is busy with other images. Try again in a moment.")}


def _courses() -> list[tuple[str, str]]:
    """The library's courses and those imported before (slug, title), by slug; of the
    organisations' own courses, only this organisation's."""
    from lti_tool.catalog.library import load_library

    session = db.session()
    library = load_library(current_app.config["SETTINGS"].resolved_content_path, strict=False)
    titles = {slug: content.manifest.title.model_dump(by_alias=True) for slug, content in library.courses.items()}
    organisation_id = auth.current_actor().organisation_id
    for slug in session.scalars(select(Course.slug).where(  # the library's and the organisation's own
            or_(Course.owner_organisation_id.is_(None), Course.owner_organisation_id == organisation_id))):
        titles.setdefault(slug, None)
    return [(slug, tr(title if title else course_title(session, slug))) for slug, title in sorted(titles.items())]


def _course_arg(value: str | None) -> str:
    """"" (the organisation's design) or the slug of a course in the library; else 404."""
    value = (value or "").strip()
    if value and value not in dict(_courses()):
        abort(404)
    return value


def parse(form, files) -> Submitted:
    got = Submitted()
    for name in design.TEXTS:
        value = " ".join((form.get(name) or "").split())
        if len(value) > design.MAX_LENGTH[name]:
            got.errors[name] = _("At most %(n)d characters.", n=design.MAX_LENGTH[name])
        elif missing := fonts.fonts().missing(value):
            got.errors[name] = _("The certificate font cannot draw these characters: %(chars)s", chars=missing)
        got.texts[name] = value or None
    for name in design.COLOURS:
        try:
            got.colours[name] = design.colour(form.get(name))
        except ValueError:
            got.errors[name] = _("A colour is written #rrggbb, e.g. #1d4e89.")
    budget = current_app.extensions.get("evidence_budget")
    for name, input_name in IMAGE_FIELDS.items():
        if form.get(f"remove_{input_name}"):
            got.removed.add(name)
        upload = files.get(input_name)
        if upload is None or not upload.filename:
            continue
        try:
            got.pictures[name] = images.process(upload.read(images.MAX_BYTES + 1), budget, 5.0)
        except images.ImageError as exc:
            got.errors[name] = _image_refusals()[exc.reason]
    return got


def save(organisation_id: int, course_id: str, got: Submitted) -> list[str]:
    """Write the submitted design; returns the names of the fields that changed."""
    session = db.session()
    row = design.row_for(session, organisation_id, course_id)
    values = {**got.texts, **got.colours, **{name: None for name in got.removed}}
    for name, picture in got.pictures.items():
        values[name] = design.keep_image(session, organisation_id, picture).id
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    session.flush()
    return changed


def _form_values(row) -> dict:
    return {name: getattr(row, name) or "" for name in design.TEXTS + design.COLOURS} if row else {}


def _page(course_id: str, values: dict | None = None, errors: dict | None = None, status: int = 200):
    session, organisation_id = db.session(), auth.current_actor().organisation_id
    row = design.rows(session, organisation_id, course_id or None).get(course_id)
    courses = _courses()
    return render_template(
        "hr/certificate_design.html", course_id=course_id, course_name=dict(courses).get(course_id, ""),
        courses=courses, values=values if values is not None else _form_values(row), errors=errors or {},
        row=row, overrides=design.overrides(session, organisation_id), titles=dict(courses),
        defaults={"primary_colour": design.DEFAULT_PRIMARY, "accent_colour": design.DEFAULT_ACCENT},
        inherited=design.resolve(session, organisation_id) if course_id else None,
        image_fields=IMAGE_FIELDS, image_of=row_images(row), limits=images), status


def row_images(row) -> dict[str, str]:
    """The row's own images as ``data:`` URIs, by field (thumbnails on the form)."""
    if row is None:
        return {}
    ids = {name: getattr(row, name) for name in IMAGE_FIELDS if getattr(row, name)}
    uris = design.image_uris(db.session(), list(ids.values()))
    return {name: uris[image_id] for name, image_id in ids.items() if image_id in uris}


@bp.route("/certificate-design", methods=["GET", "POST"])
@hr_only
def certificate_design():
    course_id = _course_arg(request.values.get("course"))
    if request.method == "GET":
        return _page(course_id)
    got = parse(request.form, request.files)
    if got.errors:
        typed = {name: request.form.get(name, "") for name in design.TEXTS + design.COLOURS}
        return _page(course_id, typed, got.errors, 422)
    changed = save(auth.current_actor().organisation_id, course_id, got)
    if changed:
        audited("certificate_design.changed", f"certificate design ({course_id or 'organisation'})",
                course_id=course_id, fields=changed)
    flash(_("Certificate design saved. Certificates issued from now on show it; those issued before keep theirs."),
          "success")
    return redirect(url_for("hr.certificate_design", course=course_id or None), 303)


@bp.route("/certificate-design/remove", methods=["POST"])
@hr_only
def certificate_design_remove():
    """A course's override removed: the course shows the organisation's design again."""
    course_id = _course_arg(request.form.get("course"))
    if not course_id:
        abort(404)
    session, organisation_id = db.session(), auth.current_actor().organisation_id
    row = design.rows(session, organisation_id, course_id).get(course_id)
    if row is not None:
        session.delete(row)
        audited("certificate_design.override_removed", f"certificate design ({course_id})", course_id=course_id)
    flash(_("The course now shows the organisation's certificate design."), "success")
    return redirect(url_for("hr.certificate_design"), 303)


def sample_face(course_id: str) -> pdf.Face:
    session, organisation_id = db.session(), auth.current_actor().organisation_id
    shown = design.resolve(session, organisation_id, course_id or None)
    title = course_title(session, course_id) if course_id else SAMPLE_COURSE
    base = current_app.config["SETTINGS"].public_base_url
    return pdf.Face(number="AT20260000000", holder_name=SAMPLE_HOLDER, employee_number="E000001",
                    course_title_zh=title.get("zh-CN", ""), course_title_en=title.get("en", ""), issued="2026-01-01",
                    valid_until="2027-01-01", hours="8", verify_url=f"{base.rstrip('/')}/verify/preview",
                    **store.design_fields(shown, design.image_uris(session, shown.image_ids())))


@bp.route("/certificate-design/preview.html")
@hr_only
def certificate_design_preview():
    return pdf.preview_html(sample_face(_course_arg(request.args.get("course")))), 200, {
        "Content-Type": "text/html; charset=utf-8"}


@bp.route("/certificate-design/preview.pdf")
@hr_only
def certificate_design_preview_pdf():
    try:
        data = pdf.render_one(sample_face(_course_arg(request.args.get("course"))))
    except pdf.RenderError as exc:
        from lti_tool.errors import UserError

        raise UserError(_("The sample certificate could not be rendered: %(error)s", error=str(exc)), 422) from None
    return data, 200, {"Content-Type": "application/pdf",
                       "Content-Disposition": 'inline; filename="certificate-preview.pdf"'}
