"""A course's completion rules (course.yaml ``completion``) checked against a learner's
training records: pure functions on plain values.

- ``lessons``: "all" or lesson ids, each completed;
- ``quizzes`` / ``practical``: ids, each passed;
- ``attendance_percent``: attended sessions / the course's sessions (excused ones left
  out of the count) at least this share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

DONE_LESSON = ("completed", "passed")


@dataclass(frozen=True)
class Result:
    """Where a learner stands against the rules (plain values)."""

    kind: str
    item_id: str
    status: str | None
    passed: bool | None = None
    score: float | None = None
    score_max: float | None = None
    hours: float = 0.0
    completed_at: datetime | None = None
    record_id: int | None = None


@dataclass(frozen=True)
class Verdict:
    met: bool
    missing: list[tuple[str, str]] = field(default_factory=list)  # (kind, item id)
    attendance_percent: float | None = None
    completed_at: datetime | None = None  # when the last rule was met
    hours: float = 0.0
    grade: float | None = None  # out of 100, by grade_weights
    basis: list[int] = field(default_factory=list)  # record ids that met the rules


def lesson_ids(manifest: dict, lessons: list[dict]) -> list[str]:
    wanted = (manifest.get("completion") or {}).get("lessons")
    if wanted == "all":
        return [lesson["id"] for lesson in lessons]
    return list(wanted or [])


def evaluate(course_id: str, manifest: dict, lessons: list[dict], results: list[Result]) -> Verdict:
    rules = manifest.get("completion") or {}
    by_item = {(r.kind, r.item_id): r for r in results}
    missing, met, basis = [], [], []

    def need(kind: str, item: str, ok) -> None:
        found = by_item.get((kind, f"{course_id}/{item}"))
        if found is not None and ok(found):
            met.append(found)
            basis.append(found.record_id)
        else:
            missing.append((kind, item))

    for lesson in lesson_ids(manifest, lessons):
        need("lesson", lesson, lambda r: r.status in DONE_LESSON)
    for quiz in rules.get("quizzes") or []:
        need("quiz", quiz, lambda r: r.status == "passed" or (r.passed and r.status != "pending_grading"))
    for task in rules.get("practical") or []:
        need("practical", task, lambda r: r.status == "passed" or (r.passed and r.status != "pending_grading"))

    share = None
    wanted_share = rules.get("attendance_percent")
    sessions = [s["id"] for s in manifest.get("sessions") or []]
    if wanted_share is not None and sessions:
        statuses = {sid: getattr(by_item.get(("session", f"{course_id}/{sid}")), "status", None) for sid in sessions}
        counted = [sid for sid in sessions if statuses[sid] != "excused"]
        attended = [sid for sid in counted if statuses[sid] == "attended"]
        share = 100.0 * len(attended) / len(counted) if counted else 100.0
        for sid in attended:
            found = by_item[("session", f"{course_id}/{sid}")]
            met.append(found)
            basis.append(found.record_id)
        if share + 1e-9 < float(wanted_share):
            missing.append(("attendance", f"{share:.0f}%<{wanted_share}%"))

    times = [r.completed_at for r in met if r.completed_at is not None]
    return Verdict(
        met=not missing, missing=missing, attendance_percent=share, completed_at=max(times) if times else None,
        hours=round(sum(r.hours or 0.0 for r in met), 2), grade=grade(course_id, manifest, by_item),
        basis=[b for b in basis if b is not None],
    )


def grade(course_id: str, manifest: dict, by_item: dict) -> float | None:
    """The course grade out of 100: Σ weight × percentage / 100 (content/README §8)."""
    rules = manifest.get("completion") or {}
    weights = manifest.get("grade_weights") or {}
    if not weights:
        items = list(rules.get("quizzes") or []) + list(rules.get("practical") or [])
        if not items:
            return 100.0
        weights = {item: 100.0 / len(items) for item in items}
    total = 0.0
    for item, weight in weights.items():
        found = by_item.get(("quiz", f"{course_id}/{item}")) or by_item.get(("practical", f"{course_id}/{item}"))
        if found is None or found.score is None or not found.score_max:
            return None
        total += float(weight) * found.score / found.score_max
    return round(total, 2)


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole months, the day clamped to the month's end."""
    import calendar

    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
