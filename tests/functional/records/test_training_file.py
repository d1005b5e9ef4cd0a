"""The employee's own training file (page, PDF, XLSX); HR sees anyone's."""

from __future__ import annotations

import io
import subprocess

from openpyxl import load_workbook

from tests.functional.hr.conftest import complete


def test_the_learner_sees_and_exports_their_own_file(people, platform, app):
    learner = people("learner")
    complete(app, platform, "learner")
    base = platform.tool_base_url
    learner.get(f"{base}/records/me")
    assert learner.page.text_of("file-name") == "张伟"
    certificates = learner.page.text_of("file-certificates")
    assert "AT" in certificates and "有效" in certificates
    assert "基础课程" in learner.page.text and "check" in learner.page.text
    pdf = learner.session.get(f"{base}/records/me.pdf", timeout=30)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True).stdout.decode()
    assert pdf.status_code == 200 and "培训档案" in text and "张伟" in text and "E1001" in text and "8/10" in text
    sheet = load_workbook(io.BytesIO(learner.session.get(f"{base}/records/me.xlsx", timeout=15).content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["姓名", "张伟"] in rows and any("8/10" in row for row in rows)
    assert learner.session.get(f"{base}/records/me.docx", timeout=15).status_code == 404
    other = people("learner2")
    other.get(f"{base}/records/me")
    assert other.page.text_of("file-name") == "李娜" and "AT" not in other.page.text_of("file-certificates")


def test_hr_opens_anyones_file(people, platform, app, db_session):
    people("learner")
    complete(app, platform, "learner")
    hr = people("hr")
    base = platform.tool_base_url
    hr.get(f"{base}/hr/employees", {"q": "张伟"})
    hr.follow("张伟")
    assert hr.page.text_of("file-name") == "张伟" and "basics" not in hr.page.text_of("file-facts")
    xlsx = hr.session.get(hr.url + ".xlsx", timeout=15)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
