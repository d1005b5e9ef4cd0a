"""Practical assessment tasks (seed 六(一)4, 七(二)2): a checklist of weighted criteria,
graded on site by an assessor, each criterion on its own rubric levels.

Score = Σ weight × level percent / 100 (weights add up to 100, so the score is out of
100). A *critical* criterion graded at a 0 % level fails the task whatever the total.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import Field, PositiveInt

from lti_tool.catalog.common import I18n, Percent, Slug, Strict, duplicates
from lti_tool.catalog.source import Loc

Found = Iterator[tuple[Loc, str]]


class Level(Strict):
    """One rubric level: the share of the criterion's weight it earns, and what it
    looks like in practice."""

    id: Slug
    percent: Percent
    label: I18n
    descriptor: I18n


#: The levels of a criterion written without ``levels``: a checklist item, met or not.
CHECKLIST_LEVELS = (
    Level(
        id="not-met",
        percent=0,
        label=I18n(**{"zh-CN": "未达到", "en": "Not met"}),
        descriptor=I18n(**{"zh-CN": "未按要求完成，或未完成。", "en": "Not done, or not done as required."}),
    ),
    Level(
        id="met",
        percent=100,
        label=I18n(**{"zh-CN": "达到", "en": "Met"}),
        descriptor=I18n(**{"zh-CN": "按要求完成。", "en": "Done as required."}),
    ),
)


class Criterion(Strict):
    id: Slug
    title: I18n
    weight: int = Field(ge=0)
    critical: bool = False
    guidance: I18n | None = None  # what the assessor watches for
    evidence_required: bool = False  # the assessor must attach a photo or note
    levels: list[Level] = Field(default_factory=lambda: list(CHECKLIST_LEVELS), min_length=2)

    def problems(self) -> Found:
        if self.critical and self.weight == 0:
            yield ("weight",), "a critical criterion must carry weight (it has 0)"
        for index, level_id in duplicates(level.id for level in self.levels):
            yield ("levels", index, "id"), f"duplicate level id '{level_id}'"
        for index, percent in duplicates(level.percent for level in self.levels):
            yield ("levels", index, "percent"), f"two levels give {percent} %"
        if self.levels and max(level.percent for level in self.levels) != 100:
            yield ("levels",), "the top level must give 100 %"
        if self.critical and all(level.percent > 0 for level in self.levels):
            yield ("levels",), "a critical criterion needs a 0 % level (the one that fails the task)"


class Section(Strict):
    id: Slug
    title: I18n
    criteria: list[Criterion] = Field(min_length=1)


class PracticalTask(Strict):
    id: Slug
    title: I18n
    description: I18n | None = None
    duration_minutes: PositiveInt
    pass_percent: Percent
    assessor_instructions: I18n
    safety_notes: list[I18n] = Field(min_length=1)
    equipment: list[I18n] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)

    score_maximum: ClassVar[int] = 100

    def criteria(self) -> list[Criterion]:
        return [c for section in self.sections for c in section.criteria]

    def problems(self) -> Found:
        for index, section_id in duplicates(s.id for s in self.sections):
            yield ("sections", index, "id"), f"duplicate section id '{section_id}'"
        seen: set[str] = set()
        for s_index, section in enumerate(self.sections):
            for c_index, criterion in enumerate(section.criteria):
                loc = ("sections", s_index, "criteria", c_index)
                if criterion.id in seen:
                    yield loc + ("id",), f"duplicate criterion id '{criterion.id}'"
                seen.add(criterion.id)
                for sub, message in criterion.problems():
                    yield loc + sub, message
        total = sum(c.weight for c in self.criteria())
        if total != 100:
            yield ("sections",), f"criterion weights must add up to 100 (they add up to {total})"
