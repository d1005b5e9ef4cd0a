"""Every statement kind against the xAPI 1.0.3 rules: Ralph's models, then our own
checks, one rule per test (sections of xAPI-Data.md, version 1.0.3)."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.unit.xapi.samples import samples
from xapi.validation import is_iri, is_language_tag, parse_timestamp, problems
from xapi.vocabulary import ActivityType, Verb

pytestmark = pytest.mark.lrs  # Ralph: a real LRS process, or its models

NAMES = sorted(samples())
BASE = "https://training.example.com/xapi/"


def activities(statement: dict) -> list[dict]:
    """The object (if an Activity) and every context activity."""
    found = []
    if statement["object"].get("objectType", "Activity") == "Activity":
        found.append(statement["object"])
    for items in statement.get("context", {}).get("contextActivities", {}).values():
        found.extend(items)
    return found


def language_maps(value, path="$"):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("display", "name", "description") and isinstance(item, dict):
                yield f"{path}.{key}", item
            elif key != "extensions":
                yield from language_maps(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from language_maps(item, f"{path}[{i}]")


@pytest.mark.parametrize("name", NAMES)
def test_ralph_models_accept_every_statement_kind(name, ralph_verdicts):
    """Ralph's BaseXapiStatement (strict) and LaxStatement (its LRS) accept the statement."""
    assert ralph_verdicts[name] == []


@pytest.mark.parametrize("name", ["broken/scaled-1.5", "broken/no-actor", "broken/timestamp",
                                  "broken/language-tag"])
def test_ralph_models_reject_broken_statements(name, ralph_verdicts):
    """The independent validator is not vacuous: it rejects what breaks a rule."""
    assert ralph_verdicts[name], f"Ralph accepted {name}"


@pytest.mark.parametrize("name", NAMES)
def test_every_statement_meets_every_rule_we_check(name, sample_statements):
    assert problems(sample_statements[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_2_2_statement_uses_actor_verb_object_and_no_empty_values(name, sample_statements):
    """xAPI 1.0.3 §2.2 (2.2.s2.b3, 2.2.s2.b1, 2.2.s4.b1.b1): actor, verb and object are
    present; no null values and no empty objects outside extensions."""
    s = sample_statements[name]
    assert {"actor", "verb", "object"} <= set(s)

    def walk(value):
        if isinstance(value, dict):
            assert value, "empty object"
            for key, item in value.items():
                assert item is not None, key
                if key != "extensions":
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(s)


@pytest.mark.parametrize("name", NAMES)
def test_2_4_1_id_is_a_uuid_in_standard_form(name, sample_statements):
    """xAPI 1.0.3 §2.4.1 and §4.4: the statement id is a UUID in its standard string form
    (ours: version 5, RFC 4122 variant)."""
    value = sample_statements[name]["id"]
    parsed = uuid.UUID(value)
    assert str(parsed) == value and parsed.version == 5 and parsed.variant == uuid.RFC_4122


@pytest.mark.parametrize("name", NAMES)
def test_2_4_2_actor_is_an_agent_with_one_account(name, sample_statements):
    """xAPI 1.0.3 §2.4.2.3 and §2.4.2.4: exactly one inverse functional identifier, an
    account whose homePage is an IRL (the LMS issuer) and whose name is the LTI sub."""
    actor = sample_statements[name]["actor"]
    assert actor["objectType"] == "Agent"
    assert [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in actor] == ["account"]
    assert re.match(r"^https?://", actor["account"]["homePage"]) and actor["account"]["name"]


@pytest.mark.parametrize("name", NAMES)
def test_2_4_3_verb_id_is_an_iri_with_display_in_zh_cn_and_en(name, sample_statements):
    """xAPI 1.0.3 §2.4.3: the verb id is an IRI (one of our vocabulary); display is a
    language map, here in both product languages."""
    verb = sample_statements[name]["verb"]
    assert verb["id"] in {v.value for v in Verb} and is_iri(verb["id"])
    assert set(verb["display"]) == {"zh-CN", "en"}


@pytest.mark.parametrize("name", NAMES)
def test_2_4_4_1_activity_ids_are_iris_and_types_from_the_vocabulary(name, sample_statements):
    """xAPI 1.0.3 §2.4.4.1: activity ids are IRIs (ours under the tool's base URL, no
    content version in them), activity types are IRIs from our vocabulary."""
    for activity in activities(sample_statements[name]):
        assert activity["objectType"] == "Activity"
        assert is_iri(activity["id"]) and activity["id"].startswith(BASE)
        assert "2026.1" not in activity["id"]
        assert activity["definition"]["type"] in {t.value for t in ActivityType}


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith("question-answered/")])
def test_2_4_4_1_interaction_definition_is_complete(name, sample_statements):
    """xAPI 1.0.3 §2.4.4.1 interaction activities: type cmi.interaction, a valid
    interactionType, correctResponsesPattern as an array of strings where there is a
    correct answer, choices only for choice questions, and a response in result."""
    s = sample_statements[name]
    definition = s["object"]["definition"]
    kind = name.split("/")[1]
    expected_type = {"choice": "choice", "multiple-choice": "choice"}.get(kind, kind)
    assert definition["type"] == ActivityType.INTERACTION
    assert definition["interactionType"] == expected_type
    assert isinstance(s["result"]["response"], str)
    if expected_type == "long-fill-in":
        assert "correctResponsesPattern" not in definition  # graded by a trainer
    else:
        assert definition["correctResponsesPattern"] and all(isinstance(p, str)
                                                            for p in definition["correctResponsesPattern"])
    if expected_type == "choice":
        ids = [c["id"] for c in definition["choices"]]
        assert len(ids) == len(set(ids))
        for pattern in definition["correctResponsesPattern"]:
            assert set(pattern.split("[,]")) <= set(ids)
        assert set(s["result"]["response"].split("[,]")) <= set(ids)
    else:
        assert "choices" not in definition


