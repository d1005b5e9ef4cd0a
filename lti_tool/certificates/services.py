"""Issuing, revoking and reissuing certificates (flush only, in the caller's transaction).

A certificate is issued when a learner's training records meet the course's
``completion`` rules and the course has a ``certificate`` section. What it states is
copied at issue; its PDF is rendered once by the worker and kept.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from lti_tool.catalog.models import CourseVersion
from lti_tool.certificates import design, rules
from lti_tool.certificates.models import VALID, Certificate, CertificateEvent
from lti_tool.db import utcnow
from lti_tool.lti.models import Platform, User
from lti_tool.records.employees import employee_of, link_user
from lti_tool.records.models import EmployeeUser, TrainingRecord

log = logging.getLogger(__name__)
SKIP_KINDS = ("course", "certificate", "questionnaire")


def new_code() -> str:
    """The verification code: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def verify_url(code: str, base_url: str | None = None) -> str:
    base = base_url or current_app.config["SETTINGS"].public_base_url
    return f"{base.rstrip('/')}/verify/{code}"


def course_version_for(session: Session, records: list[TrainingRecord], course_id: str) -> CourseVersion | None:
    """The newest version the learner's results were taken under (else the latest)."""
    ids = [r.course_version_id for r in records if r.course_version_id]
    if ids:
        return session.get(CourseVersion, max(ids))
    from lti_tool.catalog.importer import latest_version

    return latest_version(session, course_id)


def _results(records: list[TrainingRecord]) -> list[rules.Result]:
    return [rules.Result(r.kind, r.item_id, r.status, r.passed, r.score, r.score_max, r.hours or 0.0, r.completed_at,
                         r.id) for r in records]


def on_record(session: Session, record: TrainingRecord) -> None:
    """``record_result`` listener: check the course's rules after every result.

    The check reads first and writes (the course completed, a certificate, a
    revocation) only when something changes, inside a savepoint: a failed check never
    undoes the learner's result (`certs check` runs it again), and a result that changes
    nothing costs two queries. A result still in progress meets no rule and revokes
    nothing: it costs none."""
    if record.kind in SKIP_KINDS or record.status == "in_progress" or not has_app_context():
        return
    try:
        user_ids = _linked_user_ids(session, record.user_id)
        if not user_ids:  # a user from before the employee links
            with session.begin_nested():
                link_user(session, session.get(User, record.user_id))
            user_ids = _linked_user_ids(session, record.user_id)
        if record.status == "failed" or record.passed is False:
            with session.begin_nested():
                revoke_unmet(session, record, user_ids=user_ids)
        check_course(session, record.user_id, record.course_id, context_id=record.context_id, user_ids=user_ids,
                     guard=session.begin_nested)
    except Exception:  # noqa: BLE001 - logged with its trace
        log.exception("certificate check failed for user %s, course %s", record.user_id, record.course_id)


def _linked_user_ids(session: Session, user_id: int) -> list[int]:
    """Every LMS account linked to the user's employee, in one query; [] when the user
    has no employee yet."""
    return list(session.scalars(_LINKED, {"linked_user_id": user_id}))


_MATE = aliased(EmployeeUser)
_LINKED = (select(_MATE.user_id).join(EmployeeUser, EmployeeUser.employee_id == _MATE.employee_id)
           .where(EmployeeUser.user_id == bindparam("linked_user_id")).order_by(_MATE.user_id))


def person_user_ids(session: Session, user_id: int) -> list[int]:
    """Every LMS account of the user's employee (any platform of the organisation)."""
    return _linked_user_ids(session, user_id) or [user_id]


def _weakest_first(record: TrainingRecord):
    """The same item done on two platforms or in two LMS courses: the rules see the best."""
    good = record.status in ("passed", "completed", "attended") and record.passed is not False
    return (good, record.completed_at is not None, record.completed_at or record.updated_at, record.id)


def _records(session: Session, user_ids: list[int], course_id: str) -> list[TrainingRecord]:
    return sorted(session.scalars(_PERSON_RECORDS, {"user_ids": list(user_ids), "course_id": course_id}),
                  key=_weakest_first)


_PERSON_RECORDS = select(TrainingRecord).where(TrainingRecord.user_id.in_(bindparam("user_ids", expanding=True)),
                                               TrainingRecord.course_id == bindparam("course_id"))


