"""Which LTI roles grant HR is the organisation's choice (``organisation hr-roles``):
by default institution or system Administrator; an organisation that names its own
roles takes Administrator's HR away, for its platforms only, from the next launch;
--reset brings the built-in ones back. Every change is audited."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from lti_tool.audit.models import AuditEvent
from lti_tool.cli import AppContext, main
from lti_tool.lti.models import Organisation
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.lti_platform import constants as c

MANAGER = "http://example.com/roles#TrainingManager"


def hr_roles(app, *args):
    ctx = AppContext()
    ctx._app = app
    return CliRunner().invoke(main, ["organisation", "hr-roles", *args], obj=ctx)


def test_an_organisation_that_removed_administrator_gives_it_no_hr(people, platform, other_company, app,
                                                                     db_session):
    platform.add_user("admin", "管理员", institution_roles=[c.INSTITUTION_ADMIN], roles=[c.LEARNER])
    platform.add_user("manager", "培训经理", institution_roles=[MANAGER], roles=[c.LEARNER])
    base = platform.tool_base_url
    shown = hr_roles(app, "default")
    assert shown.exit_code == 0 and "built-in" in shown.output and c.INSTITUTION_ADMIN in shown.output
    assert people("admin").session.get(f"{base}/hr/", timeout=15).status_code == 200

    changed = hr_roles(app, "default", "--set", MANAGER)
    assert changed.exit_code == 0 and MANAGER in changed.output and c.INSTITUTION_ADMIN not in changed.output
    admin = people("admin")  # the next launch reads the organisation's roles
    assert admin.session.get(f"{base}/hr/", timeout=15).status_code == 403
    assert admin.session.get(f"{base}/hr/audit", timeout=15).status_code == 403
    assert people("manager").session.get(f"{base}/hr/", timeout=15).status_code == 200
    # another organisation keeps the built-in roles: its Administrator is still HR
    theirs = crowd_on(other_company)
    try:
        their_hr = theirs("hr")
        assert their_hr.session.get(f"{other_company.tool_base_url}/hr/", timeout=15).status_code == 200
    finally:
        theirs.close()

    reset = hr_roles(app, "default", "--reset")
    assert reset.exit_code == 0 and "built-in" in reset.output
    assert people("admin").session.get(f"{base}/hr/", timeout=15).status_code == 200
    assert people("manager").session.get(f"{base}/hr/", timeout=15).status_code == 403

    db_session.expire_all()
    ours = db_session.scalar(select(Organisation).where(Organisation.slug == "default"))
    assert ours.hr_roles is None
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.hr_roles_changed")
                                .order_by(AuditEvent.id)).all()
    assert [(e.organisation_id, e.actor_label, e.details["after"]) for e in events] == [
        (ours.id, "cli", [MANAGER]), (ours.id, "cli", [f"{c.LIS}institution/person#Administrator",
                                                        f"{c.LIS}system/person#Administrator"])]


def test_hr_roles_refuses_nonsense(platform, app):
    assert hr_roles(app, "no-such-organisation").exit_code != 0
    assert "--reset" in hr_roles(app, "default", "--set", MANAGER, "--reset").output
    spaced = hr_roles(app, "default", "--set", "not a role")
    assert spaced.exit_code != 0 and "without spaces" in spaced.output
