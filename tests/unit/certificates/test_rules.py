"""The completion rules on plain values: lessons, quizzes, practical work, attendance share."""

from datetime import datetime, timezone

from lti_tool.certificates.rules import Result, add_months, evaluate

MANIFEST = {
    "completion": {"lessons": "all", "quizzes": ["exam"], "practical": ["task"], "attendance_percent": 75},
    "sessions": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}, {"id": "s4"}],
    "grade_weights": {"exam": 40, "task": 60},
}
LESSONS = [{"id": "l1"}, {"id": "l2"}]
AT = datetime(2026, 1, 5, tzinfo=timezone.utc)


def results(**changes):
    base = {
        ("lesson", "c/l1"): Result("lesson", "c/l1", "completed", completed_at=AT, record_id=1),
        ("lesson", "c/l2"): Result("lesson", "c/l2", "completed", completed_at=AT, record_id=2),
        ("quiz", "c/exam"): Result("quiz", "c/exam", "passed", True, 15.0, 20.0, completed_at=AT, record_id=3),
        ("practical", "c/task"): Result("practical", "c/task", "passed", True, 80.0, 100.0,
                                        completed_at=datetime(2026, 2, 1, tzinfo=timezone.utc), record_id=4),
    }
    for i in range(1, 5):
        base[("session", f"c/s{i}")] = Result("session", f"c/s{i}", "attended", hours=2.0, completed_at=AT,
                                              record_id=10 + i)
    base.update(changes)
    return [r for r in base.values() if r is not None]


def test_all_rules_met_gives_the_last_date_the_grade_and_the_basis():
    verdict = evaluate("c", MANIFEST, LESSONS, results())
    assert verdict.met and verdict.missing == []
    assert verdict.completed_at == datetime(2026, 2, 1, tzinfo=timezone.utc)
    assert verdict.grade == 40 * 15 / 20 + 60 * 80 / 100  # 78.0
    assert sorted(verdict.basis) == [1, 2, 3, 4, 11, 12, 13, 14]


def test_each_missing_rule_is_named():
    failing = [r for r in results() if r.item_id != "c/l2"]
    failing = [Result("quiz", "c/exam", "failed", False, 5.0, 20.0) if r.item_id == "c/exam" else r for r in failing]
    failing = [Result("practical", "c/task", "pending_grading", None) if r.item_id == "c/task" else r for r in failing]
    verdict = evaluate("c", MANIFEST, LESSONS, failing)
    assert not verdict.met
    assert verdict.missing == [("lesson", "l2"), ("quiz", "exam"), ("practical", "task")]


def test_attendance_share_counts_excused_sessions_out():
    two_absent = [Result("session", r.item_id, "absent") if r.item_id in ("c/s1", "c/s2") else r for r in results()]
    verdict = evaluate("c", MANIFEST, LESSONS, two_absent)
    assert verdict.attendance_percent == 50.0 and not verdict.met
    assert ("attendance", "50%<75%") in verdict.missing
    one_absent_one_excused = [Result("session", "c/s1", "absent") if r.item_id == "c/s1" else
                              Result("session", "c/s2", "excused") if r.item_id == "c/s2" else r for r in results()]
    verdict = evaluate("c", MANIFEST, LESSONS, one_absent_one_excused)
    assert round(verdict.attendance_percent, 1) == 66.7 and not verdict.met
    one_absent = [Result("session", "c/s1", "absent") if r.item_id == "c/s1" else r for r in results()]
    assert evaluate("c", MANIFEST, LESSONS, one_absent).met  # 3 of 4 = 75 %


def test_a_listed_lesson_set_and_no_weights_weigh_the_listed_items_equally():
    manifest = {"completion": {"lessons": ["l1"], "quizzes": ["exam"]}}
    verdict = evaluate("c", manifest, LESSONS, results())
    assert verdict.met and verdict.grade == 75.0
    assert evaluate("c", {"completion": {"lessons": ["l1"]}}, LESSONS, results()).grade == 100.0


def test_months_are_added_with_the_day_clamped():
    assert add_months(datetime(2026, 1, 31, tzinfo=timezone.utc), 1) == datetime(2026, 2, 28, tzinfo=timezone.utc)
    assert add_months(datetime(2026, 11, 15, tzinfo=timezone.utc), 24) == datetime(2028, 11, 15, tzinfo=timezone.utc)
    assert add_months(datetime(2024, 2, 29, tzinfo=timezone.utc), 12) == datetime(2025, 2, 28, tzinfo=timezone.utc)
