"""Dynamic Registration only by an operator's invitation, attacked by a stranger with an
LMS of their own (own keys, own JWKS): without a valid invitation the tool answers
403 and fetches nothing; an invitation registers one platform, once, into its
organisation; a registration never changes a platform that exists; and the error page
says what to do, never what the tool's network answered."""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import select

from lti_tool.audit.models import AuditEvent
from lti_tool.db import get_db, utcnow
from lti_tool.lti import invites, platforms
from lti_tool.lti.invite_models import RegistrationInvite
from lti_tool.lti.models import Platform
from tests.lti_platform import TestPlatform
from tests.support.invites import invitation, invitation_url
from tests.support.postgres import free_port
from tests.support.waiting import wait_for

CONFIGURATION = "/.well-known/openid-configuration"
ERROR_TEXT = ("Errno", "Connection refused", "Expecting value", "no valid issuer", "Traceback", "does not own",
              "OpenID configuration", "HTTPConnectionPool")


@pytest.fixture
def stranger(live_tool):
    """Someone's own LMS, unknown to the tool."""
    with TestPlatform("Stranger's LMS", tool_base_url=live_tool.url) as lms:
        yield lms


@pytest.fixture
def victim(live_tool, app):
    """A company's Moodle, registered by the operator into organisation acme."""
    with TestPlatform("ACME Moodle", tool_base_url=live_tool.url) as lms:
        with get_db(app).sessionmaker.begin() as session:
            platforms.add(session, **lms.tool_registration(), organisation="acme")
        yield lms


def fetched(lms: TestPlatform) -> int:
    """Requests the tool made to the platform's configuration and registration endpoints."""
    return lms.count_requests(CONFIGURATION) + lms.count_requests("/register", "POST")


def platform_rows(db_session) -> list[tuple]:
    db_session.expire_all()
    return db_session.execute(select(Platform.issuer, Platform.client_id, Platform.auth_login_url,
                                     Platform.auth_token_url, Platform.key_set_url, Platform.organisation_id)
                              .order_by(Platform.id)).all()


def invite_state(db_session, invite_id: int) -> str:
    db_session.expire_all()
    return invites.state(db_session.get(RegistrationInvite, invite_id))


def test_without_an_invitation_nothing_is_fetched_and_nothing_registered(stranger, live_tool, browser, db_session):
    page = browser.get(stranger.dynamic_registration_url())  # the tool's bare /lti/register
    assert page.status_code == 403
    assert "注册需要邀请" in page.text and "platform invite" in page.text
    english = requests.get(stranger.dynamic_registration_url(), headers={"Accept-Language": "en"}, timeout=10)
    assert english.status_code == 403
    assert "Registration needs an invitation" in english.text and "one-time registration URL" in english.text
    assert fetched(stranger) == 0
    assert stranger.registrations == [] and platform_rows(db_session) == []


@pytest.mark.parametrize("token", [
    secrets.token_urlsafe(32),  # well formed, never made
    "x",
    "..%2F..%2Fetc%2Fpasswd",
    "A" * 500,
])
def test_a_guessed_or_forged_token_is_refused_before_anything_is_fetched(stranger, live_tool, app, browser, db_session,
                                                                          token):
    invitation(app)  # a real invitation exists; the stranger does not have it
    page = browser.get(stranger.dynamic_registration_url(f"{live_tool.url}/lti/register/{token}"))
    assert page.status_code == 403
    assert fetched(stranger) == 0 and platform_rows(db_session) == []


def test_the_stored_hash_is_not_a_token(stranger, live_tool, app, browser, db_session):
    """Someone who reads the database (or a backup) learns the hashes, which register nothing."""
    invite_id, _url = invitation(app)
    stored = db_session.get(RegistrationInvite, invite_id).token_hash
    page = browser.get(stranger.dynamic_registration_url(f"{live_tool.url}/lti/register/{stored}"))
    assert page.status_code == 403 and fetched(stranger) == 0
    assert invite_state(db_session, invite_id) == invites.OPEN


def _expire(app, invite_id):
    with get_db(app).sessionmaker.begin() as session:
        session.get(RegistrationInvite, invite_id).expires_at = utcnow() - timedelta(seconds=1)


def _revoke(app, invite_id):
    with get_db(app).sessionmaker.begin() as session:
        invites.revoke(session, invite_id)


@pytest.mark.parametrize(("spoil", "said"), [(_expire, "已过期"), (_revoke, "撤回")], ids=["expired", "revoked"])
def test_an_expired_or_revoked_invitation_is_refused(stranger, app, browser, db_session, spoil, said):
    invite_id, url = invitation(app)
    spoil(app, invite_id)
    page = browser.get(stranger.dynamic_registration_url(url))
    assert page.status_code == 403 and said in page.text
    assert fetched(stranger) == 0 and platform_rows(db_session) == []