@pytest.mark.parametrize("name", [n for n, s in samples().items() if s.result and s.result.score])
def test_2_4_5_1_scaled_score_in_range_and_raw_within_min_max(name, sample_statements):
    """xAPI 1.0.3 §2.4.5.1: scaled is a number in [-1, 1]; min < max; raw is within
    min..max."""
    score = sample_statements[name]["result"]["score"]
    assert all(isinstance(score[k], (int, float)) for k in ("scaled", "raw", "min", "max"))
    assert -1 <= score["scaled"] <= 1
    assert score["min"] < score["max"]
    assert score["min"] <= score["raw"] <= score["max"]
    assert score["scaled"] == pytest.approx((score["raw"] - score["min"]) / (score["max"] - score["min"]), abs=1e-4)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "voided"])
def test_2_4_6_context_registration_parent_grouping_platform_language(name, sample_statements):
    """xAPI 1.0.3 §2.4.6, §2.4.6.1, §2.4.6.2: registration is a UUID, context activities
    are arrays (parent: the container, grouping: the course and the LMS context),
    platform and revision appear since the object is an Activity, language is a tag."""
    context = sample_statements[name]["context"]
    assert str(uuid.UUID(context["registration"])) == context["registration"]
    groups = context["contextActivities"]
    assert all(isinstance(v, list) for v in groups.values())
    assert set(groups) <= {"parent", "grouping", "category", "other"}
    grouping_ids = [a["id"] for a in groups["grouping"]]
    assert grouping_ids[-1].startswith(BASE + "activities/lms-context/")
    if sample_statements[name]["object"]["definition"]["type"] != ActivityType.COURSE:
        container = groups["parent"][0]["id"]
        assert container.startswith(BASE + "activities/")
    assert context["platform"] == "Moodle" and context["revision"] == "2026.1"
    assert is_language_tag(context["language"])


def test_2_4_6_no_platform_or_revision_when_the_object_is_not_an_activity(sample_statements):
    """xAPI 1.0.3 §2.4.6 (2.4.6.s4.b1, b2): revision and platform only with an Activity
    object; a voiding statement (object: StatementRef) has neither."""
    s = sample_statements["voided"]
    assert s["object"]["objectType"] == "StatementRef"
    assert "platform" not in s.get("context", {}) and "revision" not in s.get("context", {})


@pytest.mark.parametrize("name", NAMES)
def test_4_2_language_maps_have_rfc_5646_keys(name, sample_statements):
    """xAPI 1.0.3 §4.2 (2.2.s3.b2): every language map key is an RFC 5646 tag, every
    value a string; our own texts come in zh-CN and en."""
    for path, value in language_maps(sample_statements[name]):
        assert value and all(is_language_tag(k) and isinstance(v, str) for k, v in value.items()), path


@pytest.mark.parametrize("name", NAMES)
def test_4_5_timestamp_is_iso_8601_with_time_zone_and_milliseconds(name, sample_statements):
    """xAPI 1.0.3 §4.5 (4.5.s1.b1, b3, b4): ISO 8601 with a time zone, precise to the
    millisecond; the event's time is kept (09:15:30.250 in UTC+8)."""
    value = sample_statements[name]["timestamp"]
    parsed = parse_timestamp(value)
    assert parsed is not None and parsed.utcoffset() is not None
    assert parsed.isoformat(timespec="milliseconds") == "2026-03-02T01:15:30.250+00:00"


@pytest.mark.parametrize("name", [n for n, s in samples().items() if s.result and s.result.duration])
def test_4_6_duration_is_iso_8601(name, sample_statements):
    """xAPI 1.0.3 §4.6 (4.6.s1.b1): durations use the ISO 8601 duration format."""
    assert re.match(r"^PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?$", sample_statements[name]["result"]["duration"])


@pytest.mark.parametrize("name", NAMES)
def test_2_4_8_to_2_4_10_stored_authority_and_version_are_left_to_the_lrs(name, sample_statements):
    """xAPI 1.0.3 §2.4.8 (2.4.8.s3.b2), §2.4.9, §2.4.10 (2.4.10.s4.b2): a provider sets
    neither stored nor authority, and should not set the version."""
    assert not {"stored", "authority", "version"} & set(sample_statements[name])


@pytest.mark.parametrize("name", NAMES)
def test_4_1_extension_keys_are_iris(name, sample_statements):
    """xAPI 1.0.3 §4.1 (4.1.s3.b1): extension keys are IRIs."""
    s = sample_statements[name]
    for holder in (s.get("result", {}), s.get("context", {})):
        for key in holder.get("extensions", {}):
            assert is_iri(key)
