"""Money as people write it and as the tool keeps it: exact ``Decimal`` amounts of at
most two decimals in the organisation's currency, never floats. ``parse`` reads what a
form sends ("12,345.60", "12345.6", full-width "１２３４５．６"), refusing what would
need rounding; ``shown`` writes an amount back with grouped thousands and two decimals."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: Numeric(14, 2): twelve digits before the point.
MAXIMUM = Decimal("999999999999.99")
# Digits with optional thousands groups of three, then up to any decimals (checked after).
_NUMBER = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")
_SYMBOLS = ("¥", "￥", "$", "€", "£")


class MoneyError(ValueError):
    """What is wrong with a written amount; ``reason`` is one of: empty, format,
    decimals, negative, zero, large."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse(text: str | None, allow_zero: bool = False) -> Decimal:
    """The amount written in ``text``, exactly, with two decimals."""
    value = unicodedata.normalize("NFKC", text or "").strip()  # full-width digits, "，" and "．" become ASCII
    value = value.replace(" ", "").replace("\u00a0", "")
    if not value:
        raise MoneyError("empty")
    if value.startswith(("-", "−")) or value.endswith("-"):
        raise MoneyError("negative")
    for symbol in _SYMBOLS:
        value = value.removeprefix(symbol)
    value = value.removeprefix("+")
    match = _NUMBER.match(value)
    if match is None:
        raise MoneyError("format")
    if len(match.group("frac") or "") > 2:
        raise MoneyError("decimals")
    try:
        amount = Decimal(value.replace(",", "")).quantize(CENT)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise MoneyError("format") from None
    if amount > MAXIMUM:
        raise MoneyError("large")
    if amount == ZERO and not allow_zero:
        raise MoneyError("zero")
    return amount


def total(amounts) -> Decimal:
    """The exact sum of ``amounts`` (None counts as nothing), with two decimals."""
    return sum((Decimal(a) for a in amounts if a is not None), ZERO).quantize(CENT)


def exact(value) -> Decimal:
    """A stored amount (a database may hand it back as it likes) as two-decimal ``Decimal``."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT)


def shown(value, currency: str = "") -> str:
    """``12,345.60`` (``CNY 12,345.60`` with a currency); negatives keep their sign."""
    amount = exact(value)
    text = f"{amount:,.2f}"
    return f"{currency} {text}" if currency else text


def percent(part, whole) -> float | None:
    """``part`` of ``whole`` in percent, one decimal, for charts; None without a whole."""
    whole = exact(whole)
    if whole <= ZERO:
        return None
    return float((exact(part) * 100 / whole).quantize(Decimal("0.1")))
