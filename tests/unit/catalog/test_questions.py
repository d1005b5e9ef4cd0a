"""Question types: each validated by its own class, found through one registry."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import TypeAdapter, ValidationError

from lti_tool.catalog.common import I18n
from lti_tool.catalog.questions import QUESTION_TYPES, FillBlank, Question, normalize_answer

QUESTION = TypeAdapter(Question)
TEXT = {"zh-CN": "题", "en": "Q"}


def question(**fields):
    return QUESTION.validate_python({"id": "q", "stem": TEXT, **fields})


def problems(q) -> list[str]:
    return [message for _loc, message in q.problems()]


def test_every_type_of_the_seed_is_registered():
    assert set(QUESTION_TYPES) == {
        "single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer", "case_analysis",
    }


def test_the_type_field_chooses_the_class():
    q = question(type="true_false", points=1, answer=False)
    assert type(q).__name__ == "TrueFalse" and q.answer is False


def test_true_false_wants_a_real_boolean():
    with pytest.raises(ValidationError):
        question(type="true_false", points=1, answer="yes")


@pytest.mark.parametrize("given, wanted", [
    ("２４Ｖ", "24v"),
    ("  24   V ", "24 v"),
    ("1 MΩ", "1 mω"),  # the ohm sign folds to the Greek capital omega
    ("ＣＡＴ Ⅲ", "cat iii"),
    ("直流母线", "直流母线"),
])
def test_normalize_answer(given, wanted):
    assert normalize_answer(given) == wanted


def test_fill_blank_accepts_full_and_half_width_and_spacing_variants():
    q = question(
        type="fill_blank", points=2, stem={"zh-CN": "电压 [[v]]", "en": "Voltage [[v]]"},
        blanks=[{"id": "v", "accept": ["24V", "24 V"]}],
    )
    assert isinstance(q, FillBlank)
    assert q.accepts("v", "２４ｖ") and q.accepts("v", " 24  V") and not q.accepts("v", "42V")
    strict = q.model_copy(update={"case_sensitive": True})
    assert strict.accepts("v", "24V") and not strict.accepts("v", "24v")


def test_a_blank_must_appear_once_in_each_stem():
    q = question(
        type="fill_blank", points=2, stem={"zh-CN": "[[a]] [[a]]", "en": "none"},
        blanks=[{"id": "a", "accept": ["x"]}],
    )
    assert problems(q) == [
        "blank [[a]] appears more than once in the zh-CN stem",
        "blank [[a]] is missing from the en stem",
    ]


def test_multiple_choice_scoring_must_be_known():
    options = [{"id": "a", "text": TEXT}, {"id": "b", "text": TEXT}]
    with pytest.raises(ValidationError) as caught:
        question(type="multiple_choice", points=2, options=options, answers=["a"], scoring="most")
    assert caught.value.errors()[0]["type"] == "literal_error"


def test_choice_needs_two_options_with_distinct_ids():
    with pytest.raises(ValidationError):
        question(type="single_choice", points=1, options=[{"id": "a", "text": TEXT}], answer="a")
    q = question(type="single_choice", points=1, options=[{"id": "a", "text": TEXT}] * 2, answer="a")
    assert problems(q) == ["duplicate option id 'a'"]


def test_short_answer_needs_a_reference_or_a_rubric():
    assert problems(question(type="short_answer", points=2)) == [
        "a short answer needs a reference_answer or a rubric for the instructor"
    ]
    assert QUESTION_TYPES["short_answer"].manual


def test_case_analysis_sums_its_parts_and_needs_an_instructor_for_open_parts():
    case = question(
        type="case_analysis", case=TEXT,
        questions=[
            {"type": "true_false", "id": "a", "points": 2, "stem": TEXT, "answer": True},
            {"type": "short_answer", "id": "b", "points": 5, "stem": TEXT, "reference_answer": TEXT},
        ],
    )
    assert case.points == case.max_points == 7
    assert case.needs_instructor
    assert problems(case) == []


def test_a_new_type_is_one_class_and_one_line():
    from lti_tool.catalog import questions

    @questions.register
    class Ordering(questions.QuestionBase):
        type: Literal["ordering"]
        items: list[I18n]

    try:
        assert QUESTION_TYPES["ordering"] is Ordering
    finally:
        del QUESTION_TYPES["ordering"]


def test_i18n_picks_the_locale():
    text = I18n.model_validate({"zh-CN": "中", "en": "En"})
    assert [text.get(x) for x in ("zh_CN", "zh-CN", "en", "en_US", None, "fr")] == ["中", "中", "En", "En", "中", "中"]
