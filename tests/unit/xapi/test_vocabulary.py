"""The vocabulary: ADL / Tin Can IRIs, and our activity ids under the tool's base URL."""

from __future__ import annotations

import pytest

from xapi.validation import is_iri
from xapi.vocabulary import VERB_DISPLAY, ActivityType, Extension, InteractionType, Iris, Verb


def test_verbs_are_the_adl_iris_and_tin_can_earned():
    assert Verb.LAUNCHED == "http://adlnet.gov/expapi/verbs/launched"
    assert Verb.ATTENDED == "http://adlnet.gov/expapi/verbs/attended"
    assert Verb.EARNED == "http://id.tincanapi.com/verb/earned"
    wanted = {"launched", "initialized", "experienced", "progressed", "attempted", "answered", "completed",
              "passed", "failed", "scored", "attended", "terminated", "earned"}
    assert wanted <= {v.value.rsplit("/", 1)[1] for v in Verb}


def test_every_verb_has_a_display_in_zh_cn_and_en():
    assert set(VERB_DISPLAY) == set(Verb)
    for display in VERB_DISPLAY.values():
        assert set(display) == {"zh-CN", "en"} and all(display.values())


def test_activity_types():
    assert ActivityType.INTERACTION == "http://adlnet.gov/expapi/activities/cmi.interaction"
    wanted = {"course", "module", "lesson", "assessment", "cmi.interaction", "performance", "meeting"}
    assert wanted <= {t.value.rsplit("/", 1)[1] for t in ActivityType}
    assert {i.value for i in InteractionType} == {"choice", "true-false", "fill-in", "long-fill-in", "other"}


def test_activity_ids_live_under_the_base_url_without_versions():
    iris = Iris("https://training.example.com/")
    assert iris.course("brake-service") == "https://training.example.com/xapi/activities/course/brake-service"
    assert iris.lesson("brake-service", "l1") == "https://training.example.com/xapi/activities/lesson/brake-service/l1"
    assert iris.question("c", "quiz", "q1") == "https://training.example.com/xapi/activities/question/c/quiz/q1"
    assert iris.extension(Extension.CRITERIA) == "https://training.example.com/xapi/extensions/criteria"


def test_ids_are_escaped_into_single_path_segments():
    iris = Iris("https://training.example.com")
    value = iris.lesson("刹车 保养", "a/b?c")
    assert value == ("https://training.example.com/xapi/activities/lesson/"
                     "%E5%88%B9%E8%BD%A6%20%E4%BF%9D%E5%85%BB/a%2Fb%3Fc")
    assert is_iri(value)
    with pytest.raises(ValueError):
        iris.lesson("c", "")


def test_the_base_url_must_be_http():
    with pytest.raises(ValueError):
        Iris("training.example.com")