def _verdict(session: Session, records: list[TrainingRecord], course_id: str):
    """(the course version, the rules' verdict) on the person's records; (None, None)
    for a course that is not in the library."""
    version = course_version_for(session, records, course_id)
    if version is None:
        return None, None
    return version, rules.evaluate(course_id, version.manifest, version.lessons, _results(records))


def revoke_unmet(session: Session, record: TrainingRecord, now: datetime | None = None,
                 user_ids: list[int] | None = None) -> list[Certificate]:
    """A regrade or a correction turned a result a live certificate stands on into a
    fail, and the rules are no longer met (no other passing result of the person for
    that item): the certificate is revoked, with an automatic entry in its audit trail."""
    if record.status != "failed" and record.passed is not False:
        return []
    user_ids = user_ids or person_user_ids(session, record.user_id)
    live = [c for c in session.scalars(select(Certificate).where(
        Certificate.user_id.in_(user_ids), Certificate.course_id == record.course_id, Certificate.revoked_at.is_(None)))
        if record.id in (c.basis or {}).get("records", [])]
    if not live:
        return []
    _version, verdict = _verdict(session, _records(session, user_ids, record.course_id), record.course_id)
    if verdict is None or verdict.met:
        return []
    score = f" {record.score:g}/{record.score_max:g}" if record.score is not None and record.score_max else ""
    reason = f"成绩更正后未通过 / Result changed to not passed: {record.item_id}{score}"
    for certificate in live:
        revoke(session, certificate, reason=reason, actor_user_id=None, now=now,
               details={"automatic": True, "record": record.id, "status": record.status, "score": record.score,
                        "source": dict(record.source or {})})
    return live


def _already_recorded(records: list[TrainingRecord], user_id: int, context_id: int | None, course_id: str,
                      values: dict) -> bool:
    """The learner's course record says exactly this already (nothing to write)."""
    for record in records:
        if (record.kind, record.item_id, record.user_id, record.context_id) == ("course", course_id, user_id,
                                                                                 context_id):
            return all(getattr(record, name) == value for name, value in values.items()) and \
                (record.source or {}).get("rules") == "completion"
    return False


def check_course(session: Session, user_id: int, course_id: str, *, context_id: int | None = None,
                 now: datetime | None = None, user_ids: list[int] | None = None,
                 guard: Callable[[], AbstractContextManager] = nullcontext) -> Certificate | None:
    """Record the course as completed and issue its certificate when the rules are met;
    returns the certificate issued now, if any. The rules read the results of every LMS
    account of the learner's employee, so results from two platforms of one
    organisation add up, and a certificate held through one account counts for all.

    Everything is read first; the writes, when there are any, run inside ``guard()``
    (the listener's savepoint)."""
    from lti_tool.records.services import record_result

    user_ids = user_ids or person_user_ids(session, user_id)
    records = _records(session, user_ids, course_id)
    version, verdict = _verdict(session, records, course_id)
    if version is None or not verdict.met:
        return None
    hours = float(version.manifest.get("hours") or verdict.hours)
    done_at = verdict.completed_at or now or utcnow()
    completion = dict(status="completed", title=dict(version.manifest["title"]), course_version_id=version.id,
                      score=verdict.grade, score_max=100.0 if verdict.grade is not None else None, passed=True,
                      hours=hours, completed_at=done_at)
    recorded = _already_recorded(records, user_id, context_id, course_id, completion)
    certificate_rule = version.manifest.get("certificate")
    due = False
    if certificate_rule is not None:
        latest = session.scalar(select(Certificate).where(
            Certificate.user_id.in_(user_ids), Certificate.course_id == course_id, Certificate.revoked_at.is_(None),
        ).order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(1))
        # Not held already, and not expired with no new results since (retraining is due).
        due = latest is None or (latest.status(now) != VALID and done_at > latest.issued_at)
    if recorded and not due:
        return None
    user = session.get(User, user_id)
    with guard():
        if not recorded:
            record_result(session, user_id=user_id, platform_id=user.platform_id, context_id=context_id,
                          course_id=course_id, kind="course", item_id=course_id, source={"rules": "completion"},
                          **completion)
        if not due:
            return None
        return issue(session, user=user, version=version, context_id=context_id, hours=hours, score=verdict.grade,
                     basis={"records": verdict.basis}, validity_months=certificate_rule.get("validity_months"),
                     now=now)


