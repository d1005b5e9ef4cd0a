"""IMS QTI 2.1 and 3.0 items: one ``assessmentItem`` XML file, or a content package
(ZIP with ``imsmanifest.xml``) of them.

Read: ``choiceInteraction`` (single or multiple choice by the response's cardinality),
``textEntryInteraction`` (each one a blank of a fill-in), ``extendedTextInteraction``
(a short answer, its ``rubricBlock`` the reference answer) and the pictures an item
shows, looked up inside the package only (a path that leaves it is refused). Every
other interaction is reported per item. QTI 3.0 names (``qti-choice-interaction``,
``response-identifier``) read as their 2.1 forms. What this module's :func:`write`
puts in a package reads back: the feedback and explanation (``modalFeedback``
``feedback`` / ``explanation``), each option's ``feedbackInline``, all-or-nothing
scoring (a ``responseCondition`` instead of a mapped sum) and the pools (the sections
of the package's assessment tests). QTI 1.2 (``questestinterop``: Canvas's export ZIP,
Blackboard) is read by :mod:`lti_tool.banks.qti12`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from lti_tool.banks.model import MAX_QUESTIONS, MAX_UNPACKED_BYTES, Bank, BankError, Item, Option
from lti_tool.banks.text import html_to_markdown, safe_name
from lti_tool.banks.writer import MEDIA
from lti_tool.catalog.media import IMAGE_TYPES

CANVAS_FILEBASE = "$IMS-CC-FILEBASE$"
INTERACTIONS = {"choiceInteraction", "textEntryInteraction", "extendedTextInteraction", "matchInteraction",
                "orderInteraction", "associateInteraction", "gapMatchInteraction", "inlineChoiceInteraction",
                "hotspotInteraction", "hottextInteraction", "sliderInteraction", "uploadInteraction",
                "graphicOrderInteraction", "graphicGapMatchInteraction", "graphicAssociateInteraction",
                "selectPointInteraction", "positionObjectInteraction", "drawingInteraction", "mediaInteraction",
                "customInteraction", "portableCustomInteraction", "endAttemptInteraction"}


def _camel(name: str) -> str:
    """``qti-choice-interaction`` → ``choiceInteraction``; 2.1 names stay as they are."""
    name = name.split("}")[-1].removeprefix("qti-")
    head, *rest = name.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _normalise(root) -> None:
    """Namespaces dropped and QTI 3.0 names turned into their 2.1 forms, in place."""
    for element in root.iter():
        element.tag = _camel(element.tag)
        for key in list(element.attrib):
            new = _camel(key)
            if new != key:
                element.attrib[new] = element.attrib.pop(key)


def _parse(data: bytes, where: str):
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BankError(f"拒绝导入：{where} 含有 DTD、实体或外部引用", f"refused: {where} has a DTD, entities or external references ({type(exc).__name__})") from exc
    except SafeET.ParseError as exc:
        raise BankError(f"{where} 不是有效的 XML：{exc}", f"{where} is not well-formed XML: {exc}") from exc
    if _camel(root.tag) == "questestinterop":
        return root  # QTI 1.2: its names are kept for qti12
    _normalise(root)
    return root


def _fetcher(archive: zipfile.ZipFile, names: set[str], base: str):
    """``fetch(ref)``: the bytes of the package file a picture of ``base`` points at
    (Canvas's ``$IMS-CC-FILEBASE$/`` is the package's ``web_resources/``), or None."""

    def fetch(ref: str) -> bytes | None:
        if ref.startswith(CANVAS_FILEBASE):
            return _member(archive, names, "imsmanifest.xml", "web_resources/" + ref[len(CANVAS_FILEBASE):].lstrip("/"))
        return _member(archive, names, base, ref)

    return fetch


def read(path: Path) -> Bank:
    from lti_tool.banks import qti12

    bank = Bank(str(path), "QTI")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise BankError("压缩包解压后过大", f"the package unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
            names = {i.filename for i in infos if not i.is_dir()}
            roots = [(name, _parse(archive.read(name), name)) for name in
                     sorted(n for n in names if n.lower().endswith(".xml") and posixpath.basename(n) != "imsmanifest.xml")]
            topics = _topics(roots)
            for name, root in roots:
                if root.tag == "assessmentItem":
                    _item(bank, root, name, _fetcher(archive, names, name), topics.get(name))
                elif _camel(root.tag) == "questestinterop":
                    bank.format = "QTI 1.2"
                    qti12.read_root(bank, root, name, _fetcher(archive, names, name))
    else:
        root = _parse(path.read_bytes(), path.name)
        if _camel(root.tag) == "questestinterop":
            bank.format = "QTI 1.2"
            qti12.read_root(bank, root, path.name, lambda ref: None)
        elif root.tag != "assessmentItem":
            raise BankError("不是 QTI 题目（根元素应为 assessmentItem 或 questestinterop）", "not a QTI item (the root element is not assessmentItem or questestinterop)")
        else:
            _item(bank, root, path.name, lambda ref: None)
    return bank


def _topics(roots) -> dict[str, str]:
    """Item file → the title of the test section that holds it (the pool)."""
    found: dict[str, str] = {}
    for name, root in roots:
        if root.tag != "assessmentTest":
            continue
        for section in root.iter("assessmentSection"):
            title = section.get("title") or section.get("identifier")
            for ref in section.findall("assessmentItemRef"):
                href = posixpath.normpath(posixpath.join(posixpath.dirname(name), ref.get("href") or ""))
                if title and href not in found:
                    found[href] = title
    return found


def write(bank: Bank) -> tuple[bytes, list[str]]:
    """``bank`` as a QTI 3.0 content package (see :mod:`lti_tool.banks.qti3`)."""
    from lti_tool.banks import qti3

    return qti3.write(bank)


def _member(archive: zipfile.ZipFile, names: set[str], base: str, ref: str) -> bytes | None:
    """The package file ``ref`` points at from ``base``; None when it leaves the package."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or ref.startswith("/"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(base), ref))
    if target.startswith("../") or target == ".." or target not in names:
        return None
    return archive.read(target)


