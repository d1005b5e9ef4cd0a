"""Money as the budget and claim forms read it: exact Decimals with two decimals,
thousands separators and full-width digits accepted, anything that would need rounding,
negatives, zero and more than Numeric(14, 2) holds refused; sums stay exact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lti_tool.costs import money
from lti_tool.costs.files import AttachmentError, check


@pytest.mark.parametrize("text, amount", [
    ("12,345.60", "12345.60"), ("12345.6", "12345.60"), ("１２３４５．６", "12345.60"), ("１２，３４５.６０", "12345.60"),
    (" 7 ", "7.00"), ("¥1,000", "1000.00"), ("0.01", "0.01"), ("999999999999.99", "999999999999.99"),
])
def test_amounts_are_read_exactly(text, amount):
    parsed = money.parse(text)
    assert isinstance(parsed, Decimal) and parsed == Decimal(amount) and parsed.as_tuple().exponent == -2


@pytest.mark.parametrize("text, reason", [
    ("12.345", "decimals"), ("0.001", "decimals"), ("-5", "negative"), ("−5", "negative"), ("0", "zero"),
    ("0.00", "zero"), ("", "empty"), ("abc", "format"), ("1,2,3", "format"), ("12,3456.00", "format"),
    ("1e3", "format"), ("1000000000000", "large"), ("NaN", "format"),
])
def test_what_would_need_rounding_or_is_not_an_amount_is_refused(text, reason):
    with pytest.raises(money.MoneyError) as refused:
        money.parse(text)
    assert refused.value.reason == reason


def test_sums_are_exact_where_floats_are_not():
    tenths = [money.parse("0.10")] * 3
    assert sum(float(t) for t in tenths) != 0.3  # what a float would have kept
    assert money.total(tenths) == Decimal("0.30")
    assert money.total([Decimal("1234567890.11"), Decimal("0.99"), None]) == Decimal("1234567891.10")
    assert money.shown(Decimal("1234567.5"), "CNY") == "CNY 1,234,567.50"
    assert money.percent(Decimal("50"), Decimal("200")) == 25.0 and money.percent(1, 0) is None


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_attachments_are_checked_by_content_and_name():
    assert check(PDF, "发票.pdf").media_type == "application/pdf"
    photo = check(png(), "invoice.PNG")
    assert photo.media_type == "image/jpeg" and photo.data.startswith(b"\xff\xd8")  # re-encoded, no metadata
    for data, name, reason in [
        (PDF, "invoice.png", "type"),  # a PDF renamed .png
        (png(), "invoice.pdf", "type"),  # a photo named .pdf
        (b"#!/bin/sh\nrm -rf /\n", "invoice.pdf", "type"),  # a script disguised as a PDF
        (b"<script>alert(1)</script>", "invoice.pdf", "type"),
        (PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
         "invoice.pdf", "active"),
        (PDF, "invoice.exe", "type"), (b"", "a.pdf", "type"),
        (b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF", "big.pdf", "size"),
    ]:
        with pytest.raises(AttachmentError) as refused:
            check(data, name)
        assert refused.value.reason == reason, name
