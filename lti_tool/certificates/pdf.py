"""Certificate PDFs (WeasyPrint): A4 landscape, Chinese and English, the CJK font
subset and embedded, a QR code to the public verification page.

Fed plain values only (``Face``), from a sandboxed template, with a URL fetcher that
refuses every URL but the certificate font and the QR code's own ``data:`` PNG. Each
process parses the stylesheet and loads the font (the cut of ``fonts.py``) once. Many
certificates are laid out as one document and split into one PDF per page, which costs
far less than one layout per certificate (see bench/certificates.py).
"""

from __future__ import annotations

import atexit
import math
import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import segno
from jinja2 import FileSystemLoader, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from lti_tool.certificates import fonts
from lti_tool.numbers import shown

TEMPLATES = Path(__file__).parent / "templates"
_ENV = SandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
_ENV.filters["num"] = shown  # the one rule for numbers people read
_LOCK = threading.Lock()  # one FontConfiguration per process, which Pango does not share across threads
_style = None  # (pid, fetcher, font configuration, stylesheet), made at first render in each process


DEFAULT_ISSUER = "售后培训 · After-sales training"
PT_PER_MM = 72 / 25.4
TEXT_WIDTH_MM = 230  # the frame's inner width (pdf.css: .frame)


def width_em(text: str) -> float:
    """How wide ``text`` is set, in em: a CJK or full-width character is one em, a Latin
    letter at most ~0.6 (capitals of the serif; lower case is narrower)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def fit_pt(text: str, largest: float, smallest: float, lines: int = 1, width_mm: float = TEXT_WIDTH_MM) -> float:
    """The largest size (half points, from ``largest`` down to ``smallest``) at which
    ``text`` fits ``lines`` lines of the frame; the stylesheet wraps what is still longer."""
    em = width_em(text)
    if not em:
        return largest
    size = math.floor(width_mm * PT_PER_MM * lines / em * 2) / 2
    return max(smallest, min(largest, size))


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str
    image: str | None = None  # a data: URI


@dataclass(frozen=True)
class Face:
    """What a certificate states, frozen at issue, and how it looks (its organisation's
    design as it stood at issue: names, ``data:`` URIs of its images, colours)."""

    number: str
    holder_name: str
    employee_number: str
    course_title_zh: str
    course_title_en: str
    issued: str  # YYYY-MM-DD
    valid_until: str | None
    hours: str
    verify_url: str
    issuer: str = DEFAULT_ISSUER
    reissue_of: str | None = None
    company_name_zh: str = ""
    company_name_en: str = ""
    logo: str | None = None
    seal: str | None = None
    signatories: tuple[Signatory, ...] = ()
    primary_colour: str = "#1d4e89"
    accent_colour: str = "#9a3412"

    def texts(self) -> list[str]:
        """Every text the page shows from the certificate (the font must have them all)."""
        return [self.number, self.holder_name, self.employee_number, self.course_title_zh, self.course_title_en,
                self.issued, self.valid_until or "", self.hours, self.verify_url, self.issuer, self.reissue_of or "",
                self.company_name_zh, self.company_name_en,
                *[text for s in self.signatories for text in (s.name, s.title)]]

    @property
    def holder_pt(self) -> float:
        return fit_pt(self.holder_name, 28, 16)

    @property
    def course_pt(self) -> float:
        return fit_pt(self.course_title_zh, 20, 12, lines=2)

    @property
    def course_en_pt(self) -> float:
        return fit_pt(self.course_title_en, 12, 8.5, lines=2)

    @property
    def company_pt(self) -> float:
        return fit_pt(self.company_name_zh, 16, 10, width_mm=180)

    @property
    def qr_png(self) -> str:
        """One pixel a module (~400 bytes), drawn sharp at 30 mm (``image-rendering: pixelated``)."""
        return segno.make(self.verify_url, error="m").png_data_uri(scale=1, border=0, dark="#111827")


class RenderError(RuntimeError):
    """A certificate could not be rendered (the caller retries and reports)."""


def html(faces: list[Face], inline_css: str | None = None) -> str:
    """The certificates' HTML; ``inline_css`` (the stylesheet) for a browser's preview."""
    return _ENV.get_template("certificates/pdf.html").render(certificates=faces, inline_css=inline_css)


def preview_html(face: Face) -> str:
    """One certificate as a page a browser shows (HR's preview): the PDF's own
    template and stylesheet, with the fonts the browser has."""
    return html([face], inline_css=(TEMPLATES / "certificates" / "pdf.css").read_text(encoding="utf-8"))


def _stylesheet():
    """This process's fetcher, font configuration and parsed stylesheet (made once)."""
    global _style
    if _style is None or _style[0] != os.getpid():
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        font_url = fonts.fonts().cut.resolve().as_uri()

        class Fetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url == font_url or url.startswith(("data:image/png;base64,", "data:image/jpeg;base64,")):
                    return super().fetch(url, headers)
                raise ValueError(f"a certificate fetches no URL ({url[:80]})")

        fetcher, font_config = Fetcher(allowed_protocols={"file", "data"}), FontConfiguration()
        face = f'@font-face {{ font-family: "{fonts.CUT_FAMILY}"; src: url("{font_url}"); }}\n'
        css = CSS(string=face + (TEMPLATES / "certificates" / "pdf.css").read_text(encoding="utf-8"),
                  font_config=font_config, url_fetcher=fetcher)
        _style = (os.getpid(), fetcher, font_config, css)
    return _style[1:]


@atexit.register
def _forget_style():  # WeasyPrint removes its font folder while the interpreter can still do so
    global _style
    _style = None


def _check_glyphs(faces: list[Face]) -> None:
    for face in faces:
        if missing := fonts.fonts().missing("".join(face.texts())):
            raise RenderError(f"{face.number}: no certificate font has {missing!r}")


def _document(faces: list[Face]):
    from weasyprint import HTML

    _check_glyphs(faces)
    fetcher, font_config, css = _stylesheet()
    try:
        return HTML(string=html(faces), base_url="about:blank", url_fetcher=fetcher).render(
            stylesheets=[css], font_config=font_config)
    except Exception as exc:  # noqa: BLE001 - WeasyPrint raises many kinds
        raise RenderError(str(exc)) from exc


def render_one(face: Face) -> bytes:
    return render_many([face])[0]


def render_many(faces: list[Face]) -> list[bytes]:
    """One PDF per face, laid out together (one page each)."""
    if not faces:
        return []
    with _LOCK:
        document = _document(faces)
        if len(document.pages) != len(faces):
            raise RenderError(f"{len(faces)} certificates laid out on {len(document.pages)} pages")
        if len(faces) == 1:
            return [document.write_pdf()]
        return [document.copy([page]).write_pdf() for page in document.pages]


def render_combined(faces: list[Face]) -> bytes:
    """All faces in one PDF (one page each): for printing a batch."""
    with _LOCK:
        return _document(faces).write_pdf()
