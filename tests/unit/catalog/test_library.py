"""The catalog API other features use: courses and the Deep Linking items."""

from __future__ import annotations

import pytest

from lti_tool.catalog.errors import ContentError
from lti_tool.catalog.library import load_library


def test_items_of_a_course(sample):
    library = load_library(sample.root)
    items = {(i.kind, i.id): i for i in library.items()}
    assert list(items) == [
        ("course", "basics"), ("quiz", "basics/check"), ("practical", "basics/task"), ("session", "basics/class"),
    ]
    course, quiz, task, session = items.values()
    assert (course.score_maximum, quiz.score_maximum, task.score_maximum, session.score_maximum) == (100, 17, 100, 1)
    assert course.title("zh_CN") == "基础课程" and course.title("en") == "Basics"
    assert course.description("en") == "The smallest course the tests need."
    assert quiz.description("en") == ""  # none written
    assert quiz.course_title("en") == "Basics" and quiz.course_id == "basics"
    assert {i.category for i in items.values()} == {"general"}
    assert (course.hours, task.hours, session.hours) == (2.5, 0.5, 2.0)


def test_course_lookup(sample):
    library = load_library(sample.root)
    course = library.course("basics")
    assert [lesson.meta.id for lesson in course.lessons] == ["intro"]
    assert library.item("quiz", "basics/check").kind == "quiz"
    with pytest.raises(LookupError):
        library.course("nope")


def test_the_library_is_cached_until_a_file_changes(sample):
    first = load_library(sample.root)
    assert load_library(sample.root) is first
    sample.edit("course.yaml", "  en: Basics\n", "  en: Basics of service\n")
    second = load_library(sample.root)
    assert second is not first
    assert second.course("basics").manifest.title.en == "Basics of service"


def test_serving_looks_at_the_folder_at_most_every_few_seconds(sample, monkeypatch):
    from lti_tool.catalog import library as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    first = load_library(sample.root, strict=False)
    sample.edit("course.yaml", "  en: Basics\n", "  en: Basics of service\n")
    assert load_library(sample.root, strict=False) is first  # within FRESH_SECONDS: no walk of the folder
    assert load_library(sample.root).course("basics").manifest.title.en == "Basics of service"  # strict: always
    clock[0] += module.FRESH_SECONDS + 0.1
    assert load_library(sample.root, strict=False).course("basics").manifest.title.en == "Basics of service"


def test_an_invalid_library_raises_with_every_problem(sample):
    sample.edit("quizzes/check.yaml", "    answer: a\n", "    answer: z\n")
    sample.edit("course.yaml", "category: general", "category: sales")
    with pytest.raises(ContentError) as caught:
        load_library(sample.root)
    assert len(caught.value.problems) == 2
    assert "answer 'z' is not one of the options" in str(caught.value)


def test_the_payload_holds_parsed_content_and_asset_hashes(sample):
    course = load_library(sample.root).course("basics")
    payload = course.payload()
    assert payload["manifest"]["title"] == {"zh-CN": "基础课程", "en": "Basics"}
    assert payload["lessons"][0]["body"]["en"].startswith("# Introduction")
    quiz = payload["quizzes"][0]
    assert quiz["questions"][5]["points"] == 6  # a case analysis's points are derived
    criteria = payload["practical"][0]["sections"][0]["criteria"]
    assert [level["id"] for level in criteria[0]["levels"]] == ["not-met", "met"]  # checklist default
    assert set(payload["assets"]) == {"media/figure.svg", "media/clip.mp4", "media/clip.vtt"}
    assert payload["assets"]["media/figure.svg"]["media_type"] == "image/svg+xml"
    assert len(course.content_hash()) == 64


def test_comments_do_not_change_the_hash_but_content_does(sample):
    course_hash = load_library(sample.root).course("basics").content_hash()
    sample.edit("course.yaml", "hours: 2.5\n", "hours: 2.5  # a comment\n")
    assert load_library(sample.root).course("basics").content_hash() == course_hash
    (sample.course / "media" / "figure.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    assert load_library(sample.root).course("basics").content_hash() != course_hash
