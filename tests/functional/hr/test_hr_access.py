"""Every HR page and the REST API are HR only, and HR sees only its own tenant."""

from __future__ import annotations

import requests

from tests.functional.hr.conftest import complete

HR_PAGES = ["/hr/", "/hr/employees", "/hr/certificates", "/hr/roster", "/hr/tokens", "/hr/xapi-credentials",
            "/records/runs/"]


def test_learners_and_trainers_are_refused_every_hr_page(people, platform, app):
    learner = people("learner")
    instructor = people("instructor")
    base = platform.tool_base_url
    for path in HR_PAGES + ["/hr/employees/1", "/hr/exports/1", "/hr/exports/1.json", "/hr/employees/1.xlsx"]:
        assert learner.session.get(base + path, timeout=15).status_code == 403, path
        if path != "/records/runs/":
            assert instructor.session.get(base + path, timeout=15).status_code == 403, path
    assert requests.get(base + "/hr/", timeout=15).status_code == 401  # no session at all
    for path in ("/hr/exports", "/hr/roster/apply", "/hr/tokens", "/hr/xapi-credentials",
                 "/hr/xapi-credentials/1/revoke"):
        assert learner.session.post(base + path, timeout=15, data={}).status_code in (400, 403), path


def test_hr_sees_the_console_with_charts_and_the_employees(people, platform, app):
    people("learner")
    people("learner2")
    complete(app, platform, "learner")
    complete(app, platform, "learner2", skip="task")
    hr = people("hr")  # the HR link (item_kind "records", item_id "hr") opens the console
    base = platform.tool_base_url
    assert hr.url.endswith("/hr/") and hr.page.text_of("rates-course")
    assert hr.response.text.count('class="bar-chart"') == 4
    counts = hr.page.text_of("cert-counts")
    assert "1 有效证书" in counts and "0 已撤销" in counts
    rates = hr.page.text_of("rates-course")
    assert "尚在等待评分的作答暂不计入" in hr.page.text  # the rates say what they leave out
    assert "基础课程" in rates and "50%" in rates  # one of two completed (one rule: no trailing zeros)
    hr.get(f"{base}/hr/employees", {"q": "E1002"})
    assert "李娜" in hr.page.text_of("employees") and "张伟" not in hr.page.text_of("employees")
    hr.get(f"{base}/hr/certificates", {"status": "bogus"})
    assert hr.response.status_code == 400


def test_hr_of_another_organisation_sees_nothing_of_this_one(people, platform, app, db_session):
    people("learner")
    complete(app, platform, "learner")
    from sqlalchemy import select

    from lti_tool.certificates.models import Certificate
    from lti_tool.lti.models import Organisation, Platform
    from lti_tool.records.models import Employee

    cert = db_session.scalars(select(Certificate)).one()
    employee = db_session.scalars(select(Employee).where(Employee.employee_number == "E1001")).one()
    hr = people("hr")
    base = platform.tool_base_url
    assert hr.session.get(f"{base}/certificates/{cert.id}", timeout=15).status_code == 200
    # move the learner's data to another tenant: this HR user must no longer reach it
    tenant = Organisation(slug="other-company", name="Other company")
    other = Platform(issuer="https://other.example", client_id="x", auth_login_url="https://other.example/a",
                     auth_token_url="https://other.example/t", key_set_url="https://other.example/k",
                     organisation=tenant)
    db_session.add(other)
    db_session.flush()
    db_session.get(Certificate, cert.id).platform_id = other.id
    db_session.get(Employee, employee.id).organisation_id = tenant.id
    db_session.commit()
    for path in (f"/certificates/{cert.id}", f"/certificates/{cert.id}.pdf", f"/hr/employees/{employee.id}",
                 f"/hr/employees/{employee.id}.pdf"):
        assert hr.session.get(base + path, timeout=15).status_code == 404, path
    hr.get(f"{base}/hr/certificates")
    assert cert.number not in hr.page.text
