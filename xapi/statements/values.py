"""Plain values the builders take: no Flask, no ORM objects, nothing that talks to a DB."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xapi.vocabulary import ActivityType, Iris

LangMap = Mapping[str, str]  # {"zh-CN": "...", "en": "..."}


def lang_map(value: LangMap | str) -> dict[str, str]:
    """A language map with no empty entries; a bare string is undetermined-language text."""
    if isinstance(value, str):
        value = {"und": value}
    cleaned = {k: v for k, v in dict(value).items() if v}
    if not cleaned:
        raise ValueError("a language map needs at least one non-empty text")
    return cleaned


@dataclass(frozen=True)
class Person:
    """A learner, instructor or assessor, as the LMS knows them (LTI issuer and sub)."""

    issuer: str  # the platform issuer: account.homePage
    sub: str  # the LTI subject: account.name
    name: str | None = None

    def __post_init__(self) -> None:
        if not self.issuer.startswith(("https://", "http://")):
            raise ValueError(f"an issuer must be an http(s) URL, not {self.issuer!r}")
        if not self.sub:
            raise ValueError("an LTI sub must not be empty")


@dataclass(frozen=True)
class LmsContext:
    """The LMS course an activity is placed in (LTI context)."""

    issuer: str
    context_id: str
    title: str | None = None


@dataclass(frozen=True)
class Item:
    """A lesson, quiz, practical task or classroom session: its id in the course and title."""

    id: str
    title: LangMap


@dataclass(frozen=True)
class Ref:
    """An activity as a statement names it: IRI, type and name."""

    iri: str
    type: ActivityType
    name: LangMap
    description: LangMap | None = None


@dataclass(frozen=True)
class CourseContext:
    """Where statements happen: the course, the LMS context, the registration.

    ``registration`` is the attempt's UUID for a quiz or practical assessment, the
    enrolment's UUID otherwise. ``revision`` is the content version the learner used.
    """

    base_url: str
    course_id: str
    course_title: LangMap
    registration: uuid.UUID | str
    platform: str = ""  # the LMS product, e.g. "Moodle"
    language: str = "zh-CN"
    revision: str | None = None
    lms_context: LmsContext | None = None
    iris: Iris = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "iris", Iris(self.base_url))
        object.__setattr__(self, "registration", uuid.UUID(str(self.registration)))

    def with_registration(self, registration: uuid.UUID | str) -> "CourseContext":
        return dataclasses.replace(self, registration=registration)

    # The activities of this course, by kind.
    def course(self) -> Ref:
        return Ref(self.iris.course(self.course_id), ActivityType.COURSE, self.course_title)

    def lesson(self, item: Item) -> Ref:
        return Ref(self.iris.lesson(self.course_id, item.id), ActivityType.LESSON, item.title)

    def quiz(self, item: Item) -> Ref:
        return Ref(self.iris.assessment(self.course_id, item.id), ActivityType.ASSESSMENT, item.title)

    def practical(self, item: Item) -> Ref:
        return Ref(self.iris.practical(self.course_id, item.id), ActivityType.PERFORMANCE, item.title)

    def session(self, item: Item) -> Ref:
        return Ref(self.iris.session(item.id), ActivityType.MEETING, item.title)

    def lms(self) -> Ref | None:
        if self.lms_context is None:
            return None
        c = self.lms_context
        return Ref(self.iris.lms_context(c.issuer, c.context_id), ActivityType.COURSE, c.title or c.context_id)


@dataclass(frozen=True)
class Score:
    """A score: ``raw`` within ``min``..``max``; ``scaled`` is derived, in 0..1."""

    raw: float
    max: float
    min: float = 0.0

    def __post_init__(self) -> None:
        if not self.min < self.max:
            raise ValueError(f"score min {self.min} must be less than max {self.max}")
        if not self.min <= self.raw <= self.max:
            raise ValueError(f"raw score {self.raw} is outside {self.min}..{self.max}")

    @property
    def scaled(self) -> float:
        return round((self.raw - self.min) / (self.max - self.min), 4)

    def as_dict(self) -> dict[str, float]:
        return {"scaled": self.scaled, "raw": self.raw, "min": self.min, "max": self.max}


@dataclass(frozen=True)
class Criterion:
    """One line of a practical checklist or rubric, as the assessor judged it."""

    id: str
    title: LangMap
    met: bool | None = None
    points: float | None = None
    max_points: float | None = None
    comment: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "title": lang_map(self.title)}
        for key, value in (("met", self.met), ("points", self.points), ("maxPoints", self.max_points),
                           ("comment", self.comment)):
            if value is not None and value != "":
                data[key] = value
        return data
