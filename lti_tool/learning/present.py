"""Course content as the pages show it: texts in the reader's language, Markdown as safe
HTML (course files served from the version), questions ready for a form or a review."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from lti_tool import i18n
from lti_tool.catalog.questions import BLANK
from lti_tool.catalog.render import render_markdown
from lti_tool.learning.grading import Mark, field_name

ASSET_PREFIXES = ("/static/", "/learn/asset/")


def language() -> str:
    return "en" if i18n.current() == "en" else "zh-CN"


def text(value) -> str:
    """A bilingual text (stored dict or I18n model) in the reader's language."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get(language()) or value.get("zh-CN") or ""
    return value.get(language())


def markdown(source: str, version_id: int, folder: str) -> Markup:
    """Safe HTML of a version's Markdown. A version never changes, so each text is
    rendered once per process and language; the shape of this request's asset URLs is
    part of the key (a session carried in the URL has its own)."""
    return Markup(_rendered(source, version_id, folder, language(),
                            url_for("learning.asset", version_id=version_id, path="x")))


@functools.lru_cache(maxsize=1024)
def _rendered(source: str, version_id: int, folder: str, language: str, _url_shape: str) -> str:
    return render_markdown(
        source, folder=folder, language=language, asset_prefixes=ASSET_PREFIXES,
        asset_url=lambda path: url_for("learning.asset", version_id=version_id, path=path),
    )


@dataclass
class Shown:
    """One question (or case part) for the attempt form and the review."""

    id: str
    type: str
    name: str  # the form field prefix
    number: str
    points: float
    stem: Markup
    answer: Any = None
    options: list[dict] = field(default_factory=list)
    case: Markup | None = None
    parts: list[Shown] = field(default_factory=list)
    mark: Mark | None = None
    response: Any = None  # the stored AttemptResponse (review)
    feedback: str = ""
    explanation: str = ""
    correct: str = ""  # the right answer in words (review)


def _blank_input(name: str, blank_id: str, value: str, number: str, index: int, disabled: bool) -> str:
    label = f"{number} – {index}"
    return (f'<input type="text" class="blank" name="{escape(name)}.{escape(blank_id)}" value="{escape(value)}" '
            f'aria-label="{escape(label)}" autocomplete="off"{" disabled" if disabled else ""}>')


def _stem(question, version_id: int, name: str, number: str, answer, disabled: bool) -> Markup:
    html = str(markdown(text(question.stem), version_id, "quizzes"))
    if question.type == "fill_blank":
        given = answer if isinstance(answer, dict) else {}
        counter = iter(range(1, 1000))
        html = re.sub(BLANK, lambda m: _blank_input(name, m.group(1), given.get(m.group(1), ""), number,
                                                     next(counter), disabled), html)
    return Markup(html)


def _correct_words(question) -> str:
    if question.type == "single_choice":
        return next(text(o.text) for o in question.options if o.id == question.answer)
    if question.type == "multiple_choice":
        return "; ".join(text(o.text) for o in question.options if o.id in question.answers)
    if question.type == "true_false":
        from flask_babel import gettext as _

        return _("True") if question.answer else _("False")
    if question.type == "fill_blank":
        return "; ".join(" / ".join(b.accept) for b in question.blanks)
    if question.type == "short_answer" and question.reference_answer:
        return text(question.reference_answer)
    return ""


def show(question, version_id: int, number: str, answer=None, order: list[str] | None = None,
         part_orders: dict | None = None, prefix: tuple[str, ...] = (), disabled: bool = False) -> Shown:
    name = field_name(*prefix, question.id)
    shown = Shown(question.id, question.type, name, number, float(question.max_points),
                  _stem(question, version_id, name, number, answer, disabled), answer)
    if question.type in ("single_choice", "multiple_choice"):
        by_id = {o.id: o for o in question.options}
        chosen = answer if isinstance(answer, list) else [answer]
        for option_id in (order or list(by_id)):
            option = by_id.get(option_id)
            if option is not None:
                shown.options.append({"id": option.id, "html": markdown(text(option.text), version_id, "quizzes"),
                                      "checked": option.id in chosen, "feedback": text(option.feedback)})
    if question.type == "case_analysis":
        shown.case = markdown(text(question.case), version_id, "quizzes")
        given = answer if isinstance(answer, dict) else {}
        for index, sub in enumerate(question.questions, start=1):
            shown.parts.append(show(sub, version_id, f"{number}.{index}", given.get(sub.id),
                                    order=(part_orders or {}).get(sub.id), prefix=(*prefix, question.id),
                                    disabled=disabled))
    shown.feedback = text(question.feedback)
    shown.explanation = text(question.explanation)
    shown.correct = _correct_words(question)
    return shown


def paper(quiz, attempt, disabled: bool = False) -> list[Shown]:
    out = []
    for index, entry in enumerate(attempt.paper, start=1):
        question = quiz.questions.get(entry["q"])
        if question is not None:
            out.append(show(question, attempt.graded_version_id or attempt.course_version_id, str(index),
                            attempt.answers.get(question.id), order=entry.get("options"),
                            part_orders=entry.get("parts"), disabled=disabled))
    return out


def with_responses(shown: list[Shown], responses) -> list[Shown]:
    """Attach the stored marks (and instructor comments) to the questions of a review."""
    by_key = {(r.question_id, r.part_id): r for r in responses}
    for item in shown:
        if item.parts:
            for part in item.parts:
                part.response = by_key.get((item.id, part.id))
            points = [p.response.points for p in item.parts if p.response]
            item.mark = Mark(None if any(v is None for v in points) else sum(points), item.points)
        else:
            item.response = by_key.get((item.id, ""))
            if item.response:
                item.mark = Mark(item.response.points, item.response.max_points)
    return shown
