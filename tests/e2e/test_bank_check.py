"""In a real browser inside the LMS frame: HR opens the bank check from the console,
uploads a Moodle XML bank, reads the dry run and downloads the quiz it makes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.functional.practical.conftest import SAMPLE
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e
BANK = Path(__file__).parents[1] / "unit" / "banks" / "files" / "moodle.xml"


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": SAMPLE}


def test_hr_checks_a_bank_and_downloads_the_quiz(platform, chromium):
    hr_link = platform.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{hr_link.id}?user=hr")
        frame = page.frame(name="lti-tool")
        frame.wait_for_url(re.compile(r".*/hr/(\?.*)?$"), timeout=20000)
        frame.get_by_role("link", name="培训管理").first.click()
        frame.wait_for_url(re.compile(r".*/manage/$"))
        frame.get_by_role("link", name="检查题库").first.click()
        frame.wait_for_url(re.compile(r".*/banks/.*"))
        assert_accessible(frame, "bank check form")
        frame.locator("#bank-form input[type=file]").set_input_files(str(BANK))
        frame.locator("#bank-form input[name=pool]").fill("safety")
        frame.locator("#bank-form button[type=submit]").click()
        frame.locator("#bank-report").wait_for(timeout=15000)
        report = frame.locator("#bank-report").inner_text()
        assert "共找到 12 道题，其中 8 道可以导入" in report
        assert "配对题" in frame.locator("#bank-messages").inner_text()
        assert "多选题" in frame.locator("#bank-counts").inner_text()
        assert_accessible(frame, "bank check dry run")
        with page.expect_download() as info:
            frame.locator("#bank-download").click()
        names = zipfile.ZipFile(Path(info.value.path())).namelist()
        assert "quizzes/safety.yaml" in names and "media/safety-lock-tag.png" in names
    finally:
        context.close()
