"""Server-side request forgery (issue 14, finding 4), tried as a stranger with an LMS of
their own: every URL the tool fetches for a platform (the OpenID configuration and the
endpoints it names, JWKS, token endpoint, AGS, NRPS) is aimed at a machine of the company
network, a real server here that counts the connections it gets. With
``allow_private_outbound`` false (the default) it gets none, and people see a generic error.

The stranger's LMS runs on 127.0.0.1 like everything in the tests; where it must be
reachable, the tool's HTTP client is built with the guard's ``permitted`` seam so that
127.0.0.1 plays the public internet, and the "company network" listens on 127.0.0.2.
"""

from __future__ import annotations

import html
import ipaddress
import logging
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from lti_tool.db import get_db, utcnow
from lti_tool.lti import ags, platforms
from lti_tool.lti.ags_models import PARKED, ScoreOutbox
from lti_tool.lti.http import TimeoutSession
from lti_tool.lti.models import Context, Platform, ResourceLink, User
from lti_tool.lti.outbound import OutboundGuard, is_public
from lti_tool.lti.services import UNREACHABLE
from lti_tool.practical import roster
from lti_tool.practical.models import RosterSync
from tests.lti_platform import TestPlatform
from tests.lti_platform import constants as c
from tests.support.browser import Browser
from tests.support.counting import CountingServer
from tests.support.invites import invitation_url

LEAKS = ("Errno", "Expecting value", "Connection refused", "Max retries", "HTTPConnectionPool", "loopback")


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "allow_private_outbound": False}  # the production default


@pytest.fixture
def internal():
    """A machine of the company network (an admin console, a database's HTTP port...)."""
    with CountingServer("127.0.0.2") as server:
        yield server


@pytest.fixture
def lms_is_public(app):
    """The tool's platform client, admitting 127.0.0.1 as if it were a public address."""
    loopback = ipaddress.ip_address("127.0.0.1")
    http = TimeoutSession(5.0, 0, OutboundGuard(permitted=lambda ip: ip == loopback or is_public(ip)))
    app.extensions["lti_http"] = http
    yield
    http.close()


@pytest.fixture
def stranger(live_tool):
    with TestPlatform("Stranger's LMS", tool_base_url=live_tool.url) as lms:
        yield lms


def _no_leak(text: str, server: CountingServer) -> None:
    for word in (*LEAKS, f":{server.port}", server.host):
        assert word not in text, word


def test_a_registration_aimed_at_the_company_network_connects_to_nothing(app, client, db_session, caplog):
    caplog.set_level(logging.WARNING)
    register = invitation_url(app)  # even an invited registration may not aim inside
    with CountingServer("127.0.0.1") as target:
        for url in (target.url("/.well-known/openid-configuration"), f"http://localhost:{target.port}/",
                    f"http://[::ffff:127.0.0.1]:{target.port}/", f"http://[::1]:{target.port}/",
                    "file:///etc/passwd"):
            page = client.get(register + "?" + urlencode({"openid_configuration": url, "registration_token": "x"}))
            assert page.status_code == 502
            text = html.unescape(page.get_data(as_text=True))
            assert "注册未完成" in text
            _no_leak(text, target)
        assert target.connections == 0
    assert db_session.scalar(select(Platform.id)) is None
    assert "could not read the platform's OpenID configuration" in caplog.text  # the operator's log says why
    assert "loopback address" in caplog.text


def test_a_configuration_naming_an_internal_registration_endpoint_registers_nothing(
        app, client, internal, lms_is_public, db_session, caplog):
    caplog.set_level(logging.WARNING)
    class Stranger(TestPlatform):
        registration_endpoint = property(lambda self: internal.url("/register"))

    with Stranger("Stranger's LMS", tool_base_url="http://127.0.0.1:1") as lms:
        page = client.get(invitation_url(app) + "?" + urlencode({"openid_configuration": lms.openid_configuration_url,
                                                        "registration_token": "x"}))
        assert lms.count_requests("/.well-known/openid-configuration") == 1  # the public part was read
    assert page.status_code == 502
    text = html.unescape(page.get_data(as_text=True))
    assert "注册未完成" in text
    assert "could not reach the platform's registration endpoint" in caplog.text
    _no_leak(text, internal)
    assert internal.connections == 0
    assert db_session.scalar(select(Platform.id)) is None


