"""Issuing when the rules are met, unique numbers and unguessable codes, expiry and
recertification, revocation and reissue with an audit trail, frozen PDFs."""

from __future__ import annotations

import subprocess
from datetime import timedelta

from sqlalchemy import select

from lti_tool.certificates import services, store
from lti_tool.certificates.models import Certificate, CertificateEvent, CertificatePdf
from lti_tool.records.models import TrainingRecord
from tests.unit.certificates.conftest import T0


def certificates(session, user=None):
    query = select(Certificate).order_by(Certificate.id)
    if user is not None:
        query = query.where(Certificate.user_id == user.id)
    return list(session.scalars(query))


def test_the_certificate_is_issued_when_the_last_rule_is_met(world, db_session):
    learner = world.user("u1", "张伟", "E1001")
    world.complete(learner, skip="task")
    assert certificates(db_session) == []
    world.record(learner, "practical", "task", "failed", score=40.0, score_max=100.0, passed=False)
    assert certificates(db_session) == []
    world.record(learner, "practical", "task", "passed", T0 + timedelta(days=2), score=90.0, score_max=100.0,
                 passed=True)
    [cert] = certificates(db_session)
    assert (cert.holder_name, cert.employee_number, cert.course_id) == ("张伟", "E1001", "basics")
    assert cert.course_title == {"zh-CN": "基础课程", "en": "Basics"}
    assert cert.number == f"AT{cert.issued_at:%Y}{cert.id:07d}"
    assert len(cert.code) >= 32 and cert.status() == "valid"  # 24 random bytes: 192 bits
    assert cert.valid_until.date() == cert.issued_at.replace(year=cert.issued_at.year + 1).date()
    assert cert.score == 50 * 8 / 10 + 50 * 90 / 100
    kinds = {r.kind: r for r in db_session.scalars(select(TrainingRecord).where(TrainingRecord.user_id == learner.id))}
    assert kinds["course"].status == "completed" and kinds["course"].score == cert.score
    assert kinds["certificate"].source["number"] == cert.number
    assert [e.action for e in services.history(db_session, cert.id)] == ["issued"]
    # more results do not issue a second certificate while this one is valid
    world.record(learner, "quiz", "check", "passed", T0 + timedelta(days=3), score=10.0, score_max=10.0, passed=True)
    assert len(certificates(db_session)) == 1


def test_codes_and_numbers_are_unique(world, db_session):
    people = [world.user(f"u{i}", f"学员{i}") for i in range(6)]
    for person in people:
        world.complete(person)
    found = certificates(db_session)
    assert len({c.code for c in found}) == len({c.number for c in found}) == 6
    assert all(c.employee_number == "" for c in found)


def test_attendance_below_the_share_issues_nothing(world, db_session):
    learner = world.user("u1", "张伟")
    world.complete(learner, skip="class")
    world.record(learner, "session", "class", "absent")
    assert certificates(db_session) == []


def test_expiry_and_recertification(world, db_session):
    learner = world.user("u1", "张伟")
    world.complete(learner)
    [first] = certificates(db_session)
    later = first.valid_until + timedelta(days=1)
    assert first.status(later) == "expired"
    with world.app.app_context():
        # expired, but no new result since: nothing new (retraining is due)
        assert services.check_course(db_session, learner.id, "basics", now=later) is None
    first.issued_at, first.valid_until = T0, T0 + timedelta(days=10)  # it lapsed; the learner retrains
    db_session.flush()
    world.complete(learner, at=T0 + timedelta(days=30))
    second = certificates(db_session)[-1]
    assert second.id != first.id and second.status() == "valid" and first.status() == "expired"


def test_revocation_and_reissue_keep_an_audit_trail(world, db_session):
    learner = world.user("u1", "张伟", "E1001")
    world.complete(learner)
    [cert] = certificates(db_session)
    learner.name = "张伟伟"  # a name change in the LMS
    db_session.flush()
    assert cert.holder_name == "张伟"  # frozen at issue
    with world.app.app_context():
        new = services.reissue(db_session, cert, reason="姓名变更", actor_user_id=None)
    assert cert.status() == "revoked" and cert.revoked_reason == "姓名变更"
    assert new.holder_name == "张伟伟" and new.replaces_id == cert.id and new.valid_until == cert.valid_until
    assert new.number != cert.number and new.code != cert.code
    assert [e.action for e in services.history(db_session, cert.id)] == ["issued", "revoked"]
    assert [e.action for e in services.history(db_session, new.id)] == ["reissued"]
    with world.app.app_context():
        services.revoke(db_session, new, reason="作弊", actor_user_id=learner.id)
        services.revoke(db_session, new, reason="again", actor_user_id=None)  # once only
    assert new.status() == "revoked" and new.revoked_reason == "作弊"
    assert db_session.scalar(select(CertificateEvent).where(CertificateEvent.certificate_id == new.id,
                                                            CertificateEvent.action == "revoked")).actor_user_id == learner.id


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_the_pdf_shows_the_chinese_name_and_number_and_stays_frozen(world, db_session):
    learner = world.user("u1", "欧阳明月", "E1001")
    world.complete(learner)
    [cert] = certificates(db_session)
    with world.app.app_context():
        assert store.drain(world.app) == 0  # the drainer has its own session: nothing committed yet
        db_session.commit()
        assert store.drain(world.app) == 1
    db_session.expire_all()
    stored = db_session.get(CertificatePdf, cert.id)
    text = pdf_text(stored.data)
    assert "欧阳明月" in text and cert.number in text and "基础课程" in text and "Basics" in text
    assert f"/verify/{cert.code}" in text
    fonts = subprocess.run(["pdffonts", "-"], input=stored.data, capture_output=True).stdout.decode()
    assert "CJK" in fonts and " yes yes " in fonts  # embedded, subset
    learner.name = "欧阳"
    db_session.commit()
    with world.app.app_context():
        assert store.pdf_bytes(db_session, db_session.get(Certificate, cert.id), "http://x") == stored.data


def test_a_certificate_that_fails_to_render_is_retried_and_reported(world, db_session):
    learner = world.user("u1", "张伟")
    world.complete(learner)
    [cert] = certificates(db_session)
    cert.course_title = {"zh-CN": "长" * 1500, "en": "long"}  # cannot fit one page: refused
    db_session.commit()
    with world.app.app_context():
        for _ in range(store.MAX_ATTEMPTS + 1):
            store.drain(world.app)
    db_session.expire_all()
    cert = db_session.get(Certificate, cert.id)
    assert cert.render_attempts == store.MAX_ATTEMPTS and "pages" in cert.render_error
    assert db_session.get(CertificatePdf, cert.id) is None
    assert [e.action for e in services.history(db_session, cert.id)].count("render_failed") == store.MAX_ATTEMPTS
