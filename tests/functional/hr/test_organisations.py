"""Organisations over HTTP: the company's Moodle and Canvas are one organisation, so a
learner launched from both (same employee number) has one training file and HR of
either platform sees everyone; another company's platform, with the same employee
number, stays another person, and neither HR sees the other's (pages, API, exports)."""

from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import select

from lti_tool.certificates.models import Certificate
from lti_tool.db import get_db
from lti_tool.hr.models import ExportJob
from lti_tool.lti import platforms
from lti_tool.lti.models import Context, Deployment, Platform, User
from lti_tool.records.models import Employee
from lti_tool.records.services import record_result
from tests.functional.hr.conftest import AT, STEPS, Crowd
from tests.functional.practical.conftest import csrf
from tests.lti_platform import TestPlatform


def join(app, lms: TestPlatform, organisation: str | None) -> int:
    """Register ``lms`` as one of the organisation's own LMSs, trusted for identity."""
    with get_db(app).sessionmaker.begin() as session:
        return platforms.add(session, **lms.tool_registration(), organisation=organisation, identity_trusted=True).id


def crowd_on(lms: TestPlatform) -> Crowd:
    course = lms.add_resource_link("基础课程", custom={"item_kind": "course", "item_id": "basics"})
    hr = lms.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
    return Crowd(lms, course, hr)


def record(app, lms: TestPlatform, key: str, steps) -> None:
    """Results of ``key`` on this LMS, written as the features write them."""
    with app.app_context(), get_db(app).sessionmaker.begin() as session:
        platform = session.scalar(select(Platform).where(Platform.issuer == lms.issuer))
        user = session.scalar(select(User).where(User.platform_id == platform.id, User.sub == lms.user(key).sub))
        context = session.scalar(select(Context).join(Deployment, Deployment.id == Context.deployment_pk)
                                 .where(Deployment.platform_id == platform.id))
        for kind, item, status, values in steps:
            record_result(session, user_id=user.id, platform_id=platform.id, context_id=context.id,
                          course_id="basics", kind=kind, item_id=f"basics/{item}", status=status,
                          title={"zh-CN": item, "en": item}, completed_at=AT, **values)


@pytest.fixture
def canvas(live_tool, app):
    with TestPlatform("Canvas-like", "canvas", tool_base_url=live_tool.url) as lms:
        join(app, lms, None)  # registered without an organisation: the default one, like the Moodle
        yield lms


@pytest.fixture
def other_company(live_tool, app):
    with TestPlatform("Other company's Moodle", tool_base_url=live_tool.url) as lms:
        join(app, lms, "other-company")
        yield lms


def test_one_person_on_two_platforms_of_the_organisation_has_one_training_file(people, platform, canvas, app,
                                                                                db_session):
    on_canvas = crowd_on(canvas)
    try:
        people("learner")
        learner = on_canvas("learner")  # the same 张伟, E1001, in the company's Canvas
        record(app, platform, "learner", [s for s in STEPS if s[1] != "task"])  # lesson, quiz, class in Moodle
        record(app, canvas, "learner", [s for s in STEPS if s[1] == "task"])  # the practical in Canvas
        assert db_session.scalars(select(Employee).where(Employee.employee_number == "E1001")).one()
        learner.get(f"{canvas.tool_base_url}/records/me")
        file_text = learner.page.text
        assert learner.page.text_of("file-name") == "张伟"
        for item in ("intro", "check", "task", "class"):
            assert item in file_text, item
        # both platforms' results met the rules together: one certificate, in the same file
        number = db_session.scalars(select(Certificate)).one().number
        assert number in learner.page.text_of("file-certificates")
        moodle_learner = people("learner")
        moodle_learner.get(f"{platform.tool_base_url}/records/me")
        assert number in moodle_learner.page.text_of("file-certificates") and "task" in moodle_learner.page.text
        # HR of the Canvas sees the person once, with the Moodle results
        hr = on_canvas("hr")
        hr.get(f"{canvas.tool_base_url}/hr/employees", {"q": "E1001"})
        assert hr.page.text_of("employees").count("张伟") == 1
        hr.follow("张伟")
        assert "check" in hr.page.text and "task" in hr.page.text
    finally:
        on_canvas.close()


