"""Files the pages hand out: PDFs laid out from the tool's own HTML, and attachments.

A PDF is laid out with nothing fetched: no URL the HTML names (of this tool, of an
LMS, or of anywhere a user's text points) is read while WeasyPrint lays it out, so a
name or a text in a report cannot make the server request anything. Pictures and
charts are inline (SVG, data URLs)."""

from __future__ import annotations

from flask import current_app

from lti_tool.spreadsheet import MIME_XLSX

MIME_PDF = "application/pdf"


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"the PDF fetches no URL ({url})")


def pdf_of(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url="about:blank", url_fetcher=_no_fetch).write_pdf()


def attachment(body: bytes, mimetype: str, filename: str):
    """A response the browser saves as ``filename`` (ASCII: ids, years, kinds)."""
    return current_app.response_class(body, mimetype=mimetype,
                                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def pdf_download(html: str, filename: str):
    return attachment(pdf_of(html), MIME_PDF, filename)


def xlsx_download(body: bytes, filename: str):
    return attachment(body, MIME_XLSX, filename)
