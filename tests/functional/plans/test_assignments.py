"""Assigned training over HTTP: HR assigns a course by department, position, hire date
or employee number with a due date (from an approved plan's item or on its own);
each member's status comes from their training records (completed, in progress, not
started, overdue) with the overdue per department; a roster import brings new hires
into onboarding assignments; learners see their own under "My assigned training";
learners and another organisation reach nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from lti_tool.approvals.models import TRAINING_HEAD
from lti_tool.plans.models import AssignmentMember, PlanItem
from lti_tool.records.models import Employee
from tests.functional.approvals.test_approvals import appoint, decide, token
from tests.functional.hr.conftest import complete, course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.hr.test_roster_and_api import upload
from tests.functional.plans.test_plans import new_plan, plan_id
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)

ROSTER = ("工号,姓名,部门,岗位,入职日期\nE1001,张伟,售后一部,维修工程师,2020-03-01\n"
          "E1002,李娜,售后二部,客服,2021-05-01\nE1003,Alex Morgan,售后一部,客服,2019-01-01\n")
NEW_HIRE = "工号,姓名,部门,岗位,入职日期\nE2001,赵六,售后二部,维修工程师,2027-01-10\n"


def import_roster(hr, base: str, text: str) -> None:
    hr.get(f"{base}/hr/roster")
    plan = upload(hr, base, "staff.csv", text)
    ticket = re.search(r'name="ticket" value="([^"]+)"', plan.text).group(1)
    assert hr.session.post(f"{base}/hr/roster/apply", timeout=15,
                           data={"csrf_token": csrf(hr), "ticket": ticket}).status_code == 200


def assign(hr, base: str, **values):
    hr.get(f"{base}/manage/assignments/")
    return hr.submit("new-assignment", values)


def test_a_course_assigned_to_a_department_shows_each_persons_status_and_the_overdue(
        people, platform, app, db_session):
    base = platform.tool_base_url
    zhang, li, alex = people("learner"), people("learner2"), people("learner_en")
    hr = people("hr")
    import_roster(hr, base, ROSTER)
    complete(app, platform, "learner")  # 张伟 has completed the course

    # Refused on the form, input kept: nobody named, an unknown employee number.
    assert assign(hr, base, course_id="basics", due_on="2027-01-31").status_code == 422
    assert "请说明分配给谁" in hr.page.text_of("assignment-errors")
    assert assign(hr, base, course_id="basics", due_on="2027-01-31", employee_numbers="E9999").status_code == 422
    assert "E9999" in hr.page.text_of("assignment-errors") and ("employee_numbers", "E9999") in hr.page.form(
        "new-assignment").fields

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert assign(hr, base, course_id="basics", due_on=yesterday, departments="售后一部",
                  employee_numbers="E1002").status_code == 200
    members = hr.page.text_of("members")
    assert "张伟" in members and "Alex Morgan" in members and "李娜" in members  # the department, and one named
    counts = hr.page.text_of("counts")
    assert "已完成 1" in counts and "已逾期 2" in counts
    overdue = hr.page.text_of("overdue")
    assert "售后一部" in overdue and "售后二部" in overdue
    hr.get(hr.url, {"status": "overdue"})
    assert "张伟" not in hr.page.text_of("members") and "李娜" in hr.page.text_of("members")

    # Each learner sees their own, in their language.
    zhang.get(f"{base}/learn/assigned/")
    assert "基础课程" in zhang.page.text_of("assigned") and "已完成" in zhang.page.text_of("assigned")
    alex.get(f"{base}/learn/assigned/")
    assert "Overdue" in alex.page.text_of("assigned")
    li.get(f"{base}/learn/course/basics")
    assert li.page.link("我的必修培训")  # reached from the course page


def test_an_onboarding_assignment_takes_new_hires_from_the_roster_import(people, platform, app, db_session):
    base = platform.tool_base_url
    people("learner")
    hr = people("hr")
    import_roster(hr, base, ROSTER)
    assert assign(hr, base, course_id="basics", due_on="2027-03-31", positions="维修工程师",
                  hired_from="2027-01-01", onboarding="1").status_code == 200
    assert "没有人员" in hr.page.text_of("members")  # nobody hired since
    import_roster(hr, base, NEW_HIRE)
    db_session.expire_all()
    names = set(db_session.scalars(select(Employee.name).join(AssignmentMember,
                                                              AssignmentMember.employee_id == Employee.id)))
    assert names == {"赵六"}


def test_an_approved_plans_item_is_assigned_and_strangers_reach_nothing(
        people, platform, app, db_session, other_company):
    base = platform.tool_base_url
    head, learner = people("learner"), people("learner2")
    hr = people("hr")
    appoint(hr, base, "E1001", TRAINING_HEAD)
    new_plan(hr, base, kind="adhoc", year="2027", title="客户投诉专项培训", reason="complaint")
    document = plan_id(hr)
    hr.submit("add-item", {"course_id": "basics", "mode": "internal"})
    hr.submit("submit-plan")
    request_id = int(hr.url.rstrip("/").rsplit("/", 1)[-1])
    assert decide(head, base, request_id, "approve").status_code == 200
    hr.get(f"{base}/manage/plans/{document}")
    hr.follow("分配")
    assert "客户投诉专项培训" in hr.page.text and ("course_id", "basics") in hr.page.form("new-assignment").fields
    assert hr.submit("new-assignment", {"due_on": "2027-02-28", "employee_numbers": "E1002"}).status_code == 200
    assignment_url = hr.url
    item = db_session.scalars(select(PlanItem)).one()

    assert learner.session.get(f"{base}/manage/assignments/", timeout=15).status_code == 403
    assert learner.session.post(f"{base}/manage/assignments/", timeout=15, data={
        "csrf_token": token(learner, base), "course_id": "basics", "due_on": "2027-01-01",
        "employee_numbers": "E1002"}).status_code == 403
    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        assert their_hr.session.get(assignment_url, timeout=15).status_code == 404
        their_hr.get(f"{base}/manage/assignments/")
        assert "基础课程" not in their_hr.page.text_of("assignments")
        refused = their_hr.submit("new-assignment", {"course_id": "basics", "due_on": "2027-01-01",
                                                     "employee_numbers": "E1002", "plan_item_id": str(item.id)})
        assert refused.status_code == 404  # our plan item is not theirs to assign from
        their_e1002 = stranger("learner2")
        their_e1002.get(f"{base}/learn/assigned/")
        assert "没有分配给您的必修培训" in their_e1002.page.text_of("assigned")
    finally:
        stranger.close()
