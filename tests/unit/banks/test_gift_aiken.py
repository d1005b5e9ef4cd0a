"""GIFT and Aiken text banks."""

from __future__ import annotations

from lti_tool.banks import read_bank, sniff
from lti_tool.banks.writer import write_bank
from tests.unit.banks.conftest import FILES, assert_library_ok


def test_sniffing_tells_gift_from_aiken(tmp_path):
    assert sniff(FILES / "bank.gift") == "gift"
    assert sniff(FILES / "bank.txt") == "aiken"
    (tmp_path / "g.txt").write_text("Q? {T}\n", encoding="utf-8")
    assert sniff(tmp_path / "g.txt") == "gift"
    assert sniff(FILES / "moodle.xml") == "moodle"


def test_gift_questions_categories_feedback_and_escapes():
    bank = read_bank(FILES / "bank.gift")
    items = {i.name: i for i in bank.items}
    assert list(items) == ["loto", "ppe", "prove-dead", "voltage", "ratio", "root", "half"]
    loto = items["loto"]
    assert (loto.type, loto.topic, loto.explanation) == ("single_choice", "安全基础", "先通知，再停机。")
    assert [(o.text, o.correct, o.feedback) for o in loto.options] == [
        ("通知受影响的人员", True, "正确。"), ("直接断开电源", False, "还没有通知。"), ("挂上自己的锁", False, None)]
    ppe = items["ppe"]
    assert ppe.type == "multiple_choice" and ppe.partial and [o.correct for o in ppe.options] == [True, True, False]
    assert (items["prove-dead"].truth, items["prove-dead"].explanation) == (False, "必须“测—验—测”。")
    voltage = items["voltage"]
    assert (voltage.type, voltage.stem, voltage.blanks, voltage.topic) == ("fill_blank", "低压设备绝缘测试常用 [[1]] 直流电压。", [["500V", "500 V"]], "诊断方法")
    assert items["ratio"].stem == "比例 1:2 的意思是？ [[1]]"
    assert items["root"].type == "short_answer" and items["root"].reference_answer.startswith("直接原因")
    assert items["half"].blanks == [["3"]]


def test_gift_reports_what_it_cannot_import_by_line():
    bank = read_bank(FILES / "bank.gift")
    errors = {m.where.split(" (")[1].rstrip(")"): m for m in bank.errors}
    assert set(errors) == {"range", "match", "broken"}
    assert errors["match"].where.startswith("第 31 行 / line 31")
    assert "matching" in errors["match"].en and "tolerance" in errors["range"].en
    assert "unbalanced" in errors["broken"].en


def test_aiken_questions_and_a_wrong_answer_letter():
    bank = read_bank(FILES / "bank.txt")
    assert [[o.correct for o in i.options] for i in bank.items] == [[False, True, False], [False, True]]
    assert bank.items[1].options[0].text == "立即"
    (error,) = bank.errors
    assert error.where == "第 12 行 / line 12" and "D" in error.en


def test_gift_and_aiken_banks_pass_content_check(library):
    for name, pool in (("bank.gift", "gift"), ("bank.txt", "aiken")):
        assert write_bank(read_bank(FILES / name), library / "basics", pool).problems == []
    assert_library_ok(library)
