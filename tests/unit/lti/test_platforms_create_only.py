"""``platforms.add(create_only=True)``, the path Dynamic Registration takes: it never
changes a platform that exists; the operator's ``platform add`` still updates."""

from __future__ import annotations

import pytest

from lti_tool.lti import platforms
from lti_tool.lti.models import Platform

ISSUER = "https://moodle.acme.example"


def urls(host: str) -> dict:
    return {"auth_login_url": f"{host}/auth", "auth_token_url": f"{host}/token", "key_set_url": f"{host}/jwks"}


@pytest.fixture
def existing(db_session) -> Platform:
    platform = platforms.add(db_session, issuer=ISSUER, client_id="real", organisation="acme", **urls(ISSUER))
    db_session.commit()
    return platform


def test_an_existing_issuer_and_client_id_is_refused_unchanged(db_session, existing):
    with pytest.raises(platforms.PlatformExists, match="already registered"):
        platforms.add(db_session, issuer=ISSUER, client_id="real", organisation="acme", create_only=True,
                      **urls("https://evil.example"))
    db_session.rollback()
    db_session.expire_all()
    assert (existing.auth_login_url, existing.key_set_url) == (f"{ISSUER}/auth", f"{ISSUER}/jwks")


def test_the_issuer_of_another_organisations_platform_is_refused(db_session, existing):
    with pytest.raises(platforms.PlatformExists, match="another organisation"):
        platforms.add(db_session, issuer=ISSUER, client_id="other", organisation="stranger", create_only=True,
                      **urls(ISSUER))
    db_session.rollback()
    assert db_session.query(Platform).count() == 1


def test_another_client_id_of_the_same_organisation_is_a_new_platform(db_session, existing):
    second = platforms.add(db_session, issuer=ISSUER, client_id="second", organisation="acme", create_only=True,
                           identity_trusted=True, **urls(ISSUER))
    assert second.id != existing.id and second.identity_trusted is True


def test_the_operators_add_still_updates(db_session, existing):
    platforms.add(db_session, issuer=ISSUER, client_id="real", **urls("https://moodle2.acme.example"))
    assert existing.key_set_url == "https://moodle2.acme.example/jwks" and existing.organisation.slug == "acme"
