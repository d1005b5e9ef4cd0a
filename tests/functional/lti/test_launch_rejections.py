"""Every way a launch can be invalid gets a clear 4xx page, a log line naming the
failed check, and writes nothing (LTI 1.3 core §5.1.3, Security Framework §5.1.3)."""

from __future__ import annotations

import logging
import time

import pytest

from tests.conftest import written
from tests.lti_platform import constants as c
from tests.support.browser import Browser

NOW = int(time.time())


def _rejected(caplog, response, check: str, status: int | tuple = (400, 401, 403)):
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert "无法打开本工具" in response.text  # the learner's language (zh-CN)
    assert f"check={check} " in caplog.text, caplog.text[-2000:]


CASES = {
    # name: (token kwargs, expected check)
    "bad signature": ({"sign_with": "other_key"}, "signature"),
    "alg none": ({"sign_with": "none"}, "alg"),
    "HS256 keyed with the platform public key": ({"sign_with": "hs256_with_public_key"}, "alg"),
    "unknown kid": ({"kid": "no-such-key"}, "kid"),
    "wrong iss": ({"claims_overrides": {"iss": "https://moodle.evil.example"}}, "iss"),
    "wrong aud": ({"claims_overrides": {"aud": "another-tool"}, "remove_claims": ["azp"]}, "aud"),
    "wrong aud, azp still ours": ({"claims_overrides": {"aud": "another-tool"}}, "azp"),
    "azp not among aud": ({"claims_overrides": {"azp": "another-tool"}}, "azp"),
    "several aud and no azp": ({"claims_overrides": {"aud": ["x", "y"]}, "remove_claims": ["azp"]}, "azp"),
    "unknown deployment": ({"claims_overrides": {c.CLAIM + "deployment_id": "no-such-deployment"}}, "deployment"),
    "expired": ({"claims_overrides": {"iat": NOW - 7200, "exp": NOW - 3600}}, "exp"),
    "iat in the future": ({"claims_overrides": {"iat": NOW + 3600, "exp": NOW + 7200}}, "iat"),
    "missing nonce": ({"remove_claims": ["nonce"]}, "nonce"),
    "nonce not sent at login": ({"nonce": "forged-nonce"}, "nonce"),
    "unsupported message type": ({"claims_overrides": {c.CLAIM + "message_type": "LtiSubmissionReviewRequest"}}, "message_type"),
    "wrong LTI version": ({"claims_overrides": {c.CLAIM + "version": "1.1"}}, "version"),
    "missing roles claim": ({"remove_claims": [c.CLAIM + "roles"]}, "claims"),
    "missing resource link": ({"remove_claims": [c.CLAIM + "resource_link"]}, "claims"),
    "missing sub": ({"remove_claims": ["sub"]}, "claims"),
    "missing exp": ({"remove_claims": ["exp"]}, "claims"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_invalid_id_token_is_refused_and_writes_nothing(platform, browser, db_session, caplog, case):
    caplog.set_level(logging.WARNING)
    kwargs, check = CASES[case]
    login = platform.start_login(browser, user="learner")
    before = written(db_session)
    response = login.post(login.id_token(**kwargs))
    _rejected(caplog, response, check)
    assert written(db_session) == before


def test_a_malformed_id_token_is_refused(platform, browser, db_session, caplog):
    caplog.set_level(logging.WARNING)
    login = platform.start_login(browser)
    before = written(db_session)
    _rejected(caplog, login.post("not-a-jwt"), "jwt_format")
    assert written(db_session) == before


@pytest.mark.parametrize(("state", "check"), [(None, "state"), ("no-such-state", "state")])
def test_missing_or_wrong_state_is_refused(platform, browser, db_session, caplog, state, check):
    caplog.set_level(logging.WARNING)
    login = platform.start_login(browser)
    before = written(db_session)
    _rejected(caplog, login.post(login.id_token(), state=state), check)
    assert written(db_session) == before


def test_missing_id_token_is_refused(platform, browser, db_session, caplog):
    caplog.set_level(logging.WARNING)
    login = platform.start_login(browser)
    _rejected(caplog, login.post(None), "id_token")


def test_a_replayed_id_token_is_refused(platform, browser, db_session, caplog):
    """The same id_token + state again, and the same id_token under a fresh login."""
    caplog.set_level(logging.WARNING)
    login = platform.start_login(browser)
    token = login.id_token()
    assert login.post(token).status_code == 200  # the real launch
    before = written(db_session)
    _rejected(caplog, login.post(token), "state")  # same state: already used
    fresh = platform.start_login(browser)
    _rejected(caplog, fresh.post(token), "nonce")  # fresh state, old nonce
    assert written(db_session) == before


def test_a_state_from_another_browser_is_refused(platform, browser, db_session, caplog):
    """Login CSRF: the id_token and state arrive with someone else's state cookie."""
    caplog.set_level(logging.WARNING)
    victim_login = platform.start_login(browser)
    attacker = Browser()
    attacker_login = platform.start_login(attacker)
    token = victim_login.id_token()
    before = written(db_session)
    # The attacker's browser carries its own state cookie, not the victim's.
    response = attacker.post(victim_login.redirect_uri, [("id_token", token), ("state", victim_login.state)])
    assert attacker_login.state != victim_login.state
    # No cookie for that state at all: the tool offers a new window, and writes nothing.
    assert response.status_code == 200 and "在新窗口中打开" in response.text
    attacker.session.cookies.set(f"lti1p3_state_{victim_login.state}", "forged-browser-token", path="/lti/")
    response = attacker.post(victim_login.redirect_uri, [("id_token", token), ("state", victim_login.state)])
    _rejected(caplog, response, "state")
    assert written(db_session) == before
    attacker.close()


def test_an_unknown_kid_makes_the_tool_fetch_the_jwks_once_more(platform, browser, caplog):
    """The platform rotated its key after the tool cached its JWKS: one refetch, then success."""
    platform.launch(browser)  # caches the JWKS
    fetched = platform.count_requests("/jwks")
    platform.rotate_key()
    assert platform.launch(Browser()).status_code == 200
    assert platform.count_requests("/jwks") == fetched + 1


def test_a_role_without_access_gets_a_clear_page(platform, browser, db_session):
    before = written(db_session)
    page = platform.launch(browser, user="observer")
    assert page.status_code == 403
    assert "无权使用本工具" in page.text or "does not give access" in page.text
    assert written(db_session) == before
