"""GIFT (Moodle's text format): ``::title:: question {=right ~wrong#feedback}``.

Read: ``{=a ~b}`` single choice, ``{~%50%a ~%50%b ~%-100%c}`` multiple choice,
``{T}`` / ``{F}`` true or false, ``{=a =b}`` (and a block inside the text) fill-in,
``{}`` essay (→ short answer, the general feedback ``####`` as its reference answer),
``{#3}`` / ``{#3:0}`` exact numbers (→ fill-in), ``$CATEGORY:`` (→ topic), ``//``
comments and the escapes ``\\: \\~ \\= \\# \\{ \\}``. Matching (``->``) and numbers
with a tolerance or range are reported per question.
"""

from __future__ import annotations

import re
from pathlib import Path

from lti_tool.banks.model import MAX_QUESTIONS, Bank, BankError, Item, Option
from lti_tool.banks.text import html_to_markdown

_ESCAPES = {"\\:": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004", "\\}": "\ue005", "\\n": "\n"}
_UNESCAPE = {v: k[1] for k, v in _ESCAPES.items() if k != "\\n"}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def _unescape(text: str) -> str:
    for mark, char in _UNESCAPE.items():
        text = text.replace(mark, char)
    return text


def _escape(text: str) -> str:
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def read(path: Path) -> Bank:
    bank = Bank(str(path), "GIFT")
    text = path.read_text(encoding="utf-8-sig")
    for mark, char in _ESCAPES.items():
        text = text.replace(mark, char)
    topic, block, start = None, [], 0
    for number, line in enumerate(text.splitlines() + [""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:") and not block:
            parts = [p for p in re.sub(r"^\$\w+\$/?", "", stripped[10:].strip()).split("/") if p and p != "top"]
            topic = _unescape(parts[-1]).strip() if parts else None
            continue
        if stripped:
            if not block:
                start = number
            block.append(line)
        elif block:
            _question(bank, "\n".join(block), start, topic)
            block = []
    return bank


def _question(bank: Bank, text: str, line: int, topic: str | None) -> None:
    bank.seen += 1
    if bank.seen > MAX_QUESTIONS:
        raise BankError(f"题目超过 {MAX_QUESTIONS} 道", f"more than {MAX_QUESTIONS} questions")
    where = f"第 {line} 行 / line {line}"
    name = None
    if match := re.match(r"^\s*::(.*?)::", text, re.S):
        name, text = _unescape(match.group(1)).strip(), text[match.end():]
    where += f" ({name})" if name else ""
    if text.count("{") != 1 or text.count("}") != 1 or text.index("{") > text.index("}"):
        if "{" not in text:
            bank.error(where, "没有答案块 {…}（说明文字不是题目）", "no answer block {…} (a description is not a question)")
        else:
            bank.error(where, "答案块 {…} 不完整或多于一个（文字中的 { } 要写成 \\{ \\}）", "the answer block {…} is unbalanced or repeated (write { } in text as \\{ \\})")
        return
    before, rest = text.split("{", 1)
    body, after = rest.split("}", 1)
    markup = "html"
    if fmt := re.match(r"^\s*\[(html|markdown|plain|moodle)\]", before):
        markup, before = fmt.group(1), before[fmt.end():]
    inline = bool(after.strip())
    stem = _rich(before.strip() + (" [[1]] " + after.strip() if inline else ""), markup)
    body, explanation = (body.split("####", 1) + [""])[:2]
    item = _answer_block(bank, where, stem, body.strip(), inline)
    if item is None:
        return
    item.name, item.topic = name, topic
    explanation = _rich(explanation.strip(), markup)
    if item.type == "short_answer":
        item.reference_answer = explanation or None
        if not item.reference_answer:
            bank.error(where, "问答题 {} 需要在 #### 后写参考答案", "an essay {} needs its reference answer after ####")
            return
    else:
        item.explanation = explanation or None
    if item.type == "fill_blank" and "[[1]]" not in item.stem:
        item.stem = f"{item.stem} [[1]]"
    elif item.type != "fill_blank":
        item.stem = item.stem.replace("[[1]]", "_____")
    bank.items.append(item)


def _rich(text: str, markup: str) -> str:
    text = _unescape(text).strip()
    return html_to_markdown(text) if markup == "html" and "<" in text else text


def _answer_block(bank: Bank, where: str, stem: str, body: str, inline: bool) -> Item | None:
    if not body:
        return Item("short_answer", stem, where=where)
    if "->" in body:
        bank.error(where, "配对题在本系统中没有对应题型，未导入", "matching has no equivalent here: not imported")
        return None
    if body.startswith("#"):
        return _numerical(bank, where, stem, body[1:].strip())
    head = body.split("#", 1)[0].strip().upper()
    if head in ("T", "TRUE", "F", "FALSE"):
        return Item("true_false", stem, where=where, truth=head.startswith("T"))
    parts = re.findall(r"([=~])([^=~]*)", body)
    options = []
    for mark, raw in parts:
        raw, feedback = (raw.split("#", 1) + [""])[:2]
        raw = raw.strip()
        weight = None
        if match := _WEIGHT.match(raw):
            weight, raw = float(match.group(1)), raw[match.end():].strip()
        fraction = 100.0 if mark == "=" and weight is None else (weight if weight is not None else 0.0)
        options.append(Option(_unescape(raw), correct=fraction > 0, feedback=_unescape(feedback).strip() or None, fraction=fraction))
    if not options or any(not o.text for o in options):
        bank.error(where, "答案块中有空答案", "an answer in the block is empty")
        return None
    if all(mark == "=" for mark, _ in parts):
        kept = [o.text for o in options if (o.fraction or 0) >= 99.9]
        if len(kept) < len(options):
            bank.note(where, "部分得分的答案未保留", "partly right answers are not kept")
        return Item("fill_blank", stem, where=where, blanks=[kept], partial=True) if kept else None
    right = [o for o in options if o.correct]
    if len(options) < 2 or not right:
        bank.error(where, "选择题需要至少两个选项和一个正确选项", "a choice question needs two options and a right one")
        return None
    if len(right) == 1 and (right[0].fraction or 0) >= 99.9:
        return Item("single_choice", stem, where=where, options=options)
    share = 100 / len(right)
    even = all(abs((o.fraction or 0) - share) < 0.1 for o in right)
    wrong = [o for o in options if not o.correct]
    partial = even and all(abs((o.fraction or 0) + share) < 0.1 for o in wrong)
    strict = even and wrong and all((o.fraction or 0) <= -99.9 for o in wrong)
    if not (partial or strict):
        bank.note(where, "各选项的分值比例无法原样表示，改为“选对数 − 选错数”计分", "the options' weights cannot be kept as they are: scored as (right − wrong chosen) / right")
        partial = True
    return Item("multiple_choice", stem, where=where, options=options, partial=partial)


def _numerical(bank: Bank, where: str, stem: str, body: str) -> Item | None:
    accept = []
    for answer in re.split(r"\s*=\s*", body.lstrip("=")):
        answer = answer.split("#", 1)[0].strip()
        if not answer:
            continue
        value, _, tolerance = answer.partition(":")
        if ".." in value or (tolerance and float(tolerance or 0) != 0):
            bank.error(where, "带误差范围的数值题：填空题不支持误差，未导入", "a numerical question with a tolerance or range: fill-in has no tolerance, not imported")
            return None
        accept.append(value.strip())
    if not accept:
        bank.error(where, "数值题没有答案", "a numerical question has no answer")
        return None
    bank.note(where, "误差为 0 的数值题导入为填空题", "a numerical question with no tolerance is imported as fill-in")
    return Item("fill_blank", stem, where=where, blanks=[accept], partial=True)


def write(bank: Bank) -> tuple[bytes, list[str]]:
    """``bank`` as GIFT; items it cannot hold (case analysis, several blanks) are named
    in the list returned."""
    out, skipped, topic = [], [], object()
    for number, item in enumerate(bank.items, start=1):
        if item.type == "case_analysis" or (item.type == "fill_blank" and len(item.blanks) != 1):
            skipped.append(item.name or str(number))
            continue
        if item.topic != topic:
            topic = item.topic
            out.append(f"$CATEGORY: $course$/top{'/' + item.topic if item.topic else ''}\n")
        title = f"::{_escape(item.name or f'q{number}')}::"
        general = f"####{_escape(item.explanation)}" if item.explanation else ""
        if item.type == "true_false":
            out.append(f"{title}[markdown]{_escape(item.stem)} {{{'T' if item.truth else 'F'}{general}}}\n")
        elif item.type == "short_answer":
            out.append(f"{title}[markdown]{_escape(item.stem)} {{####{_escape(item.reference_answer or '')}}}\n")
        elif item.type == "fill_blank":
            block = "{" + " ".join(f"={_escape(a)}" for a in item.blanks[0]) + general + "}"
            before, _, after = item.stem.partition("[[1]]")
            out.append(f"{title}[markdown]{_escape(before.strip())} {block} {_escape(after.strip())}".rstrip() + "\n")
        else:
            right = sum(o.correct for o in item.options)
            answers = []
            for option in item.options:
                if item.type == "single_choice":
                    mark = "=" if option.correct else "~"
                else:
                    share = 100 / right
                    weight = share if option.correct else (-share if item.partial else -100)
                    mark = f"~%{weight:.5f}".rstrip("0").rstrip(".") + "%"
                feedback = f"#{_escape(option.feedback)}" if option.feedback else ""
                answers.append(f"\t{mark}{_escape(option.text)}{feedback}")
            out.append(f"{title}[markdown]{_escape(item.stem)} {{\n" + "\n".join(answers) + f"\n{general}}}\n")
    return "\n".join(out).encode(), skipped
