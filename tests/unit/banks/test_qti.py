"""QTI 2.1 packages and QTI 3.0 items."""

from __future__ import annotations

import zipfile

import pytest

from lti_tool.banks import qti, read_bank, sniff
from lti_tool.banks.model import BankError
from lti_tool.banks.writer import write_bank
from tests.unit.banks.conftest import FILES, assert_library_ok

PACKAGE = FILES / "qti21"


@pytest.fixture
def package(tmp_path):
    path = tmp_path / "bank.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(PACKAGE.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(PACKAGE).as_posix())
    return path


def test_a_qti_21_package_reads_choices_blanks_and_essays(package):
    assert sniff(package) == "qti"
    bank = read_bank(package)
    items = {i.name: i for i in bank.items}
    assert list(items) == ["LOTO first step", "PPE", "Insulation", "Root cause", "Escaping picture"]
    loto = items["LOTO first step"]
    assert loto.type == "single_choice" and loto.points == 2
    assert [o.correct for o in loto.options] == [False, True, False]
    assert loto.stem == "上锁挂牌的**第一步**是什么？\n\n![挂牌示意](@@MEDIA@@/lock.png)"
    assert bank.media["lock.png"] == (PACKAGE / "images" / "lock.png").read_bytes()
    ppe = items["PPE"]
    assert ppe.type == "multiple_choice" and ppe.stem == "下列哪些属于个人防护装备？"
    assert [o.text for o in ppe.options if o.correct] == ["绝缘手套", "护目镜"]
    insulation = items["Insulation"]
    assert insulation.stem == "施加 [[1]] 直流电压，绝缘电阻应不低于 [[2]]。"
    assert insulation.blanks == [["500V", "500 V"], ["1MΩ"]]
    root = items["Root cause"]
    assert (root.type, root.points, root.stem) == ("short_answer", 10, "说明直接原因与根本原因的区别。")
    assert root.reference_answer == "直接原因是部件；根本原因是管理或设计问题。"


def test_other_interactions_and_paths_out_of_the_package_are_reported(package):
    bank = read_bank(package)
    (error,) = bank.errors
    assert error.where == "items/q5.xml (Match tools)" and "matchInteraction" in error.en
    escaping = next(i for i in bank.items if i.name == "Escaping picture")
    assert "secret" not in escaping.stem and set(bank.media) == {"lock.png"}
    assert any("../../../etc/secret.png" in m.en and "not inside the package" in m.en for m in bank.messages)


def test_a_qti_30_item_reads_as_its_21_form(library):
    path = FILES / "qti3-item.xml"
    assert sniff(path) == "qti"
    (item,) = read_bank(path).items
    assert (item.type, item.truth, item.stem, item.name) == ("true_false", False, "断电后无需验电即可作业。", "Prove dead")


def test_the_package_is_written_with_its_picture_and_passes_content_check(package, library):
    written = write_bank(read_bank(package), library / "basics", "qti")
    assert written.problems == [] and (library / "basics" / "media" / "qti-lock.png").is_file()
    assert_library_ok(library)


def test_hostile_and_unsupported_packages_are_refused(package, tmp_path, monkeypatch):
    with zipfile.ZipFile(package, "a") as archive:
        archive.writestr("items/evil.xml", (FILES / "billion_laughs.xml").read_bytes())
    with pytest.raises(BankError, match="DTD"):
        read_bank(package)
    monkeypatch.setattr(qti, "MAX_UNPACKED_BYTES", 100)
    with pytest.raises(BankError, match="unpacks"):
        read_bank(package)
    other = tmp_path / "other.xml"
    other.write_text('<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="t"/>')
    with pytest.raises(BankError, match="not a QTI item"):
        read_bank(other, "qti")
    old = tmp_path / "old.xml"
    old.write_text('<questestinterop><item ident="1"/></questestinterop>')
    bank = read_bank(old)  # QTI 1.2 is read (tests/unit/banks/test_qti12.py); an item with no response is reported
    assert bank.format == "QTI 1.2" and bank.items == [] and "no response" in bank.errors[0].en
