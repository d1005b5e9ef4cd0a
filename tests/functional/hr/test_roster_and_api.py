"""HR imports a roster through the page (dry run, then apply; a bad file changes
nothing), creates an API token, and an HR system reads the REST API with it."""

from __future__ import annotations

import re

import requests
from sqlalchemy import func, select

from lti_tool.records.models import Employee
from tests.functional.hr.conftest import complete
from tests.functional.practical.conftest import csrf

GOOD = "工号,姓名,部门,岗位,入职日期\nE1001,张伟,售后一部,维修工程师,2020-03-01\nE2001,赵六,售后二部,客服,2022-01-10\n"
BAD = "工号,姓名,部门\nE1001,张伟,售后一部\nE1001,重复,售后一部\n,没有工号,售后二部\n"


def upload(hr, base, name, text):
    token = csrf(hr)
    return hr.session.post(f"{base}/hr/roster", timeout=15, data={"csrf_token": token},
                           files={"file": (name, text.encode(), "text/csv")})


def test_roster_dry_run_then_apply_and_a_bad_file_changes_nothing(people, platform, app, db_session):
    people("learner")
    hr = people("hr")
    base = platform.tool_base_url
    hr.get(f"{base}/hr/roster")
    bad = upload(hr, base, "bad.csv", BAD)
    assert bad.status_code == 422
    assert "此工号在其他行中重复出现" in bad.text and "缺少工号" in bad.text and "roster-apply" not in bad.text
    count = db_session.scalar(select(func.count()).select_from(Employee))
    good = upload(hr, base, "staff.csv", GOOD)
    assert good.status_code == 200 and "新增 1 人，变更 1 人" in good.text
    changed = good.text.split("roster-plan", 1)[1]
    assert "部门 “" in changed or "岗位 “" in changed or "入职日期 “" in changed, changed[:800]  # labels, not field keys
    assert not any(f"{key} “" in changed for key in ("department", "position", "hire_date"))
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Employee)) == count  # a dry run writes nothing
    ticket = re.search(r'name="ticket" value="([^"]+)"', good.text).group(1)
    applied = hr.session.post(f"{base}/hr/roster/apply", timeout=15, data={"csrf_token": csrf(hr), "ticket": ticket})
    assert applied.status_code == 200 and "赵六" in applied.text and "花名册已导入" in applied.text
    db_session.expire_all()
    staff = {e.employee_number: e for e in db_session.scalars(select(Employee))}
    assert staff["E1001"].department == "售后一部" and staff["E2001"].source == "roster"
    again = hr.session.post(f"{base}/hr/roster/apply", timeout=15, data={"csrf_token": csrf(hr), "ticket": "nope"})
    assert again.status_code == 404


def test_api_tokens_are_made_and_revoked_by_hr_and_scope_the_api(people, platform, app):
    people("learner")
    complete(app, platform, "learner")
    hr = people("hr")
    base = platform.tool_base_url
    api = f"{base}/api/hr/v1"
    assert requests.get(f"{api}/certificates", timeout=15).status_code == 401
    assert requests.get(f"{api}/certificates", headers={"Authorization": "Bearer ast_forged"}, timeout=15).status_code == 401
    hr.get(f"{base}/hr/tokens")
    hr.submit(hr.page.form("token-form"), {"name": "SAP SuccessFactors"})
    token = hr.page.text_of("token-value").strip()
    assert token.startswith("ast_")
    auth = {"Authorization": f"Bearer {token}"}
    certs = requests.get(f"{api}/certificates", headers=auth, params={"course": "basics", "status": "valid"}, timeout=15)
    assert certs.status_code == 200
    body = certs.json()
    assert body["total"] == 1 and body["items"][0]["holder_name"] == "张伟"
    assert body["items"][0]["verify_url"].startswith(base + "/verify/")
    records = requests.get(f"{api}/records", headers=auth, params={"employee_number": "E1001", "kind": "quiz"},
                           timeout=15).json()
    assert [(r["item_id"], r["score"]) for r in records["items"]] == [("basics/check", 8.0)]
    page = requests.get(f"{api}/employees", headers=auth, params={"per_page": 1, "page": 1}, timeout=15).json()
    assert page["per_page"] == 1 and page["total"] >= 1 and len(page["items"]) == 1
    assert requests.get(f"{api}/employees", headers=auth, params={"per_page": 1000}, timeout=15).status_code == 400
    assert requests.get(f"{api}/records", headers=auth, params={"from": "2026-13-01"}, timeout=15).status_code == 400
    spec = requests.get(f"{api}/openapi.json", timeout=15).json()
    assert spec["openapi"].startswith("3.1") and set(spec["paths"]) == {"/employees", "/records", "/certificates"}
    hr.get(f"{base}/hr/tokens")
    assert token not in hr.page.text  # shown once, stored hashed
    hr.submit(hr.page.form(action_contains="/revoke"))
    assert requests.get(f"{api}/certificates", headers=auth, timeout=15).status_code == 401
