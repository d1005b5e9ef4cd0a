"""What a signed assessment sends out, in the signing transaction: the score to the
LMS gradebook (AGS, FullyGraded, through the outbox), xAPI statements (the learner as
actor, the assessor in ``context.instructor``, every criterion in a result extension)
and the learner's training record. A correction voids the earlier statements and
sends everything again."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from lti_tool import events
from lti_tool.catalog.models import CourseVersion
from lti_tool.db import utcnow
from lti_tool.lti.ags import FULLY_GRADED, enqueue_score
from lti_tool.lti.models import Context, User
from lti_tool.practical.content import TaskRef, links_for
from lti_tool.practical.models import Assessment
from lti_tool.practical.scoring import SCORE_MAXIMUM, TaskResult
from lti_tool.records.services import record_result
from xapi.statements import Criterion, Item, Score, build

NAMESPACE = uuid.UUID("0d6c7a8e-5b0f-4f7e-9a53-1c2e9b7d4a61")  # registrations of assessment versions


def registration(assessment: Assessment) -> uuid.UUID:
    """Each signed version is its own xAPI registration, so a correction is new statements."""
    return uuid.uuid5(NAMESPACE, f"{assessment.uid}:{assessment.version}")


def person(user: User, issuer: str):
    return events.actor(issuer, user.sub, user.name or None)


def _language(user: User) -> str:
    return "en" if (user.locale or "").lower().startswith("en") else "zh-CN"


def _criteria(result: TaskResult) -> list[Criterion]:
    rows = []
    for c in result.criteria:
        level = c.level or {}
        checklist = level.get("id") in ("met", "not-met")
        comment = f"{level.get('id', '')}: {c.note}" if c.note else level.get("id")
        rows.append(Criterion(
            id=c.id, title=c.title, met=(level.get("percent") == 100) if checklist else None,
            points=c.points, max_points=float(c.weight), comment=comment,
        ))
    return rows


def publish(session: Session, assessment: Assessment, task: TaskRef, result: TaskResult) -> None:
    learner, assessor = assessment.learner, assessment.assessor
    context = session.get(Context, assessment.context_id)
    platform = context.deployment.platform
    version: CourseVersion = task.version
    signed_at = assessment.signed_at or utcnow()
    label = task.title("zh-CN")
    for link in links_for(session, context.id, "practical", task.item_id):
        enqueue_score(
            session, resource_link=link, user=learner, resource_id=task.item_id, label=link.title or label,
            score_given=result.score, score_maximum=SCORE_MAXIMUM, activity_progress="Completed",
            grading_progress=FULLY_GRADED, scored_at=signed_at, comment=assessment.comment or None,
            source={"practical_assessment": assessment.id, "version": assessment.version},
        )
    ctx = events.course_context(
        course_id=task.course_id, course_title=dict(version.manifest["title"]), registration=registration(assessment),
        issuer=platform.issuer, context_id=context.lms_context_id, context_title=context.title or None,
        platform=platform.name, language=_language(learner), revision=version.version,
    )
    took = signed_at - assessment.started_at if assessment.started_at else None
    duration = took if took is not None and timedelta(0) < took < timedelta(hours=24) else None
    common = dict(
        assessor=person(assessor, platform.issuer), score=Score(result.score, SCORE_MAXIMUM),
        criteria=_criteria(result), timestamp=signed_at, duration=duration,
    )
    item = Item(task.task_id, task.titles)
    learner_person = person(learner, platform.issuer)
    statements = [
        build("practical-scored", ctx, learner_person, item, **common),
        build("practical-passed" if result.passed else "practical-failed", ctx, learner_person, item, **common),
    ]
    events.emit(session, statements, organisation_id=platform.organisation_id)
    assessment.statement_ids = [str(s.id) for s in statements]
    record_result(
        session, user_id=learner.id, platform_id=platform.id, context_id=context.id, course_id=task.course_id,
        kind="practical", item_id=task.item_id, status="passed" if result.passed else "failed", title=task.titles,
        course_version_id=version.id, score=result.score, score_max=SCORE_MAXIMUM, passed=result.passed,
        hours=round(task.task["duration_minutes"] / 60, 2), started_at=assessment.started_at, completed_at=signed_at,
        source={"practical_assessment": assessment.id, "version": assessment.version},
    )


def retract(session: Session, assessment: Assessment, corrector: User) -> None:
    """Void the statements of the version a correction replaces."""
    context = session.get(Context, assessment.context_id)
    platform = context.deployment.platform
    now = utcnow()
    events.emit(session, [build("voided", person(corrector, platform.issuer), sid, timestamp=now)
                          for sid in assessment.statement_ids or []], organisation_id=platform.organisation_id)
