"""How numbers are shown to people: scores, points, hours and rates alike, on pages,
in PDFs and in text cells of exports. At most one decimal, rounded half up, trailing
zeros dropped: 23.8333 → "23.8", 2.25 → "2.3", 7.0 → "7", 3.42 → "3.4". Exports keep
exact values in number cells and show them the same way (``spreadsheet.cell``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import Flask

#: XLSX number formats with the same look: a whole number, or one decimal.
WHOLE_FORMAT = "0"
ONE_DECIMAL_FORMAT = "0.0"


def shown(value, empty: str = "") -> str:
    """``value`` as a person reads it; ``empty`` for none."""
    if value is None or value == "":
        return empty
    try:
        rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{rounded:f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def xlsx_format(value: float) -> str:
    """The number format of an XLSX cell holding ``value`` exactly."""
    return WHOLE_FORMAT if float(value).is_integer() else ONE_DECIMAL_FORMAT


def init_app(app: Flask) -> None:
    app.add_template_filter(shown, "num")
