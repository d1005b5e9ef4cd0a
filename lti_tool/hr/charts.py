"""A small server-side SVG bar chart (no library): the same markup serves the page and
the PDF report. Horizontal bars, one per row, values 0..maximum, labels escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

ROW, LABEL_W, BAR_W, PAD = 26, 180, 320, 8


def bar_chart(title: str, rows: list[tuple[str, float | None]], maximum: float = 100.0, unit: str = "%") -> Markup:
    height = PAD * 2 + ROW * max(len(rows), 1) + 18
    width = LABEL_W + BAR_W + 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="{PAD}" y="{PAD + 10}" font-size="13" fill="#111827">{escape(title)}</text>']
    for index, (label, value) in enumerate(rows):
        y = PAD + 18 + index * ROW
        shown = "—" if value is None else f"{value:g}{unit}"
        length = 0 if value is None else max(0.0, min(float(value), maximum)) / maximum * BAR_W
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" font-size="12" text-anchor="end" fill="#374151">'
                     f'<title>{escape(label)}</title>{escape(short)}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{BAR_W}" height="{ROW - 8}" fill="#e5e7eb"/>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{length:.1f}" height="{ROW - 8}" fill="#1d4e89"/>')
        parts.append(f'<text x="{LABEL_W + BAR_W + 6}" y="{y + 15}" font-size="12" fill="#111827">{shown}</text>')
    if not rows:
        parts.append(f'<text x="{LABEL_W}" y="{PAD + 34}" font-size="12" fill="#6b7280">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
