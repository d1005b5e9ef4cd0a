"""Per-question statistics for instructors: difficulty and discrimination.

Difficulty is the mean share of the points learners earned on the question (1.0: every
one got it fully right). Discrimination is the point-biserial correlation (Pearson's r)
between the share earned on the question and the share earned on the rest of the
attempt: near 0 or negative means the question does not separate stronger learners
from weaker ones (a wrong key, an ambiguous stem). Counted attempts are every graded
attempt in the LMS course.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.learning.models import GRADED, AttemptResponse, QuizAttempt


@dataclass(frozen=True)
class QuestionStats:
    question_id: str
    answered: int  # attempts that had this question on their paper
    difficulty: float | None
    discrimination: float | None


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def question_stats(session: Session, context_id: int, item_id: str) -> list[QuestionStats]:
    rows = session.execute(
        select(AttemptResponse.attempt_id, AttemptResponse.question_id, AttemptResponse.points,
               AttemptResponse.max_points)
        .join(QuizAttempt)
        .where(QuizAttempt.context_id == context_id, QuizAttempt.item_id == item_id, QuizAttempt.status == GRADED)
    ).all()
    per_question: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    order: list[str] = []
    for attempt_id, question_id, points, max_points in rows:
        if question_id not in per_question:
            order.append(question_id)
        cell = per_question[question_id][attempt_id]
        cell[0] += points or 0.0
        cell[1] += max_points
        totals[attempt_id][0] += points or 0.0
        totals[attempt_id][1] += max_points
    out = []
    for question_id in order:
        cells = per_question[question_id]
        shares, rests = [], []
        for attempt_id, (points, max_points) in cells.items():
            shares.append(points / max_points if max_points else 0.0)
            rest_points = totals[attempt_id][0] - points
            rest_max = totals[attempt_id][1] - max_points
            rests.append(rest_points / rest_max if rest_max else 0.0)
        difficulty = round(sum(shares) / len(shares), 3) if shares else None
        r = pearson(shares, rests)
        out.append(QuestionStats(question_id, len(cells), difficulty, None if r is None else round(r, 3)))
    return out
