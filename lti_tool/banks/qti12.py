"""IMS QTI 1.2 (``questestinterop``): Canvas's "QTI .zip" export, read through
:mod:`lti_tool.banks.qti` (which opens the package and parses the XML safely), and a
bare file of Blackboard or another tool.

Canvas names each item's type in its ``itemmetadata`` (``question_type``); without it
(Blackboard's ``bbmd_questiontype``, or none) the type is read from the responses.
Read: multiple_choice and true_false (single choice, true/false), multiple_answers
(multiple choice, scored as the file scores it), short_answer (a fill-in of one
blank), fill_in_multiple_blanks (a fill-in, each ``[word]`` of the text a blank), essay
(a short answer, its general feedback the reference answer) and numerical when each
answer is one exact number (a fill-in: our fill-in has no tolerance, so a range or a
margin is reported). Matching, dropdowns, formulas and file uploads are reported per
item; a text-only item is skipped with a note. ``points_possible``, the feedback of the
item and of each answer (``itemfeedback``) and the pictures (``$IMS-CC-FILEBASE$/…``,
the package's ``web_resources/``) come along; a question group (``section``) is a pool.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from lti_tool.banks.model import MAX_QUESTIONS, Bank, BankError, Item, Option
from lti_tool.banks.text import clean, truth

#: Canvas types we have no equivalent for.
REFUSED = {
    "matching_question": ("配对题", "matching"),
    "multiple_dropdowns_question": ("多下拉选择题", "multiple dropdowns"),
    "calculated_question": ("公式计算题", "formula (calculated)"),
    "file_upload_question": ("文件上传题", "file upload"),
}
#: Blackboard's ``bbmd_questiontype`` as the Canvas type it is.
BLACKBOARD = {
    "multiple choice": "multiple_choice_question", "either/or": "multiple_choice_question",
    "multiple answer": "multiple_answers_question", "true/false": "true_false_question",
    "fill in the blank": "short_answer_question", "fill in the blank plus": "fill_in_multiple_blanks_question",
    "essay": "essay_question", "short response": "essay_question", "numeric": "numerical_question",
    "matching": "matching_question", "calculated": "calculated_question", "file upload": "file_upload_question",
}
RESPONSES = ("response_lid", "response_str", "response_num", "response_xy", "response_grp")
TEXTS = ("mattext", "mat_formattedtext", "matemtext")


def read_root(bank: Bank, root, name: str, fetch) -> None:
    """Every item of the ``questestinterop`` ``root`` (from the file ``name``) into
    ``bank``; ``fetch(src)`` gives the bytes of a picture in the package, or None."""
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = element.tag.split("}")[-1]
    _walk(bank, root, name, fetch, None)


def _walk(bank: Bank, element, name: str, fetch, topic: str | None) -> None:
    for child in element:
        if child.tag == "assessment":
            _walk(bank, child, name, fetch, clean(child.get("title")) or topic)
        elif child.tag == "section":
            title = clean(child.get("title"))
            group = title if title and child.get("ident") != "root_section" else topic
            where = f"{name} ({title or child.get('ident') or 'section'})"
            items = child.findall("item")
            if not items and child.find(".//sourcebank_ref") is not None:
                bank.error(where, "题组从题库中抽题，导出包中没有这些题目，未导入",
                           "the group draws from a question bank that is not in the export: not imported")
            number = clean(child.findtext("selection_ordering/selection/selection_number"))
            if items and number.isdigit() and int(number) < len(items):
                bank.note(where, f"题组从 {len(items)} 道题中抽 {number} 道：导入后整组抽取，请在测验 YAML 中修改抽题数",
                          f"the group draws {number} of {len(items)} questions: the pool draws all of them; set the count in the quiz YAML")
            _walk(bank, child, name, fetch, group)
        elif child.tag == "objectbank":
            _walk(bank, child, name, fetch, topic)
        elif child.tag == "item":
            _item(bank, child, name, fetch, topic)


@dataclass
class _Condition:
    score: float
    right: list[tuple[str, str]] = field(default_factory=list)  # (respident, value) that must be chosen
    values: list[tuple[str, str]] = field(default_factory=list)  # every var* test: (tag, value)


class _Question:
    """One item's parts: its stem, responses, feedback texts and scoring conditions."""

    def __init__(self, bank: Bank, item, where: str, fetch) -> None:
        from lti_tool.banks.qti import html_markdown

        self.bank, self.item, self.where = bank, item, where
        self._rich = lambda text: html_markdown(bank, where, text, fetch)
        presentation = item.find("presentation")
        self.responses = [e for e in presentation.iter() if e.tag in RESPONSES] if presentation is not None else []
        found: list = []
        if presentation is not None:
            _outside(presentation, found)
        self.stem = "\n\n".join(t for t in (self.material(m) for m in found) if t)
        self.feedback = {f.get("ident"): self.material(f) for f in item.findall("itemfeedback")}
        self.conditions = [_condition(c) for c in item.iter("respcondition")]
        self.scoring = [c for c in self.conditions if c.score > 0]

    def material(self, element) -> str:
        parts = []
        for node in element.iter():
            if node.tag in TEXTS:
                kind = (node.get("texttype") or node.get("type") or "text/plain").lower()
                text = node.text or ""
                parts.append(self._rich(text) if "html" in kind else clean(text))
            elif node.tag == "matimage" and node.get("uri"):
                parts.append(self._rich(f'<img src="{html.escape(node.get("uri"))}" alt="">'))
        return "\n\n".join(p for p in parts if p)

    def labels(self, response) -> list[tuple[str, str]]:
        return [(label.get("ident") or "", self.material(label)) for label in response.iter("response_label")]

    def accepted(self, ident: str | None) -> list[str]:
        """The values of ``ident`` that earn points, in the file's order."""
        found: list[str] = []
        for condition in self.scoring:
            for respident, value in condition.right:
                if (respident == ident or ident is None) and value and value not in found:
                    found.append(value)
        return found

    def error(self, zh: str, en: str) -> None:
        self.bank.error(self.where, zh, en)


