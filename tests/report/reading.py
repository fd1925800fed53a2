"""Reading a rendered page the way a reader does: its tables as rows of cell texts."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" / ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables:
            text = " ".join("".join(self._cell).replace("\xa0", " ").split())
            self.tables[-1][-1].append(text.replace(" / ", " / ").strip(" /"))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    """Every table of ``html``: rows of cell texts (a line break inside a cell reads « / »,
    non-breaking spaces as spaces)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def row(html: str, first_cells: str) -> list[str]:
    """The first table row whose first cells contain ``first_cells``."""
    for table in tables(html):
        for cells in table:
            if any(first_cells in c for c in cells[:2]):
                return cells
    raise AssertionError(f"no row with {first_cells!r}")
