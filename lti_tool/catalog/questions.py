"""Question types (seed 七(二)1: choice, fill-in, short answer, case analysis).

Each type is one small class registered with ``@register``: pydantic validates its
shape, ``problems()`` its meaning (an answer that names no option, a blank missing
from the stem). A new type is one class here plus its one ``@register`` line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal, Union, get_args

from pydantic import Field, PositiveInt, StrictBool, model_validator

from lti_tool.catalog.common import LANGUAGES, I18n, Slug, Strict, Text, duplicates
from lti_tool.catalog.source import Loc

Found = Iterator[tuple[Loc, str]]

QUESTION_TYPES: dict[str, type[QuestionBase]] = {}


def register(cls: type[QuestionBase]) -> type[QuestionBase]:
    (name,) = get_args(cls.model_fields["type"].annotation)
    QUESTION_TYPES[name] = cls
    return cls


class QuestionBase(Strict):
    """Fields every question has. ``feedback`` is shown after answering, ``explanation``
    in the review (why the right answer is right)."""

    type: str
    id: Slug
    points: PositiveInt
    stem: I18n
    feedback: I18n | None = None
    explanation: I18n | None = None

    #: Graded by an instructor rather than automatically.
    manual: ClassVar[bool] = False
    #: May be a sub-question of a case analysis.
    nestable: ClassVar[bool] = True

    def problems(self) -> Found:
        yield from ()

    @property
    def max_points(self) -> int:
        return self.points

    @property
    def needs_instructor(self) -> bool:
        return self.manual


class Option(Strict):
    id: Slug
    text: I18n
    feedback: I18n | None = None  # shown when this option was chosen


class _Choice(QuestionBase):
    options: list[Option] = Field(min_length=2)

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    def problems(self) -> Found:
        for index, option_id in duplicates(self.option_ids()):
            yield ("options", index, "id"), f"duplicate option id '{option_id}'"


@register
class SingleChoice(_Choice):
    """One right option."""

    type: Literal["single_choice"]
    answer: Slug

    def problems(self) -> Found:
        yield from super().problems()
        if self.answer not in self.option_ids():
            yield ("answer",), _not_an_option(self.answer, self.option_ids())


@register
class MultipleChoice(_Choice):
    """Several right options. ``all_or_nothing``: full points only for exactly the right
    set. ``partial``: points × (right chosen − wrong chosen) / right options, at least 0."""

    type: Literal["multiple_choice"]
    answers: list[Slug] = Field(min_length=1)
    scoring: Literal["all_or_nothing", "partial"] = "all_or_nothing"

    def problems(self) -> Found:
        yield from super().problems()
        for index, answer in enumerate(self.answers):
            if answer not in self.option_ids():
                yield ("answers", index), _not_an_option(answer, self.option_ids())
        for index, answer in duplicates(self.answers):
            yield ("answers", index), f"answer '{answer}' is listed twice"


@register
class TrueFalse(QuestionBase):
    """A statement (the stem) that is true or false."""

    type: Literal["true_false"]
    answer: StrictBool


BLANK = re.compile(r"\[\[([^\[\]]*)\]\]")


class Blank(Strict):
    id: Slug
    accept: list[Text] = Field(min_length=1)  # accepted in any language


def normalize_answer(text: str, case_sensitive: bool = False) -> str:
    """The form in which a typed answer is compared with the accepted answers:
    Unicode NFKC (full-width ``２４Ｖ`` equals ``24V``), trimmed, runs of whitespace
    as one space, and case-folded unless the question is case sensitive."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return text if case_sensitive else text.casefold()


@register
class FillBlank(QuestionBase):
    """Blanks written ``[[blank-id]]`` in both stems, each with its accepted answers.
    ``partial``: each right blank earns points / blanks; ``all_or_nothing``: all or 0."""

    type: Literal["fill_blank"]
    blanks: list[Blank] = Field(min_length=1)
    case_sensitive: bool = False
    scoring: Literal["partial", "all_or_nothing"] = "partial"

    def accepts(self, blank_id: str, text: str) -> bool:
        blank = next(b for b in self.blanks if b.id == blank_id)
        wanted = {normalize_answer(a, self.case_sensitive) for a in blank.accept}
        return normalize_answer(text, self.case_sensitive) in wanted

    def problems(self) -> Found:
        ids = [b.id for b in self.blanks]
        for index, blank_id in duplicates(ids):
            yield ("blanks", index, "id"), f"duplicate blank id '{blank_id}'"
        for language in LANGUAGES:
            stem = self.stem.get(language)
            marks = BLANK.findall(stem)
            for blank_id in ids:
                if marks.count(blank_id) != 1:
                    times = "is missing from" if blank_id not in marks else "appears more than once in"
                    yield ("stem", language), f"blank [[{blank_id}]] {times} the {language} stem"
            for mark in marks:
                if mark not in ids:
                    yield ("stem", language), f"[[{mark}]] in the {language} stem is not a blank of this question"


class RubricLevel(Strict):
    points: int = Field(ge=0)
    descriptor: I18n


@register
class ShortAnswer(QuestionBase):
    """A written answer graded by an instructor against a reference answer and/or a
    rubric (criteria whose points add up to the question's points)."""

    type: Literal["short_answer"]
    reference_answer: I18n | None = None
    rubric: list[RubricLevel] | None = None
    manual: ClassVar[bool] = True

    def problems(self) -> Found:
        if self.reference_answer is None and not self.rubric:
            yield (), "a short answer needs a reference_answer or a rubric for the instructor"
        if self.rubric and sum(c.points for c in self.rubric) != self.points:
            total = sum(c.points for c in self.rubric)
            yield ("rubric",), f"rubric points add up to {total}, the question is worth {self.points}"


@register
class CaseAnalysis(QuestionBase):
    """A shared case (Markdown) and sub-questions of any other type; its points are the
    sum of theirs. Open parts are graded by an instructor."""

    type: Literal["case_analysis"]
    case: I18n
    points: PositiveInt | None = None  # the sum of the sub-questions when omitted
    questions: list[SubQuestion] = Field(min_length=1)  # type: ignore[valid-type]
    nestable: ClassVar[bool] = False

    @model_validator(mode="after")
    def _derive_points(self) -> CaseAnalysis:
        if self.points is None:
            object.__setattr__(self, "points", self.max_points)
        return self

    @property
    def max_points(self) -> int:
        return sum(q.max_points for q in self.questions)

    @property
    def needs_instructor(self) -> bool:
        return any(q.needs_instructor for q in self.questions)

    def problems(self) -> Found:
        if self.points != self.max_points:
            yield ("points",), f"points is {self.points} but the sub-questions add up to {self.max_points}"
        for index, sub_id in duplicates(q.id for q in self.questions):
            yield ("questions", index, "id"), f"duplicate sub-question id '{sub_id}'"
        for index, question in enumerate(self.questions):
            for loc, message in question.problems():
                yield ("questions", index, *loc), message


def _union(types: list[type[QuestionBase]]):
    return Annotated[Union[tuple(types)], Field(discriminator="type")]  # noqa: UP007


def _not_an_option(answer: str, option_ids: list[str]) -> str:
    return f"answer '{answer}' is not one of the options ({', '.join(option_ids)})"


#: Every type a case analysis may contain (the registry is complete here).
SubQuestion = _union([t for t in QUESTION_TYPES.values() if t.nestable])
CaseAnalysis.model_rebuild()
#: Any registered question type, chosen by its ``type`` field.
Question = _union(list(QUESTION_TYPES.values()))
