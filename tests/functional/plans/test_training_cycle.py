"""The training department's cycle in one pass (seed 三, 四, 六, 七): a needs survey sent
and answered; the needs analysis report drafted from it, approved by the head of the
training department and management; an annual plan answering that report, approved
by management; a quarterly plan refining it approved by the head of the training
department; its item's session scheduled and its course assigned; learners attend and
complete; the execution report of the quarterly and of the annual plan counts it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lti_tool.approvals.models import MANAGEMENT, TRAINING_HEAD
from lti_tool.plans.models import PlanItem, TrainingPlan
from lti_tool.sessions.models import ClassSession
from tests.functional.approvals.test_approvals import appoint, decide
from tests.functional.needs.test_needs_report import request_id
from tests.functional.hr.conftest import complete, course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.plans.test_assignments import ROSTER, import_roster
from tests.functional.plans.test_plan_delivery import approve
from tests.functional.plans.test_plan_execution import cells, mark, schedule
from tests.functional.plans.test_plans import new_plan, plan_id
from tests.functional.practical.conftest import settings_overrides, user_id  # noqa: F401  (fixture)


def test_from_a_needs_survey_to_the_execution_report(people, platform, app, db_session):
    base = platform.tool_base_url
    zhang, li, alex = people("learner"), people("learner2"), people("learner_en")
    instructor = people("instructor")
    hr = people("hr")
    import_roster(hr, base, ROSTER)  # 张伟 and Alex in 售后一部, 李娜 in 售后二部
    appoint(hr, base, "E1001", TRAINING_HEAD)
    appoint(hr, base, "E1002", MANAGEMENT)

    # Needs (三(一)): a survey of 售后一部, answered by 张伟.
    hr.get(f"{base}/manage/needs/")
    assert hr.submit("new-survey", {"title": "2026 年培训需求调查", "topics": "故障诊断\n客户沟通",
                                    "due_on": (date.today() + timedelta(days=7)).isoformat(),
                                    "departments": "售后一部"}).status_code == 200
    survey_url = hr.url
    hr.submit("survey-state", {"status": "open"})
    zhang.get(f"{base}/needs/")
    zhang.follow("2026 年培训需求调查")
    assert zhang.submit("needs-answer", {"role": "维修工程师", "rating-0": "2", "wanted": "0"}).status_code == 200
    hr.get(survey_url)
    assert "2 人中 1 人已填写" in hr.page.text_of("response-rate")

    # The needs analysis report (三(三)) drafted from it: the head of the training
    # department (张伟), then management (李娜).
    hr.get(f"{base}/manage/needs/reports/")
    assert hr.submit("new-report", {"year": str((date.today() + timedelta(days=7)).year)}).status_code == 200
    report = int(hr.url.rsplit("/", 1)[-1])
    assert "2 人中 1 人已填写" in hr.page.text_of("tables")
    assert hr.submit("submit-report").status_code == 200
    report_request = request_id(hr)
    assert decide(zhang, base, report_request, "approve").status_code == 200
    assert decide(li, base, report_request, "approve").status_code == 200

    # The annual plan (四(一)), approved by management (李娜).
    new_plan(hr, base, kind="annual", year="2026", title="2026 年度售后培训计划", goals="故障诊断能力提升")
    annual = plan_id(hr)
    assert hr.submit("add-item", {"course_id": "basics", "mode": "internal", "month": "3"}).status_code == 200
    assert hr.submit("link-report", {"report_id": str(report)}).status_code == 200  # it answers the report
    approve(hr, li, base)
    hr.get(f"{base}/manage/plans/{annual}")
    assert "已批准" in hr.page.text_of("plan-status") and "需求分析报告" in hr.page.text_of("plan-needs-reports")

    # A quarterly plan refining it (四(二)), approved by the head of the training department (张伟).
    new_plan(hr, base, kind="quarterly", year="2026", quarter="4", annual_plan_id=str(annual),
             title="2026 年第四季度培训计划")
    quarterly = plan_id(hr)
    assert hr.submit("add-item", {"course_id": "basics", "mode": "internal", "starts_on": "2026-11-02",
                                  "ends_on": "2026-11-02", "place": "一号车间", "trainer": "王芳",
                                  "hours": "3"}).status_code == 200
    approve(hr, zhang, base)
    assert db_session.get(TrainingPlan, quarterly).annual_plan_id == annual
    item = db_session.scalars(select(PlanItem).where(PlanItem.plan_id == quarterly)).one()

    # Delivery (六): its session scheduled, its course assigned to 售后一部.
    schedule(hr, base, quarterly, item.id, "2026-11-02", 1)
    hr.get(f"{base}/manage/plans/{quarterly}")
    hr.follow("分配")
    assert hr.submit("new-assignment", {"due_on": "2027-01-31", "departments": "售后一部"}).status_code == 200
    assert "张伟" in hr.page.text_of("members") and "Alex Morgan" in hr.page.text_of("members")

    # Learners attend (张伟; Alex absent) and complete (张伟).
    session_id = db_session.scalar(select(ClassSession.id).where(ClassSession.plan_item_id == item.id))
    mark(instructor, base, session_id, {user_id(app, platform, "learner"): "present",
                                        user_id(app, platform, "learner_en"): "absent"})
    complete(app, platform, "learner")
    alex.get(f"{base}/learn/course/basics")
    assert "In progress" in alex.page.text_of("course-assigned")  # a record of the course (the absence) exists

    # Evaluation (七): planned against delivered.
    delivered = ["3", "1", "1", "3", "1", "2", "1 (50%)", "1 (50%)"]
    hr.get(f"{base}/manage/plans/{quarterly}/execution")
    assert cells(hr, f"execution-item-{item.id}")[2:] == delivered
    assert cells(hr, "plan-total")[2:] == delivered
    hr.get(f"{base}/manage/plans/{annual}/execution")  # the annual plan takes in its quarterly plans
    row = cells(hr, f"execution-item-{item.id}")
    assert row[0] == "第 4 季度" and "2026 年第四季度培训计划" in row[1] and row[2:] == delivered
    own = db_session.scalars(select(PlanItem).where(PlanItem.plan_id == annual)).one()
    assert cells(hr, f"execution-item-{own.id}")[0] == "第 1 季度"
    assert cells(hr, f"execution-item-{own.id}")[2:] == ["—", "0", "0", "0", "0", "0", "0 (—)", "0 (—)"]
    assert cells(hr, "quarter-4")[2:] == delivered and cells(hr, "plan-total")[2:] == delivered
