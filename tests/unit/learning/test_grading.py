"""Each question type's grading strategy, with the edge cases: full-width input, empty
answers, partial credit, forged option ids, case analyses with open parts."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter
from werkzeug.datastructures import MultiDict

from lti_tool.catalog.questions import Question
from lti_tool.learning.grading import STRATEGIES, combine, strategy_for

QUESTION = TypeAdapter(Question)
T = {"zh-CN": "题", "en": "Q"}


def q(**fields):
    return QUESTION.validate_python({"stem": T, **fields})


def options(*ids):
    return [{"id": i, "text": {"zh-CN": i, "en": i}} for i in ids]


SINGLE = q(id="s", type="single_choice", points=6, options=options("a", "b", "c"), answer="b")
MULTI = q(id="m", type="multiple_choice", points=8, options=options("a", "b", "c", "d"), answers=["a", "b", "d"])
PARTIAL = q(id="p", type="multiple_choice", points=9, options=options("a", "b", "c", "d"), answers=["a", "b", "d"],
            scoring="partial")
TF = q(id="t", type="true_false", points=4, answer=False)
FILL = q(id="f", type="fill_blank", points=8,
         stem={"zh-CN": "施加 [[v]]，不低于 [[r]]。", "en": "Apply [[v]], at least [[r]]."},
         blanks=[{"id": "v", "accept": ["500V", "500 V"]}, {"id": "r", "accept": ["1MΩ", "1 megohm"]}])
FILL_ALL = q(id="g", type="fill_blank", points=8, scoring="all_or_nothing",
             stem={"zh-CN": "[[v]] [[r]]", "en": "[[v]] [[r]]"},
             blanks=[{"id": "v", "accept": ["500V"]}, {"id": "r", "accept": ["Ohm"]}])
SHORT = q(id="w", type="short_answer", points=10, reference_answer=T)
CASE = q(id="c", type="case_analysis", case=T, questions=[
    {"id": "cause", "type": "single_choice", "points": 6, "stem": T, "options": options("a", "b"), "answer": "a"},
    {"id": "why", "type": "short_answer", "points": 10, "stem": T, "reference_answer": T},
    {"id": "vals", "type": "fill_blank", "points": 4, "stem": {"zh-CN": "[[x]]", "en": "[[x]]"},
     "blanks": [{"id": "x", "accept": ["IP65"]}]},
])


def test_every_catalogue_question_type_has_a_grading_strategy():
    from lti_tool.catalog.questions import QUESTION_TYPES

    assert set(QUESTION_TYPES) == set(STRATEGIES)


@pytest.mark.parametrize("answer, points", [("b", 6), ("a", 0), (None, 0), ("", 0), ("zz", 0), (["b"], 0)])
def test_single_choice(answer, points):
    mark = strategy_for(SINGLE).grade(SINGLE, answer)
    assert (mark.points, mark.max_points, mark.correct) == (points, 6, points == 6)


@pytest.mark.parametrize("answer, points", [
    (["a", "b", "d"], 8), (["d", "b", "a"], 8), (["a", "b"], 0), (["a", "b", "c", "d"], 0), ([], 0), (None, 0),
    (["a", "b", "d", "forged"], 8),  # an id that is no option is dropped, not counted
])
def test_multiple_choice_all_or_nothing(answer, points):
    assert strategy_for(MULTI).grade(MULTI, answer).points == points


@pytest.mark.parametrize("answer, points", [
    (["a", "b", "d"], 9), (["a", "b"], 6), (["a"], 3), (["a", "c"], 0), (["a", "b", "c"], 3),
    (["c"], 0),  # never below zero
    (["a", "a", "a"], 3),  # a repeated option counts once
])
def test_multiple_choice_partial_credit(answer, points):
    assert strategy_for(PARTIAL).grade(PARTIAL, answer).points == pytest.approx(points)


@pytest.mark.parametrize("answer, points", [(False, 4), ("false", 4), (True, 0), ("true", 0), (None, 0), ("", 0),
                                            ("no", 0)])
def test_true_false(answer, points):
    assert strategy_for(TF).grade(TF, answer).points == points


@pytest.mark.parametrize("answer, points", [
    ({"v": "500V", "r": "1MΩ"}, 8),
    ({"v": "５００Ｖ", "r": "１ＭΩ"}, 8),  # full-width digits and letters, the ohm sign
    ({"v": "  500v ", "r": "1   MEGOHM"}, 8),  # case, surrounding and repeated spaces
    ({"v": "500V", "r": "2MΩ"}, 4),  # partial: one blank of two
    ({"v": "", "r": ""}, 0),
    ({}, 0),
    (None, 0),
    ("500V", 0),  # not a mapping of blanks
])
def test_fill_blank(answer, points):
    assert strategy_for(FILL).grade(FILL, answer).points == points


def test_fill_blank_all_or_nothing_and_case_sensitivity():
    grader = strategy_for(FILL_ALL)
    assert grader.grade(FILL_ALL, {"v": "500V", "r": "ohm"}).points == 8
    assert grader.grade(FILL_ALL, {"v": "500V", "r": "x"}).points == 0
    strict = q(id="k", type="fill_blank", points=2, case_sensitive=True, stem={"zh-CN": "[[x]]", "en": "[[x]]"},
               blanks=[{"id": "x", "accept": ["PE"]}])
    assert strategy_for(strict).grade(strict, {"x": "pe"}).points == 0
    assert strategy_for(strict).grade(strict, {"x": "ＰＥ"}).points == 2  # full-width still equals


def test_short_answer_waits_for_an_instructor_unless_empty():
    grader = strategy_for(SHORT)
    assert grader.grade(SHORT, "直接原因是熔断器熔断").pending
    empty = grader.grade(SHORT, "   ")
    assert (empty.points, empty.pending) == (0, False)


def test_case_analysis_grades_objective_parts_and_waits_for_open_ones():
    grader = strategy_for(CASE)
    mark = grader.grade(CASE, {"cause": "a", "why": "进水导致绝缘下降", "vals": {"x": "ｉｐ６５"}})
    assert mark.pending and mark.max_points == 20
    assert (mark.parts["cause"].points, mark.parts["vals"].points) == (6, 4)
    assert mark.parts["why"].points is None
    assert combine({"cause": 6, "why": 7.5, "vals": 4}, 20).points == 17.5
    # With the open part left empty, everything is graded at once.
    done = grader.grade(CASE, {"cause": "b"})
    assert (done.points, done.pending) == (0, False)


def test_answers_are_read_from_form_fields():
    form = MultiDict([("a.s", "b"), ("a.m", "a"), ("a.m", "d"), ("a.t", "false"), ("a.f.v", "５００Ｖ"),
                      ("a.f.r", ""), ("a.w", " 文字 "), ("a.c.cause", "a"), ("a.c.vals.x", "IP65")])
    get = form.getlist
    assert strategy_for(SINGLE).from_form(SINGLE, get) == "b"
    assert strategy_for(MULTI).from_form(MULTI, get) == ["a", "d"]
    assert strategy_for(TF).from_form(TF, get) is False
    assert strategy_for(FILL).from_form(FILL, get) == {"v": "５００Ｖ"}
    assert strategy_for(SHORT).from_form(SHORT, get) == "文字"
    assert strategy_for(CASE).from_form(CASE, get) == {"cause": "a", "vals": {"x": "IP65"}}


def test_each_type_describes_itself_as_an_xapi_interaction():
    kinds = {question.id: strategy_for(question).interaction(question).definition()["interactionType"]
             for question in (SINGLE, MULTI, TF, FILL, SHORT, CASE)}
    assert kinds == {"s": "choice", "m": "choice", "t": "true-false", "f": "fill-in", "w": "long-fill-in",
                     "c": "long-fill-in"}
    assert strategy_for(MULTI).interaction(MULTI).definition()["correctResponsesPattern"] == ["a[,]b[,]d"]
