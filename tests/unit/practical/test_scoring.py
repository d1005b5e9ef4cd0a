"""Scoring practical tasks (content/README.md §7): Σ weight × level percent / 100, a
pass threshold, critical criteria that fail the task at 0 % whatever the total, and
evidence required as a photo or a written note."""

from __future__ import annotations

from pathlib import Path

import pytest

from lti_tool.catalog import BUNDLED_CONTENT
from lti_tool.catalog.course import read_course
from lti_tool.practical.scoring import InvalidGrading, clean, criteria, evidence_missing, score_task

SAMPLE = Path(__file__).resolve().parents[1] / "catalog" / "sample" / "basics"


def task_of(folder: Path, task_id: str) -> dict:
    course, problems = read_course(folder)
    assert course is not None, problems[:3]
    return next(course.payload()["practical"][i] for i, t in enumerate(course.practical) if t.id == task_id)


@pytest.fixture(scope="module")
def model_task() -> dict:
    return task_of(BUNDLED_CONTENT / "fault-diagnosis-repair", "diagnosis-repair-assessment")


def top_levels(task: dict) -> dict:
    return {c["id"]: max(c["levels"], key=lambda lv: lv["percent"])["id"] for _s, c in criteria(task)}


def test_every_criterion_at_its_top_level_scores_100_and_passes(model_task):
    result = score_task(model_task, top_levels(model_task))
    assert result.complete and result.score == 100 and result.passed


def test_a_critical_criterion_at_zero_fails_the_task_whatever_the_total(model_task):
    levels = {**top_levels(model_task), "safe-restore": "unsafe"}  # weight 5, critical
    result = score_task(model_task, levels)
    assert result.score == 95 >= model_task["pass_percent"]
    assert not result.passed
    assert [c.id for c in result.critical_failures] == ["safe-restore"]


def test_the_score_is_the_weighted_share_of_each_chosen_level(model_task):
    levels = {**top_levels(model_task), "hypotheses": "unordered", "instruments": "minor-slips"}
    result = score_task(model_task, levels)
    assert result.score == 100 - 20 * 0.6 - 10 * 0.4  # 84
    assert result.passed  # ≥ 75
    below = score_task(model_task, {**levels, "workmanship": "poor"})
    assert below.score == 69 and not below.passed


def test_an_ungraded_criterion_leaves_the_task_incomplete_and_not_passed(model_task):
    levels = top_levels(model_task)
    levels.pop("symptom")
    result = score_task(model_task, levels)
    assert result.missing == ["symptom"] and not result.passed


def test_checklist_items_are_met_or_not_met():
    task = task_of(SAMPLE, "task")
    assert {lv["id"] for lv in task["sections"][0]["criteria"][0]["levels"]} == {"met", "not-met"}
    assert score_task(task, {"lockout": "met", "quality": "fair"}).score == 70
    assert score_task(task, {"lockout": "met", "quality": "fair"}).passed


@pytest.mark.parametrize("levels,notes", [
    ({"no-such-criterion": "met"}, {}),
    ({"lockout": "half"}, {}),
    ({}, {"no-such-criterion": "note"}),
])
def test_unknown_criteria_and_levels_are_refused_not_ignored(levels, notes):
    with pytest.raises(InvalidGrading):
        clean(task_of(SAMPLE, "task"), levels, notes)


def test_evidence_is_a_photo_or_a_written_note(model_task):
    result = score_task(model_task, top_levels(model_task))
    required = {"lockout", "verification", "repair-record"}
    assert set(evidence_missing(result, {})) == required
    assert set(evidence_missing(result, {"lockout": 1})) == required - {"lockout"}
    noted = score_task(model_task, top_levels(model_task), {"verification": "试运行 30 分钟，电流 4.2 A"})
    assert set(evidence_missing(noted, {"lockout": 2})) == {"repair-record"}
