"""The sign-in sheet as XLSX and PDF, the PDF's URL fetcher (our static files only),
and the session notice as iCalendar."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import icalendar
import openpyxl
import pytest
from weasyprint.urls import URLFetchingError, fetch

import lti_tool
from lti_tool.sessions import calendar, sheets
from lti_tool.sessions.models import ClassSession

STATIC = Path(lti_tool.__file__).parent / "static"
SHEET = sheets.Sheet(
    title="签到表：故障诊断实操训练", lines=[("地点", "二号培训教室"), ("培训师", "王芳")],
    headers=["序号", "姓名", "工号", "出勤", "签到时间", "备注", "签名"],
    rows=[sheets.Row(1, "张伟", "E1001", "出勤", "09:02", ""), sheets.Row(2, "李娜", "E1002", "请假", "", "病假")],
)


def test_the_xlsx_lists_every_learner_with_a_signature_column():
    book = openpyxl.load_workbook(BytesIO(sheets.xlsx(SHEET)))
    rows = [tuple(c for c in row) for row in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == "签到表：故障诊断实操训练"
    header = rows.index(tuple(SHEET.headers))
    assert rows[header + 1][:5] == (1, "张伟", "E1001", "出勤", "09:02")
    assert rows[header + 2][5] == "病假"
    assert book.active.freeze_panes == f"A{header + 2}"


def test_the_pdf_renders_the_chinese_sheet():
    html = ("<html><body><h1>签到表：故障诊断实操训练</h1><table>"
            + "".join(f"<tr><td>{r.name}</td><td>{r.status}</td></tr>" for r in SHEET.rows) + "</table></body></html>")
    pdf = sheets.pdf(html, base_url="http://tool.example/", static_folder=STATIC, static_url="/static")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):  # poppler-utils, installed with the test tools
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "张伟" in text and "请假" in text


@pytest.mark.parametrize("url", [
    "http://tool.example/static/../../etc/passwd", "file:///etc/passwd", "http://evil.example/x.css",
    "http://tool.example/lti/jwks", "data:text/css,body{}",
])
def test_the_pdf_fetches_nothing_but_our_static_files(url):
    fetcher = sheets.static_only_fetcher(STATIC, "/static")
    with pytest.raises(URLFetchingError):
        with fetch(fetcher, url):
            pass


def test_the_pdf_may_use_our_stylesheet():
    fetcher = sheets.static_only_fetcher(STATIC, "/static")
    with fetch(fetcher, "http://tool.example/static/app.css") as response:
        assert b".skip-link" in response.read()


def test_the_notice_as_icalendar():
    start = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    session = ClassSession(uid="f" * 32, title="故障诊断实操训练", place="二号培训教室", starts_at=start,
                           ends_at=start + timedelta(hours=4), timezone="Asia/Shanghai")
    data = calendar.ics(session, base_url="https://training.example.com", url="https://training.example.com/sessions/1",
                        course_title="故障诊断与维修", description="培训师：王芳\n请穿工作服")
    parsed = icalendar.Calendar.from_ical(data)
    event = next(iter(parsed.walk("VEVENT")))
    assert str(event["uid"]) == f"{'f' * 32}@training.example.com"
    assert event["dtstart"].dt == start and event["dtend"].dt == start + timedelta(hours=4)
    assert str(event["summary"]) == "故障诊断实操训练" and "请穿工作服" in str(event["description"])
