"""A learner's certificates and PDFs, the public verification page, HR's revoke and
reissue through the pages: who may do what."""

from __future__ import annotations

import re
import subprocess

import requests
from sqlalchemy import select

from lti_tool.certificates.models import Certificate
from tests.functional.hr.conftest import complete
from tests.functional.practical.conftest import csrf


def only_certificate(db_session) -> Certificate:
    db_session.expire_all()
    return db_session.scalars(select(Certificate).order_by(Certificate.id.desc())).first()


def test_the_learner_downloads_their_certificate_and_anyone_verifies_it(people, platform, app, db_session):
    learner = people("learner")
    complete(app, platform, "learner")
    cert = only_certificate(db_session)
    base = platform.tool_base_url
    learner.get(f"{base}/certificates/")
    assert cert.number in learner.page.text and "有效" in learner.page.text
    pdf = learner.session.get(f"{base}/certificates/{cert.id}.pdf", timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True).stdout.decode()
    assert "张伟" in text and cert.number in text
    # public, no login: a fresh client with no cookie
    page = requests.get(f"{base}/verify/{cert.code}", timeout=15)
    assert page.status_code == 200 and 'data-status="valid"' in page.text
    assert "张伟" in page.text and "基础课程" in page.text and cert.number in page.text
    assert "E1001" not in page.text and "90" not in re.sub(r"<[^>]+>", "", page.text).split("证书验证", 1)[1]
    assert requests.get(f"{base}/verify/{cert.code[:-2]}xx", timeout=15).status_code == 404
    # another learner may not download it
    other = people("learner2")
    assert other.session.get(f"{base}/certificates/{cert.id}.pdf", timeout=15).status_code == 404
    assert other.session.get(f"{base}/certificates/{cert.id}", timeout=15).status_code == 404


def test_hr_reissues_after_a_name_change_and_revokes(people, platform, app, db_session):
    people("learner")
    complete(app, platform, "learner")
    first = only_certificate(db_session)
    base = platform.tool_base_url
    learner = people("learner")
    forged = learner.session.post(f"{base}/certificates/{first.id}/revoke", timeout=15,
                                  data={"csrf_token": csrf_of(learner, base), "reason": "x"})
    assert forged.status_code == 403  # a learner may not revoke
    platform.user("learner").name = "张伟明"  # renamed in the LMS; the next launch brings the new name
    people("learner")
    hr = people("hr")
    hr.get(f"{base}/certificates/{first.id}")
    hr.submit(hr.page.form("reissue-form"), {"reason": "姓名变更"})
    assert hr.response.status_code == 200
    second = only_certificate(db_session)
    assert second.id != first.id and second.holder_name == "张伟明" and second.replaces_id == first.id
    assert "换发" in hr.page.text or second.number in hr.page.text
    assert 'data-status="revoked"' in requests.get(f"{base}/verify/{first.code}", timeout=15).text
    hr.submit(hr.page.form("revoke-form"), {"reason": "考试作弊"})
    page = requests.get(f"{base}/verify/{second.code}", timeout=15).text
    assert 'data-status="revoked"' in page and "考试作弊" not in page  # the reason stays internal
    hr.get(f"{base}/certificates/{second.id}")
    assert [row for row in ("reissued", "revoked") if row in hr.page.text_of("audit-trail")] == ["reissued", "revoked"]
    hr.get(f"{base}/certificates/{first.id}")
    assert "姓名变更" in hr.page.text_of("audit-trail")


def csrf_of(browser, base: str) -> str:
    """A CSRF token of the learner's session, from a page with a form (the questionnaire)."""
    browser.get(f"{base}/questionnaires/basics")
    return csrf(browser)
