"""The one approval mechanism over HTTP, after real launches: HR names approvers; a
document kind with two steps (head of the training department, then management) goes
through return for changes, a new version, both approvals and the history; rejection
is final; a department head decides only for their department; nobody decides their
own submission, a step twice, or anything of another organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_tool.approvals import flows, services
from lti_tool.approvals.models import DEPARTMENT_HEAD, MANAGEMENT, TRAINING_HEAD, ApprovalRequest, Approver
from lti_tool.audit.models import AuditEvent
from lti_tool.db import get_db
from lti_tool.errors import UserError
from lti_tool.lti.models import Platform, User
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)

DECIDED: list[tuple[int, str]] = []


@pytest.fixture
def memo_kind():
    """A document kind as a feature registers one (told when a request ends)."""
    flows.register(flows.DocumentKind("memo", (TRAINING_HEAD, MANAGEMENT), label=lambda: "备忘录",
                                      on_decided=lambda session, r: DECIDED.append((r.version, r.state))))
    flows.register(flows.DocumentKind("dept-memo", (DEPARTMENT_HEAD,), label=lambda: "部门备忘录"))
    DECIDED.clear()
    yield
    flows.KINDS.pop("memo"), flows.KINDS.pop("dept-memo")


def submit(app, platform, key: str, kind: str = "memo", document_id: int = 7, department: str = "") -> int:
    with app.test_request_context(), get_db(app).sessionmaker.begin() as session:
        user = session.scalar(select(User).where(User.sub == platform.user(key).sub))
        organisation_id = session.get(Platform, user.platform_id).organisation_id
        who = services.person(session, user.id, organisation_id)
        return services.submit(session, who, kind, document_id, "2027 年度培训计划", "目标：全员完成安全培训。",
                               department=department).id


def token(browser, base: str) -> str:
    """A CSRF token of the browser's session, from a page with a form (a lesson)."""
    browser.get(f"{base}/learn/lesson/basics/intro")
    return csrf(browser)


def appoint(hr, base: str, number: str, role: str, department: str = ""):
    hr.get(f"{base}/approvals/approvers")
    return hr.submit("appoint", {"employee_number": number, "role": role, "department": department})


def decide(browser, base: str, request_id: int, action: str, comment: str = ""):
    browser.get(f"{base}/approvals/{request_id}")
    assert browser.response.status_code == 200
    return browser.submit("decision" if action != "withdraw" else "withdraw", {"action": action, "comment": comment})


def test_a_document_is_returned_changed_and_approved_step_by_step_with_its_history(
        people, platform, app, db_session, memo_kind):
    base = platform.tool_base_url
    head, boss = people("learner"), people("learner2")  # E1001, E1002
    hr = people("hr")
    # HR names the approvers; a number that is no employee of theirs is refused on the form, input kept.
    refused = appoint(hr, base, "E9999", TRAINING_HEAD)
    assert refused.status_code == 422 and "本组织没有该工号的员工" in hr.page.text_of("appoint-error")
    assert hr.page.form("appoint").fields and ("employee_number", "E9999") in hr.page.form("appoint").fields
    assert appoint(hr, base, "E1001", TRAINING_HEAD).status_code == 200
    assert appoint(hr, base, "E1002", MANAGEMENT).status_code == 200
    table = hr.page.text_of("approvers")
    assert "培训部门负责人" in table and "张伟" in table and "管理层" in table and "李娜" in table
    assert {e.action for e in db_session.scalars(select(AuditEvent))} >= {"approver.appointed"}

    request_id = submit(app, platform, "hr")
    # Only the first step's approver sees it waiting.
    head.get(f"{base}/approvals/")
    assert "2027 年度培训计划" in head.page.text_of("waiting") and "培训部门负责人" in head.page.text_of("my-roles")
    boss.get(f"{base}/approvals/")
    assert "没有待您审批的事项" in boss.page.text_of("waiting")
    assert boss.session.post(f"{base}/approvals/{request_id}/decide", timeout=15, data={
        "csrf_token": token(boss, base), "action": "approve", "step": "0"}).status_code == 403  # not their step yet
    # The submitter (HR, no approver) cannot decide it; they may withdraw it.
    hr.get(f"{base}/approvals/{request_id}")
    assert hr.page.form("withdraw") and not [f for f in hr.page.forms if f.id == "decision"]

    # Returning needs a reason: refused on the page, the comment box kept.
    assert decide(head, base, request_id, "return").status_code == 422
    assert "请写明理由" in head.page.text_of("decision-error")
    assert decide(head, base, request_id, "return", "请补充预算。").status_code == 200
    assert "退回修改" in head.page.text_of("state")
    with app.app_context(), get_db(app).sessionmaker() as session:
        assert services.editable(session, "memo", 7)  # the author may change it now

    second = submit(app, platform, "hr")  # the changed document, as version 2
    assert decide(head, base, second, "approve").status_code == 200
    assert "待审批" in head.page.text_of("state")  # now at management
    boss.get(f"{base}/approvals/")
    assert "2027 年度培训计划" in boss.page.text_of("waiting")
    assert decide(boss, base, second, "approve", "同意。").status_code == 200
    assert "已批准" in boss.page.text_of("state")
    history = boss.page.text
    assert "第 2 版" in history and "第 1 版" in history and "请补充预算。" in history and "同意。" in history
    assert DECIDED == [(1, "returned"), (2, "approved")]
    with app.app_context(), get_db(app).sessionmaker() as session:
        assert not services.editable(session, "memo", 7)  # approved: nothing changes it any more
        assert [(d.action, d.actor_label) for d in session.get(ApprovalRequest, second).decisions] == [
            ("submit", "陈静"), ("approve", "张伟"), ("approve", "李娜")]
    # A decided request takes no second decision, even from the page as it was.
    assert boss.session.post(f"{base}/approvals/{second}/decide", timeout=15, data={
        "csrf_token": token(boss, base), "action": "reject", "comment": "x", "step": "1"}).status_code == 409


