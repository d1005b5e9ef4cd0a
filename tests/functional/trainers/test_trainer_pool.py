"""The trainer pool over HTTP, after real launches (seed 八(一)): an employee puts
themselves forward, a department head recommends an employee of their department
(not of another), the training department adds an external trainer; each is assessed
(criteria 1-5 and a trial lecture) and goes through the approval of the head of the
training department (return, resubmit, approve; reject); approved trainers are offered
when an instructor schedules a session of their course; learners reach no pool page
and another organisation sees none of it."""

from __future__ import annotations

import re

from sqlalchemy import select

from lti_tool.approvals.models import DEPARTMENT_HEAD, TRAINING_HEAD
from lti_tool.audit.models import AuditEvent
from lti_tool.trainers.models import Trainer
from tests.functional.approvals.test_approvals import appoint, decide, token
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.plans.test_assignments import ROSTER, import_roster
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)

SCORES = {"knowledge": "5", "practice": "4", "communication": "4", "teaching": "3", "trial_lecture": "80"}


def has_form(browser, form_id: str) -> bool:
    return any(f.id == form_id for f in browser.page.forms)


def request_of(browser) -> int:
    return int(browser.url.rstrip("/").rsplit("/", 1)[-1])


def test_candidates_are_proposed_assessed_and_approved_and_offered_for_sessions(people, platform, app, db_session,
                                                                              other_company):
    base = platform.tool_base_url
    zhang, li, alex = people("learner"), people("learner2"), people("learner_en")  # E1001, E1002, E1003
    hr = people("hr")
    import_roster(hr, base, ROSTER)  # 张伟 and Alex in 售后一部, 李娜 in 售后二部
    appoint(hr, base, "E1002", TRAINING_HEAD)
    appoint(hr, base, "E1001", DEPARTMENT_HEAD, "售后一部")

    # 李娜 puts herself forward from her training file; an empty proposal is refused on the form.
    li.get(f"{base}/records/me")
    li.follow("内部培训师")
    assert "毛遂自荐" in li.page.text and has_form(li, "nominate")
    assert li.submit("nominate", {"statement": "五年维修经验"}).status_code == 422
    assert "请至少填写一门课程或一个主题" in li.page.text_of("nominate-errors")
    assert li.submit("nominate", {"courses": "basics", "topics": "电池安全、高压作业",
                                  "statement": "五年维修经验"}).status_code == 200
    assert "等待培训管理部门考核" in li.page.text_of("candidacy-status")
    assert not has_form(li, "nominate")  # once in the pool, no second proposal

    # 张伟 heads 售后一部: he recommends Alex (his department), not 李娜 (售后二部).
    zhang.get(f"{base}/trainers/")
    assert "售后一部" in zhang.page.text_of("recommend-section")
    refused = zhang.submit("recommend", {"employee_number": "E1002", "courses": "basics"})
    assert refused.status_code == 422 and "只能推荐您所负责部门的员工" in zhang.page.text_of("recommend-errors")
    assert zhang.submit("recommend", {"employee_number": "E1003", "topics": "客户沟通"}).status_code == 200
    alex.get(f"{base}/trainers/")
    assert "Recommended by the department head" in alex.page.text_of("candidacy-status")
    assert not has_form(alex, "recommend")  # not a department head

    # The training department adds an external trainer.
    hr.get(f"{base}/manage/trainers/")
    assert hr.submit("new-trainer", {"kind": "external", "agency": "新能源培训中心"}).status_code == 422
    assert hr.submit("new-trainer", {"kind": "external", "name": "王教授", "agency": "新能源培训中心",
                                     "fee_terms": "每天 3000 元", "courses": "basics"}).status_code == 200
    external_url = hr.url
    hr.get(f"{base}/manage/trainers/")
    pool = hr.page.text_of("trainers")
    assert "李娜" in pool and "Alex Morgan" in pool and "王教授" in pool and "自荐" in pool
    assert "trainer.added" in {e.action for e in db_session.scalars(select(AuditEvent))}

    # 李娜's candidacy: not submittable before the assessment; a bad score is refused.
    li_row = db_session.scalars(select(Trainer).where(Trainer.name == "李娜")).one()
    hr.get(f"{base}/manage/trainers/{li_row.id}")
    assert hr.submit("submit-trainer").status_code == 422
    assert "请先完成考核" in hr.page.text_of("trainer-errors")
    assert hr.submit("trainer-assessment", {**SCORES, "teaching": "7"}).status_code == 422
    assert hr.submit("trainer-assessment", SCORES).status_code == 200
    assert "80.0" in hr.page.text_of("overall")  # 0.6 × (16 / 4 × 20) + 0.4 × 80 = 48 + 32
    hr.submit("submit-trainer")
    first = request_of(hr)
    # She may not decide her own candidacy, though she is the training department's head.
    li.get(f"{base}/approvals/{first}")
    assert not has_form(li, "decision")
    forged = li.session.post(f"{base}/approvals/{first}/decide", timeout=15,
                             data={"csrf_token": token(li, base), "action": "approve"})
    assert forged.status_code == 403
    # Another head of the training department returns it for changes; HR edits and resubmits.
    appoint(hr, base, "E1001", TRAINING_HEAD)
    assert decide(zhang, base, first, "return", "请补充授课经历").status_code == 200
    hr.get(f"{base}/manage/trainers/{li_row.id}")
    assert hr.page.form("trainer-fields").fields and hr.submit(
        "trainer-fields", {"courses": "basics", "topics": "电池安全", "statement": "五年维修经验，带过三期新员工"}
    ).status_code == 200
    hr.submit("submit-trainer")
    second = request_of(hr)
    zhang.get(f"{base}/approvals/{second}")
    assert "带过三期新员工" in zhang.page.text_of("trainer-preview")
    assert decide(zhang, base, second, "approve").status_code == 200
    hr.get(f"{base}/manage/trainers/{li_row.id}")
    assert "已批准" in hr.page.text_of("trainer-status") and "请补充授课经历" in hr.page.text
    locked = hr.submit("trainer-assessment", SCORES)
    assert locked.status_code == 409  # approved: the assessment no longer changes

    # The external trainer is rejected: not offered.
    hr.get(external_url)
    hr.submit("trainer-assessment", {**SCORES, "trial_lecture": "40"})
    hr.submit("submit-trainer")
    assert decide(zhang, base, request_of(hr), "reject", "试讲未达标").status_code == 200

    # Only approved trainers of the course are offered when scheduling its session.
    instructor = people("instructor")
    instructor.get(f"{base}/sessions/new")
    datalist = re.search(r'<datalist id="approved-trainers">(.*?)</datalist>', instructor.page.html, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', datalist) == ["李娜"]

    # Learners reach no pool page; another organisation sees none of it.
    assert alex.session.get(f"{base}/manage/trainers/", timeout=15).status_code == 403
    assert alex.session.post(f"{base}/manage/trainers/{li_row.id}/assessment", timeout=15,
                             data={"csrf_token": token(alex, base), **SCORES}).status_code == 403
    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        assert their_hr.session.get(f"{base}/manage/trainers/{li_row.id}", timeout=15).status_code == 404
        their_hr.get(f"{base}/manage/trainers/")
        assert "李娜" not in their_hr.page.text_of("trainers")
        assert their_hr.session.post(f"{base}/manage/trainers/{li_row.id}/submit", timeout=15,
                                     data={"csrf_token": csrf(their_hr)}).status_code == 404
        their_zhang = stranger("learner")
        their_zhang.get(f"{base}/trainers/")
        assert not has_form(their_zhang, "recommend")  # our department head is not theirs
    finally:
        stranger.close()
