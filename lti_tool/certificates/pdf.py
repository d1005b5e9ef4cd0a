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
import os
import threading
from dataclasses import astuple, dataclass
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
    def qr_png(self) -> str:
        """One pixel a module (~400 bytes), drawn sharp at 30 mm (``image-rendering: pixelated``)."""
        return segno.make(self.verify_url, error="m").png_data_uri(scale=1, border=0, dark="#111827")


class RenderError(RuntimeError):
    """A certificate could not be rendered (the caller retries and reports)."""


def html(faces: list[Face]) -> str:
    return _ENV.get_template("certificates/pdf.html").render(certificates=faces)


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
                if url == font_url or url.startswith("data:image/png;base64,"):
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
        if missing := fonts.fonts().missing("".join(str(value) for value in astuple(face) if value)):
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
