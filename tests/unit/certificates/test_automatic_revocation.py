"""A regrade or correction that turns a result a certificate stands on into a fail
revokes the certificate, with an automatic entry in its audit trail; results the
certificate does not stand on, or a fail with another passing result of the same
person, revoke nothing."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.certificates import services
from lti_tool.certificates.models import Certificate
from lti_tool.lti.models import Platform, User
from lti_tool.records.employees import link_user


def only_certificate(session) -> Certificate:
    session.expire_all()
    return session.scalars(select(Certificate)).one()


def test_a_regraded_fail_revokes_the_certificate_with_an_audit_entry(world, db_session):
    learner = world.user("u1", "张伟", "E1001")
    world.complete(learner)
    certificate = only_certificate(db_session)
    assert certificate.status() == "valid"
    world.record(learner, "quiz", "check", "failed", score=3.0, score_max=10.0, passed=False)
    certificate = only_certificate(db_session)
    assert certificate.status() == "revoked" and "basics/check 3/10" in certificate.revoked_reason
    event = services.history(db_session, certificate.id)[-1]
    assert (event.action, event.actor_user_id, event.details["automatic"], event.details["status"]) == (
        "revoked", None, True, "failed")
    # passing again earns a new certificate
    world.record(learner, "quiz", "check", "passed", score=9.0, score_max=10.0, passed=True)
    statuses = sorted(c.status() for c in db_session.scalars(select(Certificate)))
    assert statuses == ["revoked", "valid"]


def test_a_fail_the_certificate_does_not_stand_on_revokes_nothing(world, db_session):
    learner = world.user("u1", "张伟", "E1001")
    world.complete(learner)
    other = world.user("u2", "李娜", "E1002")
    world.record(other, "quiz", "check", "failed", score=2.0, score_max=10.0, passed=False)  # someone else
    assert only_certificate(db_session).status() == "valid"
    # the same person passed the quiz on the company's other platform too: still met
    canvas = Platform(issuer="https://canvas.example", client_id="c", auth_login_url="https://canvas.example/a",
                      auth_token_url="https://canvas.example/t", key_set_url="https://canvas.example/k",
                      identity_trusted=True)
    db_session.add(canvas)
    db_session.flush()
    twin = User(platform_id=canvas.id, sub="a1", name="张伟", person_sourcedid="E1001")
    db_session.add(twin)
    db_session.flush()
    link_user(db_session, twin)
    world.record(twin, "quiz", "check", "passed", score=8.0, score_max=10.0, passed=True)
    world.record(learner, "quiz", "check", "failed", score=3.0, score_max=10.0, passed=False)
    assert only_certificate(db_session).status() == "valid"
