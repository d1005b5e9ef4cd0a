"""Employee identity is trusted per platform, attacked from a second LMS of the same
organisation that the operator does not trust for identity: its learner "Mallory"
sends 张伟's employee number E1001. She stays a person of her own (her own file, her
own certificate, 张伟's name and file untouched) until HR links her account on 张伟's
page; HR can unlink it again. The company's own LMS (trusted) still merges by number,
and a launch never overwrites the name HR imported."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from lti_tool.audit.models import AuditEvent
from lti_tool.certificates.models import Certificate
from lti_tool.cli import AppContext, main
from lti_tool.lti.models import Platform, User
from lti_tool.records.models import Employee, EmployeeUser
from tests.functional.hr.conftest import STEPS, complete
from tests.functional.hr.test_organisations import crowd_on, join, record
from tests.functional.practical.conftest import csrf
from tests.lti_platform import TestPlatform


@pytest.fixture
def hostile(live_tool, app):
    """A partner's Moodle in the same organisation, registered without identity trust
    (an invitation's default); its learner Mallory claims 张伟's number."""
    with TestPlatform("Partner Moodle", tool_base_url=live_tool.url) as lms:
        lms.register_in_tool(app)
        lms.add_user("mallory", "Mallory", email="mallory@partner.example", person_sourcedid="E1001")
        crowd = crowd_on(lms)
        yield lms, crowd
        crowd.close()


def employee(db_session, number: str) -> Employee:
    db_session.expire_all()
    return db_session.scalars(select(Employee).where(Employee.employee_number == number)).one()


def account(db_session, lms: TestPlatform, key: str) -> User:
    platform_id = db_session.scalar(select(Platform.id).where(Platform.issuer == lms.issuer))
    return db_session.scalar(select(User).where(User.platform_id == platform_id, User.sub == lms.user(key).sub))


def employee_of_account(db_session, user: User) -> Employee:
    db_session.expire_all()
    return db_session.get(Employee, db_session.get(EmployeeUser, user.id).employee_id)


def audit_actions(db_session) -> list[str]:
    db_session.expire_all()
    return [e.action for e in db_session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def cli(app, *args):
    ctx = AppContext()
    ctx._app = app
    return CliRunner().invoke(main, list(args), obj=ctx)


def test_an_untrusted_platform_claiming_an_employee_number_gets_a_person_of_its_own(
        people, platform, hostile, app, db_session):
    lms, crowd = hostile
    people("learner")  # the real 张伟, E1001, on the company's (trusted) Moodle
    complete(app, platform, "learner")
    real = employee(db_session, "E1001")
    his_certificate = db_session.scalars(select(Certificate)).one().number

    mallory = crowd("mallory")
    mallory.get(f"{lms.tool_base_url}/records/me")
    assert mallory.page.text_of("file-name") == "Mallory"
    assert "E1001" not in mallory.page.text_of("file-facts") and his_certificate not in mallory.page.text
    assert "check" not in mallory.page.text  # none of his results
    # her results count in her own file, never in his; her certificate carries no number
    record(app, lms, "mallory", STEPS)
    db_session.expire_all()
    assert employee(db_session, "E1001").name == "张伟" == real.name
    hers = employee_of_account(db_session, account(db_session, lms, "mallory"))
    assert hers.id != real.id and hers.employee_number is None and hers.name == "Mallory"
    certificates = db_session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert [c.employee_number for c in certificates] == ["E1001", ""]
    hr = people("hr")
    hr.get(f"{platform.tool_base_url}/hr/employees/{real.id}")
    assert hr.page.text_of("linked-accounts").count("张伟") == 1 and "Mallory" not in hr.page.text_of("linked-accounts")
    assert hr.page.text.count(his_certificate) == 1 and certificates[1].number not in hr.page.text
    # she is offered to HR as an account to link (she sends the number), nothing more
    assert "Mallory" in hr.page.text_of("account-link") and "E1001" in hr.page.text_of("account-link")


def test_hr_links_the_account_and_unlinks_it_audited(people, platform, hostile, app, db_session):
    lms, crowd = hostile
    people("learner")
    complete(app, platform, "learner")
    number = db_session.scalars(select(Certificate)).one().number
    crowd("mallory")
    real = employee(db_session, "E1001")
    mallory_user = account(db_session, lms, "mallory")
    hr = people("hr")
    base = platform.tool_base_url
    hr.get(f"{base}/hr/employees/{real.id}")
    hr.submit("account-link", {"user_id": str(mallory_user.id)})
    assert hr.response.status_code == 200 and "Mallory" in hr.page.text_of("linked-accounts")
    assert employee_of_account(db_session, mallory_user).id == real.id
    mallory = crowd("mallory")  # a launch keeps HR's link, and the name HR's file has
    mallory.get(f"{lms.tool_base_url}/records/me")
    assert mallory.page.text_of("file-name") == "张伟" and number in mallory.page.text_of("file-certificates")
    assert employee(db_session, "E1001").name == "张伟"

    hr.get(f"{base}/hr/employees/{real.id}")
    unlink = next(f for f in hr.page.forms if f.action.endswith(f"/accounts/{mallory_user.id}/unlink"))
    hr.submit(unlink)
    assert hr.response.status_code == 200 and "Mallory" not in hr.page.text_of("linked-accounts")
    own = employee_of_account(db_session, mallory_user)
    assert own.id != real.id and own.employee_number is None
    mallory.get(f"{lms.tool_base_url}/records/me")
    assert mallory.page.text_of("file-name") == "Mallory" and number not in mallory.page.text
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("employee.%"))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_label, e.details["user_id"]) for e in events] == [
        ("employee.account_linked", "陈静", mallory_user.id), ("employee.account_unlinked", "陈静", mallory_user.id)]
    assert {e.organisation_id for e in events} == {real.organisation_id}


def test_linking_is_hr_only_with_csrf_within_the_organisation(people, platform, hostile, app, db_session):
    lms, crowd = hostile
    people("learner")
    crowd("mallory")
    real = employee(db_session, "E1001")
    mallory_user, learner_user = account(db_session, lms, "mallory"), account(db_session, platform, "learner")
    base = platform.tool_base_url
    link_url = f"{base}/hr/employees/{real.id}/accounts"
    # a learner (Mallory herself) may not link her account to him
    mallory = crowd("mallory")
    refused = mallory.session.post(link_url, data={"user_id": mallory_user.id}, timeout=15)
    assert refused.status_code in (400, 403)
    hr = people("hr")
    hr.get(f"{base}/hr/employees/{real.id}")
    no_token = hr.session.post(link_url, data={"user_id": mallory_user.id}, timeout=15)
    assert no_token.status_code == 400
    # an account of the trusted platform is linked by its number, not by hand
    trusted = hr.session.post(f"{base}/hr/employees/{employee_of_account(db_session, mallory_user).id}/accounts",
                              data={"csrf_token": csrf(hr), "user_id": learner_user.id}, timeout=15)
    assert trusted.status_code == 422 and "工号" in trusted.text and "Traceback" not in trusted.text
    garbage = hr.session.post(link_url, data={"csrf_token": csrf(hr), "user_id": "x"}, timeout=15)
    assert garbage.status_code == 422
    assert employee_of_account(db_session, mallory_user).id != real.id
    assert "employee.account_linked" not in audit_actions(db_session)

    # HR of another organisation reaches neither the employee nor the account
    with TestPlatform("Other company's Moodle", tool_base_url=platform.tool_base_url) as other:
        join(app, other, "other-company")
        their = crowd_on(other)
        try:
            their_hr = their("hr")
            their_hr.get(f"{other.tool_base_url}/hr/tokens")
            token = csrf(their_hr)
            for url in (link_url, f"{base}/hr/employees/{real.id}/accounts/{mallory_user.id}/unlink"):
                answer = their_hr.session.post(url, data={"csrf_token": token, "user_id": mallory_user.id},
                                               timeout=15)
                assert answer.status_code == 404, url
            # their own employee and our account: still not found
            their("learner")
            theirs = db_session.scalars(select(Employee).where(Employee.employee_number == "E1001",
                                                               Employee.organisation_id != real.organisation_id)).one()
            answer = their_hr.session.post(f"{base}/hr/employees/{theirs.id}/accounts",
                                           data={"csrf_token": token, "user_id": mallory_user.id}, timeout=15)
            assert answer.status_code == 404
        finally:
            their.close()
    assert employee_of_account(db_session, mallory_user).id != real.id


def test_trust_and_untrust_from_the_command_line_relink_the_platform(people, platform, hostile, app, db_session):
    lms, crowd = hostile
    people("learner")
    crowd("mallory")
    real = employee(db_session, "E1001")
    mallory_user = account(db_session, lms, "mallory")
    partner_id = mallory_user.platform_id
    listed = cli(app, "platform", "list")
    assert re.search(rf"^{partner_id}\t.*\tidentity=untrusted\t", listed.output, re.M), listed.output
    assert "identity=trusted" in listed.output  # the company's own Moodle

    trusted = cli(app, "platform", "trust", str(partner_id))
    assert trusted.exit_code == 0 and "identity trusted" in trusted.output
    assert employee_of_account(db_session, mallory_user).id == real.id  # the operator vouches for its numbers
    assert employee(db_session, "E1001").name == "张伟"
    untrusted = cli(app, "platform", "untrust", str(partner_id))
    assert untrusted.exit_code == 0
    assert employee_of_account(db_session, mallory_user).id != real.id
    assert cli(app, "platform", "trust", "999999").exit_code != 0
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("platform.%trusted"))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_label, e.details["platform_id"]) for e in events] == [
        ("platform.trusted", "cli", partner_id), ("platform.untrusted", "cli", partner_id)]


def test_platform_add_carries_the_trust_the_operator_chose(app, db_session):
    base = ["platform", "add", "--client-id", "c1", "--auth-login-url", "https://lms.example/auth",
            "--token-url", "https://lms.example/token", "--jwks-url", "https://lms.example/jwks"]
    assert cli(app, *base, "--issuer", "https://plain.example").exit_code == 0
    made = cli(app, *base, "--issuer", "https://trusted.example", "--trust-identity")
    assert made.exit_code == 0 and "identity trusted" in made.output
    flags = dict(db_session.execute(select(Platform.issuer, Platform.identity_trusted)).all())
    assert flags == {"https://plain.example": False, "https://trusted.example": True}
    again = cli(app, *base, "--issuer", "https://trusted.example")  # an update keeps the operator's choice
    assert again.exit_code == 0 and "identity trusted" in again.output


def test_a_launch_never_overwrites_the_name_hr_imported(people, platform, app, db_session):
    hr = people("hr")
    base = platform.tool_base_url
    roster = "工号,姓名,部门,岗位\nE1001,张伟,售后一部,技师\n"
    hr.get(f"{base}/hr/roster")
    dry = hr.session.post(f"{base}/hr/roster", timeout=15, data={"csrf_token": csrf(hr)},
                          files={"file": ("staff.csv", roster.encode(), "text/csv")})
    ticket = re.search(r'name="ticket" value="([^"]+)"', dry.text).group(1)
    hr.session.post(f"{base}/hr/roster/apply", timeout=15, data={"csrf_token": csrf(hr), "ticket": ticket})
    platform.user("learner").name = "Wei Z. (LMS nickname)"  # the LMS sends another name from now on
    people("learner")
    imported = employee(db_session, "E1001")
    assert imported.source == "roster" and imported.name == "张伟" and imported.department == "售后一部"
    assert "roster.applied" in audit_actions(db_session)
