"""The needs analyses (seed 三(二)) computed from real results: positions mapped to
their required course on the analysis page, quiz and practical results written as
the learning and practical features write them, imported customer feedback and an
industry item; the task analysis finds the repair engineers of 售后一部 short of the
pass threshold, the performance analysis finds 张伟 and 售后一部 below the feedback
thresholds with the course that covers the fault, the forward-looking analysis
ranks the industry topic; thresholds and filters change the result; learners get
403 and another organisation sees nothing of it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lti_tool.db import get_db
from lti_tool.lti.models import Context, User
from lti_tool.needs.analysis import analyses
from lti_tool.needs.analysis_models import TopicLink
from lti_tool.records.models import Employee
from lti_tool.records.services import record_result
from tests.functional.hr.conftest import AT, course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.needs.test_feedback_import import import_feedback
from tests.functional.plans.test_assignments import ROSTER, import_roster
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)


def results(app, platform, key: str, quiz: float, practical: float | None = None) -> None:
    with app.app_context(), get_db(app).sessionmaker.begin() as session:
        user = session.scalar(select(User).where(User.sub == platform.user(key).sub))
        context = session.scalar(select(Context).order_by(Context.id))
        steps = [("quiz", "check", quiz, 10.0)] + ([("practical", "task", practical, 100.0)] if practical else [])
        for kind, item, score, score_max in steps:
            record_result(session, user_id=user.id, platform_id=user.platform_id, context_id=context.id,
                          course_id="basics", kind=kind, item_id=f"basics/{item}", status="passed",
                          title={"zh-CN": item, "en": item}, completed_at=AT, score=score, score_max=score_max,
                          passed=True)


def wanted(app, db_session, number: str, topics: list[str]) -> None:
    from lti_tool.needs.models import OPEN, NeedsResponse, NeedsSurvey

    employee = db_session.scalars(select(Employee).where(Employee.employee_number == number)).one()
    with app.app_context(), get_db(app).sessionmaker.begin() as session:
        survey = NeedsSurvey(organisation_id=employee.organisation_id, title="需求调查", topics=topics,
                             due_on=date.today(), status=OPEN)
        session.add(survey)
        session.flush()
        session.add(NeedsResponse(survey_id=survey.id, employee_id=employee.id, department=employee.department,
                                  wanted=topics))


def computed(app, db_session, **filters):
    organisation_id = db_session.scalar(select(Employee.organisation_id).where(Employee.employee_number == "E1001"))
    with app.test_request_context("/"):
        return {a.key: a for a in analyses(db_session, organisation_id, **filters)}


def test_the_three_analyses_from_results_feedback_and_industry_items(people, platform, app, db_session,
                                                                      other_company):
    base = platform.tool_base_url
    zhang, li = people("learner"), people("learner2")
    hr = people("hr")
    import_roster(hr, base, ROSTER)  # 张伟 维修工程师 in 售后一部, 李娜 客服 in 售后二部
    results(app, platform, "learner", quiz=4.0, practical=60.0)  # 40 % and 60 %: 50 % on average
    results(app, platform, "learner2", quiz=9.0)  # 90 %
    import_feedback(hr, base)  # 张伟: 2 complaints and 2 of 5; 李娜: 95 of 100

    hr.get(f"{base}/manage/")
    hr.follow("需求分析")
    assert "还没有岗位设置必修课程" in hr.page.text_of("findings-task")
    for kind, name in (("position", "维修工程师"), ("position", "客服"), ("fault", "发动机")):
        assert hr.submit("new-link", {"kind": kind, "name": name, "course_id": "basics"}).status_code == 200
    assert hr.submit("new-link", {"kind": "position", "name": "", "course_id": "basics"}).status_code == 422
    assert "请填写岗位" in hr.page.text_of("link-errors")
    hr.get(f"{base}/manage/needs/industry")
    assert hr.submit("new-industry-item", {"source": "行业展会", "noted_on": date.today().isoformat(),
                                           "topic": "新能源技术", "relevance": "high"}).status_code == 200

    wanted(app, db_session, "E1002", ["新能源技术", "客户沟通"])  # 李娜 answers a needs survey

    a = computed(app, db_session)
    task = {(r[0], r[1]): r for r in a["task"].rows}
    assert task[("售后一部", "维修工程师")][3:] == [1, 1, 50.0, 1, "未达标"]
    assert task[("售后二部", "客服")][3:] == [1, 1, 90.0, 0, "达标"]
    assert task[("售后一部", "客服")][3:7] == [1, 0, None, 0]  # Alex has no results yet
    assert any(f.startswith("售后一部 · 维修工程师 在 基础课程 上未达标：平均 50%") for f in a["task"].findings)
    performance = {r[1]: r for r in a["performance"].rows}
    assert performance["张伟 (E1001)"][2:6] == [2, 1, 40.0, "是"]
    assert performance["张伟 (E1001)"][6] == "发动机、电气" and performance["张伟 (E1001)"][8] == "基础课程"
    assert performance["李娜 (E1002)"][2:6] == [0, 1, 95.0, "否"]
    assert any(f.startswith("部门 售后一部 低于阈值：投诉 2 次") for f in a["performance"].findings)
    forward = {r[0]: r for r in a["forward"].rows}
    assert forward["新能源技术"][1:3] == [1, "高"] and forward["新能源技术"][4:7] == [3, 1, 4]
    assert forward["客户沟通"][4:7] == [0, 1, 1] and a["forward"].rows[0][0] == "新能源技术"
    assert computed(app, db_session, department="售后一部")["forward"].rows[0][5] == 0  # 李娜 is of 售后二部
    assert 'class="bar-chart"' in a["task"].chart_svg and "售后二部" in a["performance"].chart_svg

    # The page shows the same; filters narrow it; a looser threshold lets the engineers pass.
    hr.get(f"{base}/manage/needs/analysis?department=售后二部")
    assert "售后一部" not in hr.page.text_of("table-task") and "90" in hr.page.text_of("table-task")
    assert hr.response.text.count('class="bar-chart"') == 3
    assert hr.session.get(f"{base}/manage/needs/analysis?year=abc", timeout=15).status_code == 400
    paged = hr.session.get(f"{base}/manage/needs/analysis?task_page=9&performance_page=x", timeout=15)
    assert paged.status_code == 200 and "在这些筛选条件下没有内容" in paged.text  # past the last page: empty
    english = hr.session.get(f"{base}/manage/needs/analysis?lang=en", timeout=15).text
    assert "Task analysis: required courses" in english and "falls short on" in english
    hr.session.get(f"{base}/manage/needs/analysis?lang=zh-CN", timeout=15)
    assert computed(app, db_session, year=2020)["task"].rows[0][4] == 0  # no result in 2020
    hr.get(f"{base}/manage/needs/analysis")
    assert hr.submit("thresholds-form", {"pass_threshold": "150"}).status_code == 422
    assert "合格线是 0 到 100" in hr.page.text_of("threshold-errors")
    assert hr.submit("thresholds-form", {"pass_threshold": "45", "satisfaction_threshold": "30",
                                         "complaint_threshold": "3"}).status_code == 200
    a = computed(app, db_session)
    assert {(r[0], r[1]): r for r in a["task"].rows}[("售后一部", "维修工程师")][7] == "达标"
    assert {r[1]: r for r in a["performance"].rows}["张伟 (E1001)"][5] == "否"

    assert zhang.session.get(f"{base}/manage/needs/analysis", timeout=15).status_code == 403
    link_id = db_session.scalars(select(TopicLink.id)).first()
    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        their_hr.get(f"{base}/manage/needs/analysis")
        assert "张伟" not in their_hr.page.text_of("table-performance")
        assert "维修工程师" not in their_hr.page.text_of("topic-links")
        assert their_hr.session.post(f"{base}/manage/needs/analysis/links/{link_id}/delete", timeout=15,
                                     data={"csrf_token": csrf(their_hr)}).status_code == 404
    finally:
        stranger.close()
    assert li.session.get(f"{base}/manage/needs/industry", timeout=15).status_code == 403


def test_a_long_analysis_table_pages(people, platform, app, db_session):
    base = platform.tool_base_url
    hr = people("hr")
    many = "日期,类型,工号\n" + "".join(f"2026-11-01,投诉,X{n:03d}\n" for n in range(55))
    import_feedback(hr, base, many)
    hr.get(f"{base}/manage/needs/analysis")
    assert hr.page.text_of("table-performance").count("X0") == 50 and "第 1 页，共 2 页" in hr.page.text_of(
        "pager-performance")
    hr.get(f"{base}/manage/needs/analysis?performance_page=2")
    assert hr.page.text_of("table-performance").count("X0") == 5
    assert 'performance_page=1' in hr.response.text  # back to the first page
