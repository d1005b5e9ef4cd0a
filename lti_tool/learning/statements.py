"""The xAPI statements of online learning: lesson experienced / progressed, attempt
started, each question answered, attempt completed and passed or failed with its score
(all built by the worker from the stored rows: ``lessons.emit_due_statements``,
``attempts.emit_due_statements``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from lti_tool import events
from lti_tool.catalog.models import CourseVersion
from lti_tool.learning.grading import Mark, strategy_for
from lti_tool.learning.models import QuizAttempt
from lti_tool.learning.paper import QuizDef
from lti_tool.lti.launch_events import enrolment_registration
from lti_tool.lti.models import Context, User
from xapi.statements import Item, Score, build


def course_ctx(user: User, context: Context, version: CourseVersion, registration) -> events.CourseContext:
    platform = context.deployment.platform
    return events.course_context(
        course_id=version.slug,
        course_title=dict(version.manifest["title"]),
        registration=registration,
        issuer=platform.issuer,
        context_id=context.lms_context_id,
        context_title=context.title or None,
        platform=platform.name,
        language="en" if (user.locale or "").lower().startswith("en") else "zh-CN",
        revision=version.version,
    )


def _person(user: User):
    return events.actor(user.platform.issuer, user.sub, user.name or None)


def lesson_opened(session: Session, user: User, context: Context, version: CourseVersion, lesson: dict,
                  at: datetime, completed: bool) -> None:
    registration = enrolment_registration(user.platform_id, user.sub, context.lms_context_id)
    ctx = course_ctx(user, context, version, registration)
    item = Item(lesson["id"], dict(lesson["title"]))
    statements = [build("lesson-experienced", ctx, _person(user), item, timestamp=at)]
    if completed:
        statements.append(build("lesson-progressed", ctx, _person(user), item, progress=100, timestamp=at))
    events.emit(session, statements, organisation_id=user.platform.organisation_id)


def lesson_progressed(session: Session, user: User, context: Context, version: CourseVersion, lesson: dict,
                      progress: int, at: datetime) -> None:
    registration = enrolment_registration(user.platform_id, user.sub, context.lms_context_id)
    ctx = course_ctx(user, context, version, registration)
    item = Item(lesson["id"], dict(lesson["title"]))
    events.emit(session, [build("lesson-progressed", ctx, _person(user), item, progress=progress, timestamp=at)],
                organisation_id=user.platform.organisation_id)


def _quiz_ctx(attempt: QuizAttempt, version: CourseVersion, quiz: QuizDef):
    ctx = course_ctx(attempt.user, attempt.context, version, uuid.UUID(attempt.uuid))
    return ctx, Item(quiz.quiz.id, quiz.titles)


def attempt_started(session: Session, attempt: QuizAttempt, version: CourseVersion, quiz: QuizDef) -> None:
    ctx, item = _quiz_ctx(attempt, version, quiz)
    events.emit(session, [build("quiz-attempted", ctx, _person(attempt.user), item, timestamp=attempt.started_at)],
                organisation_id=attempt.user.platform.organisation_id)


def answered(session: Session, attempt: QuizAttempt, version: CourseVersion, quiz: QuizDef,
             marks: dict[str, Mark], at: datetime) -> None:
    """One statement per question: graded ones with success and score, open ones as
    submitted (their graded statement follows when an instructor has graded them)."""
    ctx, item = _quiz_ctx(attempt, version, quiz)
    out = []
    for question_id, mark in marks.items():
        question = quiz.questions[question_id]
        grader = strategy_for(question)
        graded = not mark.pending
        out.append(build(
            "question-answered", ctx, _person(attempt.user), item, grader.interaction(question),
            answer=grader.response(question, attempt.answers.get(question_id)), timestamp=at,
            success=mark.correct if graded else None,
            score=Score(mark.points, mark.max_points) if graded and mark.max_points > 0 else None,
        ))
    events.emit(session, out, organisation_id=attempt.user.platform.organisation_id)


def attempt_graded(session: Session, attempt: QuizAttempt, version: CourseVersion, quiz: QuizDef) -> None:
    """Completed, and passed or failed, with the attempt's score and duration."""
    ctx, item = _quiz_ctx(attempt, version, quiz)
    at = attempt.graded_at or attempt.submitted_at
    score = Score(min(attempt.score or 0.0, attempt.score_max), attempt.score_max)
    duration = (attempt.submitted_at - attempt.started_at) if attempt.submitted_at else None
    kind = "attempt-passed" if attempt.passed else "attempt-failed"
    events.emit(session, [
        build("attempt-completed", ctx, _person(attempt.user), item, score=score, timestamp=at, duration=duration),
        build(kind, ctx, _person(attempt.user), item, score=score, timestamp=at, duration=duration),
    ], organisation_id=attempt.user.platform.organisation_id)
