"""One rule for numbers people read (scores, points, hours, rates): at most one decimal,
half up, no trailing zeros, the same on pages (the ``num`` filter), in PDFs and in
exports; XLSX cells keep the exact value and show it the same way."""

from __future__ import annotations

import io

import pytest
from flask import render_template_string
from openpyxl import Workbook, load_workbook

from lti_tool import create_app, spreadsheet
from lti_tool.numbers import shown
from lti_tool.records.exports import score_text


@pytest.mark.parametrize(("value", "text"), [
    (23.8333333, "23.8"), (2.3333, "2.3"), (3.42, "3.4"), (7.0, "7"), (7, "7"), (2.25, "2.3"), (0.05, "0.1"),
    (0.04, "0"), (-0.04, "0"), (100, "100"), (99.95, "100"), (12.5, "12.5"), ("4.50", "4.5"),
])
def test_numbers_are_shown_with_at_most_one_decimal(value, text):
    assert shown(value) == text


def test_nothing_is_shown_as_empty_or_as_given():
    assert shown(None) == "" and shown(None, "—") == "—"


def test_scores_in_exports_read_as_on_pages():
    assert score_text(23.8333, 100) == "23.8/100" and score_text(2.3333, 7.0) == "2.3/7" and score_text(None, 5) == ""


def test_templates_have_the_one_filter(tmp_path):
    app = create_app({"instance_path": tmp_path, "database_url": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.test_request_context():
        assert render_template_string("{{ a|num }} / {{ b|num }} · {{ c|num('—') }}", a=23.8333, b=100.0, c=None) \
            == "23.8 / 100 · —"


def test_xlsx_keeps_the_exact_value_and_shows_one_decimal():
    book = Workbook()
    spreadsheet.append(book.active, [23.8333333, 7.0, 3])
    cells = load_workbook(io.BytesIO(spreadsheet.xlsx_bytes(book))).active[1]
    assert [c.value for c in cells] == [23.8333333, 7, 3]
    assert [c.number_format for c in cells][:2] == ["0.0", "0"]
