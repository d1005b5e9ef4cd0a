"""Aiken: a question line, options ``A. …`` / ``B) …``, then ``ANSWER: B``; a blank
line between questions. Aiken holds single choice questions only."""

from __future__ import annotations

import re
from pathlib import Path

from lti_tool.banks.model import MAX_QUESTIONS, Bank, BankError, Item, Option

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$")


def looks_like(text: str) -> bool:
    """An Aiken file has ``ANSWER:`` lines and no GIFT braces."""
    return bool(re.search(r"^ANSWER:\s*[A-Z]\s*$", text, re.M)) and "{" not in text


def read(path: Path) -> Bank:
    bank = Bank(str(path), "Aiken")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines + [""], start=1):
        if line.strip():
            block.append((number, line.strip()))
        elif block:
            _question(bank, block)
            block = []
    return bank


def _question(bank: Bank, block: list[tuple[int, str]]) -> None:
    bank.seen += 1
    if bank.seen > MAX_QUESTIONS:
        raise BankError(f"题目超过 {MAX_QUESTIONS} 道", f"more than {MAX_QUESTIONS} questions")
    where = f"第 {block[0][0]} 行 / line {block[0][0]}"
    stem_lines, options, answer = [], {}, None
    for number, line in block:
        if match := _ANSWER.match(line):
            answer = match.group(1)
        elif match := _OPTION.match(line):
            options[match.group(1)] = match.group(2).strip()
        elif options:
            bank.error(f"第 {number} 行 / line {number}", f"选项之后应是 ANSWER: 行，而不是 {line!r}", f"expected an ANSWER: line after the options, not {line!r}")
            return
        else:
            stem_lines.append(line)
    if not stem_lines or len(options) < 2:
        bank.error(where, "Aiken 题目需要题干和至少两个选项", "an Aiken question needs a stem and at least two options")
    elif answer is None:
        bank.error(where, "缺少 ANSWER: 行", "the ANSWER: line is missing")
    elif answer not in options:
        bank.error(where, f"答案 {answer} 没有对应的选项", f"answer {answer} names no option")
    else:
        opts = [Option(text, correct=letter == answer) for letter, text in options.items()]
        bank.items.append(Item("single_choice", "\n".join(stem_lines), where=where, options=opts))


def write(bank: Bank) -> tuple[bytes, list[str]]:
    """Single choice items as Aiken; every other item is named in the list returned."""
    out, skipped = [], []
    for number, item in enumerate(bank.items, start=1):
        if item.type != "single_choice" or len(item.options) > 26:
            skipped.append(item.name or str(number))
            continue
        out.append(" ".join(item.stem.split()))
        for index, option in enumerate(item.options):
            out.append(f"{chr(65 + index)}. {' '.join(option.text.split())}")
        out.append(f"ANSWER: {chr(65 + next(i for i, o in enumerate(item.options) if o.correct))}")
        out.append("")
    return "\n".join(out).encode(), skipped