def test_a_launch_whose_platform_keys_are_on_the_company_network_fetches_nothing(app, stranger, db_session):
    with CountingServer("127.0.0.1") as target:
        with get_db(app).sessionmaker.begin() as s:
            platforms.add(s, **{**stranger.tool_registration(), "key_set_url": target.url("/jwks")})
        with Browser() as browser:
            page = stranger.launch(browser, user="learner")
        assert page.status_code == 401
        assert "无法打开" in page.text or "could not be opened" in page.text
        _no_leak(page.text, target)
        assert target.connections == 0
    assert db_session.scalar(select(User.id)) is None  # refused, nothing written


def _score_for(app, lms, link_id: str) -> int:
    with get_db(app).sessionmaker.begin() as s:
        link = s.scalars(select(ResourceLink).where(ResourceLink.lms_resource_link_id == link_id)).one()
        person = s.scalars(select(User).where(User.sub == lms.user("learner").sub)).one()
        return ags.enqueue_score(s, resource_link=link, user=person, resource_id="quiz-fault-diagnosis",
                                 label="故障诊断测验", score_given=8.0, score_maximum=10.0,
                                 activity_progress="Completed", grading_progress="FullyGraded",
                                 scored_at=utcnow()).id


def _parked_unseen(app, row_id: int, server: CountingServer) -> None:
    assert ags.deliver_scores(app) == 1
    with get_db(app).sessionmaker() as s:
        row = s.get(ScoreOutbox, row_id)
        assert row.status == PARKED  # refused again on every try: not retried
        assert row.last_error == UNREACHABLE
    assert server.connections == 0


def test_a_token_endpoint_on_the_company_network_gets_no_request(app, stranger, internal, lms_is_public):
    with get_db(app).sessionmaker.begin() as s:
        platforms.add(s, **{**stranger.tool_registration(), "auth_token_url": internal.url("/token")})
    link = stranger.resource_links()[0]
    with Browser() as browser:
        assert stranger.launch(browser, user="learner", resource_link=link.id).status_code == 200
    _parked_unseen(app, _score_for(app, stranger, link.id), internal)
    assert stranger.access_tokens_issued == 0 and stranger.scores() == []


def test_grade_service_urls_of_a_launch_aimed_at_the_company_network_get_no_request(
        app, stranger, internal, lms_is_public):
    stranger.register_in_tool(app)
    link = stranger.resource_links()[0]
    aimed = {"scope": list(c.AGS_SCOPES), "lineitems": internal.url("/ags/lineitems"),
             "lineitem": internal.url("/ags/lineitems/1/lineitem")}
    with Browser() as browser:
        login = stranger.start_login(browser, user="learner", resource_link=link.id)
        assert login.post(login.id_token(claims_overrides={c.AGS_CLAIM: aimed})).status_code == 200
    _parked_unseen(app, _score_for(app, stranger, link.id), internal)
    assert stranger.access_tokens_issued == 1  # the stranger's own token endpoint is public: it was asked


def test_a_roster_url_aimed_at_the_company_network_gets_no_request(app, stranger, internal, lms_is_public):
    stranger.register_in_tool(app)
    aimed = {"context_memberships_url": internal.url("/nrps/memberships"), "service_versions": ["2.0"]}
    with Browser() as browser:
        login = stranger.start_login(browser, user="instructor")
        assert login.post(login.id_token(claims_overrides={c.NRPS_CLAIM: aimed})).status_code == 200
    with get_db(app).sessionmaker.begin() as s:
        context = s.scalars(select(Context)).one()
        assert context.nrps_url == aimed["context_memberships_url"]
        s.add(RosterSync(context_id=context.id))
    assert roster.sync_pending(app) == 1
    with get_db(app).sessionmaker() as s:
        sync = s.scalars(select(RosterSync)).one()
        assert (sync.status, sync.error) == ("failed", UNREACHABLE)
    assert internal.connections == 0
