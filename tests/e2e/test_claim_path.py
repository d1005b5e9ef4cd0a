"""In a real browser inside the LMS frame: an employee opens their training file,
follows "My expense claims", files a travel claim for a plan item, attaches the
invoice (a PDF) and submits it; after their department head and finance approve it,
finance opens the claim in the frame and marks it paid; the employee's list then shows
it paid. Every page state passes axe."""

from __future__ import annotations

import re

import pytest

from lti_tool.approvals.models import DEPARTMENT_HEAD, FINANCE
from tests.functional.approvals.test_approvals import appoint, decide
from tests.functional.costs.test_costs import departments
from tests.functional.plans.test_plans import new_plan
from tests.functional.practical.conftest import SAMPLE
from tests.support.accessibility import assert_accessible
from tests.support.browser import Browser
from tests.unit.costs.test_money import PDF

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": SAMPLE}


def test_an_employee_files_a_claim_that_is_approved_and_paid(platform, app, chromium, tmp_path):
    base = platform.tool_base_url
    course = platform.add_resource_link("基础课程", custom={"item_kind": "course", "item_id": "basics"})
    hr_link = platform.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
    file_link = platform.add_resource_link("我的培训档案", custom={"item_kind": "records", "item_id": "file"})
    head, finance = Browser(), Browser()
    try:
        for browser, user in ((head, "learner2"), (finance, "learner_en")):
            assert platform.launch(browser, user=user, resource_link=course.id).status_code == 200
        with Browser() as claimant:
            assert platform.launch(claimant, user="learner", resource_link=course.id).status_code == 200
        departments(app, E1001="售后一部", E1002="售后一部")
        with Browser() as hr:
            assert platform.launch(hr, user="hr", resource_link=hr_link.id).status_code == 200
            appoint(hr, base, "E1002", DEPARTMENT_HEAD, "售后一部")
            appoint(hr, base, "E1003", FINANCE)
            new_plan(hr, base, kind="annual", year="2027", title="2027 年度售后培训计划")
            hr.submit("add-item", {"topic": "新品 X3 维修", "mode": "internal", "month": "4"})
        invoice = tmp_path / "发票.pdf"
        invoice.write_bytes(PDF)

        context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{file_link.id}?user=learner")
            frame = page.frame(name="lti-tool")
            frame.wait_for_url(re.compile(r".*/records/me$"), timeout=20000)
            frame.get_by_role("link", name="我的费用报销").click()
            frame.wait_for_url(re.compile(r".*/claims/$"))
            assert_accessible(frame, "my expense claims")
            frame.get_by_label("类别").select_option("travel")
            frame.get_by_label("金额").fill("１，２００.５")  # full-width digits and comma, as an IME types them
            frame.get_by_label("培训日期").fill("2027-04-12")
            frame.get_by_label("对应的计划项目或面授课次").select_option(label="2027 · 2027 年度售后培训计划 · 新品 X3 维修")
            frame.get_by_role("button", name="创建报销").click()
            frame.wait_for_url(re.compile(r".*/claims/\d+$"))
            assert "1,200.50" in frame.locator("#claim-amount").inner_text()
            frame.get_by_label("类型").select_option("invoice")
            frame.locator("input[type=file]").set_input_files(str(invoice))
            frame.get_by_role("button", name="上传附件").click()
            frame.wait_for_selector("#attachments:has-text('发票.pdf')")
            assert_accessible(frame, "a draft claim with its invoice")
            frame.get_by_role("button", name="提交审批").click()
            frame.wait_for_url(re.compile(r".*/approvals/\d+$"))
            request_id = int(frame.url.rstrip("/").rsplit("/", 1)[-1])
            assert "部门主管" in frame.locator("#steps").inner_text()
        finally:
            context.close()

        assert decide(head, base, request_id, "approve", "属实。").status_code == 200
        assert decide(finance, base, request_id, "approve", "票据齐全。").status_code == 200

        context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{course.id}?user=learner_en")
            frame = page.frame(name="lti-tool")
            frame.wait_for_load_state()
            frame.goto(f"{base}/manage/claims/?status=approved")
            frame.get_by_role("link", name=re.compile(r"^\d+$")).first.click()
            frame.wait_for_url(re.compile(r".*/manage/claims/\d+$"))
            assert "1,200.50" in frame.locator("#claim-amount").inner_text()
            assert_accessible(frame, "an approved claim, for finance")
            frame.get_by_label("Payment reference (optional)").fill("PAY-0042")
            frame.get_by_role("button", name="Mark as paid").click()
            frame.wait_for_selector("#paid:has-text('PAY-0042')")
            assert "Paid" in frame.locator("#claim-status").inner_text()
            assert_accessible(frame, "a paid claim")
        finally:
            context.close()
    finally:
        head.close(), finance.close()

    with Browser() as claimant:
        platform.launch(claimant, user="learner", resource_link=course.id)
        claimant.get(f"{base}/claims/")
        assert "已付款" in claimant.page.text_of("my-claims")
