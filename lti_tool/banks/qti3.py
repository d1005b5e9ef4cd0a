"""Items → an IMS QTI 3.0 content package (ZIP), the ``qti`` format's ``write``.

The package holds ``imsmanifest.xml`` (the QTI 3.0 profile of IMS CP 1.2: resources of
type ``imsqti_item_xmlv3p0``, ``imsqti_test_xmlv3p0`` and ``webcontent``), one
``qti-assessment-item`` per question in ``items/``, the pictures the texts show in
``media/`` (each a resource the items depend on) and one ``qti-assessment-test`` per
pool in ``tests/`` (its section titled with the pool, so the pools come back on import).

Each of our types is a standard interaction with its own response processing (no
template, so the items carry everything): single choice and true/false a
``qti-choice-interaction`` of one choice (true/false as the choices ``true`` and
``false``); multiple choice of several, ``partial`` as a mapping (right +points/right,
wrong −points/right, at least 0); fill-in one ``qti-text-entry-interaction`` per blank
with a mapping of the accepted answers; short answer a ``qti-extended-text-interaction``
with the reference answer as a ``qti-rubric-block`` for the scorer. The feedback and
explanation are ``qti-modal-feedback`` (``feedback`` and ``explanation``), an option's
feedback a ``qti-feedback-inline``. A case analysis has no QTI equivalent of one item:
it is named in the list returned, as the other writers do.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree.ElementTree import Element, SubElement, tostring

from lti_tool.banks.model import Bank, Item
from lti_tool.banks.writer import MEDIA

ASI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
ASI_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_TYPE, TEST_TYPE, MEDIA_TYPE = "imsqti_item_xmlv3p0", "imsqti_test_xmlv3p0", "webcontent"
_MEDIA_NAME = re.compile(re.escape(MEDIA) + r"([A-Za-z0-9._-]+)")
_INLINE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)|\*\*(.+?)\*\*|\*(.+?)\*|\[\[(\d+)\]\]")


def _root(tag: str, namespace: str, schema: str, **attrs) -> Element:
    root = Element(tag, {"xmlns": namespace, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{namespace} {schema}"})
    root.attrib.update(attrs)
    return root


def _xml(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


# -- our Markdown → the XHTML of a QTI body ---------------------------------------


def _inline(parent: Element, text: str, media: str, blank=None) -> None:
    """``text`` (one paragraph of our Markdown) as inline XHTML appended to ``parent``:
    pictures, bold, italics, line breaks and, with ``blank``, ``[[n]]`` as the element
    ``blank(parent, n)`` makes."""
    last: list[Element | None] = [None]  # the element whose tail the next text extends

    def add_text(value: str) -> None:
        for index, line in enumerate(value.split("\n")):
            if index:
                last[0] = SubElement(parent, "br")
            if line:
                if last[0] is None:
                    parent.text = (parent.text or "") + line
                else:
                    last[0].tail = (last[0].tail or "") + line

    position = 0
    for match in _INLINE.finditer(text):
        add_text(text[position:match.start()])
        position = match.end()
        alt, src, bold, italic, number = match.groups()
        if src is not None:
            element = SubElement(parent, "img", src=src.replace(MEDIA, media), alt=alt or "")
        elif number is not None and blank is not None:
            element = blank(parent, int(number))
        elif number is not None:
            add_text(match.group(0))
            continue
        else:
            element = SubElement(parent, "strong" if bold is not None else "em")
            element.text = bold if bold is not None else italic
        last[0] = element
    add_text(text[position:])


def _blocks(parent: Element, text: str | None, media: str, blank=None) -> None:
    """``text`` as block XHTML: paragraphs (``<p>``) and lists (``- `` lines, ``<ul>``)."""
    for block in re.split(r"\n{2,}", (text or "").strip()):
        lines = block.split("\n")
        if block and all(line.startswith("- ") for line in lines):
            listing = SubElement(parent, "ul")
            for line in lines:
                _inline(SubElement(listing, "li"), line[2:], media, blank)
        elif block:
            _inline(SubElement(parent, "p"), block, media, blank)


def _flat(parent: Element, text: str | None, media: str) -> None:
    """``text`` as inline XHTML only (inside a choice): paragraphs apart by two breaks."""
    _inline(parent, re.sub(r"\n{2,}", "\n\n", (text or "").strip()), media)


# -- one item -----------------------------------------------------------------------


def _declare(root: Element, identifier: str, cardinality: str, base_type: str, values=(), default=None) -> Element:
    tag = "qti-response-declaration" if identifier.startswith("RESPONSE") else "qti-outcome-declaration"
    declaration = SubElement(root, tag, identifier=identifier, cardinality=cardinality)
    declaration.set("base-type", base_type)
    if values:
        correct = SubElement(declaration, "qti-correct-response")
        for value in values:
            SubElement(correct, "qti-value").text = value
    if default is not None:
        SubElement(SubElement(declaration, "qti-default-value"), "qti-value").text = default
    return declaration


def _set(parent: Element, identifier: str) -> Element:
    return SubElement(parent, "qti-set-outcome-value", identifier=identifier)


def _value(parent: Element, base_type: str, text: str) -> Element:
    element = SubElement(parent, "qti-base-value")
    element.set("base-type", base_type)
    element.text = text
    return element


def _all_or_nothing(processing: Element, test) -> None:
    """SCORE = MAXSCORE when ``test(parent)`` holds, else 0."""
    condition = SubElement(processing, "qti-response-condition")
    test(SubElement(condition, "qti-response-if"))
    SubElement(_set(condition.find("qti-response-if"), "SCORE"), "qti-variable", identifier="MAXSCORE")
    _value(_set(SubElement(condition, "qti-response-else"), "SCORE"), "float", "0")


def item_xml(item: Item, identifier: str) -> bytes:
    """One of our items as a ``qti-assessment-item`` file in ``items/``."""
    media = "../media/"
    root = _root("qti-assessment-item", ASI, ASI_XSD, identifier=identifier, title=item.name or identifier)
    root.set("adaptive", "false")
    root.set("time-dependent", "false")
    body = Element("qti-item-body")
    processing = Element("qti-response-processing")
    choice = item.type in ("single_choice", "multiple_choice", "true_false")
    option_feedback = choice and any(o.feedback for o in item.options)
    if choice:
        if item.type == "true_false":
            names, texts, right = ["true", "false"], ["正确 True", "错误 False"], ["true" if item.truth else "false"]
            feedback = [None, None]
        else:
            names = [chr(ord("A") + i) if i < 26 else f"O{i + 1}" for i in range(len(item.options))]
            texts = [o.text for o in item.options]
            right = [n for n, o in zip(names, item.options) if o.correct]
            feedback = [o.feedback for o in item.options]
        single = item.type != "multiple_choice"
        declaration = _declare(root, "RESPONSE", "single" if single else "multiple", "identifier", right)
        if item.type == "multiple_choice" and item.partial:
            share = item.points / max(1, len(right))
            mapping = SubElement(declaration, "qti-mapping")
            mapping.set("lower-bound", "0")
            mapping.set("upper-bound", str(item.points))
            mapping.set("default-value", "0")
            for name in names:
                entry = SubElement(mapping, "qti-map-entry")
                entry.set("map-key", name)
                entry.set("mapped-value", _number(share if name in right else -share))
            SubElement(_set(processing, "SCORE"), "qti-map-response", identifier="RESPONSE")
        else:
            def match(parent: Element) -> None:
                test = SubElement(parent, "qti-match")
                SubElement(test, "qti-variable", identifier="RESPONSE")
                SubElement(test, "qti-correct", identifier="RESPONSE")

            _all_or_nothing(processing, match)
        _blocks(body, item.stem, media)
        interaction = SubElement(body, "qti-choice-interaction")
        interaction.set("response-identifier", "RESPONSE")
        interaction.set("max-choices", "1" if single else "0")
        interaction.set("shuffle", "false")
        for name, text, words in zip(names, texts, feedback):
            option = SubElement(interaction, "qti-simple-choice", identifier=name)
            _flat(option, text, media)
            if words:
                inline = SubElement(option, "qti-feedback-inline", identifier=name)
                inline.set("outcome-identifier", "CHOICE_FEEDBACK")
                inline.set("show-hide", "show")
                _flat(inline, words, media)
    elif item.type == "fill_blank":
        share = item.points / max(1, len(item.blanks))
        for number, accepted in enumerate(item.blanks, start=1):
            declaration = _declare(root, f"RESPONSE_{number}", "single", "string", accepted[:1])
            mapping = SubElement(declaration, "qti-mapping")
            mapping.set("default-value", "0")
            for answer in accepted:
                entry = SubElement(mapping, "qti-map-entry")
                entry.set("map-key", answer)
                entry.set("mapped-value", _number(share) if item.partial else "1")
                entry.set("case-sensitive", "true" if item.case_sensitive else "false")

        def blank(parent: Element, number: int) -> Element:
            entry = SubElement(parent, "qti-text-entry-interaction")
            entry.set("response-identifier", f"RESPONSE_{number}")
            return entry

        _blocks(body, item.stem, media, blank)
        if item.partial:
            total = SubElement(_set(processing, "SCORE"), "qti-sum")
            for number in range(1, len(item.blanks) + 1):
                SubElement(total, "qti-map-response", identifier=f"RESPONSE_{number}")
        else:
            def every(parent: Element) -> None:
                both = SubElement(parent, "qti-and")
                for number in range(1, len(item.blanks) + 1):
                    greater = SubElement(both, "qti-gt")
                    SubElement(greater, "qti-map-response", identifier=f"RESPONSE_{number}")
                    _value(greater, "float", "0")

            _all_or_nothing(processing, every)
    else:  # short_answer: scored by a person against the rubric block
        _declare(root, "RESPONSE", "single", "string")
        _blocks(body, item.stem, media)
        if item.reference_answer:
            rubric = SubElement(body, "qti-rubric-block", view="scorer", use="scoring")
            _blocks(SubElement(rubric, "qti-content-body"), item.reference_answer, media)
        interaction = SubElement(body, "qti-extended-text-interaction")
        interaction.set("response-identifier", "RESPONSE")
    _declare(root, "SCORE", "single", "float", default="0")
    _declare(root, "MAXSCORE", "single", "float", default=str(item.points))
    shown = [key for key in ("feedback", "explanation") if getattr(item, key)]
    if shown:
        _declare(root, "FEEDBACK", "multiple", "identifier")
        both = SubElement(_set(processing, "FEEDBACK"), "qti-multiple")
        for key in shown:
            _value(both, "identifier", key)
    if option_feedback:
        _declare(root, "CHOICE_FEEDBACK", "single" if item.type != "multiple_choice" else "multiple", "identifier")
        SubElement(_set(processing, "CHOICE_FEEDBACK"), "qti-variable", identifier="RESPONSE")
    root.append(body)
    if len(processing):
        root.append(processing)
    for key in shown:
        modal = SubElement(root, "qti-modal-feedback", identifier=key, title=key)
        modal.set("outcome-identifier", "FEEDBACK")
        modal.set("show-hide", "show")
        _blocks(SubElement(modal, "qti-content-body"), getattr(item, key), media)
    return _xml(root)


# -- the package --------------------------------------------------------------------


def assessment_test_xml(identifier: str, title: str, hrefs: list[tuple[str, str]]) -> bytes:
    """A ``qti-assessment-test`` of one section (a pool) with every item of it."""
    root = _root("qti-assessment-test", ASI, ASI_XSD, identifier=identifier, title=title)
    _declare(root, "SCORE", "single", "float")
    part = SubElement(root, "qti-test-part", identifier=f"{identifier}-part")
    part.set("navigation-mode", "nonlinear")
    part.set("submission-mode", "simultaneous")
    section = SubElement(part, "qti-assessment-section", identifier=f"{identifier}-section", title=title, visible="true")
    for item_id, href in hrefs:
        SubElement(section, "qti-assessment-item-ref", identifier=item_id, href=f"../{href}")
    total = SubElement(_set(SubElement(root, "qti-outcome-processing"), "SCORE"), "qti-sum")
    variables = SubElement(total, "qti-test-variables")
    variables.set("variable-identifier", "SCORE")
    return _xml(root)


def write(bank: Bank) -> tuple[bytes, list[str]]:
    """``bank`` as a QTI 3.0 package; the names of the items it cannot hold."""
    skipped: list[str] = []
    files: list[tuple[str, bytes]] = []
    manifest = _root("manifest", CP, CP_XSD, identifier="MANIFEST-1")
    metadata = SubElement(manifest, "metadata")
    SubElement(metadata, "schema").text = "QTI Package"
    SubElement(metadata, "schemaversion").text = "3.0.0"
    SubElement(manifest, "organizations")
    resources = SubElement(manifest, "resources")
    media_ids = {name: f"media-{index}" for index, name in enumerate(sorted(bank.media), start=1)}
    pools: dict[str, list[tuple[str, str]]] = {}
    for number, item in enumerate(bank.items, start=1):
        if item.type == "case_analysis":
            skipped.append(item.name or str(number))
            continue
        identifier, href = f"item-{number:05d}", f"items/item-{number:05d}.xml"
        files.append((href, item_xml(item, identifier)))
        resource = SubElement(resources, "resource", identifier=identifier, type=ITEM_TYPE, href=href)
        SubElement(resource, "file", href=href)
        texts = [item.stem, item.feedback, item.explanation, item.reference_answer]
        texts += [t for o in item.options for t in (o.text, o.feedback)]
        for name in dict.fromkeys(n for t in texts if t for n in _MEDIA_NAME.findall(t)):
            if name in media_ids:
                SubElement(resource, "dependency", identifierref=media_ids[name])
        if item.topic:
            pools.setdefault(item.topic, []).append((identifier, href))
    for index, (topic, hrefs) in enumerate(pools.items(), start=1):
        identifier, href = f"test-{index}", f"tests/test-{index}.xml"
        files.append((href, assessment_test_xml(identifier, topic, hrefs)))
        resource = SubElement(resources, "resource", identifier=identifier, type=TEST_TYPE, href=href)
        SubElement(resource, "file", href=href)
        for item_id, _href in hrefs:
            SubElement(resource, "dependency", identifierref=item_id)
    for name, identifier in media_ids.items():
        resource = SubElement(resources, "resource", identifier=identifier, type=MEDIA_TYPE, href=f"media/{name}")
        SubElement(resource, "file", href=f"media/{name}")
        files.append((f"media/{name}", bank.media[name]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", _xml(manifest))
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue(), skipped
