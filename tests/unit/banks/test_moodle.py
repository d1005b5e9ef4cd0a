"""Moodle XML as Moodle 4/5 export it, and XML that must be refused."""

from __future__ import annotations

import pytest

from lti_tool.banks import read_bank
from lti_tool.banks.model import BankError
from lti_tool.banks.writer import write_bank
from tests.unit.banks.conftest import FILES, assert_library_ok


@pytest.fixture(scope="module")
def bank():
    return read_bank(FILES / "moodle.xml")


def by_name(bank, name):
    return next(i for i in bank.items if i.name == name)


def test_types_map_to_ours_and_categories_to_topics(bank):
    assert [(i.name, i.type, i.topic) for i in bank.items] == [
        ("LOTO first step", "single_choice", "安全基础"),
        ("PPE items", "multiple_choice", "安全基础"),
        ("Uneven fractions", "multiple_choice", "安全基础"),
        ("Prove dead", "true_false", "诊断方法"),
        ("Test voltage", "fill_blank", "诊断方法"),
        ("Root cause", "short_answer", "诊断方法"),
        ("Half split", "fill_blank", "诊断方法"),
        ("Insulation", "fill_blank", "诊断方法"),
    ]
    assert bank.seen == 12


def test_single_choice_keeps_points_feedback_explanation_and_its_image(bank):
    item = by_name(bank, "LOTO first step")
    assert item.points == 2
    assert item.stem == "上锁挂牌的**第一步**是什么？\n\n![挂牌示意](@@MEDIA@@/lock-tag.png)"
    assert [o.correct for o in item.options] == [True, False, False]
    assert item.options[0].feedback == "正确。" and item.options[1].feedback is None
    assert item.explanation == "先通知受影响的人员。"
    assert item.feedback == "复习第 2 课。"  # the same text whatever the answer
    assert bank.media["lock-tag.png"].startswith(b"\x89PNG")


def test_multichoice_fractions_become_partial_credit_where_they_can(bank):
    ppe = by_name(bank, "PPE items")
    assert ppe.partial and [o.correct for o in ppe.options] == [True, True, False]
    assert ppe.options[2].feedback == "手机不是防护装备。"
    uneven = by_name(bank, "Uneven fractions")
    assert uneven.partial
    assert any(m.where.endswith("(Uneven fractions)") and not m.fatal and "fractions" in m.en for m in bank.messages)


def test_truefalse_shortanswer_essay_and_exact_numerical(bank):
    assert by_name(bank, "Prove dead").truth is False
    voltage = by_name(bank, "Test voltage")
    assert voltage.stem == "低压设备绝缘测试常用的直流电压是 [[1]] 。"
    assert voltage.blanks == [["500V", "500 V"]] and not voltage.case_sensitive
    assert any("1000V" in m.en and not m.fatal for m in bank.messages)
    assert by_name(bank, "Root cause").reference_answer.startswith("直接原因是")
    assert by_name(bank, "Half split").blanks == [["3"]]
    cloze = by_name(bank, "Insulation")
    assert cloze.stem == "施加 [[1]] 直流电压，绝缘电阻应不低于 [[2]]。"
    assert cloze.blanks == [["500V", "500 V"], ["1MΩ", "1 M}Ω"]] and cloze.explanation == "见第 2 课。"


def test_types_we_do_not_have_are_reported_per_question(bank):
    errors = {m.where: m for m in bank.errors}
    assert set(errors) == {
        "第 8 题 / question 8 (Resistance range)",
        "第 9 题 / question 9 (Match tools)",
        "第 10 题 / question 10 (Drag words)",
        "第 13 题 / question 13 (Cloze with a choice)",
    }
    assert "MULTICHOICE" in errors["第 13 题 / question 13 (Cloze with a choice)"].en
    assert "tolerance" in errors["第 8 题 / question 8 (Resistance range)"].en
    assert "matching" in errors["第 9 题 / question 9 (Match tools)"].en
    assert "配对题" in errors["第 9 题 / question 9 (Match tools)"].zh
    assert "ddwtos" in errors["第 10 题 / question 10 (Drag words)"].en
    assert any("description" in m.en and not m.fatal for m in bank.messages)


def test_the_bank_is_written_with_its_media_and_passes_content_check(bank, library):
    written = write_bank(bank, library / "basics", "safety")
    assert written.problems == []
    assert (library / "basics" / "media" / "safety-lock-tag.png").read_bytes() == bank.media["lock-tag.png"]
    text = written.quiz_file.read_text(encoding="utf-8")
    assert "../media/safety-lock-tag.png" in text
    assert "quizzes/safety.yaml" in (library / "basics" / "course.yaml").read_text(encoding="utf-8")
    assert_library_ok(library)


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_entities_and_external_references_are_refused(name):
    with pytest.raises(BankError) as caught:
        read_bank(FILES / name)
    assert "DTD" in caught.value.message.en and "实体" in caught.value.message.zh


def test_not_a_moodle_quiz_and_broken_xml_are_refused(tmp_path):
    (tmp_path / "a.xml").write_text("<html><body/></html>")
    with pytest.raises(BankError, match="not a Moodle XML bank"):
        read_bank(tmp_path / "a.xml")
    (tmp_path / "b.xml").write_text("<quiz><question>")
    with pytest.raises(BankError, match="not well-formed"):
        read_bank(tmp_path / "b.xml")


def test_essay_that_requires_files_is_reported(tmp_path):
    (tmp_path / "e.xml").write_text(
        '<quiz><question type="essay"><name><text>Photo</text></name>'
        '<questiontext format="html"><text>拍照上传</text></questiontext>'
        "<attachments>1</attachments><attachmentsrequired>1</attachmentsrequired>"
        '<graderinfo format="html"><text>看照片</text></graderinfo></question></quiz>'
    )
    bank = read_bank(tmp_path / "e.xml")
    assert bank.items == [] and "requires files" in bank.errors[0].en