def _outside(element, found: list) -> None:
    """The ``material`` of ``element`` that is not part of a response (the stem)."""
    for child in element:
        if child.tag in RESPONSES:
            continue
        if child.tag == "material":
            found.append(child)
        else:
            _outside(child, found)


def _condition(element) -> _Condition:
    score = 0.0
    for setvar in element.findall("setvar"):
        if (setvar.get("varname") or setvar.get("variablename") or "SCORE").upper() in ("SCORE", "QUE_SCORE"):
            value = clean(setvar.text)
            try:
                score += float(value)
            except ValueError:
                score += 100.0 if value.upper().endswith(".MAX") else 0.0  # Blackboard's SCORE.max
    condition = _Condition(score)
    var = element.find("conditionvar")
    if var is not None:
        _collect(var, False, condition)
    return condition


def _collect(element, negated: bool, condition: _Condition) -> None:
    for child in element:
        if child.tag == "not":
            _collect(child, not negated, condition)
        elif child.tag.startswith("var") and child.tag != "varsubset":
            condition.values.append((child.tag, clean(child.text)))
            if child.tag == "varequal" and not negated:
                condition.right.append((child.get("respident") or "", clean(child.text)))
        else:
            _collect(child, negated, condition)


def _item(bank: Bank, element, name: str, fetch, topic: str | None) -> None:
    meta = {clean(f.findtext("fieldlabel")): clean(f.findtext("fieldentry")) for f in element.iter("qtimetadatafield")}
    for field_ in element.findall("itemmetadata/*"):  # Blackboard: <bbmd_questiontype>Multiple Choice</…>
        if field_.tag.startswith("bbmd_") and field_.text:
            meta.setdefault(field_.tag, clean(field_.text))
    title = clean(element.get("title")) or clean(element.get("ident"))
    where = f"{name} ({title})" if title else name
    kind = meta.get("question_type") or BLACKBOARD.get(meta.get("bbmd_questiontype", "").lower()) or _guess(element)
    if kind == "text_only_question":
        bank.note(where, "纯文字说明（text_only_question）不是题目，已跳过", "a text-only item is not a question: skipped")
        return
    bank.seen += 1
    if bank.seen > MAX_QUESTIONS:
        raise BankError(f"题目超过 {MAX_QUESTIONS} 道", f"more than {MAX_QUESTIONS} questions")
    reader = _READERS.get(kind)
    if reader is None:
        zh, en = REFUSED.get(kind, (kind, kind))
        bank.error(where, f"题型“{zh}”（{kind}）在本系统中没有对应题型，未导入", f"question type {en} ({kind}) has no equivalent here: not imported")
        return
    question = _Question(bank, element, where, fetch)
    item = reader(question, kind)
    if item is None:
        return
    item.where, item.name, item.topic = where, title or None, topic
    item.points = _points(bank, where, meta.get("points_possible") or meta.get("qmd_absolutescore_max"))
    _feedback(bank, where, item, question.feedback)
    bank.items.append(item)


