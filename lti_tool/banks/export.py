"""A course's quizzes → items, to write them in another tool's format.

Every question of every quiz (fixed ones and pools) becomes one item in the chosen
language; a pool's title is the item's topic, so a bank exported and imported again
keeps its pools."""

from __future__ import annotations

import re
from pathlib import Path

from lti_tool.banks.model import Bank, BankError, Item, Option
from lti_tool.banks.writer import MEDIA
from lti_tool.catalog.course import read_course

_POINTS_SUFFIX = re.compile(r"（每题 \d+ 分）$| \(\d+ points each\)$")


_MEDIA_REF = re.compile(r"\]\(\.\./media/([A-Za-z0-9._-]+)\)")


def course_bank(folder: Path, language: str = "zh-CN", media: bool = False) -> Bank:
    """Every question of the course at ``folder``; ``media``: the pictures they show
    come along (``bank.media``), referenced as ``@@MEDIA@@/name`` in the texts."""
    course, problems = read_course(folder)
    if course is None or problems:
        raise BankError(f"课程 {folder.name} 未通过校验（先运行 content check）", f"course {folder.name} does not pass content check (run it first)")
    bank = Bank(str(folder), "course")
    for quiz in course.quizzes:
        for question in quiz.questions:
            bank.items.append(_item(question, language, None, f"{quiz.id}-{question.id}"))
        for pool in quiz.pools:
            topic = _POINTS_SUFFIX.sub("", pool.title.get(language)) if pool.title else pool.id
            for question in pool.questions:
                bank.items.append(_item(question, language, topic, f"{quiz.id}-{question.id}"))
    bank.seen = len(bank.items)
    if media:
        for item in bank.items:
            _take_media(bank, item, folder)
    return bank


def _take_media(bank: Bank, item: Item, folder: Path) -> None:
    def swap(text: str | None) -> str | None:
        if not text:
            return text

        def one(match: re.Match) -> str:
            file = folder / "media" / match.group(1)
            if not file.is_file():
                return match.group(0)
            bank.media[match.group(1)] = file.read_bytes()
            return f"]({MEDIA}{match.group(1)})"

        return _MEDIA_REF.sub(one, text)

    for key in ("stem", "feedback", "explanation", "reference_answer", "case"):
        setattr(item, key, swap(getattr(item, key)))
    for option in item.options:
        option.text, option.feedback = swap(option.text), swap(option.feedback)
    for part in item.parts:
        _take_media(bank, part, folder)


def _text(value, language: str) -> str | None:
    return value.get(language) if value is not None else None


def _item(question, language: str, topic: str | None, name: str) -> Item:
    item = Item(question.type, _text(question.stem, language), name=name, points=question.points, topic=topic,
                feedback=_text(question.feedback, language), explanation=_text(question.explanation, language))
    if question.type in ("single_choice", "multiple_choice"):
        right = {question.answer} if question.type == "single_choice" else set(question.answers)
        item.options = [Option(o.text.get(language), correct=o.id in right, feedback=_text(o.feedback, language)) for o in question.options]
        item.partial = question.type == "multiple_choice" and question.scoring == "partial"
    elif question.type == "true_false":
        item.truth = question.answer
    elif question.type == "fill_blank":
        numbers = {b.id: str(i + 1) for i, b in enumerate(question.blanks)}
        item.stem = re.sub(r"\[\[([^\[\]]*)\]\]", lambda m: f"[[{numbers.get(m.group(1), m.group(1))}]]", item.stem)
        item.blanks = [list(b.accept) for b in question.blanks]
        item.case_sensitive, item.partial = question.case_sensitive, question.scoring == "partial"
    elif question.type == "short_answer":
        item.reference_answer = _text(question.reference_answer, language)
    elif question.type == "case_analysis":
        item.case = question.case.get(language)
        item.parts = [_item(q, language, None, f"{name}-{q.id}") for q in question.questions]
    return item
