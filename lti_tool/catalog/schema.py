"""The content format as pydantic models: course manifest, lesson, quiz, practical task.

Shape errors come from pydantic; each model's ``problems()`` adds the checks that need
more than one field, as ``(location, message)`` pairs relative to the model. Checks
across files (does the referenced quiz exist?) live in :mod:`lti_tool.catalog.course`.
See ``content/README.md`` for the format in prose.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, PositiveFloat, PositiveInt

from lti_tool.catalog.common import LANGUAGES, I18n, Percent, RelPath, Slug, Strict, Version, duplicates
from lti_tool.catalog.practical import Criterion, Level, PracticalTask, Section
from lti_tool.catalog.questions import QUESTION_TYPES, Question, QuestionBase, normalize_answer
from lti_tool.catalog.source import Loc

__all__ = [
    "CATEGORIES", "MODES", "LANGUAGES", "QUESTION_TYPES", "CourseManifest", "Completion",
    "Certificate", "Session", "LessonMeta", "Quiz", "QuizSettings", "Pool", "Draw", "Question",
    "QuestionBase", "PracticalTask", "Section", "Criterion", "Level", "I18n", "normalize_answer",
]

Found = Iterator[tuple[Loc, str]]

#: Course categories (seed 五): 通用类, 专业技能类, 管理类, 行业前沿与新技术.
CATEGORIES = ("general", "professional", "management", "frontier")
#: Delivery modes (seed 六(一)): 在线学习, 内部培训 (classroom), 实践操作, 外部培训.
MODES = ("online", "classroom", "practical", "external")

Category = Literal["general", "professional", "management", "frontier"]
Mode = Literal["online", "classroom", "practical", "external"]


# -- lessons -------------------------------------------------------------------


class LessonMeta(Strict):
    """A lesson file's front matter; the bodies follow it, one section per language."""

    id: Slug
    title: I18n
    minutes: PositiveInt
    summary: I18n | None = None


# -- quizzes -------------------------------------------------------------------


class QuizSettings(Strict):
    pass_percent: Percent
    time_limit_minutes: PositiveInt | None = None  # none: untimed
    max_attempts: PositiveInt | None = None  # none: unlimited
    grading: Literal["highest", "last"] = "highest"
    shuffle_questions: bool = False
    shuffle_options: bool = True
    review: Literal["after_each_attempt", "after_last_attempt", "never"] = "after_each_attempt"
    show_correct_answers: bool = True


class Pool(Strict):
    id: Slug
    title: I18n | None = None
    questions: list[Question] = Field(min_length=1)  # type: ignore[valid-type]


class Draw(Strict):
    pool: Slug
    count: PositiveInt


