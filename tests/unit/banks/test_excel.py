"""Excel 题库: types, answers, merged cells, formulas and broken rows."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from lti_tool.banks import excel, model, read_bank
from lti_tool.banks.model import BankError


def row(kind, stem, a="", b="", c="", d="", answer="", explanation="", points="", difficulty="", topic=""):
    return [kind, stem, a, b, c, d, answer, explanation, points, difficulty, topic]


def test_every_type_in_chinese_and_english_names(xlsx):
    path = xlsx([
        row("单选题", "第一步？", "换件", "确认现象", answer="B", explanation="先确认。", points=2, topic="诊断"),
        row("多选题", "哪些是防护装备？", "手套", "手机", "护目镜", answer="A,C", points=3),
        row("判断题", "断电即可作业。", answer="错"),
        row("填空题", "测试电压 ____，电阻不低于 （ ）。", answer="500V/500 V；1MΩ"),
        row("简答题", "说明根因。", answer="管理或设计问题。", points=5),
        row("案例分析题", "某设备反复跳闸……", answer="查绝缘。", points=10),
        row("single_choice", "Pick one", "x", "y", answer="a"),
        row("True/False", "Is it?", answer="T"),
    ])
    bank = read_bank(path)
    assert bank.errors == []
    assert [i.type for i in bank.items] == [
        "single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer", "case_analysis",
        "single_choice", "true_false",
    ]
    single, multi, tf, fill, short, case, english, english_tf = bank.items
    assert [o.correct for o in single.options] == [False, True]
    assert (single.points, single.explanation, single.topic) == (2, "先确认。", "诊断")
    assert [o.text for o in multi.options if o.correct] == ["手套", "护目镜"]
    assert tf.truth is False and english_tf.truth is True
    assert fill.stem == "测试电压 [[1]]，电阻不低于 [[2]]。"
    assert fill.blanks == [["500V", "500 V"], ["1MΩ"]]
    assert short.reference_answer == "管理或设计问题。"
    assert case.case == "某设备反复跳闸……" and case.parts[0].reference_answer == "查绝缘。" and case.max_points == 10
    assert [o.correct for o in english.options] == [True, False]


@pytest.mark.parametrize("answer", ["A,C", "AC", "A、C", "A，C", "a；c", "Ａ，Ｃ", " A C "])
def test_answer_letters_in_every_spelling(xlsx, answer):
    bank = read_bank(xlsx([row("多选题", "哪些？", "甲", "乙", "丙", answer=answer)]))
    assert [o.correct for o in bank.items[0].options] == [True, False, True]


@pytest.mark.parametrize("word,value", [("对", True), ("错", False), ("正确", True), ("错误", False), ("√", True),
                                        ("×", False), ("T", True), ("F", False), ("true", True), ("FALSE", False)])
def test_true_false_words(xlsx, word, value):
    assert read_bank(xlsx([row("判断题", "陈述。", answer=word)])).items[0].truth is value


def test_full_width_punctuation_and_trailing_spaces(xlsx):
    bank = read_bank(xlsx([row(" 单选题\u3000", "题干？  ", "甲 ", "乙", answer="（Ｂ）".strip("（）"), points="２分")]))
    (item,) = bank.items
    assert (item.type, item.stem, item.options[0].text, item.points) == ("single_choice", "题干？", "甲", 2)


def test_broken_rows_are_reported_with_sheet_and_row_and_the_rest_imported(xlsx):
    path = xlsx([
        row("单选题", "好题？", "甲", "乙", answer="A"),
        row("单选题", "", "甲", "乙", answer="A"),
        row("单选题", "只有一个选项", "甲", answer="A"),
        row("单选题", "答案不存在", "甲", "乙", answer="D"),
        row("单选题", "两个答案", "甲", "乙", answer="AB"),
        row("判断题", "答案认不出", answer="也许"),
        row("连线题", "未知题型"),
        row("简答题", "没有参考答案"),
        row("填空题", "两个空 ____ 和 ____", answer="一个"),
        row("单选题", "分值有小数", "甲", "乙", answer="A", points=2.5),
    ], title="第一章")
    bank = read_bank(path)
    assert len(bank.items) == 1 and bank.seen == 10
    wheres = [m.where for m in bank.errors]
    assert wheres == [f"第一章 第 {n} 行 / row {n}" for n in range(3, 12)]
    messages = {m.where.split()[2]: m for m in bank.errors}
    assert "题干为空" in messages["3"].zh and "stem is empty" in messages["3"].en
    assert "D" in messages["5"].en and "names no option" in messages["5"].en
    assert "连线题" in messages["8"].zh
    assert "2.5" in messages["11"].en
    assert messages["3"].text("en") == "第一章 第 3 行 / row 3: the stem is empty"


def test_merged_type_and_topic_cells_apply_to_every_row_they_cover(xlsx):
    path = xlsx([
        row("判断题", "一。", answer="对", topic="安全"),
        row(None, "二。", answer="错"),
        row(None, "三。", answer="√"),
    ], merge=["A2:A4", "K2:K4"])
    bank = read_bank(path)
    assert bank.errors == []
    assert [(i.type, i.truth, i.topic) for i in bank.items] == [("true_false", True, "安全"), ("true_false", False, "安全"), ("true_false", True, "安全")]


def test_formula_cells_give_their_cached_value_or_are_refused(xlsx, tmp_path):
    path = xlsx([row("判断题", "公式。", answer='=IF(1=1,"对","错")'), row("判断题", "普通。", answer="对")])
    bank = read_bank(path)  # openpyxl writes formulas without a computed value
    assert [i.stem for i in bank.items] == ["普通。"]
    (error,) = bank.errors
    assert error.where.endswith("row 2") and "formula" in error.en and "公式" in error.zh
    # the same file as Excel would save it: a cached value beside the formula
    cached = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(cached, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = re.sub(rb'<c r="G2"><f>(.*?)</f><v ?/>', '<c r="G2" t="str"><f>\\1</f><v>对</v>'.encode(), data)
            dst.writestr(info, data)
    bank = read_bank(cached)
    assert bank.errors == [] and [i.truth for i in bank.items] == [True, True]


def test_header_below_a_title_row_and_english_headers(xlsx):
    header = ["Type", "Question", "Option A", "Option B", "Answer", "Explanation", "Points", "Topic"]
    path = xlsx([["single", "Pick", "x", "y", "B", "why", 4, "tools"]], header=header, before=[["售后题库 2026"]])
    (item,) = read_bank(path).items
    assert (item.stem, item.points, item.explanation, item.topic, item.options[1].correct) == ("Pick", 4, "why", "tools", True)


def test_the_explanations_sheet_of_the_template_is_not_read(tmp_path):
    from lti_tool.banks.template import write_template

    write_template(tmp_path / "t.xlsx")
    bank = read_bank(tmp_path / "t.xlsx")
    assert bank.errors == [] and len(bank.items) == 2


def test_template_has_lists_for_type_and_answer_and_explains_every_column(tmp_path):
    from lti_tool.banks.template import COLUMNS, write_template

    write_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    sheet, guide = book.worksheets
    assert [c.value for c in sheet[1]] == COLUMNS
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert "单选题" in ranges["A2:A5000"] and "案例分析题" in ranges["A2:A5000"]
    assert "ABCD" in ranges["K2:K5000"] and "对" in ranges["K2:K5000"]
    explained = [r[0].value for r in guide.iter_rows(min_row=2)]
    assert "题型" in explained and "答案" in explained and "知识点" in explained
    assert all(r[1].value and r[2].value for r in guide.iter_rows(min_row=2))


def test_oversized_file_and_too_many_questions_are_refused(xlsx, tmp_path, monkeypatch):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as out:
        out.truncate(model.MAX_FILE_BYTES + 1)
    with pytest.raises(BankError, match="too big"):
        read_bank(big)
    monkeypatch.setattr(excel, "MAX_QUESTIONS", 2)
    with pytest.raises(BankError, match="more than 2 questions"):
        read_bank(xlsx([row("判断题", f"{n}。", answer="对") for n in range(3)]))


def test_a_zip_that_unpacks_too_big_is_refused(xlsx, monkeypatch):
    path = xlsx([row("判断题", "一。", answer="对")])
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(BankError, match="unpacks too big"):
        read_bank(path)


def test_not_an_xlsx_and_old_xls_are_refused(tmp_path):
    (tmp_path / "x.xlsx").write_text("not a zip")
    with pytest.raises(BankError, match="not an Excel"):
        read_bank(tmp_path / "x.xlsx")
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(BankError, match=".xls"):
        read_bank(tmp_path / "x.xls")
