"""Assessment workflow on plain values: start (or resume) a draft, save it as it is
filled, sign it off once (by the id its form generated), let the learner acknowledge
it, and correct it after sign-off with the previous version kept in the audit trail.
Services only ``flush()``; the request boundary commits."""

from __future__ import annotations

import uuid as uuidlib

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.catalog.models import CourseVersion
from lti_tool.db import insert_new, utcnow
from lti_tool.lti.models import User
from lti_tool.practical import outcomes
from lti_tool.practical.content import TaskRef, task_of_version
from lti_tool.practical.models import DRAFT, SIGNED, Assessment, Evidence, Revision, Submission
from lti_tool.practical.scoring import TaskResult, clean, evidence_missing, score_task

SIGN_OFF, CORRECTION = "sign_off", "correction"


class Conflict(Exception):
    """The assessment is not in a state that allows this (e.g. already signed)."""


class Incomplete(Exception):
    """A sign-off without a level for every criterion, or without required evidence."""

    def __init__(self, missing: list[str], evidence: list[str]) -> None:
        super().__init__(f"missing levels {missing}, missing evidence {evidence}")
        self.missing, self.evidence = missing, evidence


def parse_uuid(value: str | None) -> str:
    try:
        return str(uuidlib.UUID(str(value or "")))
    except ValueError:
        raise ValueError("a submission needs the id its form generated") from None


def start(session: Session, *, context_id: int, learner: User, task: TaskRef, assessor: User) -> Assessment:
    """The learner's open draft for this task, or a new one."""
    draft = open_draft(session, context_id, learner.id, task.item_id)
    if draft is not None:
        return draft
    try:
        with session.begin_nested():
            draft = Assessment(
                uid=str(uuidlib.uuid4()), context_id=context_id, learner_id=learner.id, assessor_id=assessor.id,
                course_id=task.course_id, task_id=task.task_id, item_id=task.item_id,
                course_version_id=task.version.id, status=DRAFT, levels={}, notes={}, comment="",
                started_at=utcnow(), statement_ids=[],
            )
            session.add(draft)
    except IntegrityError:  # another tablet opened the same draft at the same moment
        return open_draft(session, context_id, learner.id, task.item_id)
    return draft


def open_draft(session: Session, context_id: int, learner_id: int, item_id: str) -> Assessment | None:
    return session.scalar(select(Assessment).where(
        Assessment.context_id == context_id, Assessment.learner_id == learner_id, Assessment.item_id == item_id,
        Assessment.status == DRAFT,
    ))


def in_context(session: Session, context_id: int, assessment_id: int) -> Assessment:
    """An assessment of this LMS course; LookupError for any other (a forged id)."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.context_id != context_id:
        raise LookupError(assessment_id)
    return assessment


def of_learner(session: Session, context_id: int, learner_id: int, item_id: str | None = None) -> list[Assessment]:
    query = select(Assessment).where(Assessment.context_id == context_id, Assessment.learner_id == learner_id)
    if item_id:
        query = query.where(Assessment.item_id == item_id)
    return list(session.scalars(query.order_by(Assessment.started_at.desc(), Assessment.id.desc())))


def latest_by_learner(session: Session, context_id: int, item_id: str) -> dict[int, Assessment]:
    """Each learner's most recent assessment at one task in this course."""
    rows = session.scalars(
        select(Assessment).where(Assessment.context_id == context_id, Assessment.item_id == item_id)
        .order_by(Assessment.id)
    )
    return {row.learner_id: row for row in rows}


def task_of(session: Session, assessment: Assessment) -> TaskRef:
    version = session.get(CourseVersion, assessment.course_version_id)
    return task_of_version(version, assessment.course_id, assessment.task_id)


def result_of(session: Session, assessment: Assessment) -> TaskResult:
    return score_task(task_of(session, assessment).task, assessment.levels or {}, assessment.notes or {})


def photos_by_criterion(session: Session, assessment_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Evidence.criterion_id, func.count()).where(Evidence.assessment_id == assessment_id)
        .group_by(Evidence.criterion_id)
    )
    return {criterion_id: count for criterion_id, count in rows}


SLOT_KEY = ("assessment_id", "criterion_id", "slot")


def add_evidence(session: Session, values: dict, limit: int) -> Evidence | None:
    """The photo's row in the lowest free slot of its criterion, or None when all
    ``limit`` are taken (flush only). Each try is one INSERT ... ON CONFLICT DO NOTHING
    on the unique slot: of uploads that pick the same slot at once, one gets it and the
    others (on PostgreSQL after waiting for its transaction to end; SQLite has one
    writer) look again, so a criterion never holds more than ``limit`` photos."""
    for _try in range(limit):
        taken = set(session.scalars(select(Evidence.slot).where(
            Evidence.assessment_id == values["assessment_id"], Evidence.criterion_id == values["criterion_id"])))
        free = next((n for n in range(1, limit + 1) if n not in taken), None)
        if free is None:
            return None
        row = insert_new(session, Evidence, {**values, "slot": free, "created_at": utcnow()}, SLOT_KEY)
        if row is not None:
            return row
    return None


