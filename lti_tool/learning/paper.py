"""A quiz as stored in a course version, and the paper drawn for one attempt.

The paper is every fixed question (in order, or shuffled) and ``count`` questions drawn
at random from each pool, with the options of choice questions shuffled when the quiz
says so. It is saved with the attempt, so a reload, a resume or a regrade sees the
same paper.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from lti_tool.catalog.models import CourseVersion
from lti_tool.catalog.questions import QuestionBase
from lti_tool.catalog.schema import Quiz

CHOICE_TYPES = ("single_choice", "multiple_choice")


@dataclass(frozen=True)
class QuizDef:
    """A quiz of one course version, with every question (fixed and pooled) by id."""

    course_id: str
    version_id: int
    version: str
    quiz: Quiz
    questions: dict[str, QuestionBase]

    @property
    def settings(self):
        return self.quiz.settings

    @property
    def score_maximum(self) -> float:
        return float(self.quiz.score_maximum)

    def title(self, locale: str | None) -> str:
        return self.quiz.title.get(locale)

    @property
    def titles(self) -> dict:
        return self.quiz.title.model_dump(by_alias=True)


def quiz_def(version: CourseVersion, quiz_id: str) -> QuizDef:
    """The quiz ``quiz_id`` of ``version`` (LookupError when it has none). Parsed once per
    process and version: a stored version never changes."""
    key = (version.content_hash, quiz_id, version.id, version.slug, version.version)
    found = _CACHE.get(key)
    if found is None:
        quiz = Quiz.model_validate(version.quiz(quiz_id))
        found = QuizDef(version.slug, version.id, version.version, quiz, {q.id: q for q in quiz.all_questions()})
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = found
    return found


_CACHE: dict[tuple, QuizDef] = {}


def draw_paper(quiz: Quiz, rng: random.Random | None = None) -> list[dict]:
    """The questions of one attempt: ``[{"q": id, "options": [...], "parts": {...}}]``."""
    rng = rng or random.SystemRandom()
    chosen: list[QuestionBase] = list(quiz.questions)
    pools = {pool.id: pool for pool in quiz.pools}
    drawn: list[QuestionBase] = []
    for draw in quiz.draws:
        drawn.extend(rng.sample(list(pools[draw.pool].questions), draw.count))
    chosen += drawn
    if quiz.settings.shuffle_questions:
        rng.shuffle(chosen)
    return [_entry(q, quiz.settings.shuffle_options, rng) for q in chosen]


def _entry(question: QuestionBase, shuffle: bool, rng: random.Random) -> dict:
    entry: dict = {"q": question.id}
    if question.type in CHOICE_TYPES:
        entry["options"] = _order(question, shuffle, rng)
    if question.type == "case_analysis":
        entry["parts"] = {sub.id: _order(sub, shuffle, rng) for sub in question.questions if sub.type in CHOICE_TYPES}
    return entry


def _order(question, shuffle: bool, rng: random.Random) -> list[str]:
    ids = [o.id for o in question.options]
    if shuffle:
        rng.shuffle(ids)
    return ids


def paper_maximum(paper: list[dict], questions: dict[str, QuestionBase]) -> float:
    return float(sum(questions[e["q"]].max_points for e in paper if e["q"] in questions))
