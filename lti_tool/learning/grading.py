"""Grading strategies, one per question type (seed 七(二)1), in a registry.

A strategy reads the learner's answer from a form (``from_form``), checks and cleans a
saved answer (``clean``), grades it against the question as stored in the course
version (``grade``) and describes it as an xAPI interaction (``interaction``). A new
question type is one class here with its ``@strategy`` line (and its content model in
``lti_tool.catalog.questions``). Questions are the catalogue's pydantic models.

Answers, as saved in an attempt: single choice ``"b"``; multiple choice ``["a", "c"]``;
true/false ``True``; fill in the blanks ``{"blank-id": "text"}``; short answer
``"text"``; case analysis ``{"sub-question-id": <its answer>}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from lti_tool.catalog.questions import QuestionBase, normalize_answer
from xapi.statements import Choice
from xapi.statements import Question as Interaction

GetList = Callable[[str], list[str]]  # form field name -> its values (request.form.getlist)

STRATEGIES: dict[str, Grader] = {}


def strategy(cls: type[Grader]) -> type[Grader]:
    STRATEGIES[cls.type] = cls()
    return cls


def strategy_for(question: QuestionBase) -> Grader:
    return STRATEGIES[question.type]


@dataclass(frozen=True)
class Mark:
    """The grade of one answer. ``points`` None: an instructor grades it."""

    points: float | None
    max_points: float
    correct: bool | None = None
    parts: dict[str, Mark] = field(default_factory=dict)  # a case analysis, by sub-question

    @property
    def pending(self) -> bool:
        return self.points is None or any(p.pending for p in self.parts.values())


def field_name(*ids: str) -> str:
    """The form field of a question (and sub-question, blank): ``a.q-id.sub.blank``."""
    return ".".join(("a", *ids))


def _share(points: float, max_points: float) -> Mark:
    points = round(max(0.0, min(points, max_points)), 4)
    return Mark(points, max_points, points >= max_points)


class Grader:
    type: ClassVar[str]
    manual: ClassVar[bool] = False

    def from_form(self, question, get: GetList, *prefix: str):
        values = [v for v in get(field_name(*prefix, question.id)) if v != ""]
        return self.clean(question, values[0] if values else None)

    def clean(self, question, answer):
        """The answer as saved, or None when it is empty or not an answer to this question."""
        return answer if isinstance(answer, str) and answer.strip() else None

    def grade(self, question, answer) -> Mark:
        raise NotImplementedError

    def interaction(self, question, language: str = "zh-CN") -> Interaction:
        return Interaction.long_fill_in(question.id, _lang(question.stem))

    def response(self, question, answer) -> Any:
        return "" if answer is None else str(answer)


def _lang(text) -> dict[str, str]:
    return text.model_dump(by_alias=True)


@strategy
class SingleChoiceGrader(Grader):
    type = "single_choice"

    def clean(self, question, answer):
        return answer if isinstance(answer, str) and answer in question.option_ids() else None

    def grade(self, question, answer) -> Mark:
        answer = self.clean(question, answer)
        return _share(question.points if answer == question.answer else 0, question.points)

    def interaction(self, question, language: str = "zh-CN") -> Interaction:
        choices = [Choice(o.id, _lang(o.text)) for o in question.options]
        return Interaction.choice(question.id, _lang(question.stem), choices, [question.answer])

    def response(self, question, answer):
        return [answer] if answer else []


@strategy
class MultipleChoiceGrader(Grader):
    """``all_or_nothing``: the exact set or 0; ``partial``: points × (right − wrong) / right."""

    type = "multiple_choice"

    def from_form(self, question, get: GetList, *prefix: str):
        return self.clean(question, get(field_name(*prefix, question.id)))

    def clean(self, question, answer):
        if not isinstance(answer, list):
            return None
        chosen = [o for o in question.option_ids() if o in answer]  # option order, no duplicates
        return chosen or None

    def grade(self, question, answer) -> Mark:
        chosen, right = set(self.clean(question, answer) or ()), set(question.answers)
        if question.scoring == "partial":
            hits, misses = len(chosen & right), len(chosen - right)
            return _share(question.points * (hits - misses) / len(right), question.points)
        return _share(question.points if chosen == right else 0, question.points)

    def interaction(self, question, language: str = "zh-CN") -> Interaction:
        choices = [Choice(o.id, _lang(o.text)) for o in question.options]
        return Interaction.choice(question.id, _lang(question.stem), choices, question.answers)

    def response(self, question, answer):
        return list(answer or [])


@strategy
class TrueFalseGrader(Grader):
    type = "true_false"

    def clean(self, question, answer):
        if isinstance(answer, bool):
            return answer
        return {"true": True, "false": False}.get(answer) if isinstance(answer, str) else None

    def grade(self, question, answer) -> Mark:
        answer = self.clean(question, answer)
        return _share(question.points if answer is question.answer else 0, question.points)

    def interaction(self, question, language: str = "zh-CN") -> Interaction:
        return Interaction.true_false(question.id, _lang(question.stem), question.answer)

    def response(self, question, answer):
        return bool(answer)


@strategy
class FillBlankGrader(Grader):
    """Each blank matched with ``FillBlank.accepts`` (NFKC: full-width = half-width,
    trimmed, whitespace runs as one space, case-insensitive unless told otherwise)."""

    type = "fill_blank"

    def from_form(self, question, get: GetList, *prefix: str):
        answer = {}
        for blank in question.blanks:
            values = get(field_name(*prefix, question.id, blank.id))
            answer[blank.id] = values[0] if values else ""
        return self.clean(question, answer)

    def clean(self, question, answer):
        if not isinstance(answer, dict):
            return None
        cleaned = {b.id: answer[b.id][:500] for b in question.blanks
                   if isinstance(answer.get(b.id), str) and answer[b.id].strip()}
        return cleaned or None

    def grade(self, question, answer) -> Mark:
        given = self.clean(question, answer) or {}
        right = sum(1 for b in question.blanks if b.id in given and question.accepts(b.id, given[b.id]))
        total = len(question.blanks)
        if question.scoring == "all_or_nothing":
            return _share(question.points if right == total else 0, question.points)
        return _share(question.points * right / total, question.points)

    def interaction(self, question, language: str = "zh-CN") -> Interaction:
        accepted = [[b.accept[0] for b in question.blanks]]
        return Interaction.fill_in(question.id, _lang(question.stem), accepted, question.case_sensitive)

    def response(self, question, answer):
        given = answer or {}
        return [normalize_answer(given.get(b.id, ""), True) for b in question.blanks]


@strategy
class ShortAnswerGrader(Grader):
    """Graded by an instructor. An empty answer scores 0 at once: there is nothing to read."""

    type = "short_answer"
    manual = True

    def clean(self, question, answer):
        return answer.strip()[:20000] if isinstance(answer, str) and answer.strip() else None

    def grade(self, question, answer) -> Mark:
        if self.clean(question, answer) is None:
            return Mark(0.0, question.points, False)
        return Mark(None, question.points)

    def response(self, question, answer):
        return answer or ""


@strategy
class CaseAnalysisGrader(Grader):
    """A shared case with sub-questions; each part is graded by its own strategy."""

    type = "case_analysis"

    def from_form(self, question, get: GetList, *prefix: str):
        answer = {}
        for sub in question.questions:
            value = strategy_for(sub).from_form(sub, get, *prefix, question.id)
            if value is not None:
                answer[sub.id] = value
        return answer or None

    def clean(self, question, answer):
        if not isinstance(answer, dict):
            return None
        cleaned = {}
        for sub in question.questions:
            value = strategy_for(sub).clean(sub, answer.get(sub.id))
            if value is not None:
                cleaned[sub.id] = value
        return cleaned or None

    def grade(self, question, answer) -> Mark:
        given = answer if isinstance(answer, dict) else {}
        parts = {sub.id: strategy_for(sub).grade(sub, given.get(sub.id)) for sub in question.questions}
        if any(p.pending for p in parts.values()):
            return Mark(None, question.max_points, None, parts)
        points = sum(p.points for p in parts.values())
        return Mark(round(points, 4), question.max_points, points >= question.max_points, parts)

    def response(self, question, answer):
        given = answer or {}
        return "; ".join(f"{sub.id}: {strategy_for(sub).response(sub, given.get(sub.id))}"
                         for sub in question.questions)


def combine(parts: dict[str, float | None], max_points: float) -> Mark:
    """A case analysis's mark from its parts' points (after an instructor graded them)."""
    if any(v is None for v in parts.values()):
        return Mark(None, max_points)
    points = round(sum(parts.values()), 4)
    return Mark(points, max_points, points >= max_points)
