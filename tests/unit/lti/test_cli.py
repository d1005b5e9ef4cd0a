"""The platform and keys commands, run through Click against the test database."""

from click.testing import CliRunner

from lti_tool.cli import AppContext, main
from lti_tool.lti.models import Deployment, Platform, ToolKey


def run(app, *args):
    ctx = AppContext()
    ctx._app = app
    return CliRunner().invoke(main, list(args), obj=ctx)


ADD = [
    "platform", "add", "--issuer", "https://moodle.example.com", "--client-id", "abc",
    "--auth-login-url", "https://moodle.example.com/mod/lti/auth.php",
    "--token-url", "https://moodle.example.com/mod/lti/token.php",
    "--jwks-url", "https://moodle.example.com/mod/lti/certs.php",
    "--deployment-id", "1", "--deployment-id", "2",
]


def test_platform_add_list_remove(app, db_session):
    result = run(app, *ADD)
    assert result.exit_code == 0, result.output
    assert "deployments 1, 2" in result.output
    # Running it again adds a new deployment and duplicates nothing.
    assert run(app, *ADD[:-4], "--deployment-id", "3").exit_code == 0
    assert db_session.query(Platform).count() == 1
    assert sorted(d.deployment_id for d in db_session.query(Deployment)) == ["1", "2", "3"]
    # A second client id on the same issuer is a second platform.
    assert run(app, *[("xyz" if a == "abc" else a) for a in ADD]).exit_code == 0
    listed = run(app, "platform", "list").output
    assert "client=abc" in listed and "client=xyz" in listed
    platform_id = db_session.query(Platform).filter_by(client_id="abc").one().id
    assert run(app, "platform", "remove", str(platform_id), "--yes").exit_code == 0
    db_session.expire_all()
    assert [p.client_id for p in db_session.query(Platform)] == ["xyz"]
    assert db_session.query(Deployment).count() == 2


def test_platform_add_rejects_a_bad_url(app, db_session):
    bad = [("not-a-url" if a.endswith("certs.php") else a) for a in ADD]
    result = run(app, *bad)
    assert result.exit_code != 0
    assert "JWKS URL must be an http(s) URL" in result.output
    assert db_session.query(Platform).count() == 0


def test_remove_unknown_platform_fails_clearly(app):
    result = run(app, "platform", "remove", "999", "--yes")
    assert result.exit_code != 0 and "no platform 999" in result.output


def test_keys_rotate_keeps_the_previous_key_in_jwks(app, client, db_session):
    first = client.get("/lti/jwks").get_json()["keys"]
    assert run(app, "keys", "rotate").exit_code == 0
    second = client.get("/lti/jwks").get_json()["keys"]
    assert len(second) == 2 and first[0] in second
    assert run(app, "keys", "rotate").exit_code == 0
    third = client.get("/lti/jwks").get_json()["keys"]
    assert len(third) == 2 and first[0] not in third
    assert db_session.query(ToolKey).filter_by(status="current").count() == 1


def test_db_check_agrees(app):
    result = run(app, "db", "check")
    assert result.exit_code == 0 and "agree" in result.output

