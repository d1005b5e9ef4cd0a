"""``platform invite``, ``platform invites`` and ``platform invite --revoke``, through Click
against the test database: the URL is shown once and only its hash is kept, the
organisation is made if missing, nonsense durations are refused, and each command
leaves an audit event."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from lti_tool.audit.models import AuditEvent
from lti_tool.cli import AppContext, main
from lti_tool.db import utcnow
from lti_tool.lti import invites
from lti_tool.lti.invite_models import RegistrationInvite
from lti_tool.lti.models import Organisation, Platform

URL = re.compile(r"(http://\S+/lti/register/)(\S+)")


def run(app, *args):
    ctx = AppContext()
    ctx._app = app
    return CliRunner().invoke(main, ["platform", *args], obj=ctx)


def made(app, *args) -> tuple[str, str]:
    """Run ``platform invite`` and return the URL it printed and its token."""
    result = run(app, "invite", *args)
    assert result.exit_code == 0, result.output
    match = URL.search(result.output)
    assert match, result.output
    return match.group(0), match.group(2)


def actions(db_session) -> list[tuple[str, str]]:
    db_session.expire_all()
    return [(e.action, e.actor_label) for e in db_session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_invite_prints_a_one_time_url_and_keeps_only_its_hash(app, db_session):
    url, token = made(app, "--organisation", "acme", "--expires", "12h", "--trust-identity",
                      "--issuer", "https://canvas.instructure.com", "--note", "ACME Canvas")
    assert url.startswith(f"{app.config['SETTINGS'].public_base_url}/lti/register/")
    invite = db_session.scalars(select(RegistrationInvite)).one()
    assert invite.token_hash == invites.hash_token(token) and token not in invite.token_hash
    stored = " ".join(str(getattr(invite, column.key)) for column in RegistrationInvite.__table__.columns)
    assert token not in stored
    assert invite.organisation.slug == "acme"  # made, as `platform add --organisation` does
    assert invite.trust_identity is True and invite.expected_issuer == "https://canvas.instructure.com"
    assert invite.note == "ACME Canvas" and invite.created_by == "cli"
    assert timedelta(hours=11, minutes=59) < invite.expires_at - utcnow() <= timedelta(hours=12)
    assert actions(db_session) == [("registration_invite.created", "cli")]
    event = db_session.scalars(select(AuditEvent)).one()
    assert event.organisation_id == invite.organisation_id and token not in str(event.details)


def test_the_default_lifetime_is_seven_days_and_identity_is_not_trusted(app, db_session):
    made(app, "--organisation", "default")
    invite = db_session.scalars(select(RegistrationInvite)).one()
    assert timedelta(days=6, hours=23) < invite.expires_at - utcnow() <= timedelta(days=7)
    assert invite.trust_identity is False and invite.expected_issuer is None


@pytest.mark.parametrize("expires", ["0d", "0m", "-1h", "7w", "1.5d", "abc", "", "91d", "7 days"])
def test_nonsense_durations_are_refused_clearly(app, db_session, expires):
    result = run(app, "invite", "--organisation", "acme", "--expires", expires)
    assert result.exit_code != 0
    assert "--expires" in result.output
    assert db_session.scalar(select(RegistrationInvite.id)) is None


@pytest.mark.parametrize(("text", "lifetime"), [("30m", timedelta(minutes=30)), ("12h", timedelta(hours=12)),
                                                ("7d", timedelta(days=7)), ("90d", timedelta(days=90))])
def test_durations(text, lifetime):
    assert invites.parse_duration(text) == lifetime


@pytest.mark.parametrize("args", [["--organisation", "Not A Slug"], ["--organisation", "acme", "--issuer", "ftp://x"],
                                  []])
def test_bad_invitations_are_refused_and_make_nothing(app, db_session, args):
    result = run(app, "invite", *args)
    assert result.exit_code != 0 and "Error" in result.output
    assert db_session.scalar(select(RegistrationInvite.id)) is None
    assert db_session.scalar(select(Organisation.id).where(Organisation.slug == "acme")) is None


def test_invites_lists_open_used_expired_and_revoked(app, db_session):
    for slug in ("open-co", "used-co", "expired-co", "revoked-co"):
        made(app, "--organisation", slug)
    ids = {i.organisation.slug: i.id for i in db_session.scalars(select(RegistrationInvite))}
    platform = Platform(issuer="https://lms.used.example", client_id="c1", auth_login_url="https://lms.used.example/a",
                        auth_token_url="https://lms.used.example/t", key_set_url="https://lms.used.example/k",
                        organisation=db_session.scalar(select(Organisation).where(Organisation.slug == "used-co")))
    db_session.add(platform)
    db_session.flush()
    assert invites.use(db_session, ids["used-co"], platform.id)
    db_session.get(RegistrationInvite, ids["expired-co"]).expires_at = utcnow() - timedelta(minutes=1)
    db_session.commit()
    assert run(app, "invite", "--revoke", str(ids["revoked-co"])).exit_code == 0

    listed = run(app, "invites")
    assert listed.exit_code == 0, listed.output
    rows = {line.split("\t")[1]: line.split("\t") for line in listed.output.splitlines()}
    assert rows["open-co"][2] == "open" and rows["open-co"][4] == "platform=-"
    assert rows["used-co"][2] == "used" and rows["used-co"][4] == f"platform={platform.id}"
    assert rows["expired-co"][2] == "expired"
    assert rows["revoked-co"][2] == "revoked"
    assert all(row[3].startswith("expires=") for row in rows.values())
    assert actions(db_session)[-2:] == [("registration_invite.revoked", "cli"), ("registration_invite.listed", "cli")]


def test_revoke_refuses_what_cannot_be_revoked(app, db_session):
    made(app, "--organisation", "acme")
    invite_id = db_session.scalar(select(RegistrationInvite.id))
    assert "no invitation 999" in run(app, "invite", "--revoke", "999").output
    assert run(app, "invite", "--revoke", str(invite_id)).exit_code == 0
    again = run(app, "invite", "--revoke", str(invite_id))
    assert again.exit_code != 0 and "already revoked" in again.output
    mixed = run(app, "invite", "--revoke", str(invite_id), "--organisation", "acme")
    assert mixed.exit_code != 0 and "--revoke takes only" in mixed.output
    assert [a for a, _ in actions(db_session)].count("registration_invite.revoked") == 1


def test_a_used_invitation_cannot_be_revoked(app, db_session):
    made(app, "--organisation", "acme")
    invite = db_session.scalars(select(RegistrationInvite)).one()
    platform = Platform(issuer="https://lms.example", client_id="c", auth_login_url="https://lms.example/a",
                        auth_token_url="https://lms.example/t", key_set_url="https://lms.example/k",
                        organisation=invite.organisation)
    db_session.add(platform)
    db_session.flush()
    assert invites.use(db_session, invite.id, platform.id)
    assert not invites.use(db_session, invite.id, platform.id)  # once only
    db_session.commit()
    result = run(app, "invite", "--revoke", str(invite.id))
    assert result.exit_code != 0 and "already used" in result.output


def test_the_help_says_how_to_revoke(app):
    result = run(app, "invite", "--help")
    assert "--revoke ID" in result.output and "platform invites" in result.output
