"""The common Chinese Excel bank (题库模板): one question a row.

Columns (any order, header in the first rows, Chinese or English): 题型, 题干, 选项A–H,
答案, 解析, 分值, 难度, 知识点 (and 反馈). The workbook is read in read-only mode with
cached values (a formula cell gives what Excel computed; one never computed is an
error of its row), merged cells give their value to every cell they cover, and a row
that cannot be a question is reported with its sheet and row; the others are imported.
"""

from __future__ import annotations

import re
import zipfile
from itertools import zip_longest
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import range_boundaries

from lti_tool.banks.model import MAX_QUESTIONS, MAX_UNPACKED_BYTES, Bank, BankError, Item, Option
from lti_tool.banks.text import clean, fold, letters, truth

OPTION_LETTERS = "ABCDEFGH"

#: Header words (folded) → column key.
HEADERS = {
    "type": ("题型", "类型", "题目类型", "type", "questiontype"),
    "stem": ("题干", "题目", "题目内容", "试题", "stem", "question", "questiontext"),
    "answer": ("答案", "正确答案", "标准答案", "参考答案", "answer", "answers", "correctanswer"),
    "explanation": ("解析", "答案解析", "试题解析", "explanation"),
    "feedback": ("反馈", "feedback"),
    "points": ("分值", "分数", "得分", "points", "score", "mark", "marks"),
    "difficulty": ("难度", "difficulty"),
    "topic": ("知识点", "考点", "章节", "分类", "topic", "category", "tags", "tag"),
}
for _letter in OPTION_LETTERS:
    HEADERS[f"option{_letter}"] = (f"选项{_letter}", f"{_letter}", f"option{_letter}", f"选项{_letter.lower()}")
_HEADER_KEYS = {fold(word): key for key, words in HEADERS.items() for word in words}

#: 题型 names (folded) → our type.
TYPE_NAMES = {
    "single_choice": ("单选题", "单选", "单项选择题", "单项选择", "single", "singlechoice", "single_choice"),
    "multiple_choice": ("多选题", "多选", "多项选择题", "多项选择", "不定项选择题", "multiple", "multiplechoice", "multiple_choice", "multi"),
    "true_false": ("判断题", "判断", "是非题", "truefalse", "true_false", "true/false", "tf", "boolean"),
    "fill_blank": ("填空题", "填空", "fillblank", "fill_blank", "fillin", "fill_in", "blank", "cloze"),
    "short_answer": ("简答题", "简答", "问答题", "论述题", "主观题", "shortanswer", "short_answer", "essay"),
    "case_analysis": ("案例分析题", "案例分析", "案例题", "caseanalysis", "case_analysis", "case"),
}
_TYPE_KEYS = {fold(word): key for key, words in TYPE_NAMES.items() for word in words}
#: Blanks in a fill-in stem: ``[[1]]``, a run of underscores, or empty brackets.
_BLANK = re.compile(r"\[\[[^\[\]]*\]\]|_{3,}|＿{2,}|[（(][\s\u3000]*[）)]")
_BLANK_GAPS = re.compile(r"\s*[|；;]\s*")


def read(path: Path) -> Bank:
    bank = Bank(str(path), "Excel")
    _check_zip(path)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet in values.worksheets:
            _read_sheet(bank, sheet, formulas[sheet.title], _merged(path, sheet))
    finally:
        values.close()
        formulas.close()
    return bank


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise BankError("不是 Excel（.xlsx）文件", "not an Excel (.xlsx) file") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise BankError(
            f"Excel 文件解压后过大（{unpacked // 2**20} MB，上限 {MAX_UNPACKED_BYTES // 2**20} MB）",
            f"the Excel file unpacks too big ({unpacked // 2**20} MB, at most {MAX_UNPACKED_BYTES // 2**20} MB)",
        )


