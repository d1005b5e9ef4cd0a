"""Training costs over HTTP, after real launches: the training department's budget is
refused on a wrong amount, returned by management, changed and approved as version 2;
an employee files a claim for a plan item with checked attachments, their department
head then finance approve it and finance marks it paid; a second claim over what is
left of its category is flagged; rejection is final; nobody reads or decides what is
not theirs, and another organisation finds nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from lti_tool.approvals.models import DEPARTMENT_HEAD, FINANCE, MANAGEMENT
from lti_tool.costs.models import Budget, ExpenseClaim
from lti_tool.db import get_db
from lti_tool.plans.models import PlanItem
from lti_tool.records.models import Employee
from tests.functional.approvals.test_approvals import appoint, decide
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.plans.test_plans import new_plan, plan_id
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)
from tests.unit.costs.test_money import PDF, png


def departments(app, **numbers):
    with get_db(app).sessionmaker.begin() as session:
        for number, department in numbers.items():
            session.execute(update(Employee).where(Employee.employee_number == number).values(department=department))


def approved_budget(hr, head, base: str, db_session, amount: str = "1,000.50") -> int:
    """An annual plan with one item, and its 2027 budget approved by management (after a return)."""
    new_plan(hr, base, kind="annual", year="2027", title="2027 年度售后培训计划")
    plan = plan_id(hr)
    hr.submit("add-item", {"topic": "新品 X3 维修", "mode": "internal", "month": "4"})
    hr.get(f"{base}/manage/budget/")
    assert hr.submit("new-budget", {"year": "2027", "title": "2027 培训预算", "plan_id": str(plan)}).status_code == 200
    budget = int(hr.url.rstrip("/").rsplit("/", 1)[-1])
    item = db_session.scalars(select(PlanItem).where(PlanItem.plan_id == plan)).one()
    refused = hr.submit("add-line", {"category": "travel", "amount": "12.345"})
    assert refused.status_code == 422 and "最多两位小数" in hr.page.text_of("line-errors")
    assert hr.submit("add-line", {"category": "travel", "amount": "-3"}).status_code == 422
    assert hr.submit("add-line", {"category": "travel", "amount": "９００", "plan_item_id": str(item.id)}).status_code == 200
    assert "900.00" in hr.page.text_of("budget-lines")
    assert hr.submit("submit-budget").status_code == 200 and "/approvals/" in hr.url
    request_id, form_token = int(hr.url.rstrip("/").rsplit("/", 1)[-1]), csrf(hr)
    hr.get(f"{base}/manage/budget/{budget}")
    assert hr.page.text_of("locked") and not [f for f in hr.page.forms if f.id == "add-line"]
    assert hr.session.post(f"{base}/manage/budget/{budget}/lines", timeout=15, data={
        "csrf_token": form_token, "category": "other", "amount": "1"}).status_code == 409  # locked while it waits

    head.get(f"{base}/approvals/{request_id}")
    assert "900.00" in head.page.text_of("preview-lines")
    assert decide(head, base, request_id, "return", "差旅预算偏低，请调整。").status_code == 200
    hr.get(f"{base}/manage/budget/{budget}")
    line = hr.page.form(action_contains="/remove")
    hr.submit(line)
    assert hr.submit("add-line", {"category": "travel", "amount": amount, "plan_item_id": str(item.id)}).status_code == 200
    hr.submit("submit-budget")
    second = int(hr.url.rstrip("/").rsplit("/", 1)[-1])
    assert second != request_id and "第 2 版" in hr.page.text
    assert decide(head, base, second, "approve", "同意。").status_code == 200
    db_session.expire_all()
    found = db_session.get(Budget, budget)
    assert found.status == "approved" and [line.amount for line in found.lines] == [Decimal("1000.50")]
    return budget, item.id


def file_claim(browser, base: str, item_id: int, amount: str, files=((PDF, "发票.pdf", "invoice"),)) -> int:
    browser.get(f"{base}/claims/")
    assert browser.submit("new-claim", {"category": "travel", "amount": amount, "spent_on": "2027-04-12",
                                        "target": f"item:{item_id}", "description": "赴上海参加新品培训的差旅"
                                        }).status_code == 200
    claim = int(browser.url.rstrip("/").rsplit("/", 1)[-1].split("#")[0])
    for data, name, kind in files:
        answer = browser.session.post(f"{base}/claims/{claim}/attachments", timeout=15,
                                      data={"csrf_token": csrf(browser), "kind": kind}, files={"file": (name, data)})
        assert answer.status_code == 200, answer.text[:300]
    browser.get(f"{base}/claims/{claim}")
    return claim


def test_a_budget_is_approved_and_a_claim_goes_from_filing_to_payment_with_the_over_budget_flag(
        people, platform, app, db_session):
    base = platform.tool_base_url
    claimant, head, finance, boss = people("learner"), people("learner2"), people("learner_en"), people("instructor")
    hr = people("hr")
    departments(app, E1001="售后一部", E1002="售后一部", E1003="财务部")
    assert appoint(hr, base, "T2001", MANAGEMENT).status_code == 200
    assert appoint(hr, base, "E1002", DEPARTMENT_HEAD, "售后一部").status_code == 200
    assert appoint(hr, base, "E1003", FINANCE).status_code == 200
    assert "财务" in hr.page.text_of("approvers")
    budget, item = approved_budget(hr, boss, base, db_session)

    # The claim: a wrong amount refused on the form, kept as typed; then filed.
    claimant.get(f"{base}/claims/")
    refused = claimant.submit("new-claim", {"category": "travel", "amount": "80.001", "spent_on": "2027-04-12",
                                            "target": f"item:{item}"})
    assert refused.status_code == 422 and "最多两位小数" in claimant.page.text_of("claim-errors")
    claim = file_claim(claimant, base, item, "800")
    # Attachments are checked by content: a PDF renamed .png, a script named .pdf, an oversized file.
    for name, data, code in [("invoice.png", PDF, 422), ("invoice.pdf", b"#!/bin/sh\necho owned\n", 422),
                             ("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 10) + b"%%EOF", 413)]:
        answer = claimant.session.post(f"{base}/claims/{claim}/attachments", timeout=30,
                                       data={"csrf_token": csrf(claimant), "kind": "invoice"},
                                       files={"file": (name, data)})
        assert answer.status_code == code, (name, answer.status_code)
    claimant.get(f"{base}/claims/{claim}")
    photo = claimant.session.post(f"{base}/claims/{claim}/attachments", timeout=15,
                                  data={"csrf_token": csrf(claimant), "kind": "summary"},
                                  files={"file": ("总结.png", png())})
    assert photo.status_code == 200
    claimant.get(f"{base}/claims/{claim}")
    assert "发票.pdf" in claimant.page.text_of("attachments") and "总结.png" in claimant.page.text_of("attachments")
    download = claimant.page.link("发票.pdf")["href"]
    assert claimant.session.get(download, timeout=15).content == PDF
    assert "1,000.50" in claimant.page.text_of("budget-check") and 'id="over-budget"' not in claimant.response.text
    assert claimant.submit("submit-claim").status_code == 200 and "/approvals/" in claimant.url
    request_id = int(claimant.url.rstrip("/").rsplit("/", 1)[-1])

    # Nobody else reads the claim or its files; an employee does not decide their own.
    assert head.session.get(f"{base}/claims/{claim}", timeout=15).status_code == 404
    assert finance.session.get(download, timeout=15).status_code == 200  # finance reads the files
    other = people("learner2")  # the department head may read them as the claim's approver
    assert other.session.get(download, timeout=15).status_code == 200
    assert boss.session.get(download, timeout=15).status_code == 404  # management has no part in claims
    claimant.get(f"{base}/approvals/{request_id}")
    assert not [f for f in claimant.page.forms if f.id == "decision"]
    assert claimant.session.get(f"{base}/manage/claims/", timeout=15).status_code == 403

    # The department head, then finance, approve; finance marks it paid.
    finance.get(f"{base}/approvals/{request_id}")
    assert not [f for f in finance.page.forms if f.id == "decision"]  # not finance's step yet
    head.get(f"{base}/approvals/{request_id}")
    assert "800.00" in head.page.text_of("claim-amount")
    assert decide(head, base, request_id, "approve", "属实。").status_code == 200
    assert decide(finance, base, request_id, "approve", "票据齐全。").status_code == 200
    finance.get(f"{base}/manage/claims/{claim}")
    finance_token = csrf(finance)
    assert finance.submit("mark-paid", {"reference": "PAY-2027-0042"}).status_code == 200
    assert "Paid" in finance.page.text_of("claim-status") and "PAY-2027-0042" in finance.page.text_of("paid")
    db_session.expire_all()
    paid = db_session.get(ExpenseClaim, claim)
    assert paid.status == "paid" and paid.amount == Decimal("800.00") and paid.paid_at is not None
    again = finance.session.post(f"{base}/manage/claims/{claim}/paid", timeout=15, data={"csrf_token": finance_token})
    assert again.status_code == 409  # paid once

    # A second claim of 300 exceeds the 200.50 left of travel: flagged to its approver and on the list.
    second = file_claim(claimant, base, item, "300.00")
    claimant.submit("submit-claim")
    second_request = int(claimant.url.rstrip("/").rsplit("/", 1)[-1])
    head.get(f"{base}/approvals/{second_request}")
    assert "超出预算" in head.page.text_of("over-budget") and "200.50" in head.page.text_of("budget-check")
    hr.get(f"{base}/manage/claims/", params={"status": "pending"})
    listed = hr.page.text_of("claims")
    assert "超出预算" in listed and "300.00" in listed and "800.00" not in listed
    hr.get(f"{base}/manage/claims/", params={"status": "paid", "department": "售后一部"})
    assert "800.00" in hr.page.text_of("claims") and "300.00" not in hr.page.text_of("claims")
    # Rejected: final.
    assert decide(head, base, second_request, "reject", "超出预算，不予报销。").status_code == 200
    db_session.expire_all()
    assert db_session.get(ExpenseClaim, second).status == "rejected"

    # Budget vs actual, with charts, and the finance spreadsheet.
    finance.get(f"{base}/manage/budget/{budget}")
    assert "800.00" in finance.page.text_of("versus-categories") and "<svg" in finance.response.text
    export = finance.session.get(f"{base}/manage/claims/claims.xlsx", timeout=15)
    assert export.status_code == 200 and export.content[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    amounts = {row[0].value: row[5].value for row in sheet.iter_rows(min_row=2)}
    assert Decimal(str(amounts[claim])) == Decimal("800.00") and sheet.cell(row=2, column=6).number_format == "#,##0.00"
    versus = finance.session.get(f"{base}/manage/budget/{budget}.xlsx", timeout=15)
    categories = {row[0].value: row[1:4] for row in load_workbook(BytesIO(versus.content)).active.iter_rows(min_row=2)}
    travel = [Decimal(str(c.value)) for c in categories["Travel"]]
    assert travel == [Decimal("1000.50"), Decimal("800.00"), Decimal("200.50")]


def test_another_department_head_and_another_organisation_reach_nothing(people, platform, app, db_session,
                                                                        other_company):
    base = platform.tool_base_url
    claimant, stranger_head, hr = people("learner"), people("instructor"), people("hr")
    departments(app, E1001="售后一部", T2001="售后二部")
    assert appoint(hr, base, "T2001", DEPARTMENT_HEAD, "售后二部").status_code == 200
    new_plan(hr, base, kind="annual", year="2027", title="2027 计划")
    hr.submit("add-item", {"topic": "安全规范", "mode": "internal"})
    item = db_session.scalars(select(PlanItem)).first().id
    claim = file_claim(claimant, base, item, "120.00")
    claimant.submit("submit-claim")
    request_id = int(claimant.url.rstrip("/").rsplit("/", 1)[-1])
    assert stranger_head.session.get(f"{base}/approvals/{request_id}", timeout=15).status_code == 404
    download = f"{base}/claims/files/{db_session.get(ExpenseClaim, claim).attachments[0].id}"
    assert stranger_head.session.get(download, timeout=15).status_code == 404

    outsider_hr = crowd_on(other_company)("hr")
    other_base = other_company.tool_base_url
    for path in (f"/manage/claims/{claim}", f"/claims/{claim}", f"/claims/files/1", "/manage/budget/1"):
        assert outsider_hr.session.get(f"{other_base}{path}", timeout=15).status_code == 404, path
    # A learner with no role in costs is refused the management pages.
    for path in ("/manage/claims/", "/manage/budget/", f"/manage/claims/{claim}", "/manage/claims/claims.xlsx"):
        assert claimant.session.get(f"{base}{path}", timeout=15).status_code == 403, path


def test_a_rejected_budget_counts_for_nothing_and_a_returned_claim_is_changed_and_resubmitted(
        people, platform, app, db_session):
    base = platform.tool_base_url
    claimant, head, boss, hr = people("learner"), people("learner2"), people("instructor"), people("hr")
    departments(app, E1001="售后一部")
    appoint(hr, base, "T2001", MANAGEMENT)
    appoint(hr, base, "E1002", DEPARTMENT_HEAD, "售后一部")
    new_plan(hr, base, kind="annual", year="2027", title="2027 计划")
    hr.submit("add-item", {"topic": "安全规范", "mode": "internal"})
    item = db_session.scalars(select(PlanItem)).first().id
    hr.get(f"{base}/manage/budget/")
    hr.submit("new-budget", {"year": "2027", "title": "2027 预算"})
    budget = int(hr.url.rstrip("/").rsplit("/", 1)[-1])
    assert hr.submit("submit-budget").status_code == 422  # no line yet
    assert "请先添加至少一行预算再提交" in hr.page.text_of("budget-errors")
    hr.submit("add-line", {"category": "venue", "amount": "5000"})
    hr.submit("submit-budget")
    request_id = int(hr.url.rstrip("/").rsplit("/", 1)[-1])
    assert decide(boss, base, request_id, "reject", "").status_code == 422  # a rejection needs a reason
    assert decide(boss, base, request_id, "reject", "场地费过高。").status_code == 200
    db_session.expire_all()
    assert db_session.get(Budget, budget).status == "rejected"
    hr.get(f"{base}/manage/budget/{budget}")
    assert hr.page.text_of("locked")  # rejection is final

    # A claim for the venue: no approved budget, so flagged; returned, changed, resubmitted as version 2.
    claim = file_claim(claimant, base, item, "50.00")
    assert "没有已批准的预算" in claimant.page.text_of("budget-check") and claimant.page.text_of("over-budget")
    claimant.submit("submit-claim")
    first = int(claimant.url.rstrip("/").rsplit("/", 1)[-1])
    assert decide(head, base, first, "return", "金额与发票不符。").status_code == 200
    claimant.get(f"{base}/claims/{claim}")
    assert "退回修改" in claimant.page.text_of("claim-status")
    assert claimant.submit("claim-fields", {"amount": "45.50"}).status_code == 200
    assert claimant.submit("submit-claim").status_code == 200
    second = int(claimant.url.rstrip("/").rsplit("/", 1)[-1])
    assert second != first and "第 2 版" in claimant.page.text
    db_session.expire_all()
    found = db_session.get(ExpenseClaim, claim)
    assert found.amount == Decimal("45.50") and found.status == "pending"


def test_the_organisations_currency_is_set_by_the_operator_and_budgets_are_made_in_it(people, platform, app,
                                                                                       db_session):
    from tests.functional.hr.test_audit_log import cli

    assert cli(app, "organisation", "currency", "default").output.startswith("currency CNY")
    assert cli(app, "organisation", "currency", "default", "euro").exit_code != 0  # not an ISO 4217 code
    assert "currency EUR" in cli(app, "organisation", "currency", "default", "eur").output
    base, hr = platform.tool_base_url, people("hr")
    hr.get(f"{base}/manage/budget/")
    hr.submit("new-budget", {"year": "2028", "title": "2028 预算"})
    assert "EUR" in hr.page.text and db_session.scalars(select(Budget)).one().currency == "EUR"