def _item(bank: Bank, root, name: str, fetch, topic: str | None = None) -> None:
    bank.seen += 1
    if bank.seen > MAX_QUESTIONS:
        raise BankError(f"题目超过 {MAX_QUESTIONS} 道", f"more than {MAX_QUESTIONS} questions")
    title = root.get("title") or root.get("identifier") or name
    where = f"{name} ({title})"
    body = root.find("itemBody")
    found = [e for e in body.iter() if e.tag in INTERACTIONS] if body is not None else []
    kinds = sorted({e.tag for e in found})
    if not found:
        bank.error(where, "题目中没有作答控件", "the item has no interaction")
        return
    if kinds not in (["choiceInteraction"], ["textEntryInteraction"], ["extendedTextInteraction"]) or (
            kinds != ["textEntryInteraction"] and len(found) > 1):
        bank.error(where, f"作答控件 {', '.join(kinds)} 在本系统中没有对应题型，未导入", f"interaction {', '.join(kinds)} has no equivalent here: not imported")
        return
    responses = {r.get("identifier"): r for r in root.findall("responseDeclaration")}
    reader = {"choiceInteraction": _choice, "textEntryInteraction": _text_entry, "extendedTextInteraction": _extended}[kinds[0]]
    item = reader(bank, where, body, found, responses, lambda element: _markdown(bank, where, element, fetch))
    if item is None:
        return
    item.name, item.points, item.topic = title, _points(root), topic
    if item.type in ("multiple_choice", "fill_blank") and _all_or_nothing(root):
        item.partial = False
    for feedback in root.findall("modalFeedback"):
        key = feedback.get("identifier")
        if key in ("feedback", "explanation") and getattr(item, key) is None:
            setattr(item, key, _markdown(bank, where, feedback, fetch) or None)
        else:
            bank.note(where, "按条件显示的反馈（modalFeedback）未保留", "conditional feedback (modalFeedback) is not kept")
    bank.items.append(item)


def _all_or_nothing(root) -> bool:
    """The score is set only inside conditions (full points when all is right), not as
    a mapped sum."""
    processing = root.find("responseProcessing")
    if processing is None or processing.get("template"):
        return False
    scored = [e for e in processing.iter("setOutcomeValue") if e.get("identifier") == "SCORE"]
    top = [e for e in processing.findall("setOutcomeValue") if e.get("identifier") == "SCORE"]
    return bool(scored) and not top


def _points(root) -> int:
    for outcome in root.findall("outcomeDeclaration"):
        if outcome.get("identifier") == "MAXSCORE":
            value = outcome.findtext("defaultValue/value")
            try:
                number = float(value)
            except (TypeError, ValueError):
                break
            if number.is_integer() and number > 0:
                return int(number)
    return 1


def _markdown(bank: Bank, where: str, element, fetch) -> str:
    return html_markdown(bank, where, tostring(element, encoding="unicode"), fetch)


