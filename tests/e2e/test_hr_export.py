"""In a real browser inside the LMS frame: HR filters certificates by department and
status, starts the bulk export, watches the progress bar and downloads the ZIP."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from lti_tool.db import get_db
from lti_tool.hr import exports
from lti_tool.lti.models import User
from lti_tool.records.employees import employee_of
from tests.functional.hr.conftest import complete
from tests.functional.practical.conftest import SAMPLE
from tests.support.browser import Browser
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": SAMPLE}


def test_hr_filters_certificates_and_exports_them(platform, app, chromium):
    course = platform.add_resource_link("基础课程", custom={"item_kind": "course", "item_id": "basics"})
    hr_link = platform.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
    departments = {"learner": "售后一部", "learner2": "售后二部", "learner_en": "售后一部"}
    for key in departments:
        with Browser() as browser:
            assert platform.launch(browser, user=key, resource_link=course.id).status_code == 200
        complete(app, platform, key)
    with get_db(app).sessionmaker.begin() as session:
        for key, department in departments.items():
            user = session.scalar(select(User).where(User.sub == platform.user(key).sub))
            employee_of(session, user.id).department = department

    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{hr_link.id}?user=hr")
        frame = page.frame(name="lti-tool")
        frame.wait_for_url(re.compile(r".*/hr/(\?.*)?$"), timeout=20000)
        assert frame.locator("svg.bar-chart").count() == 4
        assert_accessible(frame, "HR console")
        frame.get_by_role("link", name="证书").first.click()
        frame.wait_for_url(re.compile(r".*/hr/certificates.*"))
        assert "共 3 张证书" in frame.locator("#cert-total").inner_text()

        frame.locator("#filters select[name=department]").select_option("售后一部")
        frame.locator("#filters select[name=status]").select_option("valid")
        frame.locator("#filters button[type=submit]").click()
        frame.wait_for_url(re.compile(r".*department=.*"))
        assert "共 2 张证书" in frame.locator("#cert-total").inner_text()
        holders = frame.locator("#certificates tbody tr td:nth-child(2)").all_inner_texts()
        assert sorted(holders) == sorted(["张伟", "Alex Morgan"])
        assert_accessible(frame, "HR certificates, filtered")

        frame.locator("#export-form button[type=submit]").click()
        frame.wait_for_url(re.compile(r".*/hr/exports/\d+.*"))
        assert frame.locator("#export-progress").get_attribute("value") == "0"
        chosen = frame.locator("#export-filters").inner_text()  # the filter used, by its labels
        assert "售后一部" in chosen and "有效" in chosen and "#" not in frame.locator("h1").inner_text()
        passes = 0
        while exports.drain(app) and passes < 20:  # the worker's passes (each has a time budget)
            passes += 1
        assert passes >= 1
        frame.locator("#export-state[data-status=done]").wait_for(timeout=15000)
        assert frame.locator("#export-progress").evaluate("bar => [bar.value, bar.max]") == [2, 2]
        assert_accessible(frame, "HR export, done")
        with page.expect_download() as info:
            frame.locator("#export-download").click()
        data = Path(info.value.path()).read_bytes()
    finally:
        context.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len([n for n in names if n.endswith(".pdf")]) == 2
        assert {"manifest.csv", "manifest.xlsx"} <= set(names)
        manifest = archive.read("manifest.csv").decode("utf-8-sig")
        assert "张伟" in manifest and "Alex Morgan" in manifest and "李娜" not in manifest
        assert manifest.splitlines()[0].startswith("证书编号 / Certificate number,姓名 / Name,")  # both languages
