"""Scoring a practical task from the levels an assessor chose: pure functions on the
task as stored in a course version (JSON) and plain values.

Score = Σ weight × level percent / 100 (weights add up to 100, so out of 100). Passed
when the score reaches ``pass_percent`` and no critical criterion is at a 0 % level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCORE_MAXIMUM = 100.0


@dataclass(frozen=True)
class CriterionResult:
    id: str
    section_id: str
    title: dict
    weight: int
    critical: bool
    evidence_required: bool
    level: dict | None  # the chosen level (id, percent, label, descriptor), None if not graded yet
    points: float | None
    note: str = ""

    @property
    def failed_critical(self) -> bool:
        return self.critical and self.level is not None and self.level["percent"] == 0


@dataclass(frozen=True)
class TaskResult:
    criteria: list[CriterionResult]
    pass_percent: int
    missing: list[str] = field(default_factory=list)  # criteria without a level

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def score(self) -> float:
        return round(sum(c.points or 0 for c in self.criteria), 2)

    @property
    def critical_failures(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.failed_critical]

    @property
    def passed(self) -> bool:
        return self.complete and self.score >= self.pass_percent and not self.critical_failures


def criteria(task: dict) -> list[tuple[dict, dict]]:
    """(section, criterion) pairs of a task, in order."""
    return [(section, criterion) for section in task["sections"] for criterion in section["criteria"]]


def level_of(criterion: dict, level_id: str | None) -> dict | None:
    for level in criterion["levels"]:
        if level["id"] == level_id:
            return level
    return None


class InvalidGrading(ValueError):
    """The levels sent do not belong to the task (a forged or stale form)."""


def clean(task: dict, levels: dict, notes: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Only known criteria with known levels; anything else is refused, not ignored."""
    known = {c["id"]: c for _s, c in criteria(task)}
    cleaned_levels, cleaned_notes = {}, {}
    for criterion_id, level_id in (levels or {}).items():
        if criterion_id not in known:
            raise InvalidGrading(f"unknown criterion {criterion_id!r}")
        if level_id in (None, ""):
            continue
        if level_of(known[criterion_id], level_id) is None:
            raise InvalidGrading(f"unknown level {level_id!r} for {criterion_id!r}")
        cleaned_levels[criterion_id] = level_id
    for criterion_id, note in (notes or {}).items():
        if criterion_id not in known:
            raise InvalidGrading(f"unknown criterion {criterion_id!r}")
        note = str(note or "").strip()[:2000]
        if note:
            cleaned_notes[criterion_id] = note
    return cleaned_levels, cleaned_notes


def score_task(task: dict, levels: dict, notes: dict | None = None) -> TaskResult:
    notes = notes or {}
    rows, missing = [], []
    for section, criterion in criteria(task):
        level = level_of(criterion, levels.get(criterion["id"]))
        if level is None:
            missing.append(criterion["id"])
        rows.append(CriterionResult(
            id=criterion["id"], section_id=section["id"], title=criterion["title"], weight=criterion["weight"],
            critical=bool(criterion.get("critical")), evidence_required=bool(criterion.get("evidence_required")),
            level=level, points=None if level is None else round(criterion["weight"] * level["percent"] / 100, 2),
            note=notes.get(criterion["id"], ""),
        ))
    return TaskResult(rows, task["pass_percent"], missing)


def evidence_missing(result: TaskResult, photos: dict[str, int]) -> list[str]:
    """Criteria that need evidence and have neither a photo nor a written note."""
    return [c.id for c in result.criteria if c.evidence_required and not photos.get(c.id) and not c.note]
