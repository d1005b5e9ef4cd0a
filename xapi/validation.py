"""The xAPI 1.0.3 rules a statement must meet before we record it.

``problems(statement)`` returns every broken rule, each naming its section of the
xAPI 1.0.3 Data specification (``xAPI-Data.md``), so a wrong builder fails loudly in
the request that made it rather than later at an LRS. It checks the statement as a
Learning Record Provider sends it: no ``stored``/``authority`` (the LRS sets them).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

_LANG_TAG = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language (+ extlang)
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[A-Za-z0-9]{1,8})+)?$"  # private use
    r"|^x(?:-[A-Za-z0-9]{1,8})+$"
)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_IRL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(rf"^P(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
                       rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$")
_MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")

INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"}
COMPONENT_LISTS = {"choices": {"choice", "sequencing"}, "scale": {"likert"}, "source": {"matching"},
                   "target": {"matching"}, "steps": {"performance"}}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}

ALLOWED = {
    "statement": {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                  "version", "attachments"},
    "agent": {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"},
    "group": {"objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"},
    "account": {"homePage", "name"},
    "verb": {"id", "display"},
    "activity": {"objectType", "id", "definition"},
    "definition": {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                   "correctResponsesPattern", "choices", "scale", "source", "target", "steps"},
    "component": {"id", "description"},
    "statementref": {"objectType", "id"},
    "result": {"score", "success", "completion", "response", "duration", "extensions"},
    "score": {"scaled", "raw", "min", "max"},
    "context": {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
                "statement", "extensions"},
}


@dataclass(frozen=True)
class Problem:
    rule: str  # e.g. "xAPI 1.0.3 §2.4.5.1"
    path: str  # e.g. "result.score.scaled"
    message: str

    def __str__(self) -> str:
        return f"{self.rule} at {self.path}: {self.message}"


class InvalidStatement(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRI.match(value))


def is_irl(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRL.match(value))


def is_uuid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def is_language_tag(value: Any) -> bool:
    return isinstance(value, str) and bool(_LANG_TAG.match(value))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_timestamp(value: Any) -> datetime | None:
    """An aware datetime if ``value`` is an ISO 8601 timestamp with a time zone."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class _Checker:
    def __init__(self, now: datetime | None) -> None:
        self.found: list[Problem] = []
        self.now = now

    def fail(self, section: str, path: str, message: str) -> None:
        self.found.append(Problem(f"xAPI 1.0.3 §{section}", path, message))

    def keys(self, kind: str, data: dict, path: str) -> None:
        for key in sorted(set(data) - ALLOWED[kind]):
            self.fail("2.2", f"{path}.{key}", f"{key!r} is not a property of {kind} (2.2.s3.b6)")

    def nulls(self, value: Any, path: str) -> None:
        """§2.2: no null values and no empty objects, except inside extensions."""
        if isinstance(value, dict):
            if not value:
                self.fail("2.2", path, "empty object (2.2.s2.b1)")
            for key, item in value.items():
                if item is None:
                    self.fail("2.2", f"{path}.{key}", "null value (2.2.s4.b1.b1)")
                elif key != "extensions":
                    self.nulls(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.nulls(item, f"{path}[{i}]")

    def language_map(self, value: Any, path: str) -> None:
        if not isinstance(value, dict) or not value:
            self.fail("4.2", path, "a language map is a non-empty object")
            return
        for tag, text in value.items():
            if not is_language_tag(tag):
                self.fail("4.2", f"{path}.{tag}", f"{tag!r} is not an RFC 5646 language tag (2.2.s3.b2)")
            if not isinstance(text, str):
                self.fail("4.2", f"{path}.{tag}", "language map values are strings")

    def extensions(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail("4.1", path, "extensions are an object")
            return
        for key in value:
            if not is_iri(key):
                self.fail("4.1", f"{path}.{key}", "extension keys MUST be IRIs (4.1.s3.b1)")

    def agent(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail("2.4.2", path, "an agent is an object")
            return
        if value.get("objectType", "Agent") == "Group":
            self.keys("group", value, path)
            for i, member in enumerate(value.get("member", [])):
                self.agent(member, f"{path}.member[{i}]")
            if not any(k in value for k in ("mbox", "mbox_sha1sum", "openid", "account")) and not value.get("member"):
                self.fail("2.4.2.2", path, "an anonymous group needs members")
            return
        if value.get("objectType", "Agent") != "Agent":
            self.fail("2.4.2.1", f"{path}.objectType", "an agent's objectType is 'Agent'")
        self.keys("agent", value, path)
        ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in value]
        if len(ifis) != 1:
            self.fail("2.4.2.3", path, f"exactly one inverse functional identifier, found {ifis or 'none'}")
        if "mbox" in value and not (isinstance(value["mbox"], str) and _MAILTO.match(value["mbox"])):
            self.fail("2.4.2.3", f"{path}.mbox", "mbox is a mailto IRI")
        if "mbox_sha1sum" in value and not (isinstance(value["mbox_sha1sum"], str)
                                            and _SHA1.match(value["mbox_sha1sum"])):
            self.fail("2.4.2.3", f"{path}.mbox_sha1sum", "mbox_sha1sum is a hex SHA1")
        if "openid" in value and not is_iri(value["openid"]):
            self.fail("2.4.2.3", f"{path}.openid", "openid is a URI")
        if "account" in value:
            account = value["account"]
            if not isinstance(account, dict):
                self.fail("2.4.2.4", f"{path}.account", "an account is an object")
                return
            self.keys("account", account, f"{path}.account")
            if not is_irl(account.get("homePage")):
                self.fail("2.4.2.4", f"{path}.account.homePage", "homePage is required and an IRL")
            if not isinstance(account.get("name"), str) or not account.get("name"):
                self.fail("2.4.2.4", f"{path}.account.name", "name is required, a non-empty string")

    def verb(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail("2.4.3", path, "a verb is an object")
            return
        self.keys("verb", value, path)
        if not is_iri(value.get("id")):
            self.fail("2.4.3", f"{path}.id", "a verb id is required and an IRI")
        if "display" in value:
            self.language_map(value["display"], f"{path}.display")

    def activity(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail("2.4.4.1", path, "an activity is an object")
            return
        self.keys("activity", value, path)
        if value.get("objectType", "Activity") != "Activity":
            self.fail("2.4.4.1", f"{path}.objectType", "an activity's objectType is 'Activity'")
        if not is_iri(value.get("id")):
            self.fail("2.4.4.1", f"{path}.id", "an activity id is required and an IRI")
        if "definition" in value:
            self.definition(value["definition"], f"{path}.definition")

    def definition(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail("2.4.4.1", path, "a definition is an object")
            return
        self.keys("definition", value, path)
        for key in ("name", "description"):
            if key in value:
                self.language_map(value[key], f"{path}.{key}")
        if "type" in value and not is_iri(value["type"]):
            self.fail("2.4.4.1", f"{path}.type", "an activity type is an IRI")
        if "moreInfo" in value and not is_irl(value["moreInfo"]):
            self.fail("2.4.4.1", f"{path}.moreInfo", "moreInfo is an IRL")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        self.interaction(value, path)

    def interaction(self, value: dict, path: str) -> None:
        kind = value.get("interactionType")
        interaction_keys = {"correctResponsesPattern", *COMPONENT_LISTS} & set(value)
        if kind is None:
            if interaction_keys:
                self.fail("2.4.4.1", path, f"{sorted(interaction_keys)} need an interactionType")
            return
        if kind not in INTERACTION_TYPES:
            self.fail("2.4.4.1", f"{path}.interactionType", f"{kind!r} is not an interaction type (2.4.4.1.s13.b1)")
            return
        patterns = value.get("correctResponsesPattern", [])
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            self.fail("2.4.4.1", f"{path}.correctResponsesPattern", "an array of strings")
            patterns = []
        component_ids: set[str] = set()
        for key, kinds in COMPONENT_LISTS.items():
            if key not in value:
                continue
            if kind not in kinds:
                self.fail("2.4.4.1", f"{path}.{key}", f"{key!r} is not a component list of {kind!r}")
            ids = []
            for i, component in enumerate(value[key] if isinstance(value[key], list) else []):
                where = f"{path}.{key}[{i}]"
                if not isinstance(component, dict):
                    self.fail("2.4.4.1", where, "an interaction component is an object")
                    continue
                self.keys("component", component, where)
                if not isinstance(component.get("id"), str) or not component.get("id"):
                    self.fail("2.4.4.1", f"{where}.id", "a component id is a non-empty string")
                ids.append(component.get("id"))
                if "description" in component:
                    self.language_map(component["description"], f"{where}.description")
            if len(set(ids)) != len(ids):
                self.fail("2.4.4.1", f"{path}.{key}", "component ids are unique within the list")
            component_ids.update(i for i in ids if isinstance(i, str))
        if kind == "true-false" and not set(patterns) <= {"true", "false"}:
            self.fail("2.4.4.1", f"{path}.correctResponsesPattern", "true-false patterns are 'true' or 'false'")
        if kind == "choice":
            for pattern in patterns:
                unknown = {p for p in pattern.split("[,]") if p} - component_ids
                if unknown:
                    self.fail("2.4.4.1", f"{path}.correctResponsesPattern", f"unknown choice ids {sorted(unknown)}")

    def result(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail("2.4.5", path, "a result is an object")
            return
        self.keys("result", value, path)
        for key in ("success", "completion"):
            if key in value and not isinstance(value[key], bool):
                self.fail("2.4.5", f"{path}.{key}", f"{key} is a boolean (2.2.s4.b1.b3)")
        if "response" in value and not isinstance(value["response"], str):
            self.fail("2.4.5", f"{path}.response", "response is a string")
        if "duration" in value and not (isinstance(value["duration"], str) and _DURATION.match(value["duration"])):
            self.fail("4.6", f"{path}.duration", "duration is an ISO 8601 duration (4.6.s1.b1)")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        if "score" in value:
            self.score(value["score"], f"{path}.score")

    def score(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail("2.4.5.1", path, "a score is an object")
            return
        self.keys("score", value, path)
        for key, number in value.items():
            if key in ALLOWED["score"] and not is_number(number):
                self.fail("2.4.5.1", f"{path}.{key}", f"{key} is a number (2.2.s4.b1.b2)")
                return
        scaled, raw, low, high = (value.get(k) for k in ("scaled", "raw", "min", "max"))
        if scaled is not None and not -1 <= scaled <= 1:
            self.fail("2.4.5.1", f"{path}.scaled", f"scaled score {scaled} is not in [-1, 1]")
        if low is not None and high is not None and not low < high:
            self.fail("2.4.5.1", f"{path}.min", f"min {low} is not less than max {high}")
        if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
            self.fail("2.4.5.1", f"{path}.raw", f"raw score {raw} is outside min..max ({low}..{high})")

    def context(self, value: Any, path: str, object_is_activity: bool) -> None:
        if not isinstance(value, dict):
            self.fail("2.4.6", path, "a context is an object")
            return
        self.keys("context", value, path)
        if "registration" in value and not is_uuid(value["registration"]):
            self.fail("2.4.6.1", f"{path}.registration", "registration is a UUID (4.4)")
        for key in ("instructor", "team"):
            if key in value:
                self.agent(value[key], f"{path}.{key}")
        for key, rule in (("revision", "2.4.6.s4.b1"), ("platform", "2.4.6.s4.b2")):
            if key in value and not object_is_activity:
                self.fail("2.4.6", f"{path}.{key}", f"{key} only when the object is an Activity ({rule})")
        if "language" in value and not is_language_tag(value["language"]):
            self.fail("2.4.6", f"{path}.language", "language is an RFC 5646 language tag")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        activities = value.get("contextActivities")
        if activities is None:
            return
        if not isinstance(activities, dict):
            self.fail("2.4.6.2", f"{path}.contextActivities", "contextActivities is an object")
            return
        for key, items in activities.items():
            where = f"{path}.contextActivities.{key}"
            if key not in CONTEXT_ACTIVITY_KEYS:
                self.fail("2.4.6.2", where, f"{key!r} is not parent, grouping, category or other")
            if not isinstance(items, list):
                self.fail("2.4.6.2", where, "context activities SHOULD be an array (2.4.6.2.s4)")
                items = [items]
            for i, item in enumerate(items):
                self.activity(item, f"{where}[{i}]")

    def timestamp(self, value: Any, path: str) -> None:
        parsed = parse_timestamp(value)
        if parsed is None:
            self.fail("4.5", path, f"{value!r} is not an ISO 8601 timestamp with a time zone (4.5.s1.b1, b4)")
        elif self.now is not None and parsed > self.now + timedelta(minutes=5):
            self.fail("2.4.7", path, "a timestamp MUST NOT be in the future (2.4.7.s3.b4)")


def problems(statement: Any, now: datetime | None = None) -> list[Problem]:
    """Every xAPI 1.0.3 rule ``statement`` (a dict, as sent to an LRS) breaks."""
    c = _Checker(now or datetime.now(timezone.utc))
    if not isinstance(statement, dict):
        return [Problem("xAPI 1.0.3 §2.4", "$", "a statement is a JSON object")]
    c.nulls(statement, "$")
    c.keys("statement", statement, "$")
    for key in ("actor", "verb", "object"):
        if key not in statement:
            c.fail("2.2", key, f"a statement MUST use {key!r} (2.2.s2.b3)")
    if not is_uuid(statement.get("id")):
        c.fail("2.4.1", "id", "the id is a UUID in standard string form (4.4)")
    if "actor" in statement:
        c.agent(statement["actor"], "actor")
    if "verb" in statement:
        c.verb(statement["verb"], "verb")
    obj = statement.get("object")
    object_type = obj.get("objectType", "Activity") if isinstance(obj, dict) else None
    if object_type == "Activity":
        c.activity(obj, "object")
    elif object_type == "StatementRef":
        c.keys("statementref", obj, "object")
        if not is_uuid(obj.get("id")):
            c.fail("2.4.4.3", "object.id", "a statement reference's id is a UUID")
    elif object_type in ("Agent", "Group"):
        c.agent(obj, "object")
    elif obj is not None:
        c.fail("2.4.4", "object", "the object is an Activity, Agent, Group or StatementRef")
    if "result" in statement:
        c.result(statement["result"], "result")
    if "context" in statement:
        c.context(statement["context"], "context", object_type == "Activity")
    if "timestamp" in statement:
        c.timestamp(statement["timestamp"], "timestamp")
    for key in ("stored", "authority"):
        if key in statement:
            c.fail("2.4.8" if key == "stored" else "2.4.9", key, f"{key} is set by the LRS, not by the provider")
    if "version" in statement and statement["version"] != "1.0.0":
        c.fail("2.4.10", "version", "a provider that sets the version MUST set '1.0.0' (2.4.10.s4.b1)")
    return c.found


def check(statement: Any, now: datetime | None = None) -> None:
    found = problems(statement, now)
    if found:
        raise InvalidStatement(found)