def test_a_used_invitation_is_refused_the_second_time(stranger, app, browser, db_session):
    """The URL of a registration that succeeded, reused (by the stranger who saw it)."""
    invite_id, url = invitation(app)
    with TestPlatform("The real LMS", tool_base_url=stranger.tool_base_url) as lms:
        assert browser.get(lms.dynamic_registration_url(url)).status_code == 200
    page = browser.get(stranger.dynamic_registration_url(url))
    assert page.status_code == 403 and "已被使用" in page.text
    assert fetched(stranger) == 0
    assert len(platform_rows(db_session)) == 1 and invite_state(db_session, invite_id) == invites.USED


def test_two_registrations_racing_on_one_invitation_register_one_platform(stranger, app, db_session):
    invite_id, url = invitation(app)
    stranger.service_delay = 3.0  # both are in the LMS's registration endpoint at once (seen below)
    with ThreadPoolExecutor(2) as pool:
        answers = [pool.submit(requests.get, stranger.dynamic_registration_url(url), timeout=60) for _ in range(2)]
        wait_for(lambda: stranger.unanswered("/register") == 2, timeout=20, what="both registrations at the LMS")
        statuses = sorted(answer.result().status_code for answer in answers)
    assert len(stranger.registrations) == 2  # the LMS registered both; the tool keeps one
    assert statuses == [200, 403]
    rows = db_session.scalars(select(Platform)).all()
    assert len(rows) == 1
    invite = db_session.get(RegistrationInvite, invite_id)
    assert invite.used_by_platform_id == rows[0].id


def test_an_invitation_for_acme_registers_into_acme(stranger, app, browser, db_session):
    invite_id, url = invitation(app, "acme", note="ACME's Moodle")
    assert browser.get(stranger.dynamic_registration_url(url)).status_code == 200
    platform = db_session.scalars(select(Platform)).one()
    assert platform.organisation.slug == "acme" and platform.identity_trusted is False
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "platform.registered")).one()
    assert (event.organisation_id, event.subject) == (platform.organisation_id, f"platform {platform.id}")
    assert event.details["invitation"] == invite_id
    assert stranger.launch(browser, "learner", client_id=platform.client_id).url.endswith("/lti/landing")


CLAIMS = [
    # family, invitation's organisation, issuer the operator named, client id the stranger answers with
    pytest.param("moodle", "stranger-inc", None, None, 403, id="moodle-other-organisation"),
    pytest.param("canvas", "acme", None, None, 403, id="canvas-same-organisation"),
    pytest.param("canvas", "stranger-inc", "victim", None, 409, id="named-issuer-of-another-organisation"),
    pytest.param("moodle", "acme", "victim", "victim", 409, id="named-issuer-same-client-id"),
]


@pytest.mark.parametrize(("family", "organisation", "named", "client_id", "status"), CLAIMS)
def test_claiming_a_registered_issuer_is_refused_and_changes_nothing(victim, live_tool, app, browser, db_session,
                                                                    family, organisation, named, client_id, status):
    before = platform_rows(db_session)
    invite_id, url = invitation(app, organisation, expected_issuer=victim.issuer if named else None)
    with TestPlatform("Stranger claiming ACME", family, tool_base_url=live_tool.url, issuer=victim.issuer) as stranger:
        page = browser.get(stranger.dynamic_registration_url(
            url, client_id=victim.client_id if client_id else None))
        assert page.status_code == status
        assert victim.issuer not in page.text and stranger.base_url not in page.text
    assert platform_rows(db_session) == before  # no new platform, the victim's URLs unchanged
    assert invite_state(db_session, invite_id) == invites.OPEN
    assert victim.launch(browser, "learner").url == f"{live_tool.url}/lti/landing"


def test_the_registration_error_page_shows_no_exception_text(live_tool, app, browser, db_session, caplog):
    caplog.set_level(logging.WARNING)
    invite_id, url = invitation(app)
    closed = f"http://127.0.0.1:{free_port()}/mod/lti/openid-configuration.php"
    with TestPlatform("Not an LMS", tool_base_url=live_tool.url) as lms, \
            TestPlatform("Odd issuer", tool_base_url=live_tool.url, issuer="urn:not-a-url") as odd:
        attempts = {
            "connection refused": f"{url}?{urlencode({'openid_configuration': closed, 'registration_token': 'x'})}",
            "not JSON": f"{url}?{urlencode({'openid_configuration': lms.home_url, 'registration_token': 'x'})}",
            "no valid issuer": odd.dynamic_registration_url(url),
        }
        for what, attempt in attempts.items():
            caplog.clear()
            page = browser.get(attempt)
            assert page.status_code in (403, 502), what
            assert "注册未完成" in page.text, what
            for text in (*ERROR_TEXT, closed, lms.base_url, odd.base_url, "urn:not-a-url"):
                assert text not in page.text, (what, text)
            assert f"invitation {invite_id} failed" in caplog.text, what  # the detail is in the log
    assert "no valid issuer" in caplog.text
    assert platform_rows(db_session) == [] and invite_state(db_session, invite_id) == invites.OPEN
