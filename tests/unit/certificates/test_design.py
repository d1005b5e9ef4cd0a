"""A certificate's design: a course's override, else the organisation's design, else the
default, field by field; what a certificate shows is the design as it stood at issue,
so a later change leaves its PDF byte for byte as it was, while a new certificate shows
the new design."""

from __future__ import annotations

import subprocess
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from lti_tool.certificates import design, images, store
from lti_tool.certificates.models import Certificate
from lti_tool.lti import organisations
from tests.unit.certificates.conftest import settings_overrides, world  # noqa: F401  (fixtures)


def text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def png(colour=(200, 0, 0, 255), size=(120, 120)) -> bytes:
    out = BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


def test_a_course_override_wins_then_the_organisation_then_the_default(db_session):
    organisation = organisations.get_or_create(db_session, "acme")
    other = organisations.get_or_create(db_session, "other-co")
    seal = design.keep_image(db_session, organisation.id, images.process(png()))
    own = design.row_for(db_session, organisation.id)
    own.company_name_zh, own.company_name_en, own.seal_image_id = "华东汽车服务有限公司", "East China Auto", seal.id
    own.primary_colour = "#0f766e"
    override = design.row_for(db_session, organisation.id, "basics")
    override.company_name_zh, override.signatory1_name = "华东汽车服务有限公司培训中心", "王经理"
    override.company_name_en = ""  # empty: not set, falls back
    theirs = design.row_for(db_session, other.id)
    theirs.company_name_zh = "别家公司"
    db_session.flush()

    course = design.resolve(db_session, organisation.id, "basics")
    assert (course.company_name_zh, course.company_name_en) == ("华东汽车服务有限公司培训中心", "East China Auto")
    assert course.signatory1_name == "王经理" and course.seal_image_id == seal.id
    assert course.primary_colour == "#0f766e" and course.accent_colour == design.DEFAULT_ACCENT
    another_course = design.resolve(db_session, organisation.id, "other-course")
    assert another_course.company_name_zh == "华东汽车服务有限公司" and another_course.signatory1_name is None
    assert design.resolve(db_session, other.id, "basics").company_name_zh == "别家公司"
    nothing = design.resolve(db_session, organisations.get_or_create(db_session, "new-co").id, "basics")
    assert nothing == design.Design() and nothing.primary_colour == design.DEFAULT_PRIMARY
    assert design.Design.from_snapshot(course.snapshot()) == course
    assert design.Design.from_snapshot(None) == design.Design()
    # a colour that is not #rrggbb never reaches the PDF's style attributes
    assert design.Design.from_snapshot({"primary_colour": "red; background: url(x)"}).primary_colour == \
        design.DEFAULT_PRIMARY
    with pytest.raises(ValueError):
        design.colour("#12345g")
    assert design.colour(" #0F766E ") == "#0f766e" and design.colour("") is None


def test_a_design_change_leaves_an_issued_certificate_as_it_was_and_a_new_one_shows_it(world, db_session):
    organisation_id = world.platform.organisation_id
    row = design.row_for(db_session, organisation_id)
    row.company_name_zh, row.signatory1_name, row.signatory1_title = "华东汽车服务有限公司", "王建国", "总经理"
    db_session.flush()
    world.complete(world.user("u1", "欧阳娜娜娜娜"))
    [first] = db_session.scalars(select(Certificate)).all()
    db_session.commit()
    # HR changes the design before the worker has rendered the first certificate
    row.company_name_zh, row.signatory1_name = "江南汽车售后服务集团", "李红梅"
    row.seal_image_id = design.keep_image(db_session, organisation_id, images.process(png())).id
    db_session.commit()
    with world.app.app_context():
        old = store.pdf_bytes(db_session, first, "https://training.example.com")
    words = text(old)
    assert "华东汽车服务有限公司" in words and "王建国" in words and "欧阳娜娜娜娜" in words
    assert "江南汽车售后服务集团" not in words and "李红梅" not in words

    world.complete(world.user("u2", "张伟"))
    second = db_session.scalars(select(Certificate).order_by(Certificate.id.desc())).first()
    db_session.commit()
    assert second.id != first.id
    with world.app.app_context():
        new = store.pdf_bytes(db_session, second, "https://training.example.com")
        again = store.pdf_bytes(db_session, db_session.get(Certificate, first.id), "https://training.example.com")
    assert "江南汽车售后服务集团" in text(new) and "李红梅" in text(new) and "华东汽车服务有限公司" not in text(new)
    assert again == old  # kept byte for byte
    assert b"/Subtype /Image" in new or b"/Subtype/Image" in new  # the seal
