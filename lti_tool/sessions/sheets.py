"""The sign-in sheet of a session as PDF (WeasyPrint) and XLSX (openpyxl, every cell
through ``lti_tool.spreadsheet``), from plain rows. The PDF fetches nothing but our own
static files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from lti_tool import spreadsheet


@dataclass(frozen=True)
class Row:
    number: int
    name: str
    employee_number: str
    status: str  # the label, in the sheet's language
    checked_in: str
    remarks: str


@dataclass(frozen=True)
class Sheet:
    title: str
    lines: list[tuple[str, str]]  # (label, value): course, time, place, trainer, ...
    headers: list[str]  # No., name, employee number, status, checked in, remarks, signature
    rows: list[Row]


def xlsx(sheet: Sheet) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "Sign-in"
    spreadsheet.append(ws, [sheet.title])
    ws["A1"].font = Font(bold=True, size=14)
    for label, value in sheet.lines:
        spreadsheet.append(ws, [label, value])
    ws.append([])
    spreadsheet.append(ws, sheet.headers)
    header_row = ws.max_row
    thin = Side(style="thin")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in sheet.rows:
        spreadsheet.append(ws, [row.number, row.name, row.employee_number, row.status, row.checked_in, row.remarks, ""])
        for cell in ws[ws.max_row]:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.row_dimensions[ws.max_row].height = 28
    for index, width in enumerate((6, 20, 14, 12, 18, 30, 20), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return spreadsheet.xlsx_bytes(book)


def static_only_fetcher(static_folder: Path, static_url: str):
    """A WeasyPrint URL fetcher that serves files of our static folder and nothing else:
    no network, no other file (``file:``, ``http:`` and ``data:`` URLs are all refused)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(static_folder).resolve()
    prefix = static_url.rstrip("/") + "/"

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlparse(url).path
            if not path.startswith(prefix):
                raise ValueError(f"the PDF may not fetch {url}")
            file = (root / path[len(prefix):]).resolve()
            if root not in file.parents or not file.is_file():
                raise ValueError(f"no static file {path}")
            return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": _mime(file)})

    return StaticOnly(allowed_protocols=("http", "https"))


def _mime(file: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(file.suffix, "application/octet-stream")


def pdf(html: str, *, base_url: str, static_folder: Path, static_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=static_only_fetcher(static_folder, static_url)).write_pdf()