def _points(bank: Bank, where: str, text: str | None) -> int:
    try:
        points = float(text) if text else 1.0
    except ValueError:
        points = 1.0
    if points.is_integer() and points > 0:
        return int(points)
    whole = max(1, round(points))
    bank.note(where, f"分值 {points:g} 不是正整数，改为 {whole}", f"points {points:g} is not a positive whole number: {whole} instead")
    return whole


def _feedback(bank: Bank, where: str, item: Item, texts: dict) -> None:
    general = texts.pop("general_fb", None)
    right = texts.pop("correct_fb", None) or texts.pop("correct", None)
    wrong = texts.pop("general_incorrect_fb", None) or texts.pop("incorrect", None)
    item.explanation = general or None
    item.feedback = right or wrong or None
    if right and wrong and right != wrong:
        bank.note(where, "答错时的反馈未保留（每题只有一段反馈）", "the feedback for a wrong answer is not kept (a question has one feedback)")
    for ident, text in texts.items():
        if text:
            bank.note(where, f"反馈 {ident} 未保留", f"feedback {ident} is not kept")


def _guess(element) -> str:
    """The Canvas type of an item that does not name one, from its responses."""
    presentation = element.find("presentation")
    responses = [e for e in presentation.iter() if e.tag in RESPONSES] if presentation is not None else []
    tags = {r.tag for r in responses}
    if not responses:
        return "(no response)"
    if tags == {"response_lid"}:
        if len(responses) > 1:
            return "matching_question"
        words = [clean("".join(label.itertext())) for label in responses[0].iter("response_label")]
        if len(words) == 2 and {truth(w) for w in words} == {True, False}:
            return "true_false_question"
        multiple = (responses[0].get("rcardinality") or "").lower() == "multiple"
        return "multiple_answers_question" if multiple else "multiple_choice_question"
    if tags == {"response_str"}:
        if len(responses) > 1:
            return "fill_in_multiple_blanks_question"
        scored = any(c.score > 0 and c.right for c in map(_condition, element.iter("respcondition")))
        return "short_answer_question" if scored else "essay_question"
    if tags == {"response_num"}:
        return "numerical_question"
    return ", ".join(sorted(tags))


def _choice(q: _Question, kind: str) -> Item | None:
    if len(q.responses) != 1 or q.responses[0].tag != "response_lid":
        q.error("选择题需要一个选项作答（response_lid）", "a choice item needs one choice response (response_lid)")
        return None
    labels = q.labels(q.responses[0])
    best = max(q.scoring, key=lambda c: c.score, default=None)
    partial = kind == "multiple_answers_question" and len(q.scoring) > 1
    right = {v for c in q.scoring for _r, v in c.right} if partial or kind != "multiple_answers_question" else (
        {v for _r, v in best.right} if best else set())
    options = [Option(text, correct=ident in right, feedback=q.feedback.pop(f"{ident}_fb", None) or None) for ident, text in labels]
    chosen = [o for o in options if o.correct]
    if len(options) < 2 or not chosen:
        q.error("选择题需要至少两个选项和正确答案", "a choice item needs two options and a right answer")
        return None
    if kind == "true_false_question":
        value = truth(chosen[0].text) if len(chosen) == 1 and len(options) == 2 else None
        if value is None:
            q.error("判断题的两个选项应为“对/错”（True/False）", "a true/false item's two options should be True and False")
            return None
        return Item("true_false", q.stem, truth=value)
    if kind == "multiple_choice_question":
        if len(chosen) > 1:
            q.error("单选题有多个正确答案", "a single choice item has several right answers")
            return None
        return Item("single_choice", q.stem, options=options)
    return Item("multiple_choice", q.stem, options=options, partial=partial)