def test_rejection_is_final_a_stale_page_decides_nothing_and_a_department_head_sees_only_theirs(
        people, platform, app, db_session, memo_kind):
    base = platform.tool_base_url
    head, other_head = people("learner"), people("learner2")
    hr = people("hr")
    appoint(hr, base, "E1001", TRAINING_HEAD)
    appoint(hr, base, "E1001", DEPARTMENT_HEAD, "售后一部")
    assert appoint(hr, base, "E1002", DEPARTMENT_HEAD, "").status_code == 422  # a department head needs a department
    appoint(hr, base, "E1002", DEPARTMENT_HEAD, "售后二部")

    rejected = submit(app, platform, "hr", document_id=8)
    head.get(f"{base}/approvals/{rejected}")
    stale = head.page.form("decision")
    assert decide(head, base, rejected, "reject", "与年度目标不符。").status_code == 200
    assert "已驳回" in head.page.text_of("state")
    assert head.submit(stale, {"action": "approve"}).status_code == 409  # the page read before the decision
    with pytest.raises(UserError, match="已有审批结论"):
        submit(app, platform, "hr", document_id=8)  # rejected: no new version

    dept = submit(app, platform, "hr", kind="dept-memo", document_id=9, department="售后一部")
    other_head.get(f"{base}/approvals/")
    assert "没有待您审批的事项" in other_head.page.text_of("waiting")
    assert other_head.session.get(f"{base}/approvals/{dept}", timeout=15).status_code == 404  # not their department
    assert other_head.session.post(f"{base}/approvals/{dept}/decide", timeout=15, data={
        "csrf_token": token(other_head, base), "action": "approve", "step": "0"}).status_code == 404
    assert other_head.session.get(f"{base}/approvals/{rejected}", timeout=15).status_code == 404  # no step of theirs
    head.get(f"{base}/approvals/")
    assert "售后一部" in head.page.text_of("waiting")
    assert decide(head, base, dept, "approve").status_code == 200 and "已批准" in head.page.text_of("state")


def test_learners_hr_of_another_organisation_and_forged_posts_reach_nothing(
        people, platform, app, db_session, memo_kind, other_company):
    base = platform.tool_base_url
    learner, _approver = people("learner_en"), people("learner")
    hr = people("hr")
    appoint(hr, base, "E1001", TRAINING_HEAD)
    approver_id = db_session.scalars(select(Approver.id)).one()
    request_id = submit(app, platform, "hr")

    # A learner who approves nothing: an inbox that says so, no request page, no HR page.
    learner.get(f"{base}/approvals/")
    assert learner.response.status_code == 200 and "You are not named as an approver" in learner.page.text_of("not-an-approver")  # in their language
    assert learner.session.get(f"{base}/approvals/{request_id}", timeout=15).status_code == 404
    assert learner.session.get(f"{base}/approvals/approvers", timeout=15).status_code == 403
    assert learner.session.post(f"{base}/approvals/approvers", timeout=15, data={
        "csrf_token": token(learner, base), "employee_number": "E1003", "role": MANAGEMENT}).status_code == 403

    # HR without the CSRF token: refused, nothing named.
    assert hr.session.post(f"{base}/approvals/approvers", timeout=15, data={
        "employee_number": "E1002", "role": MANAGEMENT}).status_code == 400

    # Another company's HR, and its employee with the same number as our approver.
    stranger = crowd_on(other_company)
    try:
        their_hr, their_e1001 = stranger("hr"), stranger("learner")
        assert their_hr.session.get(f"{base}/approvals/{request_id}", timeout=15).status_code == 404
        their_hr.get(f"{base}/approvals/approvers")
        assert "张伟" not in their_hr.page.text_of("approvers")
        assert their_hr.session.post(f"{base}/approvals/approvers/{approver_id}/remove", timeout=15,
                                     data={"csrf_token": csrf(their_hr)}).status_code == 404
        their_e1001.get(f"{base}/approvals/")
        assert "2027 年度培训计划" not in their_e1001.page.text
        assert their_e1001.session.post(f"{base}/approvals/{request_id}/decide", timeout=15, data={
            "csrf_token": token(their_e1001, base), "action": "approve", "step": "0"}).status_code == 404
    finally:
        stranger.close()
    db_session.expire_all()
    assert db_session.get(ApprovalRequest, request_id).state == "pending"
    assert db_session.scalars(select(Approver.id)).all() == [approver_id]


def test_the_my_approvals_item_opens_the_inbox(platform, app):
    from tests.functional.hr.conftest import Crowd

    link = platform.add_resource_link("我的审批", custom={"item_kind": "records", "item_id": "approvals"})
    crowd = Crowd(platform, link, link)
    try:
        browser = crowd("learner")
        assert browser.url.endswith("/approvals/") and "我的审批" in browser.page.text
    finally:
        crowd.close()
