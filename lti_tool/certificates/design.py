"""An organisation's certificate design and its per-course overrides, resolved field by
field: the course's override, else the organisation's design, else the product's
default. What a certificate shows is this resolution at issue, kept on the certificate
(``snapshot``): a later change of the design, or of an image, changes no issued
certificate (images are kept rows, never changed)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.certificates import images
from lti_tool.certificates.models import CertificateDesign, CertificateImage

TEXTS = ("company_name_zh", "company_name_en", "signatory1_name", "signatory1_title", "signatory2_name",
         "signatory2_title")
IMAGES = ("logo_image_id", "seal_image_id", "signatory1_image_id", "signatory2_image_id")
COLOURS = ("primary_colour", "accent_colour")
FIELDS = TEXTS + IMAGES + COLOURS
DEFAULT_PRIMARY, DEFAULT_ACCENT = "#1d4e89", "#9a3412"
COLOUR = re.compile(r"^#[0-9a-f]{6}$")
MAX_LENGTH = {"company_name_zh": 50, "company_name_en": 100, "signatory1_name": 60, "signatory2_name": 60,
              "signatory1_title": 80, "signatory2_title": 80}


@dataclass(frozen=True)
class Design:
    """A resolved design: every field has its value (None: not shown)."""

    company_name_zh: str | None = None
    company_name_en: str | None = None
    logo_image_id: int | None = None
    seal_image_id: int | None = None
    signatory1_name: str | None = None
    signatory1_title: str | None = None
    signatory1_image_id: int | None = None
    signatory2_name: str | None = None
    signatory2_title: str | None = None
    signatory2_image_id: int | None = None
    primary_colour: str = DEFAULT_PRIMARY
    accent_colour: str = DEFAULT_ACCENT

    def snapshot(self) -> dict:
        return asdict(self)

    @classmethod
    def from_snapshot(cls, data: dict | None) -> Design:
        """A certificate's kept design (None for one issued before designs: the default)."""
        known = {f.name for f in fields(cls)}
        design = cls(**{k: v for k, v in (data or {}).items() if k in known and v is not None})
        return design if all(COLOUR.match(c) for c in (design.primary_colour, design.accent_colour)) else \
            replace(design, primary_colour=DEFAULT_PRIMARY, accent_colour=DEFAULT_ACCENT)

    def image_ids(self) -> list[int]:
        return [value for value in (getattr(self, name) for name in IMAGES) if value]


def colour(value: str | None) -> str | None:
    """``#rrggbb`` (lower case) or None; anything else raises ValueError (it goes into
    the PDF's style attributes, so nothing but a colour may)."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if not COLOUR.match(value):
        raise ValueError(value)
    return value


def rows(session: Session, organisation_id: int, course_id: str | None = None) -> dict[str, CertificateDesign]:
    """The organisation's design row ("") and the course's override, those that exist."""
    wanted = ["", course_id] if course_id else [""]
    return {row.course_id: row for row in session.scalars(select(CertificateDesign).where(
        CertificateDesign.organisation_id == organisation_id, CertificateDesign.course_id.in_(wanted)))}


def resolve(session: Session, organisation_id: int, course_id: str | None = None) -> Design:
    found = rows(session, organisation_id, course_id)
    layers = [row for row in (found.get(course_id or ""), found.get("")) if row is not None]
    values = {}
    for name in FIELDS:
        for row in layers:
            value = getattr(row, name)
            if value is not None and value != "":
                values[name] = value
                break
    return Design(**values)


def overrides(session: Session, organisation_id: int) -> list[CertificateDesign]:
    return list(session.scalars(select(CertificateDesign).where(
        CertificateDesign.organisation_id == organisation_id, CertificateDesign.course_id != "")
        .order_by(CertificateDesign.course_id)))


def row_for(session: Session, organisation_id: int, course_id: str = "") -> CertificateDesign:
    """The design row of the organisation (or of one course), made empty if new."""
    row = rows(session, organisation_id, course_id or None).get(course_id)
    if row is None:
        row = CertificateDesign(organisation_id=organisation_id, course_id=course_id)
        session.add(row)
    return row


def keep_image(session: Session, organisation_id: int, picture: images.Picture) -> CertificateImage:
    """The organisation's image row of these bytes (one row per distinct picture)."""
    found = session.scalar(select(CertificateImage).where(CertificateImage.organisation_id == organisation_id,
                                                          CertificateImage.sha256 == picture.sha256))
    if found is None:
        found = CertificateImage(organisation_id=organisation_id, sha256=picture.sha256, mime=picture.mime,
                                 data=picture.data, width=picture.width, height=picture.height)
        session.add(found)
        session.flush()
    return found


def image_uris(session: Session, ids: list[int]) -> dict[int, str]:
    """``data:`` URIs of the images, for the PDF (which fetches no other URL)."""
    if not ids:
        return {}
    return {row.id: images.data_uri(row.mime, row.data) for row in session.scalars(
        select(CertificateImage).where(CertificateImage.id.in_(sorted(set(ids)))))}
