"""The QTI 3.0 package we write, checked against the structure the QTI 3.0 specification
and its CP 1.2 profile give (the ASI XSD itself is not shipped with any package we can
install, see README): namespaces, required attributes, unique identifiers, the order of
an item's parts, declared responses, resource types and the files they name."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET

from lti_tool.banks import _formats, read_bank
from lti_tool.banks.export import course_bank
from lti_tool.banks.qti3 import ASI, CP
from tests.unit.banks.test_roundtrip import BUNDLED

RESOURCE_TYPES = {"imsqti_test_xmlv3p0", "imsqti_section_xmlv3p0", "imsqti_item_xmlv3p0", "imsqti_stimulus_xmlv3p0", "webcontent"}
ITEM_ORDER = ["qti-response-declaration", "qti-outcome-declaration", "qti-item-body", "qti-response-processing", "qti-modal-feedback"]
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # xs:NCName as QTI identifiers use it


def local(tag: str) -> str:
    return tag.split("}")[-1]


def problems_of(data: bytes) -> list[str]:
    problems: list[str] = []
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    manifest = SafeET.fromstring(archive.read("imsmanifest.xml"))
    if manifest.tag != f"{{{CP}}}manifest" or not manifest.get("identifier"):
        problems.append("manifest: namespace or identifier")
    if [local(c.tag) for c in manifest] != ["metadata", "organizations", "resources"]:
        problems.append("manifest: children are not metadata, organizations, resources")
    if (manifest.findtext(f"{{{CP}}}metadata/{{{CP}}}schema"), manifest.findtext(f"{{{CP}}}metadata/{{{CP}}}schemaversion")) != ("QTI Package", "3.0.0"):
        problems.append("manifest: schema is not QTI Package 3.0.0")
    resources = manifest.findall(f"{{{CP}}}resources/{{{CP}}}resource")
    ids = [r.get("identifier") for r in resources]
    if len(ids) != len(set(ids)) or not all(IDENTIFIER.match(i or "") for i in ids):
        problems.append("manifest: resource identifiers are not unique IDs")
    for resource in resources:
        if resource.get("type") not in RESOURCE_TYPES:
            problems.append(f"resource {resource.get('identifier')}: type {resource.get('type')}")
        files = [f.get("href") for f in resource.findall(f"{{{CP}}}file")]
        if not files or any(f not in names for f in files) or resource.get("href") not in files:
            problems.append(f"resource {resource.get('identifier')}: files {files} not in the package")
        for dependency in resource.findall(f"{{{CP}}}dependency"):
            if dependency.get("identifierref") not in ids:
                problems.append(f"resource {resource.get('identifier')}: dependency on nothing")
        if resource.get("type") == "imsqti_item_xmlv3p0":
            problems += item_problems(SafeET.fromstring(archive.read(resource.get("href"))), resource.get("identifier"))
        if resource.get("type") == "imsqti_test_xmlv3p0":
            test = SafeET.fromstring(archive.read(resource.get("href")))
            if test.tag != f"{{{ASI}}}qti-assessment-test" or not test.get("title"):
                problems.append(f"{resource.get('href')}: not a titled qti-assessment-test")
            for section in test.iter(f"{{{ASI}}}qti-assessment-section"):
                if not (section.get("identifier") and section.get("title") and section.get("visible")):
                    problems.append(f"{resource.get('href')}: a section lacks identifier, title or visible")
            for ref in test.iter(f"{{{ASI}}}qti-assessment-item-ref"):
                if ref.get("identifier") not in ids or "items/" + ref.get("href").rsplit("/", 1)[-1] not in names:
                    problems.append(f"{resource.get('href')}: item ref {ref.get('href')} leads nowhere")
    return problems


def item_problems(item, identifier: str) -> list[str]:
    found = []
    if item.tag != f"{{{ASI}}}qti-assessment-item":
        return [f"{identifier}: root is {item.tag}"]
    for key in ("identifier", "title", "adaptive", "time-dependent"):
        if not item.get(key):
            found.append(f"{identifier}: no {key}")
    if item.get("identifier") != identifier:
        found.append(f"{identifier}: identifier differs from the manifest")
    order = [ITEM_ORDER.index(local(c.tag)) for c in item]
    if order != sorted(order):
        found.append(f"{identifier}: parts out of order {[local(c.tag) for c in item]}")
    declared = {d.get("identifier") for d in item if local(d.tag) in ("qti-response-declaration", "qti-outcome-declaration")}
    for declaration in item:
        if local(declaration.tag).endswith("-declaration") and not (declaration.get("cardinality") and declaration.get("base-type")):
            found.append(f"{identifier}: {declaration.get('identifier')} lacks cardinality or base-type")
    for element in item.iter():
        for key in ("response-identifier", "outcome-identifier"):
            if element.get(key) and element.get(key) not in declared:
                found.append(f"{identifier}: {key} {element.get(key)} is not declared")
        if local(element.tag) == "img" and element.get("alt") is None:
            found.append(f"{identifier}: an img without alt")
        if local(element.tag) == "qti-rubric-block" and element.get("view") not in ("author", "candidate", "proctor", "scorer", "testConstructor", "tutor"):
            found.append(f"{identifier}: a rubric block without a view")
    return found


def test_the_package_of_the_bundled_course_has_the_structure_the_spec_gives(tmp_path):
    bank = course_bank(BUNDLED, "zh-CN", media=True)
    data, skipped = _formats()["qti"].write(bank)
    assert problems_of(data) == []
    archive = zipfile.ZipFile(io.BytesIO(data))
    items = [n for n in archive.namelist() if n.startswith("items/")]
    assert len(items) == len(bank.items) - len(skipped) and skipped == ["final-exam-wet-conveyor"]
    assert any(n.startswith("tests/") for n in archive.namelist())  # the pools


def test_the_structure_check_finds_what_is_wrong():
    bank = course_bank(BUNDLED, "zh-CN")
    data, _ = _formats()["qti"].write(bank)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(broken, "w") as out:
        for name in source.namelist():
            body = source.read(name)
            if name == "imsmanifest.xml":
                body = body.replace(b'type="imsqti_test_xmlv3p0"', b'type="imsqti_test_xmlv2p1"', 1)
            if name == "items/item-00001.xml":
                body = body.replace(b' time-dependent="false"', b"").replace(b'response-identifier="RESPONSE"', b'response-identifier="ANSWER"')
            out.writestr(name, body)
    found = problems_of(broken.getvalue())
    assert any("type imsqti_test_xmlv2p1" in p for p in found)
    assert "item-00001: no time-dependent" in found
    assert "item-00001: response-identifier ANSWER is not declared" in found


def test_pictures_are_package_resources_and_come_back(library, tmp_path):
    folder = library / "basics"
    quiz = folder / "quizzes" / "check.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("zh-CN: 选哪个？", 'zh-CN: "选哪个？![图一](../media/figure.svg)"'), encoding="utf-8")
    bank = course_bank(folder, "zh-CN", media=True)
    data, _ = _formats()["qti"].write(bank)
    assert problems_of(data) == []
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("media/figure.svg") == (folder / "media" / "figure.svg").read_bytes()
    assert b'<img src="../media/figure.svg" alt="' in archive.read("items/item-00001.xml")
    assert b'<dependency identifierref="media-1"' in archive.read("imsmanifest.xml")
    path = tmp_path / "back.zip"
    path.write_bytes(data)
    back = read_bank(path)
    assert back.items[0].stem == "选哪个？![图一](@@MEDIA@@/figure.svg)" and back.media["figure.svg"] == (folder / "media" / "figure.svg").read_bytes()


def test_scoring_rules_feedback_and_pools_survive(tmp_path):
    bank = course_bank(BUNDLED, "zh-CN")
    for item in bank.items:
        if item.type in ("multiple_choice", "fill_blank"):
            item.partial = not item.partial
    data, _ = _formats()["qti"].write(bank)
    path = tmp_path / "flipped.zip"
    path.write_bytes(data)
    back = read_bank(Path(path))
    before = [(i.name, i.partial, i.topic, i.feedback, [o.feedback for o in i.options]) for i in bank.items if i.type != "case_analysis"]
    after = [(i.name, i.partial, i.topic, i.feedback, [o.feedback for o in i.options]) for i in back.items]
    assert after == before and back.errors == []
