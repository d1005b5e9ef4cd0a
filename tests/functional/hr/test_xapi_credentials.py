"""HR makes and revokes the organisation's xAPI store credentials on the console (the
secret shown once), never another organisation's; and the HR API's bearer tokens are
throttled per client address like the store's credentials."""

from __future__ import annotations

import requests
from sqlalchemy import select

from lti_tool import xapi_credentials
from lti_tool.audit.models import AuditEvent
from lti_tool.db import get_db
from lti_tool.hr import tokens
from lti_tool.lti import organisations
from tests.functional.practical.conftest import csrf

HEADERS = {"X-Experience-API-Version": "1.0.3"}


def test_hr_makes_and_revokes_credentials_of_its_own_organisation_only(people, platform, app, db_session):
    people("learner")  # a launch: the organisation has a statement to read
    hr = people("hr")
    base = platform.tool_base_url
    store = f"{base}/xapi/statements"
    with get_db(app).sessionmaker.begin() as s:  # another company's credential, on the same tool
        theirs, _secret = xapi_credentials.create(s, organisation_id=organisations.get_or_create(s, "other-co").id,
                                                  name="Their LRS")
    hr.get(f"{base}/hr/")
    assert 'href="/hr/xapi-credentials"' in hr.response.text  # in the HR navigation
    hr.get(f"{base}/hr/xapi-credentials")
    assert hr.page.text_of("store-url").strip() == store
    assert theirs.key not in hr.page.text and "Their LRS" not in hr.page.text
    hr.submit(hr.page.form("credential-form"), {"name": "集团学习分析 Group LRS"})
    key, secret = hr.page.text_of("credential-key").strip(), hr.page.text_of("credential-secret").strip()
    read = requests.get(store, headers=HEADERS, auth=(key, secret), timeout=15)
    assert read.status_code == 200 and read.json()["statements"]
    hr.get(f"{base}/hr/xapi-credentials")
    assert key in hr.page.text and secret not in hr.page.text  # shown once, stored hashed
    # another organisation's credential cannot be revoked from here, nor without the CSRF token
    attack = hr.session.post(f"{base}/hr/xapi-credentials/{theirs.id}/revoke", data={"csrf_token": csrf(hr)},
                             timeout=15)
    assert attack.status_code == 404
    mine = db_session.scalar(select(xapi_credentials.XapiCredential).where(xapi_credentials.XapiCredential.key == key))
    assert hr.session.post(f"{base}/hr/xapi-credentials/{mine.id}/revoke", timeout=15).status_code == 400
    assert requests.get(store, headers=HEADERS, auth=(key, secret), timeout=15).status_code == 200
    hr.get(f"{base}/hr/xapi-credentials")
    hr.submit(hr.page.form(action_contains="/revoke"))
    assert requests.get(store, headers=HEADERS, auth=(key, secret), timeout=15).status_code == 401
    db_session.expire_all()
    assert db_session.get(xapi_credentials.XapiCredential, theirs.id).revoked_at is None
    audited = db_session.execute(select(AuditEvent.action, AuditEvent.actor_user_id)
                                 .where(AuditEvent.subject == key).order_by(AuditEvent.id)).all()
    assert [a for a, _ in audited] == ["xapi_credential.created", "xapi_credential.revoked"]
    assert all(user_id is not None for _, user_id in audited)


def test_hr_names_the_credential(people, platform):
    hr = people("hr")
    base = platform.tool_base_url
    hr.get(f"{base}/hr/xapi-credentials")
    refused = hr.session.post(f"{base}/hr/xapi-credentials", data={"csrf_token": csrf(hr), "name": "  "}, timeout=15)
    assert refused.status_code == 422 and "Traceback" not in refused.text
    assert "请以将使用此凭据的系统为它命名" in refused.text


def test_hr_api_tokens_are_throttled_per_address(app):
    with get_db(app).sessionmaker.begin() as s:
        _token, plain = tokens.create(s, organisation_id=organisations.get_or_create(s, "default").id,
                                      name="HRIS", user_id=None)
    client = app.test_client()

    def call(token: str, address: str = "203.0.113.7"):
        return client.get("/api/hr/v1/employees", headers={"Authorization": f"Bearer {token}"},
                          environ_base={"REMOTE_ADDR": address})

    for _ in range(app.config["SETTINGS"].auth_throttle_failures):
        assert call("ast_guessed").status_code == 401
    blocked = call(plain)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert "429" in client.get("/api/hr/v1/openapi.json").get_json()["paths"]["/employees"]["get"]["responses"]
    assert call(plain, "198.51.100.9").status_code == 200
