"""The building blocks of a report page: escaped HTML, tables, figures, sections.

Every text that came from input (organisation names, typed specialty names) is escaped by
:mod:`markupsafe` — the escaping Jinja2 and nbconvert use — before it reaches a page; a piece of
markup we build ourselves is :class:`~markupsafe.Markup` and is not escaped twice.

A number that may be shown twice in a report is wrapped by :func:`quantity` with its key
(``data-q``): a test reads every report and checks that one key always shows one text. A sentence
whose being there or its words depend on counts of graduates or of pupils with disabilities (a
verdict such as «заметно ниже района», a note that some are unknown, a word that part of a table
is hidden) is wrapped by :func:`statement` with the keys it rests on (``data-s``): the registry
test changes one person and checks that nothing else on any page changes.
"""

from __future__ import annotations

import base64
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from proforient.report.text import typography

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CSS",
    "Column",
    "Html",
    "Markup",
    "Section",
    "bullets",
    "escape",
    "figure",
    "plain_text",
    "quantity",
    "statement",
    "table",
]

#: The stylesheet of every page (screen and A4 print).
CSS = files("proforient.report").joinpath("style.css").read_text(encoding="utf-8")


class _Text(HTMLParser):
    """The text a reader sees: tags dropped, styles and scripts skipped, blocks on new lines."""

    BLOCKS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "div", "caption", "br", "section",
              "figure", "figcaption", "table", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.parts.append(f"\n[рисунок: {alt}]\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def plain_text(markup: str) -> str:
    """The text of an HTML fragment as a reader sees it (one line per block)."""
    parser = _Text()
    parser.feed(str(markup))
    parser.close()
    lines = (" ".join(line.replace("\u00a0", " ").split()) for line in
             "".join(parser.parts).splitlines())
    return "\n".join(line.strip(" |") for line in lines if line.strip(" |"))


class Html:
    """An HTML fragment a notebook displays; ``str()`` and ``repr()`` give its plain text.

    Parameters
    ----------
    markup : str
        The markup, built from escaped text only.
    text : str, optional
        The plain-text version (shown in a console, compared by nbval); by default the text of
        the markup.
    """

    def __init__(self, markup: str = "", text: str | None = None) -> None:
        self.html = str(markup)
        self.text = text if text is not None else plain_text(self.html)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.html)


def quantity(key: str, text: str) -> Markup:
    """A number of the report with its key, so that every place showing it can be compared."""
    return Markup('<span data-q="{}">{}</span>').format(key, text)


#: What a statement asks of the counts it rests on: ``visible`` — each is shown as a number;
#: ``said`` — each is a number wherever a page prints it, or printed nowhere (the sentence is the
#: only word on it; a sentence that a «×» is not zero would say more than the «×»); ``shown`` — the
#: sentence only labels the counts (any of them may be «×»); ``protection`` — it rests on no
#: count, only on the fact that some are hidden or a table is withheld.
STATEMENT_NEEDS = ("visible", "said", "shown", "protection")


def statement(keys: Iterable[str], text: str | Markup, needs: str = "visible") -> Markup:
    """A sentence about counts of people, registered with the keys of the counts it rests on.

    Parameters
    ----------
    keys : iterable of str
        The count and share keys (:func:`~proforient.report.publish.count_key`) whose values
        decide whether the sentence is printed and what it says.
    text : str or Markup
        The sentence (escaped unless it is Markup).
    needs : {"visible", "said", "shown", "protection"}
        What the sentence asks of those counts on the page (see :data:`STATEMENT_NEEDS`).

    Examples
    --------
    >>> statement(["g|grade=9|org_id=s1"], "Все известны.")
    Markup('<span data-s="g|grade=9|org_id=s1" data-need="visible">Все известны.</span>')
    """
    if needs not in STATEMENT_NEEDS:
        raise ValueError(f"unknown statement need {needs!r}")
    return Markup('<span data-s="{}" data-need="{}">{}</span>').format(
        ";".join(keys), needs, text)


