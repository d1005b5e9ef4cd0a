"""A copy of the catalog's sample library to import into, and Excel banks made here."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from lti_tool.catalog.library import check_library

FILES = Path(__file__).parent / "files"
SAMPLE = Path(__file__).parents[1] / "catalog" / "sample"
HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分值", "难度", "知识点"]


@pytest.fixture
def library(tmp_path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "library")
    return tmp_path / "library"


@pytest.fixture
def xlsx(tmp_path):
    """``xlsx(rows, header=HEADER, merge=[...], title=...)`` → the path of a new workbook."""

    def make(rows, header=HEADER, merge=(), title="题库", before=()) -> Path:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = title
        for row in before:
            sheet.append(row)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for cells in merge:
            sheet.merge_cells(cells)
        path = tmp_path / f"bank-{len(list(tmp_path.glob('*.xlsx')))}.xlsx"
        book.save(path)
        return path

    return make


def assert_library_ok(path: Path) -> None:
    courses, problems = check_library(path)
    assert problems == [], [str(p) for p in problems]
    assert courses
