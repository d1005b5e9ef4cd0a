"""Organisations: employees are one per (organisation, employee number) across the
organisation's platforms, two people in two organisations; moving a platform takes its
people along; the organisation commands."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import func, select

from lti_tool.certificates.models import Certificate
from lti_tool.cli import AppContext, main
from lti_tool.lti import organisations
from lti_tool.lti.models import Organisation, Platform, User
from lti_tool.records.employees import employee_of, link_user, move_platform, user_ids_of
from lti_tool.records.file import training_file
from lti_tool.records.models import Employee
from tests.unit.certificates.conftest import settings_overrides, world  # noqa: F401  (fixtures)


def platform(session, name: str, organisation: str | None = None, trusted: bool = True) -> Platform:
    """One of the organisation's own LMSs (trusted for identity unless told otherwise)."""
    p = Platform(issuer=f"https://{name}.example", client_id="c", name=name, auth_login_url=f"https://{name}.example/a",
                 auth_token_url=f"https://{name}.example/t", key_set_url=f"https://{name}.example/k",
                 organisation=organisations.get_or_create(session, organisation) if organisation else None,
                 identity_trusted=trusted)
    session.add(p)
    session.flush()
    return p


def user(session, on: Platform, sub: str, name: str, number: str | None) -> User:
    u = User(platform_id=on.id, sub=sub, name=name, person_sourcedid=number)
    session.add(u)
    session.flush()
    return u


def test_a_platform_without_an_organisation_joins_default(world, db_session):
    canvas = platform(db_session, "canvas")
    default = db_session.scalar(select(Organisation).where(Organisation.slug == "default"))
    assert world.platform.organisation_id == canvas.organisation_id == default.id
    acme = platform(db_session, "acme-moodle", "acme")
    assert acme.organisation.slug == "acme" and acme.organisation_id != default.id


def test_one_employee_per_number_in_an_organisation_two_across_organisations(world, db_session):
    canvas = platform(db_session, "canvas")  # same organisation as world.platform
    elsewhere = platform(db_session, "other", "other-company")
    on_moodle = user(db_session, world.platform, "4", "张伟", "E1001")
    on_canvas = user(db_session, canvas, "a1b2", "Zhang Wei", "E1001")
    stranger = user(db_session, elsewhere, "4", "张伟", "E1001")
    first, second, third = (link_user(db_session, u) for u in (on_moodle, on_canvas, stranger))
    assert first.id == second.id != third.id
    assert sorted(user_ids_of(db_session, first.id)) == sorted([on_moodle.id, on_canvas.id])
    assert third.organisation_id == elsewhere.organisation_id != first.organisation_id
    # results from both platforms land in the same training file, not in the stranger's
    world.record(on_moodle, "quiz", "check", "passed", score=8.0, score_max=10.0, passed=True)
    world.record(on_canvas, "practical", "task", "passed", score=90.0, score_max=100.0, passed=True)
    items = {e.item_id for s in training_file(db_session, first).courses for e in s.entries}
    assert {"basics/check", "basics/task"} <= items
    assert training_file(db_session, third).courses == []


def test_results_from_two_platforms_meet_the_rules_together_and_issue_one_certificate(world, db_session):
    canvas = platform(db_session, "canvas")
    on_moodle = user(db_session, world.platform, "4", "张伟", "E1001")
    on_canvas = user(db_session, canvas, "a1b2", "张伟", "E1001")
    link_user(db_session, on_moodle)
    link_user(db_session, on_canvas)
    world.complete(on_moodle, skip="task")
    assert db_session.scalar(select(func.count()).select_from(Certificate)) == 0  # the task is missing
    world.record(on_canvas, "practical", "task", "failed", score=40.0, score_max=100.0, passed=False)
    assert db_session.scalar(select(func.count()).select_from(Certificate)) == 0
    world.record(on_canvas, "practical", "task", "passed", score=90.0, score_max=100.0, passed=True)
    certificate = db_session.scalars(select(Certificate)).one()
    assert certificate.user_id == on_canvas.id and certificate.employee_number == "E1001"
    world.record(on_moodle, "quiz", "check", "passed", score=9.0, score_max=10.0, passed=True)
    assert db_session.scalar(select(func.count()).select_from(Certificate)) == 1  # held already, by the person


