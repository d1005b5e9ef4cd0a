"""Training needs surveys over HTTP: the training department sends one to a
department; the employees it asks answer (a department head adds the department's
needs), others are not asked; the summary shows the response rate per department,
the self-rating and the wanted count per topic; a closed survey takes no answer;
learners and another organisation reach none of it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lti_tool.approvals.models import DEPARTMENT_HEAD
from lti_tool.needs.models import NeedsResponse
from tests.functional.approvals.test_approvals import appoint, token
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.plans.test_assignments import ROSTER, import_roster
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)

DUE = (date.today() + timedelta(days=14)).isoformat()


def test_a_department_answers_the_needs_survey_and_the_summary_adds_it_up(people, platform, app, db_session,
                                                                          other_company):
    base = platform.tool_base_url
    zhang, li, alex = people("learner"), people("learner2"), people("learner_en")
    hr = people("hr")
    import_roster(hr, base, ROSTER)  # 张伟 and Alex in 售后一部, 李娜 in 售后二部
    appoint(hr, base, "E1001", DEPARTMENT_HEAD, "售后一部")

    hr.get(f"{base}/manage/needs/")
    assert ("topics", "基础课程") in hr.page.form("new-survey").fields  # the catalogue's courses, to start from
    assert hr.submit("new-survey", {"title": "2027 年培训需求调查", "due_on": DUE, "topics": ""}).status_code == 422
    assert "请列出员工自评的主题" in hr.page.text_of("survey-errors")
    assert hr.submit("new-survey", {"title": "2027 年培训需求调查", "due_on": DUE,
                                    "topics": "故障诊断\n客户沟通\n新能源技术", "departments": "售后一部"}).status_code == 200
    survey_url = hr.url
    survey_id = int(survey_url.rsplit("/", 1)[-1])
    zhang.get(f"{base}/needs/")
    assert "没有需要您填写的调查" in zhang.page.text_of("open-surveys")  # a draft asks nobody yet
    hr.submit("survey-state", {"status": "open"})
    assert "进行中" in hr.page.text_of("survey-status")

    # Asked: the department head answers with the department's needs.
    zhang.get(f"{base}/needs/")
    zhang.follow("2027 年培训需求调查")
    assert zhang.page.form("needs-answer") and "作为部门主管" in zhang.page.text
    assert zhang.submit("needs-answer", {"role": "维修工程师，负责现场维修", "rating-0": "4", "rating-1": "2",
                                         "wanted": ["1", "2"], "department_needs": "新能源车型维修人员不足",
                                         "suggestions": "请外部专家授课"}).status_code == 200
    assert "您的回答已保存" in zhang.page.text
    # An empty answer is refused on the form; then Alex answers (in English).
    assert alex.get(f"{base}/needs/{survey_id}").status_code == 200
    assert alex.submit("needs-answer", {}).status_code == 422
    assert "Rate at least one topic" in alex.page.text_of("answer-errors")
    assert "As head of your department" not in alex.page.text
    assert alex.submit("needs-answer", {"rating-0": "2", "rating-1": "9", "wanted": "0"}).status_code == 422
    assert alex.submit("needs-answer", {"rating-0": "2", "wanted": "0",
                                        "department_needs": "not a head: not kept"}).status_code == 200
    # Not asked: another department.
    li.get(f"{base}/needs/")
    assert "2027 年培训需求调查" not in li.page.text
    assert li.session.post(f"{base}/needs/{survey_id}", timeout=15, data={
        "csrf_token": token(li, base), "rating-0": "5"}).status_code == 404

    hr.get(survey_url)
    assert "2 人中 2 人已填写" in hr.page.text_of("response-rate")
    topics = hr.page.text_of("by-topic")
    assert topics.endswith("故障诊断31客户沟通21新能源技术1")  # topic, average self-rating, wanted by
    assert "新能源车型维修人员不足" in hr.page.text_of("heads") and hr.response.text.count('class="bar-chart"') == 3
    heads = db_session.scalars(select(NeedsResponse).where(NeedsResponse.as_department_head.is_(True))).all()
    assert len(heads) == 1 and not db_session.scalars(select(NeedsResponse.department_needs).where(
        NeedsResponse.as_department_head.is_(False))).one()

    # Closed: no more answers.
    hr.submit("survey-state", {"status": "closed"})
    assert zhang.session.post(f"{base}/needs/{survey_id}", timeout=15, data={
        "csrf_token": token(zhang, base), "rating-0": "5"}).status_code == 409

    assert zhang.session.get(f"{base}/manage/needs/", timeout=15).status_code == 403
    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        assert their_hr.session.get(survey_url, timeout=15).status_code == 404
        their_hr.get(f"{base}/manage/needs/")
        assert "2027 年培训需求调查" not in their_hr.page.text_of("surveys")
        assert their_hr.session.post(f"{survey_url}/status", timeout=15, data={
            "csrf_token": csrf(their_hr), "status": "open"}).status_code == 404
    finally:
        stranger.close()