class Quiz(Strict):
    """Fixed ``questions`` always appear, then ``count`` questions drawn at random from
    each pool named in ``draws``."""

    id: Slug
    title: I18n
    description: I18n | None = None
    settings: QuizSettings
    questions: list[Question] = Field(default_factory=list)  # type: ignore[valid-type]
    pools: list[Pool] = Field(default_factory=list)
    draws: list[Draw] = Field(default_factory=list)

    def all_questions(self) -> list[QuestionBase]:
        return list(self.questions) + [q for pool in self.pools for q in pool.questions]

    @property
    def score_maximum(self) -> int:
        pools = {pool.id: pool for pool in self.pools}
        drawn = sum(
            d.count * pools[d.pool].questions[0].max_points for d in self.draws if d.pool in pools
        )
        return sum(q.max_points for q in self.questions) + drawn

    @property
    def questions_per_attempt(self) -> int:
        return len(self.questions) + sum(d.count for d in self.draws)

    def problems(self) -> Found:
        if not self.questions and not self.draws:
            yield ("questions",), "a quiz needs questions or draws from a pool"
        if self.settings.review == "after_last_attempt" and self.settings.max_attempts is None:
            yield ("settings", "review"), "after_last_attempt needs max_attempts (there is no last attempt)"
        seen: set[str] = set()
        for base, question in self._located_questions():
            if question.id in seen:
                yield base + ("id",), f"duplicate question id '{question.id}'"
            seen.add(question.id)
            for loc, message in question.problems():
                yield base + loc, message
        yield from self._pool_problems()

    def _located_questions(self) -> Iterator[tuple[Loc, QuestionBase]]:
        for index, question in enumerate(self.questions):
            yield ("questions", index), question
        for p_index, pool in enumerate(self.pools):
            for index, question in enumerate(pool.questions):
                yield ("pools", p_index, "questions", index), question

    def _pool_problems(self) -> Found:
        for index, pool_id in duplicates(p.id for p in self.pools):
            yield ("pools", index, "id"), f"duplicate pool id '{pool_id}'"
        pools = {pool.id: pool for pool in self.pools}
        for index, draw in enumerate(self.draws):
            pool = pools.get(draw.pool)
            if pool is None:
                yield ("draws", index, "pool"), f"there is no pool '{draw.pool}'"
            elif draw.count > len(pool.questions):
                yield (
                    ("draws", index, "count"),
                    f"draws {draw.count} questions from pool '{draw.pool}', which has {len(pool.questions)}",
                )
        for index, pool_id in duplicates(d.pool for d in self.draws):
            yield ("draws", index, "pool"), f"pool '{pool_id}' is drawn from twice; draw once with a larger count"
        drawn = {d.pool for d in self.draws}
        for index, pool in enumerate(self.pools):
            if pool.id not in drawn:
                yield ("pools", index, "id"), f"pool '{pool.id}' is never drawn from"
            if len({q.max_points for q in pool.questions}) > 1:
                yield (
                    ("pools", index, "questions"),
                    "every question in a pool must be worth the same points, so every draw scores the same",
                )


# -- the course ------------------------------------------------------------------


class Session(Strict):
    """A classroom or on-site session learners attend (attendance is taken)."""

    id: Slug
    title: I18n
    description: I18n | None = None
    mode: Literal["classroom", "practical", "external"]
    hours: PositiveFloat


class Completion(Strict):
    """What completes the course (and earns its certificate, when it has one)."""

    lessons: Literal["all"] | list[Slug] = "all"
    quizzes: list[Slug] = Field(default_factory=list)  # to pass
    practical: list[Slug] = Field(default_factory=list)  # to pass
    attendance_percent: Percent | None = None  # share of the sessions attended


class Certificate(Strict):
    validity_months: PositiveInt | None = None  # none: does not expire


class CourseManifest(Strict):
    format: Literal[1] = 1
    id: Slug
    version: Version
    category: Category
    modes: list[Mode] = Field(min_length=1)
    title: I18n
    description: I18n
    hours: PositiveFloat
    audience: I18n | None = None
    objectives: list[I18n] = Field(default_factory=list)
    lessons: list[RelPath] = Field(default_factory=list)
    quizzes: list[RelPath] = Field(default_factory=list)
    practical: list[RelPath] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    completion: Completion
    grade_weights: dict[Slug, PositiveInt] | None = None
    certificate: Certificate | None = None

    def problems(self) -> Found:
        for index, mode in duplicates(self.modes):
            yield ("modes", index), f"mode '{mode}' is listed twice"
        for key in ("lessons", "quizzes", "practical"):
            for index, path in duplicates(getattr(self, key)):
                yield (key, index), f"{path} is listed twice"
        for index, session_id in duplicates(s.id for s in self.sessions):
            yield ("sessions", index, "id"), f"duplicate session id '{session_id}'"
        for index, session in enumerate(self.sessions):
            if session.mode not in self.modes:
                yield ("sessions", index, "mode"), f"mode '{session.mode}' is not among the course's modes"
        if self.practical and "practical" not in self.modes:
            yield ("modes",), "the course has practical tasks, so its modes must include practical"
        if self.completion.attendance_percent is not None and not self.sessions:
            yield ("completion", "attendance_percent"), "an attendance rule needs sessions"
        if self.grade_weights is not None and sum(self.grade_weights.values()) != 100:
            yield ("grade_weights",), f"grade weights must add up to 100 (they add up to {sum(self.grade_weights.values())})"
