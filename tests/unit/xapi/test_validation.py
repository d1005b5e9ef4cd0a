"""Our xAPI 1.0.3 checker (``xapi.validation``) catches each rule it claims to check:
a valid statement, broken in one place, yields a problem naming that rule."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest

from xapi.validation import InvalidStatement, check, problems


@pytest.fixture
def good(sample_statements):
    return copy.deepcopy(sample_statements["question-answered/choice"])


def rules(statement) -> set[str]:
    return {p.rule.removeprefix("xAPI 1.0.3 §") for p in problems(statement)}


def test_the_unbroken_statement_passes(good):
    assert problems(good) == []
    check(good)


@pytest.mark.parametrize("missing", ["actor", "verb", "object"])
def test_2_2_actor_verb_and_object_are_required(good, missing):
    """xAPI 1.0.3 §2.2 (2.2.s2.b3)."""
    del good[missing]
    assert "2.2" in rules(good)


def test_2_2_null_values_and_unknown_properties_are_rejected(good):
    """xAPI 1.0.3 §2.2 (2.2.s4.b1.b1 null values, 2.2.s3.b6 additional properties)."""
    good["result"]["success"] = None
    good["context"]["mood"] = "good"
    found = problems(good)
    assert any(p.path == "$.result.success" and p.rule.endswith("§2.2") for p in found)
    assert any(p.path == "context.mood" for p in found)


def test_2_2_empty_objects_are_rejected_but_not_inside_extensions(good):
    """xAPI 1.0.3 §2.2 (2.2.s2.b1): no empty objects; extension values are free (§4.1)."""
    good["result"]["extensions"] = {"https://training.example.com/xapi/extensions/x": {}}
    assert problems(good) == []
    good["context"]["contextActivities"] = {}
    assert "2.2" in rules(good)


@pytest.mark.parametrize("value", ["not-a-uuid", "6B3F0D0E-2F64-5C1A-9A57-3F1F6C0E8A2", 42])
def test_2_4_1_id_must_be_a_uuid(good, value):
    """xAPI 1.0.3 §2.4.1 and §4.4: UUID in standard string form."""
    good["id"] = value
    assert "2.4.1" in rules(good)


def test_2_4_2_3_exactly_one_inverse_functional_identifier(good):
    """xAPI 1.0.3 §2.4.2.3: an agent has exactly one IFI."""
    good["actor"]["mbox"] = "mailto:learner@example.com"
    assert "2.4.2.3" in rules(good)
    del good["actor"]["mbox"], good["actor"]["account"]
    assert "2.4.2.3" in rules(good)


def test_2_4_2_4_account_home_page_is_an_irl(good):
    """xAPI 1.0.3 §2.4.2.4: account.homePage is an IRL; name is required."""
    good["actor"]["account"]["homePage"] = "moodle"
    good["actor"]["account"]["name"] = ""
    found = [p for p in problems(good) if p.rule.endswith("§2.4.2.4")]
    assert {p.path for p in found} == {"actor.account.homePage", "actor.account.name"}


def test_2_4_3_verb_id_must_be_an_iri(good):
    """xAPI 1.0.3 §2.4.3: the verb id is an IRI."""
    good["verb"]["id"] = "answered"
    assert "2.4.3" in rules(good)


@pytest.mark.parametrize("where", ["object.id", "context.contextActivities.parent[0].id"])
def test_2_4_4_1_activity_ids_must_be_iris(good, where):
    """xAPI 1.0.3 §2.4.4.1 (and §2.2 2.2.s4.b1.b8: no IRI without a scheme)."""
    if where == "object.id":
        good["object"]["id"] = "question q1"
    else:
        good["context"]["contextActivities"]["parent"][0]["id"] = "/relative/path"
    assert "2.4.4.1" in rules(good)


def test_2_4_4_1_interaction_type_must_be_known(good):
    """xAPI 1.0.3 §2.4.4.1 (2.4.4.1.s13.b1): a valid interactionType."""
    good["object"]["definition"]["interactionType"] = "multiple-choice"
    assert "2.4.4.1" in rules(good)


def test_2_4_4_1_choices_only_for_choice_and_sequencing(good):
    """xAPI 1.0.3 §2.4.4.1 interaction components: 'choices' belongs to choice and
    sequencing interactions only."""
    good["object"]["definition"]["interactionType"] = "fill-in"
    good["object"]["definition"]["correctResponsesPattern"] = ["Nm"]
    assert any("choices" in p.path for p in problems(good))


def test_2_4_4_1_choice_patterns_name_existing_choices_with_unique_ids(good):
    """xAPI 1.0.3 §2.4.4.1: component ids are unique; a choice pattern lists choice ids."""
    definition = good["object"]["definition"]
    definition["correctResponsesPattern"] = ["z"]
    definition["choices"].append(dict(definition["choices"][0]))
    messages = [p.message for p in problems(good)]
    assert any("unknown choice ids" in m for m in messages)
    assert any("unique" in m for m in messages)


def test_2_4_4_1_true_false_patterns(sample_statements):
    """xAPI 1.0.3 §2.4.4.1 response patterns: true-false answers are 'true' or 'false'."""
    statement = copy.deepcopy(sample_statements["question-answered/true-false"])
    assert statement["object"]["definition"]["correctResponsesPattern"] == ["false"]
    statement["object"]["definition"]["correctResponsesPattern"] = ["no"]
    assert "2.4.4.1" in rules(statement)


@pytest.mark.parametrize("field,value", [("scaled", 1.5), ("scaled", -1.01)])
def test_2_4_5_1_scaled_score_in_minus_one_to_one(good, field, value):
    """xAPI 1.0.3 §2.4.5.1: scaled score in [-1, 1]."""
    good["result"]["score"][field] = value
    assert "2.4.5.1" in rules(good)


def test_2_4_5_1_raw_score_within_min_and_max(good):
    """xAPI 1.0.3 §2.4.5.1: raw is between min and max, inclusive."""
    good["result"]["score"]["raw"] = 3
    assert "2.4.5.1" in rules(good)


def test_2_4_5_1_min_less_than_max(good):
    """xAPI 1.0.3 §2.4.5.1: min is less than max."""
    good["result"]["score"].update(min=2, max=2, raw=2)
    assert "2.4.5.1" in rules(good)


def test_2_4_5_1_scores_are_numbers_not_strings(good):
    """xAPI 1.0.3 §2.4.5.1 with §2.2 (2.2.s4.b1.b2): numbers, never strings of numbers."""
    good["result"]["score"]["raw"] = "2"
    assert "2.4.5.1" in rules(good)


def test_2_4_5_success_is_a_boolean(good):
    """xAPI 1.0.3 §2.4.5 with §2.2 (2.2.s4.b1.b3): booleans, never strings."""
    good["result"]["success"] = "true"
    assert "2.4.5" in rules(good)


def test_2_4_6_1_registration_is_a_uuid(good):
    """xAPI 1.0.3 §2.4.6.1: registration is a UUID."""
    good["context"]["registration"] = "attempt-7"
    assert "2.4.6.1" in rules(good)


def test_2_4_6_platform_only_with_an_activity_object(sample_statements):
    """xAPI 1.0.3 §2.4.6 (2.4.6.s4.b2): platform only when the object is an Activity."""
    statement = copy.deepcopy(sample_statements["voided"])
    statement["context"] = {"platform": "Moodle"}
    assert "2.4.6" in rules(statement)


def test_2_4_6_2_context_activity_keys(good):
    """xAPI 1.0.3 §2.4.6.2: only parent, grouping, category and other."""
    good["context"]["contextActivities"]["siblings"] = []
    assert "2.4.6.2" in rules(good)


@pytest.mark.parametrize("tag", ["zh_CN", "e", "en-", "123", "chinese-simplified"])
def test_4_2_language_map_keys_are_rfc_5646_tags(good, tag):
    """xAPI 1.0.3 §4.2 (2.2.s3.b2): language map keys are RFC 5646 tags."""
    good["verb"]["display"] = {tag: "answered"}
    assert "4.2" in rules(good)


@pytest.mark.parametrize("tag", ["zh-CN", "en", "zh-Hans-CN", "und", "en-US-x-twain"])
def test_4_2_valid_language_tags_pass(good, tag):
    """xAPI 1.0.3 §4.2: well-formed RFC 5646 tags are accepted."""
    good["verb"]["display"] = {tag: "answered"}
    assert problems(good) == []


def test_4_1_extension_keys_are_iris(good):
    """xAPI 1.0.3 §4.1 (4.1.s3.b1)."""
    good["result"]["extensions"] = {"progress": 50}
    assert "4.1" in rules(good)


@pytest.mark.parametrize("value", ["2026-03-02T09:15:30", "2026-03-02 09:15:30Z", "yesterday"])
def test_4_5_timestamps_need_iso_8601_with_a_time_zone(good, value):
    """xAPI 1.0.3 §4.5 (4.5.s1.b1, b4): ISO 8601, with a time zone (we require it)."""
    good["timestamp"] = value
    assert "4.5" in rules(good)


def test_2_4_7_timestamp_not_in_the_future(good):
    """xAPI 1.0.3 §2.4.7 (2.4.7.s3.b4): a provider never uses a future timestamp."""
    future = datetime.now(timezone.utc) + timedelta(days=1)
    good["timestamp"] = future.isoformat()
    assert "2.4.7" in rules(good)


@pytest.mark.parametrize("value", ["90 seconds", "PT", "P1.5", "00:01:30"])
def test_4_6_durations_are_iso_8601(good, value):
    """xAPI 1.0.3 §4.6 (4.6.s1.b1): the ISO 8601 duration format only."""
    good["result"]["duration"] = value
    assert "4.6" in rules(good)


def test_2_4_8_and_2_4_9_stored_and_authority_are_set_by_the_lrs(good):
    """xAPI 1.0.3 §2.4.8 (2.4.8.s3.b2) and §2.4.9: not set by a provider."""
    good["stored"] = "2026-03-02T01:15:30.250Z"
    good["authority"] = {"account": {"homePage": "https://x.example.com", "name": "x"}}
    assert {"2.4.8", "2.4.9"} <= rules(good)


def test_2_4_10_a_provider_sets_version_1_0_0_or_nothing(good):
    """xAPI 1.0.3 §2.4.10 (2.4.10.s4.b1)."""
    good["version"] = "1.0.3"
    assert "2.4.10" in rules(good)
    good["version"] = "1.0.0"
    assert problems(good) == []


def test_check_raises_with_every_problem(good):
    good["result"]["score"]["scaled"] = 2
    good["verb"]["id"] = "x"
    with pytest.raises(InvalidStatement) as raised:
        check(good)
    assert len(raised.value.problems) == 2 and "§2.4.5.1" in str(raised.value)
