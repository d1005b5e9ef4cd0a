"""Practical assessments at the work site: scored by an assessor against a checklist."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import tincan

from xapi.statements.base import activity, context, make, result, statement_kind
from xapi.statements.values import CourseContext, Criterion, Item, Person, Score
from xapi.vocabulary import Extension, Verb


def _assessed(
    kind: str, verb: Verb, success: bool | None, ctx: CourseContext, learner: Person, task: Item, assessor: Person,
    score: Score, criteria: Sequence[Criterion], timestamp: datetime, duration: timedelta | None,
) -> tincan.Statement:
    if not criteria:
        raise ValueError("a practical assessment records at least one checklist criterion")
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise ValueError("checklist criterion ids must be unique")
    ref = ctx.practical(task)
    return make(
        kind, (ctx.registration, ref.iri),
        actor=learner, verb_=verb, object_=activity(ref), timestamp=timestamp,
        context_=context(ctx, instructor=assessor),
        result_=result(
            score=score, success=success, completion=True, duration_=duration,
            extensions={ctx.iris.extension(Extension.CRITERIA): [c.as_dict() for c in criteria]},
        ),
    )


@statement_kind("practical-scored")
def practical_scored(
    ctx: CourseContext, learner: Person, task: Item, *, assessor: Person, score: Score,
    criteria: Sequence[Criterion], timestamp: datetime, duration: timedelta | None = None,
) -> tincan.Statement:
    """The assessor (``context.instructor``) scored the task; every criterion is in the result."""
    return _assessed("practical-scored", Verb.SCORED, None, ctx, learner, task, assessor, score, criteria,
                     timestamp, duration)


@statement_kind("practical-passed")
def practical_passed(
    ctx: CourseContext, learner: Person, task: Item, *, assessor: Person, score: Score,
    criteria: Sequence[Criterion], timestamp: datetime, duration: timedelta | None = None,
) -> tincan.Statement:
    """The assessor signed the task off as passed."""
    return _assessed("practical-passed", Verb.PASSED, True, ctx, learner, task, assessor, score, criteria,
                     timestamp, duration)


@statement_kind("practical-failed")
def practical_failed(
    ctx: CourseContext, learner: Person, task: Item, *, assessor: Person, score: Score,
    criteria: Sequence[Criterion], timestamp: datetime, duration: timedelta | None = None,
) -> tincan.Statement:
    """The assessor judged the task not passed."""
    return _assessed("practical-failed", Verb.FAILED, False, ctx, learner, task, assessor, score, criteria,
                     timestamp, duration)
