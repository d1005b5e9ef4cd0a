"""HR sets the organisation's certificate design (证书样式) on the console: company name,
signatories, seal, colours and a course's own design; a wrong image is refused in its
own field and the other inputs stay as typed; a new certificate and the preview show
the design. Only HR of the organisation: learners and trainers are refused, another
organisation's HR sees and changes its own design only, and the form needs its CSRF
token."""

from __future__ import annotations

import subprocess
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from lti_tool.audit.models import AuditEvent
from lti_tool.certificates import design
from lti_tool.certificates.models import Certificate, CertificateDesign, CertificateImage
from lti_tool.db import get_db
from lti_tool.lti.models import Organisation, Platform
from tests.functional.hr.conftest import complete
from tests.functional.hr.test_organisations import crowd_on, join
from tests.functional.practical.conftest import csrf
from tests.lti_platform import TestPlatform

PAGE = "/hr/certificate-design"
POLYGLOT = b"<html><script>alert(document.cookie)</script></html>"  # after the PNG's last chunk


def png(size=(200, 200), colour=(200, 0, 0, 255)) -> bytes:
    out = BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def post(browser, base, data: dict, files: dict | None = None, course: str = ""):
    return browser.session.post(f"{base}{PAGE}", data={"csrf_token": csrf(browser), "course": course, **data},
                                files=files or {}, timeout=30, allow_redirects=False)


def organisation_of(db_session, platform) -> int:
    return db_session.scalar(select(Platform.organisation_id).where(Platform.issuer == platform.issuer))


@pytest.fixture
def other_company(live_tool, app):
    with TestPlatform("Other company's Moodle", tool_base_url=live_tool.url) as lms:
        join(app, lms, "other-company")
        yield lms


def test_hr_sets_the_design_and_new_certificates_and_the_preview_show_it(people, platform, app, db_session):
    hr, base = people("hr"), platform.tool_base_url
    hr.get(f"{base}/hr/")
    assert f'href="{PAGE}"' in hr.response.text  # in the HR navigation
    hr.get(base + PAGE)
    assert hr.page.form("design-form") and "证书样式" in hr.page.text
    saved = post(hr, base, {"company_name_zh": "华东汽车服务有限公司", "company_name_en": "East China Auto Service",
                            "signatory1_name": "王建国", "signatory1_title": "总经理", "primary_colour": "#0F766E"},
                 {"seal": ("seal.png", png() + POLYGLOT, "image/png"),
                  "signature1": ("sig.png", png((300, 90)), "image/png")})
    assert saved.status_code == 303
    kept = db_session.scalars(select(CertificateImage)).all()
    assert len(kept) == 2 and all(b"<script" not in image.data and image.mime == "image/png" for image in kept)
    hr.get(base + PAGE)
    assert hr.page.form("design-form")
    assert 'value="华东汽车服务有限公司"' in hr.response.text and 'value="#0f766e"' in hr.response.text
    assert 'id="current-seal"' in hr.response.text and 'id="current-signature1"' in hr.response.text
    organisation_id = organisation_of(db_session, platform)
    shown = design.resolve(db_session, organisation_id)
    assert shown.company_name_zh == "华东汽车服务有限公司" and shown.seal_image_id and shown.primary_colour == "#0f766e"
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate_design.changed")).all()
    assert event.organisation_id == organisation_id and "seal_image_id" in event.details["fields"]
    hr.get(f"{base}/hr/audit", {"action": "certificate_design.changed"})
    assert hr.response.status_code == 200 and "证书样式已修改" in hr.page.text
    # the preview: the page and the sample PDF, with the sample's long name
    preview = hr.session.get(f"{base}{PAGE}/preview.html", timeout=30)
    assert preview.status_code == 200 and "华东汽车服务有限公司" in preview.text and 'class="seal"' in preview.text
    sample = hr.session.get(f"{base}{PAGE}/preview.pdf", timeout=30)
    assert sample.headers["Content-Type"] == "application/pdf"
    words = pdf_text(sample.content)
    assert "华东汽车服务有限公司" in words and "王建国" in words and "欧阳娜娜娜娜" in words
    # a certificate issued now shows it
    people("learner")
    complete(app, platform, "learner")
    cert = db_session.scalars(select(Certificate)).one()
    learner_pdf = people("learner").session.get(f"{base}/certificates/{cert.id}.pdf", timeout=30)
    assert learner_pdf.status_code == 200 and "华东汽车服务有限公司" in pdf_text(learner_pdf.content)


