"""In a real browser inside the LMS frame: HR opens 证书样式 from the console, types the
company name, uploads a transparent seal, saves, and sees the sample certificate with
the company name and the seal lying over the first signature; the sample PDF says the
same."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from lti_tool.certificates import fonts
from tests.functional.practical.conftest import SAMPLE
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": SAMPLE}


@pytest.fixture(autouse=True)
def font_cut():
    """The certificate font is cut (once a machine, ~10 s) before the pages' waits start."""
    fonts.fonts()


def seal_png() -> bytes:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), outline=(200, 0, 0, 255), width=22)
    draw.regular_polygon((200, 200, 70), 5, fill=(200, 0, 0, 255))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_hr_sets_the_company_name_and_seal_and_sees_them_on_the_preview(platform, chromium, tmp_path):
    hr_link = platform.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{hr_link.id}?user=hr")
        frame = page.frame(name="lti-tool")
        frame.wait_for_url(re.compile(r".*/hr/(\?.*)?$"), timeout=20000)
        frame.get_by_role("link", name="证书样式").first.click()
        frame.wait_for_url(re.compile(r".*/hr/certificate-design.*"))
        assert_accessible(frame, "HR certificate design")

        frame.get_by_label("公司名称（中文）").fill("华东汽车服务有限公司")
        frame.get_by_label("公司名称（英文）").fill("East China Auto Service Co., Ltd.")
        frame.locator("#signatory1_name").fill("王建国")
        frame.locator("#signatory1_title").fill("总经理 General Manager")
        frame.get_by_label("公章图片").set_input_files(
            files=[{"name": "seal.png", "mimeType": "image/png", "buffer": seal_png()}])
        frame.get_by_role("button", name="保存样式").click()
        frame.locator(".flash", has_text="证书样式已保存").wait_for(timeout=15000)
        assert frame.locator("#company_name_zh").input_value() == "华东汽车服务有限公司"
        assert frame.locator("#current-seal").is_visible()

        preview = frame.frame_locator("#preview-frame")
        company = preview.locator(".company-zh")
        company.wait_for(timeout=15000)
        assert company.inner_text() == "华东汽车服务有限公司" and company.is_visible()
        assert preview.locator(".holder").inner_text() == "欧阳娜娜娜娜"
        seal = preview.locator("img.seal")
        seal.wait_for()
        assert seal.evaluate("img => img.complete && img.naturalWidth") > 0
        name, box = preview.locator(".sig-name").first.bounding_box(), seal.bounding_box()
        line = preview.locator(".sig-line").first.bounding_box()
        # the seal lies over the first signature: across its line, above and beside its name
        assert box["y"] < line["y"] < box["y"] + box["height"]
        assert box["x"] < name["x"] + name["width"] and name["x"] < box["x"] + box["width"]
        assert_accessible(frame, "HR certificate design, saved")

        with page.expect_download() as info:
            frame.locator("#preview-pdf").click()
        data = Path(info.value.path()).read_bytes()
    finally:
        context.close()
    assert data[:5] == b"%PDF-"
    words = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "华东汽车服务有限公司" in words and "王建国" in words and "欧阳娜娜娜娜" in words


def test_the_preview_shows_in_a_frame_that_gets_no_cookies(app, live_tool, chromium, db_session):
    from lti_tool.certificates import design
    from lti_tool.lti import organisations
    from tests.lti_platform import TestPlatform

    with TestPlatform(tool_base_url=live_tool.url, hostname="localhost", storage_target="_parent") as lms:
        lms.require_platform_session = False
        lms.register_in_tool(app)
        row = design.row_for(db_session, organisations.default(db_session).id)
        row.company_name_zh = "华东汽车服务有限公司"
        db_session.commit()
        hr_link = lms.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
        context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{lms.base_url}/course/{lms.course.id}/view/{hr_link.id}?user=hr")
            frame = page.frame(name="lti-tool")
            frame.wait_for_url(re.compile(r".*/hr/.*"), timeout=20000, wait_until="commit")
            frame.wait_for_load_state()
            assert context.cookies(live_tool.url) == []  # the session is in the addresses
            frame.get_by_role("link", name="证书样式").first.click()
            frame.wait_for_url(re.compile(r".*/hr/certificate-design.*"))
            company = frame.frame_locator("#preview-frame").locator(".company-zh")
            company.wait_for(timeout=15000)
            assert company.inner_text() == "华东汽车服务有限公司"
        finally:
            context.close()
