"""Employee numbers link accounts only on platforms trusted for identity: the service
rules below the HR pages (link_user, the roster, HR's link / unlink, trusting and
untrusting a platform), attacked by an untrusted platform of the same organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_tool.hr import roster
from lti_tool.records.employees import LinkError, candidates, employee_of, link, link_user, retrust, unlink
from lti_tool.records.models import BY_HR, Employee, EmployeeUser
from tests.unit.certificates.conftest import settings_overrides, world  # noqa: F401  (fixtures)
from tests.unit.records.test_organisations import platform, user


def test_an_untrusted_account_claiming_a_number_is_a_person_of_its_own(world, db_session):
    real = link_user(db_session, user(db_session, world.platform, "1", "张伟", "E1001"))
    partner = platform(db_session, "partner", trusted=False)
    mallory = user(db_session, partner, "1", "Mallory", "E1001")
    hers = link_user(db_session, mallory)
    assert hers.id != real.id and hers.employee_number is None and hers.name == "Mallory"
    assert real.name == "张伟" and link_user(db_session, mallory).id == hers.id  # and at every launch again
    # the roster links accounts of trusted platforms only
    plan = roster.plan(db_session, world.platform.organisation_id, "staff.csv", "工号,姓名\nE1001,张伟\n".encode())
    roster.apply(db_session, world.platform.organisation_id, plan)
    assert employee_of(db_session, mallory.id).id == hers.id


def test_a_launch_keeps_the_roster_name_and_fills_a_missing_one(world, db_session):
    plan = roster.plan(db_session, world.platform.organisation_id, "staff.csv", "工号,姓名\nE2001,李娜\n".encode())
    roster.apply(db_session, world.platform.organisation_id, plan)
    learner = user(db_session, world.platform, "2", "Li Na (nickname)", "E2001")
    assert link_user(db_session, learner).name == "李娜"
    employee = employee_of(db_session, learner.id)
    employee.name = ""
    learner.name = "李娜娜"
    assert link_user(db_session, learner).name == "李娜娜"  # HR has none: the launch's name fills it


def test_hr_links_and_unlinks_within_the_rules(world, db_session):
    his_account = user(db_session, world.platform, "1", "张伟", "E1001")
    real = link_user(db_session, his_account)
    partner = platform(db_session, "partner", trusted=False)
    mallory = user(db_session, partner, "1", "Mallory", "E1001")
    own = link_user(db_session, mallory)
    assert [u.id for u in candidates(db_session, real)] == [mallory.id]  # she claims his number
    assert [u.id for u in candidates(db_session, real, "mallory")] == [mallory.id]
    assert candidates(db_session, real, "nobody") == []
    assert link(db_session, mallory, real).id == own.id
    assert employee_of(db_session, mallory.id).id == real.id
    assert db_session.get(Employee, own.id) is None  # her empty own employee is gone
    assert db_session.get(EmployeeUser, mallory.id).linked_by == BY_HR
    mallory.name = "Mallory M."
    assert link_user(db_session, mallory).id == real.id and real.name == "张伟"  # a launch keeps both
    with pytest.raises(LinkError):
        link(db_session, mallory, real)  # already
    with pytest.raises(LinkError):
        unlink(db_session, his_account, real)  # linked by his number, not by HR
    again = unlink(db_session, mallory, real)
    assert again.id != real.id and employee_of(db_session, mallory.id).id == again.id
    assert again.employee_number is None
    with pytest.raises(LinkError):
        unlink(db_session, mallory, real)
    trusted_account = user(db_session, world.platform, "3", "王芳", "T2001")
    link_user(db_session, trusted_account)
    with pytest.raises(LinkError):
        link(db_session, trusted_account, again)  # trusted accounts follow their number
    elsewhere = platform(db_session, "other", "other-company", trusted=False)
    stranger = user(db_session, elsewhere, "9", "Stranger", "E1001")
    link_user(db_session, stranger)
    with pytest.raises(LinkError):
        link(db_session, stranger, real)  # another organisation's account


def employee_user_ids(session, employee) -> list[int]:
    return list(session.scalars(select(EmployeeUser.user_id).where(EmployeeUser.employee_id == employee.id)))


def test_trusting_and_untrusting_a_platform_relinks_its_accounts_but_keeps_hrs_links(world, db_session):
    his_account = user(db_session, world.platform, "1", "张伟", "E1001")
    real = link_user(db_session, his_account)
    other = link_user(db_session, user(db_session, world.platform, "2", "李娜", "E1002"))
    partner = platform(db_session, "partner", trusted=False)
    twin = user(db_session, partner, "1", "张伟", "E1001")
    linked_by_hr = user(db_session, partner, "2", "Li Na", "")
    link_user(db_session, twin)
    link_user(db_session, linked_by_hr)
    link(db_session, linked_by_hr, other)
    partner.identity_trusted = True
    assert retrust(db_session, partner) == 1
    assert employee_of(db_session, twin.id).id == real.id and employee_of(db_session, linked_by_hr.id).id == other.id
    partner.identity_trusted = False
    assert retrust(db_session, partner) == 1
    assert employee_of(db_session, twin.id).id != real.id and employee_of(db_session, linked_by_hr.id).id == other.id
    assert employee_user_ids(db_session, real) == [his_account.id]
    assert real.name == "张伟" and db_session.get(Employee, real.id) is not None

