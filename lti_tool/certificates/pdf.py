"""Certificate PDFs (WeasyPrint): A4 landscape, Chinese and English, the CJK font
subset and embedded, a QR code to the public verification page.

Fed plain values only (``Face``), from a sandboxed template, with a URL fetcher that
refuses every URL: a certificate needs nothing but its own HTML. Many certificates are
laid out as one document and split into one PDF per page, which costs far less than
one layout per certificate (see bench/certificates.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import segno
from jinja2 import FileSystemLoader, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

TEMPLATES = Path(__file__).parent / "templates"
_ENV = SandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))


@dataclass(frozen=True)
class Face:
    """What a certificate states, frozen at issue."""

    number: str
    holder_name: str
    employee_number: str
    course_title_zh: str
    course_title_en: str
    issued: str  # YYYY-MM-DD
    valid_until: str | None
    hours: str
    verify_url: str
    issuer: str = "售后培训 · After-sales training"
    reissue_of: str | None = None

    @property
    def qr_svg(self) -> str:
        qr = segno.make(self.verify_url, error="m")
        return qr.svg_inline(scale=4, border=0, dark="#111827", omitsize=True)


class RenderError(RuntimeError):
    """A certificate could not be rendered (the caller retries and reports)."""


def html(faces: list[Face]) -> str:
    return _ENV.get_template("certificates/pdf.html").render(certificates=faces)


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"a certificate fetches no URL ({url})")


def _document(faces: list[Face]):
    from weasyprint import HTML

    try:
        return HTML(string=html(faces), base_url="about:blank", url_fetcher=_no_fetch).render()
    except Exception as exc:  # noqa: BLE001 - WeasyPrint raises many kinds
        raise RenderError(str(exc)) from exc


def render_one(face: Face) -> bytes:
    return render_many([face])[0]


def render_many(faces: list[Face]) -> list[bytes]:
    """One PDF per face, laid out together (one page each)."""
    if not faces:
        return []
    document = _document(faces)
    if len(document.pages) != len(faces):
        raise RenderError(f"{len(faces)} certificates laid out on {len(document.pages)} pages")
    if len(faces) == 1:
        return [document.write_pdf()]
    return [document.copy([page]).write_pdf() for page in document.pages]


def render_combined(faces: list[Face]) -> bytes:
    """All faces in one PDF (one page each): for printing a batch."""
    return _document(faces).write_pdf()
