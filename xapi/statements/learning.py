"""Online learning: lessons read, quizzes attempted, questions answered, attempts graded."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import tincan

from xapi.statements.base import activity, context, iso, make, result, statement_kind
from xapi.statements.interactions import Question
from xapi.statements.values import CourseContext, Item, Person, Ref, Score
from xapi.vocabulary import CMI5_PROGRESS, ActivityType, Verb


@statement_kind("lesson-experienced")
def lesson_experienced(
    ctx: CourseContext, learner: Person, lesson: Item, *, timestamp: datetime, duration: timedelta | None = None
) -> tincan.Statement:
    """The learner read a lesson. Each reading is its own event (its time is in the id)."""
    ref = ctx.lesson(lesson)
    return make(
        "lesson-experienced", (ctx.registration, ref.iri, iso(timestamp)),
        actor=learner, verb_=Verb.EXPERIENCED, object_=activity(ref), timestamp=timestamp,
        context_=context(ctx),
        result_=result(duration_=duration) if duration is not None else None,
    )


@statement_kind("lesson-progressed")
def lesson_progressed(
    ctx: CourseContext, learner: Person, lesson: Item, *, progress: int, timestamp: datetime
) -> tincan.Statement:
    """The learner got ``progress`` percent through a lesson (once per registration and value)."""
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValueError(f"progress is a whole percentage 0..100, not {progress!r}")
    ref = ctx.lesson(lesson)
    return make(
        "lesson-progressed", (ctx.registration, ref.iri, progress),
        actor=learner, verb_=Verb.PROGRESSED, object_=activity(ref), timestamp=timestamp,
        context_=context(ctx),
        result_=result(completion=progress == 100, extensions={CMI5_PROGRESS: progress}),
    )


@statement_kind("quiz-attempted")
def quiz_attempted(ctx: CourseContext, learner: Person, quiz: Item, *, timestamp: datetime) -> tincan.Statement:
    """The learner started an attempt; ``ctx.registration`` is the attempt's UUID."""
    ref = ctx.quiz(quiz)
    return make(
        "quiz-attempted", (ctx.registration, ref.iri),
        actor=learner, verb_=Verb.ATTEMPTED, object_=activity(ref), timestamp=timestamp, context_=context(ctx),
    )


def question_ref(ctx: CourseContext, quiz: Item, question: Question) -> Ref:
    return Ref(ctx.iris.question(ctx.course_id, quiz.id, question.id), ActivityType.INTERACTION,
               question.title or question.prompt)


# The context of an attempt's answers is the same for each of its questions: built once
# per attempt, the last one kept with the course context and quiz it was built from
# (matched by identity: the worker passes the same two for every question).
_LAST_ANSWER_CONTEXT: tuple[CourseContext, Item, tincan.Context] | None = None


def _answer_context(ctx: CourseContext, quiz: Item) -> tincan.Context:
    global _LAST_ANSWER_CONTEXT
    last = _LAST_ANSWER_CONTEXT
    if last is not None and last[0] is ctx and last[1] is quiz:
        return last[2]
    built = context(ctx, parent=ctx.quiz(quiz))
    _LAST_ANSWER_CONTEXT = (ctx, quiz, built)
    return built


# A question's activity (its IRI, name and interaction definition) is the same in every
# attempt at that quiz version: built once per process, kept for the last quizzes'
# questions (the key is the question's and reference's full text, so an edited question
# in a new version gets its own).
_QUESTION_ACTIVITIES: dict[tuple[str, str], tincan.Activity] = {}
_QUESTION_ACTIVITIES_MAX = 4096


def _question_activity(ref: Ref, question: Question) -> tincan.Activity:
    key = (repr(ref), repr(question))
    found = _QUESTION_ACTIVITIES.get(key)
    if found is None:
        if len(_QUESTION_ACTIVITIES) >= _QUESTION_ACTIVITIES_MAX:
            _QUESTION_ACTIVITIES.clear()
        found = _QUESTION_ACTIVITIES[key] = activity(ref, question.definition())
    return found


@statement_kind("question-answered")
def question_answered(
    ctx: CourseContext,
    learner: Person,
    quiz: Item,
    question: Question,
    *,
    answer: Any,
    timestamp: datetime,
    success: bool | None = None,
    score: Score | None = None,
    duration: timedelta | None = None,
) -> tincan.Statement:
    """One answer in an attempt. ``success`` and ``score`` stay empty until it is graded;
    the graded answer (e.g. a short answer marked by a trainer) is a second statement."""
    ref = question_ref(ctx, quiz, question)
    graded = "graded" if success is not None or score is not None else "submitted"
    return make(
        "question-answered", (ctx.registration, ref.iri, graded),
        actor=learner, verb_=Verb.ANSWERED, object_=_question_activity(ref, question), timestamp=timestamp,
        context_=_answer_context(ctx, quiz),
        result_=result(response=question.response(answer), success=success, score=score, duration_=duration),
    )


def _graded_attempt(kind: str, verb: Verb, success: bool | None, ctx: CourseContext, learner: Person, quiz: Item,
                    score: Score, timestamp: datetime, duration: timedelta | None) -> tincan.Statement:
    ref = ctx.quiz(quiz)
    return make(
        kind, (ctx.registration, ref.iri),
        actor=learner, verb_=verb, object_=activity(ref), timestamp=timestamp, context_=context(ctx),
        result_=result(score=score, success=success, completion=True, duration_=duration),
    )


@statement_kind("attempt-completed")
def attempt_completed(ctx: CourseContext, learner: Person, quiz: Item, *, score: Score, timestamp: datetime,
                      duration: timedelta | None = None) -> tincan.Statement:
    """The attempt (``ctx.registration``) was submitted and graded: score and duration."""
    return _graded_attempt("attempt-completed", Verb.COMPLETED, None, ctx, learner, quiz, score, timestamp, duration)


@statement_kind("attempt-passed")
def attempt_passed(ctx: CourseContext, learner: Person, quiz: Item, *, score: Score, timestamp: datetime,
                   duration: timedelta | None = None) -> tincan.Statement:
    """The attempt reached the pass mark."""
    return _graded_attempt("attempt-passed", Verb.PASSED, True, ctx, learner, quiz, score, timestamp, duration)


@statement_kind("attempt-failed")
def attempt_failed(ctx: CourseContext, learner: Person, quiz: Item, *, score: Score, timestamp: datetime,
                   duration: timedelta | None = None) -> tincan.Statement:
    """The attempt stayed below the pass mark."""
    return _graded_attempt("attempt-failed", Verb.FAILED, False, ctx, learner, quiz, score, timestamp, duration)