def _blank_stem(q: _Question) -> str:
    return q.stem if "[[1]]" in q.stem else f"{q.stem} [[1]]"


def _short(q: _Question, kind: str) -> Item | None:
    if len(q.responses) != 1:
        q.error("填空题应只有一个作答框", "a fill-in-the-blank item should have one response")
        return None
    accept = q.accepted(q.responses[0].get("ident"))
    if not accept:
        q.error("没有得分的答案", "no answer earns points")
        return None
    return Item("fill_blank", _blank_stem(q), blanks=[accept], partial=True)


def _blanks(q: _Question, kind: str) -> Item | None:
    stem, blanks = q.stem, []
    for number, response in enumerate(q.responses, start=1):
        ident = response.get("ident") or ""
        word = clean("".join(t for m in response.findall("material") for t in m.itertext())) or ident.removeprefix("response_")
        if response.tag == "response_lid":
            texts = dict(q.labels(response))
            accept = [texts[v] for v in q.accepted(ident) if texts.get(v)]
        else:
            accept = q.accepted(ident)
        if not accept:
            q.error(f"空 [{word}] 没有得分的答案", f"blank [{word}] has no answer that earns points")
            return None
        if f"[{word}]" not in stem:
            q.error(f"题干中没有空 [{word}]", f"the question text has no blank [{word}]")
            return None
        stem = stem.replace(f"[{word}]", f"[[{number}]]", 1)
        blanks.append(accept)
    if not blanks:
        q.error("题目中没有空", "the item has no blank")
        return None
    return Item("fill_blank", stem, blanks=blanks, partial=True)


def _essay(q: _Question, kind: str) -> Item | None:
    reference = q.feedback.pop("general_fb", None)
    if not reference:
        q.error("问答题需要参考答案：请写在题目的总体反馈（general feedback）中",
                "an essay needs a reference answer: write it as the question's general feedback")
        return None
    q.bank.note(q.where, "问答题的总体反馈导入为参考答案", "the essay's general feedback is imported as its reference answer")
    return Item("short_answer", q.stem, reference_answer=reference)


def _numerical(q: _Question, kind: str) -> Item | None:
    accept = []
    for condition in q.scoring:
        numbers = set()
        for _tag, value in condition.values:
            try:
                numbers.add(float(value))
            except ValueError:
                q.error(f"数值答案 {value!r} 不是数字", f"the numerical answer {value!r} is not a number")
                return None
        if len(numbers) != 1:
            q.error("数值题（有误差范围或区间）：填空题不支持误差范围，未导入", "numerical with a margin or a range: fill-in has no tolerance, not imported")
            return None
        (number,) = numbers
        text = f"{number:g}" if abs(number) < 1e15 else str(number)
        if text not in accept:
            accept.append(text)
    if not accept:
        q.error("没有得分的答案", "no answer earns points")
        return None
    q.bank.note(q.where, "精确数值题导入为填空题（按文字匹配答案）", "an exact numerical item is imported as fill-in (the answer is matched as text)")
    return Item("fill_blank", _blank_stem(q), blanks=[accept], partial=True)


_READERS = {"multiple_choice_question": _choice, "true_false_question": _choice, "multiple_answers_question": _choice,
            "short_answer_question": _short, "fill_in_multiple_blanks_question": _blanks, "essay_question": _essay,
            "numerical_question": _numerical}