def save_draft(session: Session, assessment: Assessment, *, levels: dict, notes: dict, comment: str) -> Assessment:
    if assessment.status != DRAFT:
        raise Conflict("signed")
    task = task_of(session, assessment)
    assessment.levels, assessment.notes = clean(task.task, levels, notes)
    assessment.comment = (comment or "").strip()[:4000]
    assessment.draft_saved_at = utcnow()
    session.flush()
    return assessment


def _replay(session: Session, submission_uuid: str, assessment: Assessment) -> bool:
    """True when this submission was applied already; Conflict if its id belongs elsewhere."""
    done = session.scalar(select(Submission).where(Submission.uuid == submission_uuid))
    if done is None:
        return False
    if done.assessment_id != assessment.id:
        raise Conflict("submission id used by another assessment")
    return True


def _grade(session: Session, assessment: Assessment, levels: dict, notes: dict, comment: str) -> tuple[TaskRef, TaskResult]:
    task = task_of(session, assessment)
    levels, notes = clean(task.task, levels, notes)
    result = score_task(task.task, levels, notes)
    missing_evidence = evidence_missing(result, photos_by_criterion(session, assessment.id))
    if result.missing or missing_evidence:
        raise Incomplete(result.missing, missing_evidence)
    assessment.levels, assessment.notes = levels, notes
    assessment.comment = (comment or "").strip()[:4000]
    assessment.score, assessment.passed = result.score, result.passed
    return task, result


def _record_submission(session: Session, submission_uuid: str, assessment: Assessment, kind: str, user: User) -> bool:
    """Keep the submission id; False if the same id was stored at the same moment (a replay)."""
    try:
        with session.begin_nested():
            session.add(Submission(uuid=submission_uuid, assessment_id=assessment.id, kind=kind,
                                   version=assessment.version, submitted_by_id=user.id))
    except IntegrityError:
        return False
    return True


def sign_off(session: Session, assessment: Assessment, *, submission_uuid: str, levels: dict, notes: dict,
             comment: str, assessor: User) -> tuple[Assessment, bool]:
    """The assessor's sign-off: final score, AGS, xAPI, training record. Returns
    ``(assessment, replayed)``; the same submission sent again changes nothing."""
    submission_uuid = parse_uuid(submission_uuid)
    if _replay(session, submission_uuid, assessment):
        return assessment, True
    if assessment.status != DRAFT:
        raise Conflict("signed")
    task, result = _grade(session, assessment, levels, notes, comment)
    if not _record_submission(session, submission_uuid, assessment, SIGN_OFF, assessor):
        return assessment, True
    assessment.status, assessment.assessor_id, assessment.signed_at = SIGNED, assessor.id, utcnow()
    session.flush()
    session.expire(assessment, ["assessor"])
    outcomes.publish(session, assessment, task, result)
    session.flush()
    return assessment, False


def acknowledge(session: Session, assessment: Assessment, learner_id: int) -> Assessment:
    if assessment.learner_id != learner_id:
        raise LookupError(assessment.id)
    if assessment.status != SIGNED:
        raise Conflict("not signed")
    if assessment.acknowledged_at is None:
        assessment.acknowledged_at = utcnow()
        session.flush()
    return assessment


def correct(session: Session, assessment: Assessment, *, submission_uuid: str, levels: dict, notes: dict,
            comment: str, reason: str, corrector: User) -> tuple[Assessment, bool]:
    """Replace the signed version: the old one goes to the audit trail with who, when
    and why; the new score, statements and record are sent again."""
    submission_uuid = parse_uuid(submission_uuid)
    if _replay(session, submission_uuid, assessment):
        return assessment, True
    if assessment.status != SIGNED:
        raise Conflict("not signed")
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ValueError("a correction needs a reason")
    previous = Revision(
        assessment_id=assessment.id, version=assessment.version, levels=dict(assessment.levels or {}),
        notes=dict(assessment.notes or {}), comment=assessment.comment, score=assessment.score,
        passed=assessment.passed, signed_by_id=assessment.assessor_id, signed_at=assessment.signed_at,
        acknowledged_at=assessment.acknowledged_at, corrected_by_id=corrector.id, corrected_at=utcnow(),
        reason=reason,
    )
    task, result = _grade(session, assessment, levels, notes, comment)
    outcomes.retract(session, assessment, corrector)
    assessment.version += 1
    if not _record_submission(session, submission_uuid, assessment, CORRECTION, corrector):
        raise Conflict("submitted twice at once")
    session.add(previous)
    assessment.assessor_id, assessment.signed_at, assessment.acknowledged_at = corrector.id, utcnow(), None
    session.flush()
    session.expire(assessment, ["assessor"])
    outcomes.publish(session, assessment, task, result)
    session.flush()
    return assessment, False
