"""Assembling one ``tincan.Statement`` from plain values, and the registry of kinds.

Every statement id is a UUID v5 of the event's identity (its kind, the actor, the
object and whatever makes the event unique), so building the same event again gives
the same id and a resend to an LRS is harmless.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import tincan

from xapi.statements.values import CourseContext, Person, Ref, lang_map
from xapi.vocabulary import VERB_DISPLAY, Verb

# Fixed forever: changing it would give every event a new statement id.
STATEMENT_NAMESPACE = uuid.UUID("6b3f0d0e-2f64-5c1a-9a57-3f1f6c0e8a21")

Builder = Callable[..., tincan.Statement]
COURSE: Any = object()  # context(): the course is the parent
KINDS: dict[str, Builder] = {}


def statement_kind(name: str) -> Callable[[Builder], Builder]:
    """Register a builder under its kind name (the name is also part of the id)."""

    def register(fn: Builder) -> Builder:
        if name in KINDS:
            raise ValueError(f"statement kind {name!r} registered twice")
        KINDS[name] = fn
        fn.kind = name  # type: ignore[attr-defined]
        return fn

    return register


def build(kind: str, *args: Any, **kwargs: Any) -> tincan.Statement:
    try:
        builder = KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown statement kind {kind!r}; known: {', '.join(sorted(KINDS))}") from None
    return builder(*args, **kwargs)


def statement_id(kind: str, *parts: object) -> uuid.UUID:
    return uuid.uuid5(STATEMENT_NAMESPACE, "\x1f".join([kind, *(str(p) for p in parts)]))


def utc_millis(value: datetime) -> datetime:
    """An aware UTC datetime at millisecond precision (what LRSs keep)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("statement timestamps must be timezone-aware")
    value = value.astimezone(timezone.utc)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def iso(value: datetime) -> str:
    return utc_millis(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(value: timedelta) -> str:
    """ISO 8601 duration in hours, minutes and seconds (0.01 s precision)."""
    if value < timedelta(0):
        raise ValueError("a duration cannot be negative")
    centis = round(value.total_seconds() * 100)
    hours, rest = divmod(centis, 360000)
    minutes, rest = divmod(rest, 6000)
    seconds = f"{rest // 100}" if rest % 100 == 0 else f"{rest // 100}.{rest % 100:02d}"
    return f"PT{hours}H{minutes}M{seconds}S"


# Statements are built, serialized and stored, never changed: the same actor and verb
# objects can serve every statement of a batch (an attempt's 50 answers), built once.
@lru_cache(maxsize=1024)
def agent(person: Person) -> tincan.Agent:
    data: dict[str, Any] = {"objectType": "Agent", "account": {"homePage": person.issuer, "name": person.sub}}
    if person.name:
        data["name"] = person.name
    return tincan.Agent(data)


def actor_identity(person: Person) -> str:
    return f"{person.issuer}\x1e{person.sub}"


@lru_cache(maxsize=None)
def verb(value: Verb) -> tincan.Verb:
    return tincan.Verb(id=value.value, display=tincan.LanguageMap(VERB_DISPLAY[value]))


def activity(ref: Ref, definition: Mapping[str, Any] | None = None) -> tincan.Activity:
    data: dict[str, Any] = {"type": ref.type.value, "name": lang_map(ref.name)}
    if ref.description:
        data["description"] = lang_map(ref.description)
    data.update(definition or {})
    return tincan.Activity(id=ref.iri, object_type="Activity", definition=tincan.ActivityDefinition(data))


def context(
    ctx: CourseContext,
    *,
    parent: Ref | None = COURSE,
    instructor: Person | None = None,
    extensions: Mapping[str, Any] | None = None,
    registration: bool = True,
) -> tincan.Context:
    """Context: registration, parent (the container, by default the course; None for
    the course itself), grouping (the course when it is not the parent, and the LMS
    context), platform, language, revision (the content version)."""
    course = ctx.course()
    parent = course if parent is COURSE else parent
    grouping = [r for r in (None if parent in (course, None) else course, ctx.lms()) if r is not None]
    data: dict[str, Any] = {"language": ctx.language}
    if registration:
        data["registration"] = str(ctx.registration)
    if ctx.platform:
        data["platform"] = ctx.platform
    if ctx.revision:
        data["revision"] = str(ctx.revision)
    activities: dict[str, Any] = {}
    if parent is not None:
        activities["parent"] = [activity(parent)]
    if grouping:
        activities["grouping"] = [activity(r) for r in grouping]
    if activities:
        data["contextActivities"] = tincan.ContextActivities(activities)
    if instructor is not None:
        data["instructor"] = agent(instructor)
    if extensions:
        data["extensions"] = tincan.Extensions(dict(extensions))
    return tincan.Context(data)


def result(
    *,
    score: Any = None,
    success: bool | None = None,
    completion: bool | None = None,
    response: str | None = None,
    duration_: timedelta | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> tincan.Result:
    data: dict[str, Any] = {}
    if score is not None:
        data["score"] = tincan.Score(score.as_dict())
    if success is not None:
        data["success"] = success
    if completion is not None:
        data["completion"] = completion
    if response is not None:
        data["response"] = response
    if duration_ is not None:
        data["duration"] = duration(duration_)
    if extensions:
        data["extensions"] = tincan.Extensions(dict(extensions))
    return tincan.Result(data)


def make(
    kind: str,
    identity: Iterable[object],
    *,
    actor: Person,
    verb_: Verb,
    object_: tincan.Activity | tincan.StatementRef,
    timestamp: datetime,
    context_: tincan.Context | None = None,
    result_: tincan.Result | None = None,
) -> tincan.Statement:
    stamp = utc_millis(timestamp)
    data: dict[str, Any] = {
        "id": str(statement_id(kind, actor_identity(actor), *identity)),
        "actor": agent(actor),
        "verb": verb(verb_),
        "object": object_,
    }
    if context_ is not None:
        data["context"] = context_
    if result_ is not None:
        data["result"] = result_
    statement = tincan.Statement(data)
    statement.timestamp = iso(stamp)  # set once, after: tincan would re-render it with microseconds
    return statement
