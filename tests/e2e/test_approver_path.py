"""In a real browser inside the LMS frame: an approver (management) opens "My
approvals", finds the annual plan the training department submitted, is told on the
page that a return needs a reason (and may write one), and approves it; the plan's
page then shows it approved with the history. Every page state passes axe."""

from __future__ import annotations

import re

import pytest

from lti_tool.approvals.models import MANAGEMENT
from tests.functional.approvals.test_approvals import appoint
from tests.functional.practical.conftest import SAMPLE
from tests.functional.plans.test_plans import new_plan, plan_id
from tests.support.accessibility import assert_accessible
from tests.support.browser import Browser

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "content_path": SAMPLE}


def test_an_approver_returns_nothing_without_a_reason_and_approves_the_annual_plan(platform, app, chromium):
    base = platform.tool_base_url
    course = platform.add_resource_link("基础课程", custom={"item_kind": "course", "item_id": "basics"})
    hr_link = platform.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
    inbox = platform.add_resource_link("我的审批", custom={"item_kind": "records", "item_id": "approvals"})
    with Browser() as boss:
        assert platform.launch(boss, user="learner2", resource_link=course.id).status_code == 200  # E1002 exists
    with Browser() as hr:
        assert platform.launch(hr, user="hr", resource_link=hr_link.id).status_code == 200
        appoint(hr, base, "E1002", MANAGEMENT)
        new_plan(hr, base, kind="annual", year="2027", title="2027 年度售后培训计划")
        document = plan_id(hr)
        hr.submit("add-item", {"course_id": "basics", "mode": "internal", "month": "4", "trainer": "王芳"})
        hr.submit("submit-plan")

    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{platform.base_url}/course/{platform.course.id}/view/{inbox.id}?user=learner2")
        frame = page.frame(name="lti-tool")
        frame.wait_for_url(re.compile(r".*/approvals/$"), timeout=20000)
        assert "管理层" in frame.locator("#my-roles").inner_text()
        assert_accessible(frame, "approver's inbox")
        frame.get_by_role("link", name="2027 年度售后培训计划").click()
        frame.wait_for_url(re.compile(r".*/approvals/\d+$"))
        assert "年度培训计划" in frame.locator("hgroup").inner_text()
        assert "王芳" in frame.locator("#preview-items").inner_text()  # the plan itself, read on the page
        assert not frame.get_by_role("link", name="打开文件").count()  # its page is the training department's
        assert_accessible(frame, "approval request")

        frame.get_by_role("button", name="退回修改").click()  # no reason written
        frame.wait_for_selector("#decision-error")
        assert "请写明理由" in frame.get_by_role("alert").inner_text()
        assert_accessible(frame, "approval request, refused return")
        frame.get_by_label("意见（驳回或退回时必填）").fill("同意，按计划执行。")
        frame.get_by_role("button", name="批准").click()
        frame.wait_for_selector("#state:has-text('已批准')")
        assert "同意，按计划执行。" in frame.locator(".approval-history").inner_text()
        assert not frame.locator("#decision").count()  # nothing left to decide
        assert_accessible(frame, "approval request, approved")
    finally:
        context.close()

    with Browser() as hr:
        platform.launch(hr, user="hr", resource_link=hr_link.id)
        hr.get(f"{base}/manage/plans/{document}")
        assert "已批准" in hr.page.text_of("plan-status") and "李娜" in hr.page.text
