"""The needs analysis report over HTTP (seed 三(三), 四(一)): a needs survey answered, the
report for its year drafted with the real numbers, edited, submitted, returned by the
head of the training department, changed and resubmitted as version 2, approved by
both steps, named by an annual plan (its page, its approvers' preview, its PDF) and
exported as a PDF in Chinese and in English; the tables stay as submitted until the
training department computes them again; the rejection path; editing while it
waits refused; an employee cannot approve; learners and another organisation reach
nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lti_tool.approvals.models import MANAGEMENT, TRAINING_HEAD, ApprovalRequest
from lti_tool.needs.report_models import NeedsReport, PlanNeedsReport
from tests.functional.approvals.test_approvals import appoint, decide, token
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.plans.test_assignments import ROSTER, import_roster
from tests.functional.plans.test_plans import new_plan, plan_id
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)
from tests.unit.certificates.test_issuing import pdf_text

DUE = date.today() + timedelta(days=14)
YEAR = str(DUE.year)


def answered_survey(people, base: str):
    """HR imports the roster (张伟 and Alex in 售后一部, 李娜 in 售后二部; HR's own employee
    record has no department) and names the approvers (张伟 heads the training
    department, 李娜 is management); a needs survey asks all four; 张伟 and Alex answer."""
    zhang, li, alex, hr = people("learner"), people("learner2"), people("learner_en"), people("hr")
    import_roster(hr, base, ROSTER)
    appoint(hr, base, "E1001", TRAINING_HEAD)
    appoint(hr, base, "E1002", MANAGEMENT)
    hr.get(f"{base}/manage/needs/")
    assert hr.submit("new-survey", {"title": "年度培训需求调查", "due_on": DUE.isoformat(),
                                    "topics": "故障诊断\n客户沟通\n新能源技术"}).status_code == 200
    hr.submit("survey-state", {"status": "open"})
    survey_id = int(hr.url.rsplit("/", 1)[-1])
    zhang.get(f"{base}/needs/{survey_id}")
    assert zhang.submit("needs-answer", {"rating-0": "4", "rating-1": "2", "wanted": ["1", "2"]}).status_code == 200
    alex.get(f"{base}/needs/{survey_id}")
    assert alex.submit("needs-answer", {"rating-0": "2", "wanted": "0"}).status_code == 200
    return zhang, li, alex, hr, survey_id


def new_report(hr, base: str, year: str = YEAR):
    hr.get(f"{base}/manage/needs/reports/")
    return hr.submit("new-report", {"year": year})


def request_id(browser) -> int:
    assert "/approvals/" in browser.url, browser.url
    return int(browser.url.rstrip("/").rsplit("/", 1)[-1])


def test_a_report_from_the_survey_goes_through_return_and_both_approvals_and_an_annual_plan_answers_it(
        people, platform, app, db_session):
    base = platform.tool_base_url
    zhang, li, alex, hr, survey_id = answered_survey(people, base)

    # From the needs page and the hub to the reports; a wrong year is refused on the form.
    hr.get(f"{base}/manage/")
    assert "需求分析报告" in hr.page.text_of("manage-sections")
    hr.get(f"{base}/manage/needs/")
    hr.follow("needs-reports-link")
    assert new_report(hr, base, "20x7").status_code == 422
    assert "年份请写四位数字" in hr.page.text_of("report-errors") and ("year", "20x7") in hr.page.form(
        "new-report").fields

    # Generated: the draft texts and the tables hold the survey's real numbers.
    assert new_report(hr, base).status_code == 200
    document = int(hr.url.rsplit("/", 1)[-1])
    assert "草稿" in hr.page.text_of("report-status")
    assert f"{YEAR} 年" in hr.page.text and "4 名员工" in hr.page.text_of("section-overview")
    assert "年度培训需求调查" in hr.page.text_of("section-methods") and "4 人中 2 人已填写 (50%)" in hr.page.text_of(
        "section-methods")
    tables = hr.page.text_of("tables")
    assert "售后一部22100" in tables and "售后二部100" in tables  # department, asked, answered, rate
    assert "故障诊断31" in tables and "客户沟通21" in tables and "新能源技术—1" in tables  # topic, rating, wanted
    assert "4 人中 2 人已填写（50%）" in tables and "自评最低：客户沟通（2）" in tables
    assert hr.response.text.count('class="bar-chart"') == 6  # the survey's three, the three analyses'
    assert "客户沟通：自评 2 分（满分 5 分）" in hr.page.text_of("section-main_needs")
    assert new_report(hr, base).status_code == 422 and f"已有 {YEAR} 年的需求分析报告" in hr.page.text_of("report-errors")

    # Edited: Markdown rendered, raw HTML shown as text; an empty title refused with the input kept.
    hr.get(f"{base}/manage/needs/reports/{document}")
    assert hr.submit("report-texts", {"title": "", "overview": "尚未保存的概述"}).status_code == 422
    assert "请填写报告标题" in hr.page.text_of("report-errors")
    assert ("overview", "尚未保存的概述") in hr.page.form("report-texts").fields
    db_session.expire_all()
    assert db_session.get(NeedsReport, document).overview.startswith(f"{YEAR} 年，培训管理部门")
    assert hr.submit("report-texts", {"title": f"{YEAR} 年售后培训需求分析报告",
                                      "recommendations": "**优先**安排新能源技术培训 <script>alert(1)</script>"
                                                         " ![图](http://example.com/x.png)"}
                     ).status_code == 200
    assert "<strong>优先</strong>" in hr.response.text and "<script>alert" not in hr.response.text
    assert "&lt;script&gt;" in hr.response.text and "example.com" not in hr.page.text_of("section-recommendations")
    assert 'src="http://example.com' not in hr.response.text  # no image fetched from elsewhere

    # Submitted: locked while it waits; a forged change is refused and nothing changes.
    form_token = csrf(hr)
    assert hr.submit("submit-report").status_code == 200
    first = request_id(hr)
    hr.get(f"{base}/manage/needs/reports/{document}")
    assert "待审批 · 第 1 版" in hr.page.text_of("report-status") and hr.page.text_of("locked")
    assert not [f for f in hr.page.forms if f.id in ("report-texts", "submit-report", "refresh-report")]
    for path in ("", "/refresh", "/submit"):
        assert hr.session.post(f"{base}/manage/needs/reports/{document}{path}", timeout=15, data={
            "csrf_token": form_token, "title": "改过的", "overview": "x"}).status_code == 409, path
    db_session.expire_all()
    assert db_session.get(NeedsReport, document).title == f"{YEAR} 年售后培训需求分析报告"

    # Management cannot decide before the head of the training department; an employee never.
    assert li.session.post(f"{base}/approvals/{first}/decide", timeout=15, data={
        "csrf_token": token(li, base), "action": "approve", "step": "0"}).status_code == 403
    assert alex.session.post(f"{base}/approvals/{first}/decide", timeout=15, data={
        "csrf_token": token(alex, base), "action": "approve", "step": "0"}).status_code == 404
    # 李娜 answers now: the submitted report keeps the numbers it was submitted with.
    li.get(f"{base}/needs/{survey_id}")
    assert li.submit("needs-answer", {"rating-2": "1", "wanted": "2"}).status_code == 200
    # The head reads the whole report on the approval page and returns it.
    zhang.get(f"{base}/approvals/{first}")
    preview = zhang.page.text_of("document")
    for seen in ("培训需求概述", "需求分析方法与过程", "主要培训需求", "培训建议", "售后一部22100", "4 人中 2 人已填写（50%）"):
        assert seen in preview, seen
    assert decide(zhang, base, first, "return", "请补充部门主管意见。").status_code == 200

    # Returned: edited and resubmitted as version 2, then approved by both steps.
    hr.get(f"{base}/manage/needs/reports/{document}")
    assert "退回修改" in hr.page.text_of("report-status")
    assert hr.submit("report-texts", {"main_needs": "新能源技术与客户沟通是主要需求。"}).status_code == 200
    assert hr.submit("refresh-report").status_code == 200  # the tables computed again, with 李娜's answer
    tables = hr.page.text_of("tables")
    assert "4 人中 3 人已填写（75%）" in tables and "售后二部11100" in tables and "新能源技术12" in tables
    assert hr.submit("submit-report").status_code == 200
    second = request_id(hr)
    assert second != first
    assert decide(zhang, base, second, "approve", "同意。").status_code == 200
    li.get(f"{base}/approvals/")
    assert f"{YEAR} 年售后培训需求分析报告" in li.page.text_of("waiting")
    assert decide(li, base, second, "approve", "批准。").status_code == 200
    hr.get(f"{base}/manage/needs/reports/{document}")
    assert "已批准 · 第 2 版" in hr.page.text_of("report-status") and "请补充部门主管意见。" in hr.page.text
    assert "report-texts" not in [f.id for f in hr.page.forms]
    hr.get(f"{base}/manage/needs/reports/")
    assert "已批准 · 第 2 版" in hr.page.text_of("reports")

    # An annual plan names it: a draft report is refused, the approved one is shown.
    new_report(hr, base, str(int(YEAR) + 1))
    draft_report = int(hr.url.rsplit("/", 1)[-1])
    new_plan(hr, base, kind="annual", year=str(int(YEAR) + 1), title="年度售后培训计划")
    plan = plan_id(hr)
    choices = hr.page.text_of("link-report")  # only approved reports are offered
    assert f"{YEAR} 年售后培训需求分析报告" in choices and f"{int(YEAR) + 1} 年培训需求分析报告" not in choices
    assert hr.submit("link-report", {"report_id": str(draft_report)}).status_code == 422
    assert "只能关联已批准的需求分析报告" in hr.page.text_of("plan-errors")
    assert hr.submit("link-report", {"report_id": str(document)}).status_code == 200
    assert f"{YEAR} 年售后培训需求分析报告" in hr.page.text_of("plan-needs-reports")
    assert db_session.scalars(select(PlanNeedsReport.report_id).where(PlanNeedsReport.plan_id == plan)).all() == [
        document]
    hr.submit("add-item", {"topic": "新能源技术", "mode": "external", "month": "4"})
    hr.submit("submit-plan")
    plan_request = request_id(hr)
    li.get(f"{base}/approvals/{plan_request}")
    assert f"{YEAR} 年售后培训需求分析报告" in li.page.text_of("preview-needs-reports")
    plan_pdf = pdf_text(hr.session.get(f"{base}/manage/plans/{plan}.pdf", timeout=30).content)
    assert "需求分析报告" in plan_pdf and f"{YEAR} 年售后培训需求分析报告" in plan_pdf
    # Locked with its plan: the link cannot be removed while the plan waits.
    assert hr.session.post(f"{base}/manage/needs/reports/plans/{plan}/{document}/remove", timeout=15, data={
        "csrf_token": form_token}).status_code == 409
    hr.get(f"{base}/manage/needs/reports/{document}")
    assert "年度售后培训计划" in hr.page.text_of("answered-by")

    # The PDF in Chinese, then in English: section headings, the numbers, the history.
    zh = hr.session.get(f"{base}/manage/needs/reports/{document}.pdf", timeout=30)
    assert zh.status_code == 200 and zh.headers["Content-Type"] == "application/pdf"
    text = pdf_text(zh.content)
    for seen in ("培训需求概述", "需求分析方法与过程", "主要培训需求", "培训建议", "4 人中 3 人已填写（75%）", "售后一部", "新能源技术与客户沟通是主要需求",
                 "请补充部门主管意见", "已批准", "年度售后培训计划"):
        assert seen in text, seen
    en = hr.session.get(f"{base}/manage/needs/reports/{document}.pdf?lang=en", timeout=30)
    text = pdf_text(en.content)
    for seen in ("Overview of the training needs", "Methods and process of the analysis", "Main training needs",
                 "Training recommendations", "Response rate per department", "3 of 4 answered (75%)", "Approved"):
        assert seen in text, seen


def test_a_rejected_report_is_final_and_a_new_one_may_be_made(people, platform, app, db_session):
    base = platform.tool_base_url
    zhang, li, _alex, hr, _survey = answered_survey(people, base)
    new_report(hr, base)
    document = int(hr.url.rsplit("/", 1)[-1])
    hr.submit("submit-report")
    first = request_id(hr)
    assert decide(zhang, base, first, "approve").status_code == 200
    assert decide(li, base, first, "reject", "").status_code == 422  # a rejection says why
    assert decide(li, base, first, "reject", "调查覆盖面不足，请重新调查。").status_code == 200
    hr.get(f"{base}/manage/needs/reports/{document}")
    assert "已驳回" in hr.page.text_of("report-status") and hr.page.text_of("locked")
    hr.get(f"{base}/manage/needs/reports/")
    assert hr.session.post(f"{base}/manage/needs/reports/{document}/submit", timeout=15, data={
        "csrf_token": csrf(hr)}).status_code == 409
    db_session.expire_all()
    assert [r.state for r in db_session.scalars(select(ApprovalRequest))] == ["rejected"]
    # A rejected report is never named by a plan; a new report of the same year may be made.
    new_plan(hr, base, kind="annual", year=YEAR, title="年度计划")
    assert hr.submit("link-report", {"report_id": str(document)}).status_code == 422
    assert new_report(hr, base).status_code == 200 and int(hr.url.rsplit("/", 1)[-1]) != document


def test_learners_and_another_organisation_reach_no_report(people, platform, app, db_session, other_company):
    base = platform.tool_base_url
    learner, hr = people("learner"), people("hr")
    new_report(hr, base)
    document = int(hr.url.rsplit("/", 1)[-1])
    assert "尚无" in hr.page.text_of("section-overview")  # no survey that year: said so, not invented
    for path in ("/manage/needs/reports/", f"/manage/needs/reports/{document}", f"/manage/needs/reports/{document}.pdf"):
        assert learner.session.get(base + path, timeout=15).status_code == 403, path
    assert learner.session.post(f"{base}/manage/needs/reports/", timeout=15, data={
        "csrf_token": token(learner, base), "year": YEAR}).status_code == 403
    assert hr.session.post(f"{base}/manage/needs/reports/", timeout=15, data={"year": YEAR}).status_code == 400  # CSRF

    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        for path in (f"/manage/needs/reports/{document}", f"/manage/needs/reports/{document}.pdf"):
            assert their_hr.session.get(base + path, timeout=15).status_code == 404, path
        their_hr.get(f"{base}/manage/needs/reports/")
        assert str(document) not in [link["href"].rsplit("/", 1)[-1] for link in their_hr.page.links]
        token_ = csrf(their_hr)
        for path in ("", "/refresh", "/submit"):
            assert their_hr.session.post(f"{base}/manage/needs/reports/{document}{path}", timeout=15, data={
                "csrf_token": token_, "title": "x"}).status_code == 404, path
        # Their annual plan cannot name our report, nor can they touch our plans' links.
        new_plan(their_hr, base, kind="annual", year=YEAR, title="他们的计划")
        theirs = plan_id(their_hr)
        assert their_hr.session.post(f"{base}/manage/needs/reports/plans/{theirs}", timeout=15, data={
            "csrf_token": token_, "report_id": str(document)}).status_code == 404
    finally:
        stranger.close()
    new_plan(hr, base, kind="annual", year=YEAR, title="本公司计划")
    ours = plan_id(hr)
    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        their_hr.get(f"{base}/manage/needs/reports/")
        assert their_hr.session.post(f"{base}/manage/needs/reports/plans/{ours}", timeout=15, data={
            "csrf_token": csrf(their_hr), "report_id": str(document)}).status_code == 404
    finally:
        stranger.close()
    db_session.expire_all()
    assert db_session.scalars(select(PlanNeedsReport)).all() == []


def test_the_report_holds_the_three_analyses_and_their_findings(people, platform, app, db_session):
    from tests.functional.needs.test_feedback_import import import_feedback

    base = platform.tool_base_url
    _zhang, _li, _alex, hr, _survey = answered_survey(people, base)
    import_feedback(hr, base)  # 张伟: 2 complaints and 2 of 5 in November
    assert new_report(hr, base).status_code == 200
    tables = hr.page.text_of("tables")
    assert "任务分析" in tables and "前瞻性" in tables
    assert "绩效分析" in tables and "张伟 (E1001)" in tables
    assert "部门 售后一部 低于阈值：投诉 2 次" in hr.page.text_of("section-main_needs")
    assert "任务分析（各岗位必修课程的成绩）" in hr.page.text_of("section-methods")
