"""The Excel bank template: the question sheet with lists to choose 题型 and 答案
from, and a second sheet that explains every column in Chinese and English."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

COLUMNS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H", "答案", "解析", "分值", "难度", "知识点"]
TYPES_ZH = ["单选题", "多选题", "判断题", "填空题", "简答题", "案例分析题"]
ANSWERS = ["A", "B", "C", "D", "AB", "AC", "AD", "BC", "BD", "CD", "ABC", "ABD", "ACD", "BCD", "ABCD", "对", "错"]
#: Column → (中文说明, English).
HELP = {
    "题型": ("必填。单选题、多选题、判断题、填空题、简答题、案例分析题（也可写英文 single_choice 等）。",
             "Required. One of the six types, in Chinese or English (single_choice, multiple_choice, true_false, fill_blank, short_answer, case_analysis)."),
    "题干": ("必填。题目文字。填空题用 ____ 或 （ ） 标出每个空；案例分析题在此写案例。",
             "Required. The question. Fill-in: mark each blank as ____ or （ ）; case analysis: the case."),
    "选项A": ("选择题的选项 A–H，至少两个；其它题型留空。", "Options A–H of choice questions, at least two; empty for other types."),
    "答案": ("单选：A；多选：A,C 或 AC 或 A、C；判断：对/错、√/×、T/F；填空：各空答案用 ； 或 | 分隔，同一空的多个答案用 / 分隔；简答、案例：参考答案。",
             "Single: A; multiple: A,C or AC or A、C; true/false: 对/错, √/×, T/F; fill-in: blanks separated by ; or |, several answers of one blank by /; short answer, case: the reference answer."),
    "解析": ("可选。查看正确答案时显示的解析。", "Optional. The explanation shown with the right answers."),
    "分值": ("可选，正整数，默认 1。多选题全部选对才得分；填空题每空得 分值/空数。",
             "Optional whole number, default 1. Multiple choice scores only the exact set; fill-in scores each blank."),
    "难度": ("可选，如 易/中/难；内容格式没有难度字段，导入时会提示未保留。", "Optional, e.g. easy/medium/hard; the content format has no difficulty, the import says so."),
    "知识点": ("可选。同一知识点（且分值相同）的题目放在同一个题库（pool）中。", "Optional. Questions of one topic (and the same points) go into one pool."),
}


def write_template(out, examples: bool = True) -> None:
    """The template at ``out`` (a path or a binary file); ``examples``: two sample rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(COLUMNS)
    if examples:
        _examples(sheet)
    _finish(book, sheet)
    book.save(out)


def _examples(sheet) -> None:
    sheet.append(["单选题", "接到报修后的第一步是什么？", "直接换件", "亲自确认并记录故障现象", "查询库存", "", "", "", "", "", "B", "先确认现象。", 2, "易", "诊断方法"])
    sheet.append(["判断题", "断电后即可直接接触导体。", "", "", "", "", "", "", "", "", "错", "须先验电。", 2, "中", "安全"])


def _finish(book, sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 48
    sheet.freeze_panes = "A2"
    types = DataValidation(type="list", formula1='"' + ",".join(TYPES_ZH) + '"', allow_blank=False,
                           showErrorMessage=True, errorTitle="题型 / type", error="请从列表中选择题型 / choose a type from the list")
    types.add("A2:A5000")
    answers = DataValidation(type="list", formula1='"' + ",".join(ANSWERS) + '"', allow_blank=True, showErrorMessage=False,
                             promptTitle="答案 / answer", prompt="可从列表中选，也可直接填写 / pick from the list or type it", showInputMessage=True)
    answers.add("K2:K5000")
    sheet.add_data_validation(types)
    sheet.add_data_validation(answers)
    guide = book.create_sheet("说明 Instructions")
    guide.append(["列 / Column", "说明", "Explanation"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column, (zh, en) in HELP.items():
        guide.append([column if column != "选项A" else "选项A–H", zh, en])
    for width, letter in ((14, "A"), (60, "B"), (60, "C")):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