@dataclass(frozen=True)
class Column:
    """A column of :func:`table`: its header and how its cells align."""

    header: str
    numeric: bool = False
    nowrap: bool = False
    #: the column of long names (an indicator's title): it gets the room, the numbers do not
    wide: bool = False


def table(columns: Sequence[Column | str], rows: Iterable[Sequence[Any]], *,
          caption: str | None = None, highlight: Sequence[bool] | None = None,
          css: str = "pf", long: bool = False) -> Markup:
    """An HTML table; every cell that is not :class:`Markup` is escaped.

    Parameters
    ----------
    columns : sequence of Column or str
        Headers (a ``str`` is a text column).
    rows : iterable of sequences
        The cells, already formatted.
    caption : str, optional
        A caption above the table.
    highlight : sequence of bool, optional
        Rows printed in bold (the school itself, the district).
    css : str
        Class of the table (``pf``; ``pf grid`` for the status grid).
    long : bool
        A long table may break across printed pages (its header repeats).
    """
    cols = [c if isinstance(c, Column) else Column(c) for c in columns]
    head = "".join(f'<th class="w">{escape(c.header)}</th>' if c.wide
                   else f"<th>{escape(c.header)}</th>" for c in cols)
    body = []
    for i, row in enumerate(rows):
        marked = highlight is not None and i < len(highlight) and highlight[i]
        cells = []
        for col, cell in zip(cols, row, strict=True):
            cls = "n" if col.numeric else "nw" if col.nowrap else ""
            attr = f' class="{cls}"' if cls else ""
            if isinstance(cell, tuple):  # (content, class) for coloured cells
                cell, extra = cell
                attr = f' class="{(cls + " " + extra).strip()}"'
            cells.append(f"<td{attr}>{typography(escape(cell))}</td>")
        body.append(('<tr class="hl">' if marked else "<tr>") + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    classes = css + (" long" if long else "")
    return Markup(f'<table class="{classes}">{cap}<thead><tr>{head}</tr></thead>'
                  f'<tbody>{"".join(body)}</tbody></table>')


_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>|<!DOCTYPE[^>]*>|<\?xml[^>]*\?>", re.S)
_SVG_DECIMALS = re.compile(r"(\d\.\d)\d+")
_SVG_NO_ROTATION = re.compile(r' transform="rotate\(-?0 [^)]*\)"')
_SVG_GROUP_ID = re.compile(r'<g id="[^"]*"')
_SVG_SPACE = re.compile(r"\s*\n\s*")
_SVG_STYLE = re.compile(r'style="([^"]*)"')


def compact_svg(svg: str) -> str:
    """Matplotlib's SVG without what a browser does not need: metadata, the ids of groups,
    null rotations, line breaks, and coordinates beyond a tenth of a point.

    >>> compact_svg('<g id="a">\\n <path d="M 1.23456 2 \\nL 3 4"/></g>')
    '<g><path d="M 1.2 2 L 3 4"/></g>'
    """
    svg = _SVG_METADATA.sub("", svg)
    svg = _SVG_NO_ROTATION.sub("", svg)
    svg = _SVG_GROUP_ID.sub("<g", svg)
    svg = _SVG_DECIMALS.sub(r"\1", svg)
    svg = _SVG_SPACE.sub(" ", svg).replace("> <", "><").strip()
    # a style repeated on many elements becomes a class of one stylesheet
    styles = Counter(_SVG_STYLE.findall(svg))
    common = {s: f"c{i}" for i, (s, n) in enumerate(styles.most_common()) if n >= 3}
    if not common:
        return svg
    svg = _SVG_STYLE.sub(lambda m: f'class="{common[m.group(1)]}"' if m.group(1) in common
                         else m.group(0), svg)
    sheet = "".join(f".{c}{{{s}}}" for s, c in common.items())
    return svg.replace("<defs>", f"<defs><style>{sheet}</style>", 1) if "<defs>" in svg else \
        re.sub(r"(<svg[^>]*>)", rf"\1<defs><style>{sheet}</style></defs>", svg, count=1)


def figure(fig: Figure, alt: str, *, caption: str | None = None) -> Markup:
    """Embed a Matplotlib figure in the page as an SVG image (text as text, small, sharp in
    print). The figure is not kept: report figures are made without pyplot."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    data = base64.b64encode(compact_svg(buffer.getvalue()).encode("utf-8")).decode("ascii")
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return Markup(f'<figure><img alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'
                  f"{cap}</figure>")


def bullets(items: Iterable[str | Markup], css: str = "") -> Markup:
    """A list of items (text escaped); empty when there are none."""
    items = list(items)
    if not items:
        return Markup("")
    cls = f' class="{css}"' if css else ""
    return Markup(f"<ul{cls}>" + "".join(f"<li>{typography(escape(i))}</li>" for i in items)
                  + "</ul>")


@dataclass
class Section:
    """One section of a report: a title, what it shows, its tables and charts, and what the
    data say — «На что обратить внимание» and «Что можно сделать».

    An empty section (one that does not apply) renders as nothing.
    """

    key: str
    title: str
    lead: str = ""
    body: list[Markup] = field(default_factory=list)
    notes: list[str | Markup] = field(default_factory=list)
    steps: list[str | Markup] = field(default_factory=list)
    calm: str = ""
    number: int | None = None
    first: bool = False

    def render(self) -> Html:
        """The section as a page fragment."""
        heading = f"{self.number}. {self.title}" if self.number else self.title
        cls = "pf-sec pf-first" if self.first else "pf-sec"
        # on paper a heading stays with what follows it (see _with_start)
        top = [f"<h2>{escape(heading)}</h2>"]
        if self.lead:
            top.append(f'<p class="pf-lead">{escape(self.lead)}</p>')
        body = [str(block) for block in self.body]
        parts = [f'<section class="{cls}" id="{escape(self.key)}">']
        if body:
            parts += _with_start(top, body[0]) + body[1:]
        else:
            parts.append(_keep(top))
        if self.notes or self.calm:
            parts += _with_start(["<h3>На что обратить внимание</h3>"],
                                 str(bullets(self.notes)) if self.notes
                                 else f"<p>{typography(escape(self.calm))}</p>")
        if self.steps:
            parts += _with_start(["<h3>Что можно сделать</h3>"],
                                 str(bullets(self.steps, "pf-steps")))
        parts.append("</section>")
        return Html("".join(parts))


#: A list of at most this many items is printed on one page with its heading; a longer one
#: keeps its first two items with the heading and may break after them.
KEEP_ITEMS = 6

_LIST = re.compile(r"(<ul[^>]*>)(.*)</ul>", re.S)
_ITEM = re.compile(r"<li>.*?</li>", re.S)


def _keep(parts: Sequence[str]) -> str:
    """Blocks printed on one page (``pf-keep``: not broken inside)."""
    return '<div class="pf-keep">' + "".join(parts) + "</div>"


def _with_start(heading: list[str], block: str) -> list[str]:
    """A heading (and its lead) with the start of what follows, unbreakable on paper: the
    whole block when it is a table or a chart that does not break or a short list, the
    first two items of a long list (the rest follows as the same list)."""
    if _unbreakable(block):
        return [_keep([*heading, block])]
    match = _LIST.fullmatch(block)
    items = _ITEM.findall(match.group(2)) if match else []
    if not match or len(items) <= KEEP_ITEMS:
        return [_keep([*heading, block])] if match else [_keep(heading), block]
    opening = match.group(1)
    rest = opening.replace('class="', 'class="pf-cont ') if 'class="' in opening \
        else '<ul class="pf-cont">'
    return [_keep([*heading, opening + "".join(items[:2]) + "</ul>"]),
            rest + "".join(items[2:]) + "</ul>"]


def _unbreakable(block: str) -> bool:
    """A table or a figure that prints on one page (a long table breaks, with its header)."""
    return block.startswith(("<figure", "<table")) and not re.match(
        r'<table class="[^"]*\blong\b', block)
