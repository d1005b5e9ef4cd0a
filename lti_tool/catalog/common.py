"""Building blocks of the content schema: ids, bilingual text, and error wording."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from lti_tool.catalog.errors import Problem
from lti_tool.catalog.source import Loc, Source

#: Every text exists in each of these languages, Simplified Chinese first.
LANGUAGES = ("zh-CN", "en")
LANGUAGE_NAMES = {"zh-CN": "Simplified Chinese", "en": "English"}

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
VERSION_PATTERN = r"^\d+\.\d+\.\d+$"
PATH_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9._/-]*$"
_PATTERN_HELP = {
    SLUG_PATTERN: "an id uses lowercase letters a-z, digits and single hyphens (e.g. safe-tools)",
    VERSION_PATTERN: "a version is MAJOR.MINOR.PATCH, e.g. \"1.0.0\" (in quotes)",
    PATH_PATTERN: "a path is relative to the course folder, with / between folders, "
    "and names of a-z, A-Z, 0-9, '.', '_' and '-'",
}

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN, max_length=32)]
RelPath = Annotated[str, StringConstraints(pattern=PATH_PATTERN, max_length=255)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Percent = Annotated[int, Field(ge=0, le=100)]


class Strict(BaseModel):
    """A content model: unknown fields are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


#: Han characters and full-width punctuation/forms.
_WIDE = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
#: A space between two wide characters, or after full-width punctuation: in Chinese
#: there is none; YAML's folded style (``>``) puts one at each line break.
_STRAY_SPACE = re.compile(f"(?<=[{_WIDE}]) +(?=[{_WIDE}])|(?<=[，。；：！？、）》」』】]) +")
#: "N. " at the start or after the end of a sentence or clause: where a folded list's
#: next item begins.
_ITEM = re.compile(r"(?:^|(?<=[.;:!?] )|(?<=[。；：！？]))(\d{1,2})\. ")


def _unfold_list(text: str) -> str:
    """A numbered list folded into one line ("1. a 2. b 3. c", as YAML's ``>`` makes of
    a list written one item a line) back to one item a line; anything else as it is."""
    if "\n" in text or not text.startswith("1. "):
        return text
    starts, expected = [], 1
    for match in _ITEM.finditer(text):
        if int(match.group(1)) == expected:
            starts.append(match.start())
            expected += 1
    if len(starts) < 2:
        return text
    bounds = starts + [len(text)]
    return "\n".join(text[a:b].strip() for a, b in zip(bounds, bounds[1:]))


def tidy(language: str, text: str) -> str:
    """A text as its author meant it, whatever YAML's folding did to it."""
    if not isinstance(text, str):
        return text
    if language == "zh-CN":
        text = _STRAY_SPACE.sub("", text)
    return _unfold_list(text)


class I18n(Strict):
    """One text in every language: ``{zh-CN: ..., en: ...}``. Folded text is tidied:
    no space between Chinese characters or after full-width punctuation, and a numbered
    list folded into one line is one item a line again (``tidy``)."""

    zh_CN: Text = Field(alias="zh-CN")
    en: Text

    @model_validator(mode="before")
    @classmethod
    def _both_languages(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("expected the text in each language: {zh-CN: ..., en: ...}")
        if isinstance(value, dict):
            unknown = [str(k) for k in value if k not in LANGUAGES]
            if unknown:
                raise ValueError(
                    f"unknown language {', '.join(repr(k) for k in unknown)}; use zh-CN and en"
                )
            return {k: tidy(k, v) for k, v in value.items()}
        return value

    def get(self, locale: str | None) -> str:
        """The text for a locale such as ``zh_CN``, ``zh-CN`` or ``en``; Chinese by default."""
        return self.en if (locale or "").lower().startswith("en") else self.zh_CN


def duplicates(values: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    """``(index, value)`` for each value already seen earlier."""
    seen: set = set()
    for index, value in enumerate(values):
        if value in seen:
            yield index, value
        seen.add(value)


def describe(error: dict) -> str:
    """One pydantic error in the words of the content format."""
    kind, loc, ctx = error["type"], error["loc"], error.get("ctx") or {}
    field = loc[-1] if loc else ""
    if kind == "missing":
        if field in LANGUAGES:
            return f"missing the {LANGUAGE_NAMES[field]} text ({field})"
        return f"missing required field '{field}'"
    if kind == "extra_forbidden":
        return f"unknown field '{field}'"
    if kind == "union_tag_invalid":
        return f"{ctx.get('tag')!r} is not a question type allowed here; use one of: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"missing required field {ctx.get('discriminator')} (the question type)"
    if kind == "literal_error":
        return f"{error['input']!r} is not allowed; use one of: {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        help_text = _PATTERN_HELP.get(ctx.get("pattern"), f"expected the pattern {ctx.get('pattern')}")
        return f"{error['input']!r} is not valid: {help_text}"
    if kind == "string_type":
        found = type(error["input"]).__name__
        return f"expected text, found {found} {error['input']!r} (put it in quotes)"
    if kind == "string_too_short":
        return "the text is empty"
    if kind in ("too_short", "too_long"):
        return error["msg"].replace("List", "the list")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "model_type" or kind == "model_attributes_type":
        return f"expected a mapping of fields, found {type(error['input']).__name__}"
    return error["msg"]


def schema_problems(source: Source, exc: ValidationError, base: Loc = ()) -> list[Problem]:
    """Every error of a pydantic validation, located in its YAML source."""
    return [source.problem(base + tuple(e["loc"]), describe(e)) for e in exc.errors(include_url=False)]


def located(source: Source, base: Loc, found: Iterable[tuple[Loc, str]]) -> list[Problem]:
    """Problems from a model's own ``problems()`` (locations relative to ``base``)."""
    return [source.problem(base + loc, message) for loc, message in found]
