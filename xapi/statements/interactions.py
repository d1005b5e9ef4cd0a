"""Questions as xAPI interaction activities: one small strategy per interaction type.

A strategy turns our notion of "the correct answer" into ``correctResponsesPattern``
and a learner's answer into ``result.response`` (xAPI 1.0.3 §2.4.4.1, response
patterns). A new question kind is one class and one line in ``INTERACTIONS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xapi.statements.values import LangMap, lang_map
from xapi.vocabulary import InteractionType

SEP = "[,]"  # the list delimiter of response patterns


def _ids(values: Iterable[str] | str) -> list[str]:
    items = [values] if isinstance(values, str) else list(values)
    for item in items:
        if not item or SEP in item or any(c.isspace() for c in item):
            raise ValueError(f"choice id {item!r} must be non-empty, without spaces or '[,]'")
    return items


class ChoiceInteraction:
    type = InteractionType.CHOICE
    has_choices = True

    def patterns(self, correct: Iterable[str]) -> tuple[str, ...]:
        return (SEP.join(_ids(correct)),)

    def response(self, answer: Iterable[str] | str) -> str:
        return SEP.join(_ids(answer))


class TrueFalseInteraction:
    type = InteractionType.TRUE_FALSE
    has_choices = False

    def patterns(self, correct: bool) -> tuple[str, ...]:
        return (self.response(correct),)

    def response(self, answer: bool) -> str:
        if not isinstance(answer, bool):
            raise ValueError("a true-false answer is a bool")
        return "true" if answer else "false"


class FillInInteraction:
    """Short text blanks: every accepted answer is one pattern; several blanks join with [,]."""

    type = InteractionType.FILL_IN
    has_choices = False

    def patterns(self, correct: Iterable[str | Sequence[str]], case_matters: bool = False) -> tuple[str, ...]:
        prefix = "" if case_matters else "{case_matters=false}"
        out = []
        for accepted in correct:
            text = self.response(accepted)
            out.append(prefix + text)
        return tuple(out)

    def response(self, answer: str | Sequence[str]) -> str:
        return answer if isinstance(answer, str) else SEP.join(answer)


class LongFillInInteraction(FillInInteraction):
    """Short answers and case analyses: graded by a person, so no pattern unless given."""

    type = InteractionType.LONG_FILL_IN

    def patterns(self, correct: Iterable[str] = (), case_matters: bool = False) -> tuple[str, ...]:
        return super().patterns(correct, case_matters)


class OtherInteraction:
    type = InteractionType.OTHER
    has_choices = False

    def patterns(self, correct: str | None = None) -> tuple[str, ...]:
        return (str(correct),) if correct else ()

    def response(self, answer: Any) -> str:
        return str(answer)


INTERACTIONS = {s.type: s for s in (ChoiceInteraction(), TrueFalseInteraction(), FillInInteraction(), LongFillInInteraction(), OtherInteraction())}


@dataclass(frozen=True)
class Choice:
    id: str
    text: LangMap


@dataclass(frozen=True)
class Question:
    """A question as an interaction activity. Build it with the class methods."""

    id: str
    interaction: InteractionType
    prompt: LangMap
    correct_patterns: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    title: LangMap | None = None  # a short name; the prompt is the description

    @property
    def strategy(self):
        return INTERACTIONS[self.interaction]

    def response(self, answer: Any) -> str:
        return self.strategy.response(answer)

    def definition(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": lang_map(self.title or self.prompt),
            "description": lang_map(self.prompt),
            "interactionType": self.interaction.value,
        }
        if self.correct_patterns:
            data["correctResponsesPattern"] = list(self.correct_patterns)
        if self.choices:
            data["choices"] = [{"id": c.id, "description": lang_map(c.text)} for c in self.choices]
        return data

    @classmethod
    def choice(cls, id: str, prompt: LangMap, choices: Sequence[Choice], correct: Iterable[str],
               title: LangMap | None = None) -> "Question":
        known = {c.id for c in choices}
        _ids(known)
        correct = list(correct)
        if len(known) != len(choices) or not set(correct) <= known:
            raise ValueError(f"question {id}: choice ids must be unique and include every correct one")
        return cls(id, InteractionType.CHOICE, prompt, INTERACTIONS[InteractionType.CHOICE].patterns(correct),
                   tuple(choices), title)

    @classmethod
    def true_false(cls, id: str, prompt: LangMap, correct: bool, title: LangMap | None = None) -> "Question":
        return cls(id, InteractionType.TRUE_FALSE, prompt, INTERACTIONS[InteractionType.TRUE_FALSE].patterns(correct),
                   title=title)

    @classmethod
    def fill_in(cls, id: str, prompt: LangMap, accepted: Iterable[str | Sequence[str]], case_matters: bool = False,
                title: LangMap | None = None) -> "Question":
        patterns = INTERACTIONS[InteractionType.FILL_IN].patterns(accepted, case_matters)
        return cls(id, InteractionType.FILL_IN, prompt, patterns, title=title)

    @classmethod
    def long_fill_in(cls, id: str, prompt: LangMap, title: LangMap | None = None) -> "Question":
        return cls(id, InteractionType.LONG_FILL_IN, prompt, title=title)

    @classmethod
    def other(cls, id: str, prompt: LangMap, correct: str | None = None, title: LangMap | None = None) -> "Question":
        return cls(id, InteractionType.OTHER, prompt, INTERACTIONS[InteractionType.OTHER].patterns(correct),
                   title=title)