def test_moving_a_platform_takes_its_people_and_leaves_shared_employees(world, db_session):
    canvas = platform(db_session, "canvas")
    only_canvas = user(db_session, canvas, "u9", "王芳", "E2001")
    shared_moodle = user(db_session, world.platform, "4", "张伟", "E1001")
    shared_canvas = user(db_session, canvas, "u4", "张伟", "E1001")
    nobody = user(db_session, canvas, "u5", "无工号", None)
    for u in (only_canvas, shared_moodle, shared_canvas, nobody):
        link_user(db_session, u)
    employee_of(db_session, only_canvas.id).department = "售后二部"
    shared = employee_of(db_session, shared_moodle.id)
    default_id = world.platform.organisation_id
    target = organisations.get_or_create(db_session, "acme")
    move_platform(db_session, canvas, target.id)
    moved = employee_of(db_session, only_canvas.id)
    assert (moved.organisation_id, moved.department) == (target.id, "售后二部")  # moved whole, details kept
    assert employee_of(db_session, shared_moodle.id).id == shared.id and shared.organisation_id == default_id
    split = employee_of(db_session, shared_canvas.id)
    assert split.id != shared.id and (split.organisation_id, split.employee_number) == (target.id, "E1001")
    assert employee_of(db_session, nobody.id).organisation_id == target.id
    assert user_ids_of(db_session, shared.id) == [shared_moodle.id]
    numbers = {(e.organisation_id, e.employee_number) for e in db_session.scalars(select(Employee))}
    assert numbers == {(default_id, "E1001"), (target.id, "E1001"), (target.id, "E2001"), (target.id, None)}


def run(app, *args):
    ctx = AppContext()
    ctx._app = app
    return CliRunner().invoke(main, list(args), obj=ctx)


ADD = ["platform", "add", "--issuer", "https://canvas.example.com", "--client-id", "10000000000002",
       "--auth-login-url", "https://canvas.example.com/api/lti/authorize_redirect",
       "--token-url", "https://canvas.example.com/login/oauth2/token",
       "--jwks-url", "https://canvas.example.com/api/lti/security/jwks", "--deployment-id", "1:abc"]


def test_organisation_and_platform_commands(app, db_session):
    added = run(app, *ADD, "--organisation", "acme")
    assert added.exit_code == 0 and "organisation acme" in added.output, added.output
    assert run(app, *ADD[:-2], "--organisation", "Not A Slug!").exit_code == 0  # an existing platform keeps its own
    assert "organisation=acme" in run(app, "platform", "list").output
    bad = run(app, *[("other" if a == "10000000000002" else a) for a in ADD], "--organisation", "Not A Slug!")
    assert bad.exit_code != 0 and "slug" in bad.output
    assert run(app, "organisation", "add", "beta", "--name", "Beta 公司").exit_code == 0
    assert run(app, "organisation", "rename", "acme", "ACME 汽车服务").exit_code == 0
    assert run(app, "organisation", "rename", "nope", "x").exit_code != 0
    listed = run(app, "organisation", "list").output
    assert "acme\tACME 汽车服务\tplatforms=1" in listed and "beta\tBeta 公司\tplatforms=0" in listed
    platform_id = db_session.scalar(select(Platform.id).where(Platform.client_id == "10000000000002"))
    moved = run(app, "platform", "move", str(platform_id), "--organisation", "beta")
    assert moved.exit_code == 0 and "organisation beta" in moved.output
    assert "organisation=beta" in run(app, "platform", "list").output
    assert run(app, "platform", "move", "999", "--organisation", "beta").exit_code != 0


def test_the_roster_links_accounts_of_every_platform_of_the_organisation_only(world, db_session):
    from lti_tool.hr import roster

    canvas = platform(db_session, "canvas")
    elsewhere = platform(db_session, "other", "other-company")
    # accounts from before the employee links: nothing links them yet
    accounts = [user(db_session, world.platform, "4", "张伟", "E3001"), user(db_session, canvas, "a1", "张伟", "E3001")]
    stranger = user(db_session, elsewhere, "4", "张伟", "E3001")
    plan = roster.plan(db_session, world.platform.organisation_id, "staff.csv",
                       "工号,姓名,部门\nE3001,张伟,售后一部\n".encode())
    assert roster.apply(db_session, world.platform.organisation_id, plan) == 1
    linked = {employee_of(db_session, u.id).id for u in accounts}
    assert len(linked) == 1 and employee_of(db_session, accounts[0].id).department == "售后一部"
    assert employee_of(db_session, stranger.id) is None
    assert link_user(db_session, stranger).id not in linked