def test_a_wrong_image_is_refused_in_its_field_and_the_other_inputs_stay(people, platform, db_session):
    hr, base = people("hr"), platform.tool_base_url
    hr.get(base + PAGE)
    typed = {"company_name_zh": "江南汽车售后服务集团", "signatory1_name": "李红梅"}
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    cases = [({"logo": ("logo.svg", svg, "image/svg+xml")}, "error-logo", "PNG 或 JPEG"),
             ({"seal": ("seal.png", b"\x89PNG" + b"\x00" * (2 * 1024 * 1024), "image/png")}, "error-seal", "2 MB"),
             ({"signature1": ("big.png", png((4000, 3001)), "image/png")}, "error-signature1", "1200 万像素")]
    for files, error_id, message in cases:
        refused = post(hr, base, typed, files)
        assert refused.status_code == 422, error_id
        assert error_id in refused.text and message in refused.text, (error_id, refused.text[:3000])
        assert 'value="江南汽车售后服务集团"' in refused.text and 'value="李红梅"' in refused.text
    refused = post(hr, base, {**typed, "accent_colour": "red;}"})
    assert refused.status_code == 422 and "error-accent_colour" in refused.text
    assert db_session.scalars(select(CertificateDesign)).all() == []  # nothing saved by any of them


def test_a_course_has_its_own_design_falling_back_to_the_organisation(people, platform, db_session):
    hr, base = people("hr"), platform.tool_base_url
    hr.get(base + PAGE)
    assert post(hr, base, {"company_name_zh": "华东汽车服务有限公司", "signatory1_name": "王建国"}).status_code == 303
    hr.get(base + PAGE, {"course": "basics"})
    assert post(hr, base, {"signatory1_name": "张培训"}, course="basics").status_code == 303
    organisation_id = organisation_of(db_session, platform)
    course = design.resolve(db_session, organisation_id, "basics")
    assert (course.company_name_zh, course.signatory1_name) == ("华东汽车服务有限公司", "张培训")
    sample = pdf_text(hr.session.get(f"{base}{PAGE}/preview.pdf", params={"course": "basics"}, timeout=30).content)
    assert "张培训" in sample and "华东汽车服务有限公司" in sample and "基础" in sample
    hr.get(base + PAGE)
    assert "design-overrides" in hr.response.text
    assert hr.session.get(f"{base}{PAGE}", params={"course": "no-such-course"}, timeout=15).status_code == 404
    hr.get(base + PAGE, {"course": "basics"})
    hr.submit(hr.page.form("remove-override"))
    assert design.resolve(db_session, organisation_id, "basics").signatory1_name == "王建国"


def test_only_hr_of_the_organisation_sees_or_changes_its_design(people, platform, other_company, app, db_session):
    hr, base = people("hr"), platform.tool_base_url
    hr.get(base + PAGE)
    assert post(hr, base, {"company_name_zh": "华东汽车服务有限公司"}).status_code == 303
    ours = organisation_of(db_session, platform)
    learner, instructor = people("learner"), people("instructor")
    for browser in (learner, instructor):
        for path in (PAGE, f"{PAGE}/preview.html", f"{PAGE}/preview.pdf"):
            assert browser.session.get(base + path, timeout=15).status_code == 403, path
        token = csrf(browser) if browser.page.forms else ""
        attempt = browser.session.post(base + PAGE, data={"csrf_token": token, "company_name_zh": "冒名公司"},
                                       timeout=15)
        assert attempt.status_code in (400, 403)
    # without the CSRF token HR's own change is refused
    refused = hr.session.post(base + PAGE, data={"company_name_zh": "冒名公司"}, timeout=15)
    assert refused.status_code == 400
    # another company's HR sees its own, empty design and changes only that
    elsewhere = crowd_on(other_company)
    try:
        their_hr, their_base = elsewhere("hr"), other_company.tool_base_url
        their_hr.get(their_base + PAGE)
        assert "华东汽车服务有限公司" not in their_hr.response.text
        preview = their_hr.session.get(f"{their_base}{PAGE}/preview.pdf", timeout=30)
        assert "华东汽车服务有限公司" not in pdf_text(preview.content)
        assert post(their_hr, their_base, {"company_name_zh": "别家公司"}).status_code == 303
    finally:
        elsewhere.close()
    db_session.expire_all()
    theirs = db_session.scalar(select(Organisation.id).where(Organisation.slug == "other-company"))
    assert design.resolve(db_session, ours).company_name_zh == "华东汽车服务有限公司"
    assert design.resolve(db_session, theirs).company_name_zh == "别家公司"
    with get_db(app).sessionmaker() as s:
        assert len(s.scalars(select(CertificateDesign)).all()) == 2