def _merged(path: Path, sheet) -> dict[tuple[int, int], tuple[int, int]]:
    """Every cell a merged range covers → the range's top-left cell (row, column).
    Read-only worksheets do not parse merges, so their ``mergeCell`` elements are read
    from the sheet's XML part."""
    part = getattr(sheet, "_worksheet_path", None)
    if not part:
        return {}
    with zipfile.ZipFile(path) as archive:
        data = archive.read(part.lstrip("/"))
    covered = {}
    for ref in re.findall(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"', data):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                if (row, col) != (min_row, min_col):
                    covered[(row, col)] = (min_row, min_col)
    return covered


def _read_sheet(bank: Bank, sheet, formula_sheet, merged) -> None:
    columns: dict[str, int] | None = None
    rows: dict[int, tuple] = {}
    pairs = zip_longest(sheet.iter_rows(values_only=True), formula_sheet.iter_rows(values_only=True), fillvalue=())
    for number, (row, raw) in enumerate(pairs, start=1):
        row = list(row)
        for col, formula in enumerate(raw):
            if isinstance(formula, str) and formula.startswith("=") and (col >= len(row) or row[col] is None):
                row[col] = _NoValue(formula)
        rows[number] = tuple(row)
        if columns is None:
            columns = _header(row)
            if columns is None and number >= 10:
                return  # not a question sheet (e.g. the template's explanations)
            continue
        if merged:
            row = [_merged_value(rows, merged, number, col, value) for col, value in enumerate(row)]
        if not any(clean(v) for v in row if not isinstance(v, _NoValue)) and not any(isinstance(v, _NoValue) for v in row):
            continue
        bank.seen += 1
        if bank.seen > MAX_QUESTIONS:
            raise BankError(f"题目超过 {MAX_QUESTIONS} 道", f"more than {MAX_QUESTIONS} questions")
        cells = {key: (row[col] if col < len(row) else None) for key, col in columns.items()}
        where = f"{sheet.title} 第 {number} 行 / row {number}"
        item = _item(bank, where, cells)
        if item is not None:
            bank.items.append(item)


class _NoValue(str):
    """A formula cell that has no cached value (the file was never calculated)."""


def _merged_value(rows, merged, number, col, value):
    top = merged.get((number, col + 1))
    if top is None or value not in (None, ""):
        return value
    source = rows.get(top[0], ())
    return source[top[1] - 1] if top[1] - 1 < len(source) else value


def _header(row) -> dict[str, int] | None:
    columns = {}
    for col, value in enumerate(row):
        key = _HEADER_KEYS.get(fold(value))
        if key and key not in columns:
            columns[key] = col
    return columns if "type" in columns and "stem" in columns else None


def _item(bank: Bank, where: str, cells: dict) -> Item | None:
    broken = [key for key, value in cells.items() if isinstance(value, _NoValue)]
    if broken:
        bank.error(where, f"公式单元格没有计算结果（{', '.join(broken)}）：请在 Excel 中打开并保存后再导入",
                   f"formula cell without a computed value ({', '.join(broken)}): open and save the file in Excel, then import it")
        return None
    kind = _TYPE_KEYS.get(fold(cells.get("type")))
    if kind is None:
        bank.error(where, f"未知题型 {clean(cells.get('type'))!r}", f"unknown question type {clean(cells.get('type'))!r}")
        return None
    stem = clean(cells.get("stem"))
    if not stem:
        bank.error(where, "题干为空", "the stem is empty")
        return None
    points = _points(cells.get("points"))
    if points is None:
        bank.error(where, f"分值 {clean(cells.get('points'))!r} 不是正整数", f"points {clean(cells.get('points'))!r} is not a positive whole number")
        return None
    item = Item(kind, stem, where=where, points=points, explanation=clean(cells.get("explanation")) or None,
                feedback=clean(cells.get("feedback")) or None, topic=clean(cells.get("topic")) or None,
                difficulty=clean(cells.get("difficulty")) or None)
    answer = cells.get("answer")
    fill = {"single_choice": _choice, "multiple_choice": _choice, "true_false": _true_false,
            "fill_blank": _fill, "short_answer": _short, "case_analysis": _case}[kind]
    return item if fill(bank, item, cells, answer) else None


def _points(value) -> int | None:
    if value is None or clean(value) == "":
        return 1
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(fold(value).removesuffix("分").removesuffix("points").removesuffix("pt"))
        except ValueError:
            return None
    return int(number) if number.is_integer() and number > 0 else None


def _choice(bank: Bank, item: Item, cells: dict, answer) -> bool:
    present = {letter: clean(cells.get(f"option{letter}")) for letter in OPTION_LETTERS}
    present = {letter: text for letter, text in present.items() if text}
    if len(present) < 2:
        bank.error(item.where, "选择题至少需要两个选项", "a choice question needs at least two options")
        return False
    chosen = letters(answer)
    if not chosen:
        bank.error(item.where, f"答案 {clean(answer)!r} 不是选项字母（如 A 或 A,C）", f"answer {clean(answer)!r} is not option letters (such as A or A,C)")
        return False
    missing = [c for c in chosen if c not in present]
    if missing:
        bank.error(item.where, f"答案 {','.join(missing)} 没有对应的选项", f"answer {','.join(missing)} names no option")
        return False
    if item.type == "single_choice" and len(set(chosen)) != 1:
        bank.error(item.where, f"单选题只能有一个答案（{clean(answer)}）", f"a single choice question has one answer ({clean(answer)})")
        return False
    item.options = [Option(text, correct=letter in chosen) for letter, text in present.items()]
    return True


def _true_false(bank: Bank, item: Item, cells: dict, answer) -> bool:
    item.truth = truth(answer)
    if item.truth is None:
        bank.error(item.where, f"判断题答案 {clean(answer)!r} 无法识别（用 对/错、√/×、T/F）",
                   f"true/false answer {clean(answer)!r} is not recognised (use 对/错, √/×, T/F)")
        return False
    return True


def _fill(bank: Bank, item: Item, cells: dict, answer) -> bool:
    text = clean(answer)
    if not text:
        bank.error(item.where, "填空题没有答案", "a fill-in question has no answer")
        return False
    blanks = [[a.strip() for a in part.split("/") if a.strip()] for part in _BLANK_GAPS.split(text) if part.strip()]
    marks = _BLANK.findall(item.stem)
    if not marks:
        if len(blanks) != 1:
            bank.error(item.where, f"题干中没有标出空（如 ____ 或 （ ）），答案却有 {len(blanks)} 个",
                       f"the stem marks no blank (such as ____ or （ ）) but the answer has {len(blanks)}")
            return False
        item.stem = f"{item.stem} [[1]]"
    elif len(marks) != len(blanks):
        bank.error(item.where, f"题干有 {len(marks)} 个空，答案有 {len(blanks)} 个（各空答案用 ； 或 | 分隔）",
                   f"the stem has {len(marks)} blanks and the answer {len(blanks)} (separate blanks with ; or |)")
        return False
    else:
        numbers = iter(range(1, len(marks) + 1))
        item.stem = _BLANK.sub(lambda _m: f"[[{next(numbers)}]]", item.stem)
    item.blanks, item.partial = blanks, True
    return True


def _short(bank: Bank, item: Item, cells: dict, answer) -> bool:
    item.reference_answer = clean(answer) or None
    if item.reference_answer is None:
        bank.error(item.where, "简答题需要参考答案（答案列）", "a short answer question needs a reference answer (the answer column)")
        return False
    return True


def _case(bank: Bank, item: Item, cells: dict, answer) -> bool:
    """The case is the stem; its question is answered in writing against the answer."""
    part = Item("short_answer", "根据以上案例作答。 Answer from the case above.", where=item.where, points=item.points,
                reference_answer=clean(answer) or None)
    if part.reference_answer is None:
        bank.error(item.where, "案例分析题需要参考答案（答案列）", "a case analysis needs a reference answer (the answer column)")
        return False
    item.case, item.stem = item.stem, "阅读以下案例，回答问题。 Read the case and answer the question."
    item.parts = [part]
    return True


# -- writing -------------------------------------------------------------------


def write(bank: Bank) -> tuple[bytes, list[str]]:
    """``bank`` on the template's sheet; items it cannot hold (case analyses with
    other than one written part, more than eight options) are named in the list."""
    import io

    from lti_tool.banks.template import COLUMNS, TYPES_ZH, write_template

    buffer = io.BytesIO()
    write_template(buffer, examples=False)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book.worksheets[0]
    names = dict(zip(("single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer", "case_analysis"), TYPES_ZH))
    skipped = []
    for number, item in enumerate(bank.items, start=1):
        row = {"题型": names[item.type], "题干": item.stem, "解析": item.explanation, "分值": item.max_points, "知识点": item.topic, "难度": item.difficulty}
        if item.type in ("single_choice", "multiple_choice"):
            if len(item.options) > len(OPTION_LETTERS):
                skipped.append(item.name or str(number))
                continue
            for letter, option in zip(OPTION_LETTERS, item.options):
                row[f"选项{letter}"] = option.text
            row["答案"] = ",".join(l for l, o in zip(OPTION_LETTERS, item.options) if o.correct)
        elif item.type == "true_false":
            row["答案"] = "对" if item.truth else "错"
        elif item.type == "fill_blank":
            row["答案"] = "；".join("/".join(accept) for accept in item.blanks)
        elif item.type == "short_answer":
            row["答案"] = item.reference_answer
        else:
            if len(item.parts) != 1 or item.parts[0].type != "short_answer":
                skipped.append(item.name or str(number))
                continue
            row["题干"], row["答案"] = item.case, item.parts[0].reference_answer
        sheet.append([row.get(column) for column in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), skipped
