"""Reading what a page says about people: the registered numbers and sentences, and the rest.

A page prints a number about graduates or pupils with disabilities only as a registered count
or share (``<span data-q="key">``) and says something that depends on them only in a
registered sentence (``<span data-s="key;key" data-need="…">``). :func:`read` splits a page into
its sections and gives, for each, the registered pieces and the numbers and status words left
outside them: what the registry test compares between two districts that differ by one person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Words of a verdict or a status: if one of them appears or disappears outside a registered
#: sentence when one person changes, the page says something about that person unregistered.
STATUS_WORDS = ("заметно", "выше", "ниже", "больше", "меньше", "отста", "выполн", "достиг",
                "нет данных", "не относится", "нет таких", "никто", "все ", "неизвестно",
                "скрыт", "не публикуется", "не показ")

#: Status symbols of a grid or a scorecard (and the marks of hidden counts).
SYMBOLS = "✓✗○?×–"


@dataclass
class Section:
    """One ``<section>`` of a page (or what stands before the first one)."""

    id: str
    #: text outside registered numbers and sentences
    free: list[str] = field(default_factory=list)
    #: (keys, need, text) of every registered sentence
    statements: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)
    withheld: bool = False

    def tokens(self) -> list[str]:
        """The numbers and status words of the free text, in order."""
        text = " ".join(" ".join(self.free).split()).lower()
        found = re.findall(r"\d+(?:[,.]\d+)?", text)
        found += [w for w in STATUS_WORDS for _ in range(text.count(w))]
        found += [ch for ch in text if ch in SYMBOLS]
        return found


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections = [Section("")]
        self.quantities: list[tuple[str, str]] = []
        self._stack: list[tuple[str, str | None]] = []  # (tag, role) of open spans/svg/style
        self._q: list[str] | None = None
        self._qkey = ""
        self._s: list[list] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(Section(a.get("id") or ""))
        if "pf-withheld" in (a.get("class") or "").split():
            self.sections[-1].withheld = True
        if tag in ("svg", "style", "script"):
            self._stack.append((tag, "skip"))
        elif tag == "span" and "data-q" in a:
            self._stack.append((tag, "q"))
            self._q, self._qkey = [], a["data-q"]
        elif tag == "span" and "data-s" in a:
            self._stack.append((tag, "s"))
            keys = tuple(k for k in a["data-s"].split(";") if k)
            self._s.append([keys, a.get("data-need", ""), []])
        elif tag == "span":
            self._stack.append((tag, None))

    def handle_endtag(self, tag):
        if not self._stack or self._stack[-1][0] != tag:
            return
        _, role = self._stack.pop()
        if role == "q":
            self.quantities.append((self._qkey, " ".join("".join(self._q).split())))
            self._q = None
        elif role == "s":
            keys, need, text = self._s.pop()
            self.sections[-1].statements.append((keys, need, " ".join("".join(text).split())))

    def handle_data(self, data):
        data = data.replace("\u00a0", " ").replace("\u202f", " ")
        if any(role == "skip" for _, role in self._stack):
            return
        if self._q is not None:
            self._q.append(data)
        for s in self._s:
            s[2].append(data)
        if self._q is None and not self._s:
            self.sections[-1].free.append(data)


@dataclass
class Page:
    sections: dict[str, Section]
    #: (key, text) of every registered number, in order
    quantities: list[tuple[str, str]]


def read(html: str) -> Page:
    """The sections of a page with their free text and registered sentences."""
    reader = _Reader()
    reader.feed(html)
    sections: dict[str, Section] = {}
    for s in reader.sections:
        name = s.id
        while name in sections:
            name += "'"
        sections[name] = s
    return Page(sections, reader.quantities)
