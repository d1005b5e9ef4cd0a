"""An HTML table of a page as a list of rows, each a dict from column heading to the
cell's visible text (whitespace collapsed); for tests that read tabular pages."""

from __future__ import annotations

from html.parser import HTMLParser


class _Table(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth, self.found = table_id, 0, False
        self.head: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
            self.found = True
        elif self.depth == 1:
            if tag == "thead":
                self.in_head = True
            elif tag == "tr" and not self.in_head:
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth == 1:
            if tag == "thead":
                self.in_head = False
            elif tag in ("td", "th") and self.cell is not None:
                text = " ".join("".join(self.cell).split())
                (self.head if self.in_head else self.rows[-1]).append(text)
                self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[dict[str, str]]:
    """The body rows of ``<table id=table_id>``; a row of one cell spanning the table
    (an "empty" hint) counts as no row."""
    parser = _Table(table_id)
    parser.feed(html)
    if not parser.found:
        raise AssertionError(f"no table #{table_id}")
    return [dict(zip(parser.head, row, strict=False)) for row in parser.rows if len(row) == len(parser.head)]