def issue(session: Session, *, user: User, version: CourseVersion, context_id: int | None, hours: float,
          score: float | None, basis: dict, validity_months: int | None, now: datetime | None = None,
          replaces: Certificate | None = None, actor_user_id: int | None = None) -> Certificate:
    from lti_tool.records.services import record_result

    now = now or utcnow()
    employee = employee_of(session, user.id) or link_user(session, user)
    organisation_id = session.get(Platform, user.platform_id).organisation_id
    certificate = Certificate(
        platform_id=user.platform_id, user_id=user.id, context_id=context_id, course_id=version.slug,
        course_version_id=version.id, number=f"pending-{secrets.token_hex(8)}", code=new_code(),
        holder_name=(employee.name if employee.source == "roster" and employee.name else user.name) or user.sub,
        employee_number=employee.employee_number or "",  # a number only a trusted platform or HR gave
        course_title=dict(version.manifest["title"]), hours=hours, score=score, issued_at=now,
        valid_until=(replaces.valid_until if replaces is not None
                     else rules.add_months(now, int(validity_months)) if validity_months else None),
        replaces_id=replaces.id if replaces is not None else None, basis=basis, revoked_reason="",
        render_attempts=0, render_error="",
        design=design.resolve(session, organisation_id, version.slug).snapshot(),  # its look, frozen with it
    )
    session.add(certificate)
    session.flush()
    certificate.number = f"AT{now:%Y}{certificate.id:07d}"
    session.add(CertificateEvent(certificate_id=certificate.id, action="reissued" if replaces else "issued",
                                 actor_user_id=actor_user_id, at=now,
                                 details={"replaces": replaces.number} if replaces else {}))
    record_result(
        session, user_id=user.id, platform_id=user.platform_id, context_id=context_id, course_id=version.slug,
        kind="certificate", item_id=version.slug, status="completed", title=dict(version.manifest["title"]),
        course_version_id=version.id, hours=0.0, completed_at=now,
        source={"certificate": certificate.id, "number": certificate.number},
    )
    _emit_earned(session, certificate, user, version)
    session.flush()
    return certificate


def _emit_earned(session: Session, certificate: Certificate, user: User, version: CourseVersion) -> None:
    from lti_tool import events
    from xapi.statements import build

    platform = session.get(Platform, user.platform_id)
    ctx = events.course_context(course_id=version.slug, course_title=dict(version.manifest["title"]),
                                registration=uuid.uuid5(uuid.NAMESPACE_URL, f"certificate:{platform.issuer}:{user.sub}:"
                                                                            f"{version.slug}"),
                                issuer=platform.issuer, platform=platform.name,
                                revision=version.version)
    statement = build("certificate-earned", ctx, events.actor(platform.issuer, user.sub, user.name or None),
                      title=dict(certificate.course_title), number=certificate.number,
                      verification_url=verify_url(certificate.code), timestamp=certificate.issued_at)
    events.emit(session, [statement], organisation_id=platform.organisation_id)


def revoke(session: Session, certificate: Certificate, *, reason: str, actor_user_id: int | None,
           now: datetime | None = None, details: dict | None = None) -> None:
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = now or utcnow()
    certificate.revoked_reason = reason
    session.add(CertificateEvent(certificate_id=certificate.id, action="revoked", actor_user_id=actor_user_id,
                                 at=certificate.revoked_at, details={"reason": reason, **(details or {})}))
    session.flush()


def reissue(session: Session, certificate: Certificate, *, reason: str, actor_user_id: int | None,
            now: datetime | None = None) -> Certificate:
    """A new certificate (new number and code, the holder's current name, the same
    validity) in place of ``certificate``, which is revoked."""
    now = now or utcnow()
    revoke(session, certificate, reason=reason, actor_user_id=actor_user_id, now=now)
    version = session.get(CourseVersion, certificate.course_version_id)
    return issue(session, user=session.get(User, certificate.user_id), version=version,
                 context_id=certificate.context_id, hours=certificate.hours, score=certificate.score,
                 basis=dict(certificate.basis or {}), validity_months=None, now=now, replaces=certificate,
                 actor_user_id=actor_user_id)


def by_code(session: Session, code: str) -> Certificate | None:
    if not code or len(code) > 64:
        return None
    return session.scalar(select(Certificate).where(Certificate.code == code))


def history(session: Session, certificate_id: int) -> list[CertificateEvent]:
    return list(session.scalars(select(CertificateEvent).where(CertificateEvent.certificate_id == certificate_id)
                                .order_by(CertificateEvent.at, CertificateEvent.id)))
