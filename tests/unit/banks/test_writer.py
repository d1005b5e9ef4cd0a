"""The quiz file a bank becomes, its listing in course.yaml, and what is refused."""

from __future__ import annotations

import pytest

from lti_tool.banks.model import Bank, BankError, Item, Option
from lti_tool.banks.writer import list_quiz, quiz_data, write_bank
from tests.unit.banks.conftest import assert_library_ok


def tf(stem, points=1, topic=None):
    return Item("true_false", stem, truth=True, points=points, topic=topic)


def test_pools_group_items_by_topic_and_points_and_each_is_drawn_in_full():
    bank = Bank("x", "test", items=[tf("一", 1, "甲"), tf("二", 2, "甲"), tf("三", 1, "甲"), tf("四", 1, None)])
    data = quiz_data(bank, "bank")
    assert [(p["id"], [q["id"] for q in p["questions"]]) for p in data["pools"]] == [
        ("bank-1", ["q1", "q3"]), ("bank-2", ["q2"]), ("bank-3", ["q4"])]
    assert data["draws"] == [{"pool": "bank-1", "count": 2}, {"pool": "bank-2", "count": 1}, {"pool": "bank-3", "count": 1}]
    assert data["pools"][0]["title"] == {"zh-CN": "甲（每题 1 分）", "en": "甲 (1 points each)"}
    assert quiz_data(Bank("x", "t", items=[tf("一")]), "solo")["pools"][0]["id"] == "solo"


def test_every_text_is_written_in_both_languages():
    item = Item("single_choice", "哪个？", options=[Option("甲", True, feedback="对"), Option("乙")], explanation="因为")
    question = quiz_data(Bank("x", "t", items=[item]), "p")["pools"][0]["questions"][0]
    assert question["stem"] == {"zh-CN": "哪个？", "en": "哪个？"}
    assert question["options"][0] == {"id": "a", "text": {"zh-CN": "甲", "en": "甲"}, "feedback": {"zh-CN": "对", "en": "对"}}
    assert question["answer"] == "a" and question["explanation"]["en"] == "因为"


@pytest.mark.parametrize("manifest,expected", [
    ("id: x\nquizzes:\n  - quizzes/a.yaml\npractical: []\n", "id: x\nquizzes:\n  - quizzes/a.yaml\n  - quizzes/new.yaml\npractical: []\n"),
    ("id: x\nquizzes: [quizzes/a.yaml]\n", "id: x\nquizzes:\n  - quizzes/a.yaml\n  - quizzes/new.yaml\n"),
    ("id: x\nquizzes: []\n", "id: x\nquizzes:\n  - quizzes/new.yaml\n"),
    ("id: x  # the course\n", "id: x  # the course\nquizzes:\n  - quizzes/new.yaml\n"),
    ("quizzes:\n    - quizzes/new.yaml\n", "quizzes:\n    - quizzes/new.yaml\n"),
])
def test_the_quiz_is_listed_in_course_yaml_keeping_its_layout(manifest, expected):
    assert list_quiz(manifest, "quizzes/new.yaml") == expected


def test_an_existing_quiz_is_replaced_only_when_asked(library):
    bank = Bank("x", "t", items=[tf("一")])
    write_bank(bank, library / "basics", "bank")
    with pytest.raises(BankError, match="--replace"):
        write_bank(bank, library / "basics", "bank")
    bank.items.append(tf("二"))
    assert write_bank(bank, library / "basics", "bank", replace=True).problems == []
    assert (library / "basics" / "course.yaml").read_text().count("quizzes/bank.yaml") == 1
    assert_library_ok(library)


def test_a_course_that_would_not_pass_is_left_as_it_was(library):
    manifest = library / "basics" / "course.yaml"
    before = manifest.read_bytes()
    bank = Bank("x", "t", items=[Item("single_choice", "图？ ![图](@@MEDIA@@/missing.png)", options=[Option("甲", True), Option("乙")])])
    written = write_bank(bank, library / "basics", "bank")
    assert any("missing.png" in p.message for p in written.problems)
    assert manifest.read_bytes() == before
    assert not (library / "basics" / "quizzes" / "bank.yaml").exists()
    assert_library_ok(library)


@pytest.mark.parametrize("pool", ["Bad Name", "题库", "a--b", "x" * 65])
def test_pool_names_must_be_ids(library, pool):
    with pytest.raises(BankError, match="not valid"):
        write_bank(Bank("x", "t", items=[tf("一")]), library / "basics", pool)


def test_no_course_folder_or_nothing_to_import_is_refused(library):
    with pytest.raises(BankError, match="not a course folder"):
        write_bank(Bank("x", "t", items=[tf("一")]), library / "nope", "bank")
    with pytest.raises(BankError, match="no question"):
        write_bank(Bank("x", "t"), library / "basics", "bank")