def html_markdown(bank: Bank, where: str, html: str, fetch) -> str:
    """An HTML fragment as Markdown; each picture it shows that ``fetch(src)`` finds
    (inside the package, of an allowed type) goes into ``bank.media``."""

    def image(src: str, alt: str) -> str:
        path = unquote(src.split("?", 1)[0].split("#", 1)[0])  # a URL's query and %-escapes dropped
        data = fetch(path)
        suffix = posixpath.splitext(path)[1].lower()
        if data is None or suffix not in IMAGE_TYPES:
            bank.note(where, f"图片 {src} 不在包内或类型不允许，已去掉", f"picture {src} is not inside the package or not an allowed type: left out")
            return alt
        safe = safe_name(posixpath.basename(path))
        bank.media[safe] = data
        return f"![{alt or safe}]({MEDIA}{safe})"

    return html_to_markdown(html, image)


def _correct(responses: dict, identifier: str | None) -> tuple[list[str], object]:
    response = responses.get(identifier)
    if response is None:
        return [], None
    return [v.text or "" for v in response.findall("correctResponse/value")], response


def _choice(bank, where, body, found, responses, markdown) -> Item | None:
    (interaction,) = found
    right, response = _correct(responses, interaction.get("responseIdentifier"))
    choices = interaction.findall("simpleChoice")
    options = []
    for choice in choices:
        inline = choice.find("feedbackInline")
        if inline is not None:
            choice.remove(inline)
        options.append(Option(markdown(choice), correct=choice.get("identifier") in right,
                              feedback=(markdown(inline) or None) if inline is not None else None))
    if len(options) < 2 or not right:
        bank.error(where, "选择题需要至少两个选项和正确答案", "a choice item needs two options and a correct response")
        return None
    prompt = interaction.find("prompt")
    interaction_parent = _parent(body, interaction)
    interaction_parent.remove(interaction)
    stem = "\n\n".join(t for t in (markdown(body), markdown(prompt) if prompt is not None else "") if t)
    single = response.get("cardinality") == "single"
    if single and sorted(c.get("identifier", "").lower() for c in choices) == ["false", "true"]:
        return Item("true_false", stem, where=where, truth=right[0].lower() == "true")
    if not single and response.find("mapping") is not None:
        bank.note(where, "选项的分值映射改为“选对数 − 选错数”计分", "the options' score mapping is scored as (right − wrong chosen) / right")
    return Item("single_choice" if single else "multiple_choice", stem, where=where, options=options,
                partial=not single and response.find("mapping") is not None)


def _text_entry(bank, where, body, found, responses, markdown) -> Item | None:
    blanks, sensitive = [], False
    for number, interaction in enumerate(found, start=1):
        right, response = _correct(responses, interaction.get("responseIdentifier"))
        accept = [r for r in right if r.strip()]
        mapping = response.find("mapping") if response is not None else None
        if mapping is not None:
            sensitive = sensitive or any(e.get("caseSensitive") == "true" for e in mapping.findall("mapEntry"))
            values = [(e.get("mapKey") or "", float(e.get("mappedValue") or 0)) for e in mapping.findall("mapEntry")]
            best = max((v for _k, v in values), default=0)
            accept += [k for k, v in values if v == best and v > 0 and k not in accept]
        if not accept:
            bank.error(where, f"第 {number} 个空没有正确答案", f"blank {number} has no correct response")
            return None
        blanks.append(accept)
        interaction.tag, interaction.text = "span", f"[[{number}]]"
        interaction.attrib.clear()
    return Item("fill_blank", markdown(body), where=where, blanks=blanks, case_sensitive=sensitive, partial=True)


def _extended(bank, where, body, found, responses, markdown) -> Item | None:
    rubric = body.find(".//rubricBlock")
    reference = markdown(rubric) if rubric is not None else ""
    if rubric is not None:
        _parent(body, rubric).remove(rubric)
    if not reference:
        bank.error(where, "问答题需要评分说明（rubricBlock）作为参考答案", "an extended text item needs a rubricBlock as the reference answer")
        return None
    (interaction,) = found
    prompt = interaction.find("prompt")
    _parent(body, interaction).remove(interaction)
    stem = "\n\n".join(t for t in (markdown(body), markdown(prompt) if prompt is not None else "") if t)
    return Item("short_answer", stem, where=where, reference_answer=reference)


def _parent(root, child):
    return next(e for e in root.iter() if child in list(e))