def test_the_roster_imported_from_one_platform_links_the_people_of_the_other(people, platform, canvas, app,
                                                                             db_session):
    on_canvas = crowd_on(canvas)
    try:
        on_canvas("learner2")  # 李娜 opens the tool from Canvas only
        hr = people("hr")  # HR works in the Moodle
        base = platform.tool_base_url
        roster = "工号,姓名,部门,岗位\nE1002,李娜,售后二部,客服专员\n"
        hr.get(f"{base}/hr/roster")
        dry = hr.session.post(f"{base}/hr/roster", timeout=15, data={"csrf_token": csrf(hr)},
                              files={"file": ("staff.csv", roster.encode(), "text/csv")})
        assert dry.status_code == 200
        ticket = re.search(r'name="ticket" value="([^"]+)"', dry.text).group(1)
        applied = hr.session.post(f"{base}/hr/roster/apply", timeout=15,
                                  data={"csrf_token": csrf(hr), "ticket": ticket})
        assert applied.status_code == 200
        learner2 = on_canvas("learner2")
        learner2.get(f"{canvas.tool_base_url}/records/me")
        assert "售后二部" in learner2.page.text_of("file-facts")
        employee = db_session.scalars(select(Employee).where(Employee.employee_number == "E1002")).one()
        assert employee.source == "roster"
    finally:
        on_canvas.close()


def test_the_same_number_in_another_organisation_is_another_person_hr_sees_only_its_own(
        people, platform, other_company, app, db_session):
    elsewhere = crowd_on(other_company)
    try:
        people("learner")
        elsewhere("learner")  # also 张伟, E1001, but another company
        record(app, platform, "learner", STEPS)
        record(app, other_company, "learner", STEPS)
        employees = db_session.scalars(select(Employee).where(Employee.employee_number == "E1001")).all()
        assert len(employees) == 2
        certificates = db_session.scalars(select(Certificate).order_by(Certificate.id)).all()
        assert len(certificates) == 2
        ours_platform = db_session.scalar(select(Platform.id).where(Platform.issuer == platform.issuer))
        ours = next(c for c in certificates if c.platform_id == ours_platform)
        theirs = next(c for c in certificates if c is not ours)
        our_organisation = db_session.get(Platform, ours_platform).organisation_id
        our_employee = next(e for e in employees if e.organisation_id == our_organisation)
        their_employee = next(e for e in employees if e.organisation_id != our_organisation)

        hr, base = people("hr"), platform.tool_base_url
        hr.get(f"{base}/hr/certificates")
        assert ours.number in hr.page.text and theirs.number not in hr.page.text
        hr.get(f"{base}/hr/employees", {"q": "E1001"})
        assert hr.page.text_of("employees").count("张伟") == 1
        for path in (f"/hr/employees/{their_employee.id}", f"/hr/employees/{their_employee.id}.xlsx",
                     f"/certificates/{theirs.id}", f"/certificates/{theirs.id}.pdf"):
            assert hr.session.get(base + path, timeout=15).status_code == 404, path
        assert hr.session.get(f"{base}/hr/employees/{our_employee.id}", timeout=15).status_code == 200
        # the bulk export counts our certificate only
        hr.get(f"{base}/hr/certificates")
        started = hr.session.post(f"{base}/hr/exports", timeout=15, data={"csrf_token": csrf(hr)})
        assert started.status_code == 200
        db_session.expire_all()
        assert [job.total for job in db_session.scalars(select(ExportJob))] == [1]
        # an API token made by this HR reads this organisation only
        hr.get(f"{base}/hr/tokens")
        hr.submit(hr.page.form("token-form"), {"name": "HRIS"})
        auth = {"Authorization": f"Bearer {hr.page.text_of('token-value').strip()}"}
        api = f"{base}/api/hr/v1"
        numbers = [c["number"] for c in requests.get(f"{api}/certificates", headers=auth, timeout=15).json()["items"]]
        assert numbers == [ours.number]
        people_page = requests.get(f"{api}/employees", headers=auth, params={"q": "E1001"}, timeout=15).json()
        assert people_page["total"] == 1
        records = requests.get(f"{api}/records", headers=auth, params={"employee_number": "E1001"}, timeout=15).json()
        assert records["total"] == len(STEPS) + 2  # ours: the four results, the course and the certificate
        # and the other company's HR, the other way round
        their_hr, their_base = elsewhere("hr"), other_company.tool_base_url
        their_hr.get(f"{their_base}/hr/certificates")
        assert theirs.number in their_hr.page.text and ours.number not in their_hr.page.text
        assert their_hr.session.get(f"{their_base}/hr/employees/{our_employee.id}", timeout=15).status_code == 404
    finally:
        elsewhere.close()
