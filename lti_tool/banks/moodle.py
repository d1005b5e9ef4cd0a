"""Moodle XML (question bank export of Moodle 3.x–5.x).

Read: multichoice (single and multiple; fractions to our scoring rules where they
express one), truefalse, shortanswer (→ fill_blank), numerical with zero tolerance
(→ fill_blank), cloze of short answers (→ fill_blank), essay (→ short_answer), category (→ the topic, hence the pool) and
``file`` elements (base64) as media files; every other type is reported per
question. The XML is parsed by defusedxml: a DTD, entities or external references
refuse the whole file.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from lti_tool.banks.model import MAX_QUESTIONS, Bank, BankError, Item, Option
from lti_tool.banks.text import html_to_markdown, plain, safe_name
from lti_tool.banks.writer import MEDIA
from lti_tool.catalog.media import MEDIA_TYPES

#: Moodle types we have no equivalent for, with what a reader should know.
REFUSED = {
    "matching": ("配对题", "matching"), "randomsamatch": ("随机简答配对题", "random short-answer matching"),
    "ddwtos": ("拖放填空题", "drag and drop into text"), "gapselect": ("下拉选词填空题", "select missing words"),
    "ddimageortext": ("拖放到图片题", "drag and drop onto image"), "ddmarker": ("拖放标记题", "drag and drop markers"),
    "calculated": ("计算题", "calculated"), "calculatedsimple": ("简单计算题", "simple calculated"),
    "calculatedmulti": ("计算选择题", "calculated multichoice"), "ordering": ("排序题", "ordering"),
    "random": ("随机题", "random"),
    "numerical": ("数值题（有误差范围）", "numerical with a tolerance"),
}


def read(path: Path) -> Bank:
    bank = Bank(str(path), "Moodle XML")
    try:
        root = SafeET.fromstring(path.read_bytes(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BankError("拒绝导入：XML 含有 DTD、实体或外部引用", f"refused: the XML has a DTD, entities or external references ({type(exc).__name__})") from exc
    except SafeET.ParseError as exc:
        raise BankError(f"不是有效的 XML：{exc}", f"not well-formed XML: {exc}") from exc
    if root.tag != "quiz":
        raise BankError("不是 Moodle XML 题库（根元素应为 <quiz>）", "not a Moodle XML bank (the root element is not <quiz>)")
    topic, number = None, 0
    for question in root.findall("question"):
        kind = question.get("type", "")
        if kind == "category":
            topic = _category(question)
            continue
        number += 1
        name = plain(_text(question.find("name")))
        where = f"第 {number} 题 / question {number}" + (f" ({name})" if name else "")
        if kind == "description":
            bank.note(where, "说明性文字（description）不是题目，已跳过", "a description is not a question: skipped")
            continue
        bank.seen += 1
        if bank.seen > MAX_QUESTIONS:
            raise BankError(f"题目超过 {MAX_QUESTIONS} 道", f"more than {MAX_QUESTIONS} questions")
        reader = _READERS.get(kind)
        if reader is None:
            zh, en = REFUSED.get(kind, (kind, kind))
            bank.error(where, f"题型“{zh}”（{kind}）在本系统中没有对应题型，未导入", f"question type {en} ({kind}) has no equivalent here: not imported")
            continue
        item = reader(bank, question, where)
        if item is None:
            continue
        item.name, item.topic = name or None, topic
        points = _number(question.findtext("defaultgrade"), 1.0)
        if not points.is_integer() or points <= 0:
            item.points = max(1, round(points))
            bank.note(where, f"分值 {points:g} 不是正整数，改为 {item.points}", f"points {points:g} is not a positive whole number: {item.points} instead")
        else:
            item.points = int(points)
        item.explanation = _rich(bank, question.find("generalfeedback"), where) or None
        bank.items.append(item)
    return bank


def _category(question) -> str | None:
    path = _text(question.find("category"))
    parts = [p for p in re.sub(r"^\$\w+\$/?", "", path).split("/") if p and p != "top"]
    parts = [p for p in parts if not p.startswith("Default for ") and not p.startswith("默认")]
    return plain(parts[-1]) if parts else None


def _text(element) -> str:
    if element is None:
        return ""
    inner = element.find("text")
    return (inner.text if inner is not None else element.text) or ""


def _number(text, default: float) -> float:
    try:
        return float(text) if text not in (None, "") else default
    except ValueError:
        return default


def _rich(bank: Bank, element, where: str) -> str:
    """The Markdown of a text element; its ``file`` children become media files."""
    if element is None:
        return ""
    names = {}
    for file in element.findall("file"):
        name = file.get("name") or ""
        suffix = posixpath.splitext(name)[1].lower()
        if suffix not in MEDIA_TYPES:
            bank.note(where, f"文件 {name} 的类型不允许，未导入", f"file {name} is not an allowed type: not imported")
            continue
        try:
            data = base64.b64decode((file.text or "").strip(), validate=False)
        except (binascii.Error, ValueError):
            bank.note(where, f"文件 {name} 不是有效的 base64，未导入", f"file {name} is not valid base64: not imported")
            continue
        safe = safe_name(name)
        bank.media[safe] = data
        names[name] = safe
    raw = _text(element)
    if element.get("format") in ("plain_text", "moodle_auto_format", "markdown"):
        text = plain(raw).strip() if element.get("format") != "markdown" else raw.strip()
        return re.sub(r"@@PLUGINFILE@@/([^)\s\"]+)", lambda m: MEDIA + names.get(unquote(m.group(1)), m.group(1)), text)

    def image(src: str, alt: str) -> str:
        if src.startswith("@@PLUGINFILE@@/"):
            name = unquote(src.removeprefix("@@PLUGINFILE@@/")).split("/")[-1].split("?")[0]
            if name in names:
                return f"![{alt or name}]({MEDIA}{names[name]})"
            bank.note(where, f"图片 {name} 不在文件中，已去掉", f"image {name} is not in the file: left out")
            return alt
        return f"![{alt}]({src})" if src.startswith(("http://", "https://")) else alt

    return html_to_markdown(raw, image)


def _answers(question) -> list[tuple[float, Element]]:
    return [(_number(a.get("fraction"), 0.0), a) for a in question.findall("answer")]


def _multichoice(bank: Bank, question, where: str) -> Item | None:
    answers = _answers(question)
    options = [Option(_rich(bank, a, where), correct=f > 0, feedback=_rich(bank, a.find("feedback"), where) or None, fraction=f) for f, a in answers]
    if len(options) < 2 or any(not o.text for o in options):
        bank.error(where, "选择题至少需要两个非空选项", "a choice question needs at least two options with text")
        return None
    single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
    stem = _rich(bank, question.find("questiontext"), where)
    if single:
        best = max(options, key=lambda o: o.fraction or 0)
        if (best.fraction or 0) < 99.9:
            bank.error(where, "没有得满分的选项", "no option earns full marks")
            return None
        for option in options:
            option.correct = option is best
            if option is not best and (option.fraction or 0) > 0:
                bank.note(where, f"选项的部分分（{option.fraction:g}%）未保留：只有一个正确选项", f"partial credit ({option.fraction:g}%) of an option is not kept: one option is right")
        return Item("single_choice", stem, where=where, options=options, feedback=_overall(bank, question, where))
    right = [o for o in options if o.correct]
    wrong = [o for o in options if not o.correct]
    if not right:
        bank.error(where, "没有正确选项", "no option is right")
        return None
    share = 100 / len(right)
    even = all(abs((o.fraction or 0) - share) < 0.1 for o in right)
    partial = even and all(abs((o.fraction or 0) + share) < 0.1 for o in wrong)
    strict = even and wrong and all((o.fraction or 0) <= -99.9 for o in wrong)
    if not (partial or strict):
        bank.note(where, "各选项的分值比例无法原样表示，改为“选对数 − 选错数”计分", "the options' fractions cannot be kept as they are: scored as (right − wrong chosen) / right")
        partial = True
    return Item("multiple_choice", stem, where=where, options=options, partial=partial, feedback=_overall(bank, question, where))


def _overall(bank: Bank, question, where: str) -> str | None:
    """Feedback shown whatever the answer: the same correct, partial and incorrect text."""
    texts = {_rich(bank, question.find(k), where) for k in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")}
    return texts.pop() or None if len(texts) == 1 else None


def _truefalse(bank: Bank, question, where: str) -> Item | None:
    answers = _answers(question)
    right = [plain(_text(a)).lower() for f, a in answers if f > 0]
    if right not in (["true"], ["false"]):
        bank.error(where, "判断题应恰有一个得分答案（true 或 false）", "a true/false question needs exactly one right answer (true or false)")
        return None
    return Item("true_false", _rich(bank, question.find("questiontext"), where), where=where, truth=right[0] == "true")


def _shortanswer(bank: Bank, question, where: str) -> Item | None:
    accept = []
    for fraction, answer in _answers(question):
        text = plain(_text(answer))
        if fraction >= 99.9:
            if "*" in text:
                bank.note(where, f"答案 {text!r} 中的通配符 * 无法表示，按原文匹配", f"the wildcard * in {text!r} cannot be kept: matched as written")
            accept.append(text)
        elif fraction > 0:
            bank.note(where, f"部分得分答案 {text!r}（{fraction:g}%）未保留", f"partly right answer {text!r} ({fraction:g}%) is not kept")
    if not accept:
        bank.error(where, "没有得满分的答案", "no answer earns full marks")
        return None
    stem = _rich(bank, question.find("questiontext"), where)
    stem = re.sub(r"_{3,}", "[[1]]", stem, count=1) if re.search(r"_{3,}", stem) else f"{stem} [[1]]"
    sensitive = (question.findtext("usecase") or "0").strip() == "1"
    return Item("fill_blank", stem, where=where, blanks=[accept], case_sensitive=sensitive, partial=True)


def _numerical(bank: Bank, question, where: str) -> Item | None:
    accept = []
    for fraction, answer in _answers(question):
        if fraction < 99.9:
            continue
        if _number(answer.findtext("tolerance"), 0.0) != 0:
            zh, en = REFUSED["numerical"]
            bank.error(where, f"{zh}：填空题不支持误差范围，未导入", f"{en}: fill-in has no tolerance, not imported")
            return None
        accept.append(plain(_text(answer)))
    if not accept:
        bank.error(where, "没有得满分的答案", "no answer earns full marks")
        return None
    bank.note(where, "误差为 0 的数值题导入为填空题", "a numerical question with no tolerance is imported as fill-in")
    stem = _rich(bank, question.find("questiontext"), where)
    return Item("fill_blank", f"{stem} [[1]]", where=where, blanks=[accept], partial=True)


def _essay(bank: Bank, question, where: str) -> Item | None:
    if _number(question.findtext("attachmentsrequired"), 0) > 0:
        bank.error(where, "要求上传文件的问答题无法导入（简答题不收文件）", "an essay that requires files cannot be imported (short answers take no files)")
        return None
    if _number(question.findtext("attachments"), 0) != 0:
        bank.note(where, "问答题的附件上传未保留", "the essay's file uploads are not kept")
    reference = _rich(bank, question.find("graderinfo"), where)
    if not reference:
        bank.error(where, "问答题需要评分说明（graderinfo）作为参考答案", "an essay needs grader information (graderinfo) as the reference answer")
        return None
    return Item("short_answer", _rich(bank, question.find("questiontext"), where), where=where, reference_answer=reference)


#: A cloze part: ``{weight:TYPE:answers}``; ``\}`` inside the answers is a brace.
_CLOZE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
_CLOZE_BLANKS = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC", "NUMERICAL", "NM"}


def _multianswer(bank: Bank, question, where: str) -> Item | None:
    """Cloze whose parts are all short answers or exact numbers → fill_blank."""
    raw = _text(question.find("questiontext"))
    parts = _CLOZE.findall(raw)
    if not parts:
        bank.error(where, "完形题中没有空", "the cloze question has no embedded answer")
        return None
    others = sorted({kind for _w, kind, _a in parts if kind not in _CLOZE_BLANKS})
    if others:
        bank.error(where, f"含选择小题（{', '.join(others)}）的完形题在本系统中没有对应题型，未导入",
                   f"a cloze with choice parts ({', '.join(others)}) has no equivalent here: not imported")
        return None
    blanks, sensitive = [], set()
    for _weight, kind, answers in parts:
        accept = []
        for answer in re.split(r"(?<!\\)~", answers):
            answer = re.split(r"(?<!\\)#", answer, maxsplit=1)[0]
            text, full = answer, False
            if text.startswith("="):
                text, full = text[1:], True
            elif match := re.match(r"^%(-?\d+(?:\.\d+)?)%", text):
                text, full = text[match.end():], float(match.group(1)) >= 99.9
            if kind in ("NUMERICAL", "NM"):
                text, _, tolerance = text.partition(":")
                if full and tolerance and _number(tolerance, 0) != 0:
                    bank.error(where, "完形题中有带误差的数值空，未导入", "a cloze blank is numerical with a tolerance: not imported")
                    return None
            text = plain(re.sub(r"\\(.)", r"\1", text))
            if full and text:
                accept.append(text)
        if not accept:
            bank.error(where, "完形题的某个空没有得满分的答案", "a cloze blank has no answer earning full marks")
            return None
        blanks.append(accept)
        sensitive.add(kind.endswith("_C") or kind in ("SAC", "MWC"))
    numbers = iter(range(1, len(parts) + 1))
    question.find("questiontext").find("text").text = _CLOZE.sub(lambda _m: f"[[{next(numbers)}]]", raw)
    stem = _rich(bank, question.find("questiontext"), where)
    if len(sensitive) > 1:
        bank.note(where, "各空大小写规则不同：全部按区分大小写处理", "blanks differ in case sensitivity: all are case sensitive")
    return Item("fill_blank", stem, where=where, blanks=blanks, case_sensitive=True in sensitive, partial=True)


_READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "essay": _essay, "multianswer": _multianswer}


# -- writing -------------------------------------------------------------------


def write(bank: Bank) -> tuple[bytes, list[str]]:
    """``bank`` as Moodle XML (a fill-in of several blanks as cloze); the items it
    cannot hold (case analyses) are named in the list returned."""
    root, skipped, topic = Element("quiz"), [], object()

    def add(parent: Element, text: str) -> None:
        _add_text(parent, text, bank.media)

    for number, item in enumerate(bank.items, start=1):
        if item.type == "case_analysis":
            skipped.append(item.name or str(number))
            continue
        if item.topic != topic:
            topic = item.topic
            cat = SubElement(SubElement(root, "question", type="category"), "category")
            SubElement(cat, "text").text = "$course$/top" + (f"/{item.topic}" if item.topic else "")
        cloze = item.type == "fill_blank" and len(item.blanks) != 1
        kind = {"single_choice": "multichoice", "multiple_choice": "multichoice", "true_false": "truefalse",
                "fill_blank": "multianswer" if cloze else "shortanswer", "short_answer": "essay"}[item.type]
        q = SubElement(root, "question", type=kind)
        add(SubElement(q, "name"), item.name or f"q{number}")
        stem = item.stem.replace("[[1]]", "_____") if item.type == "fill_blank" else item.stem
        if cloze:
            code = "SHORTANSWER_C" if item.case_sensitive else "SHORTANSWER"
            stem = re.sub(r"\[\[(\d+)\]\]", lambda m: "{1:%s:%s}" % (code, "~".join(
                "=" + re.sub(r"([}~=#\\])", r"\\\1", a) for a in item.blanks[int(m.group(1)) - 1])), item.stem)
        add(SubElement(q, "questiontext", format="markdown"), stem)
        add(SubElement(q, "generalfeedback", format="markdown"), item.explanation or "")
        SubElement(q, "defaultgrade").text = str(item.points)
        if item.type in ("single_choice", "multiple_choice"):
            SubElement(q, "single").text = "true" if item.type == "single_choice" else "false"
            SubElement(q, "shuffleanswers").text = "true"
            right = sum(o.correct for o in item.options)
            for option in item.options:
                if item.type == "single_choice":
                    fraction = 100 if option.correct else 0
                else:
                    fraction = 100 / right if option.correct else (-100 / right if item.partial else -100)
                answer = SubElement(q, "answer", fraction=f"{fraction:.5f}".rstrip("0").rstrip("."), format="markdown")
                add(answer, option.text)
                add(SubElement(answer, "feedback", format="markdown"), option.feedback or "")
            for key in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
                add(SubElement(q, key, format="markdown"), item.feedback or "")
        elif item.type == "true_false":
            for word in ("true", "false"):
                answer = SubElement(q, "answer", fraction="100" if (word == "true") == item.truth else "0", format="moodle_auto_format")
                SubElement(answer, "text").text = word
        elif cloze:
            pass
        elif item.type == "fill_blank":
            SubElement(q, "usecase").text = "1" if item.case_sensitive else "0"
            for accepted in item.blanks[0]:
                SubElement(SubElement(q, "answer", fraction="100", format="moodle_auto_format"), "text").text = accepted
        elif item.type == "short_answer":
            SubElement(q, "responseformat").text = "editor"
            SubElement(q, "attachments").text = "0"
            add(SubElement(q, "graderinfo", format="markdown"), item.reference_answer or "")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8"), skipped


def _add_text(parent: Element, text: str, files: dict[str, bytes]) -> None:
    """A text element; each picture of ``bank.media`` it shows goes in as a base64 file."""
    SubElement(parent, "text").text = text.replace(MEDIA, "@@PLUGINFILE@@/")
    for name in dict.fromkeys(re.findall(re.escape(MEDIA) + r"([A-Za-z0-9._-]+)", text)):
        if name in files:
            SubElement(parent, "file", name=name, path="/", encoding="base64").text = base64.b64encode(files[name]).decode()
