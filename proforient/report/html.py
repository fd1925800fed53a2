"""What a report cell shows: HTML fragments, number formats, tables, the header and sections.

Every report function returns an object a notebook displays as it is:

- :class:`Html` — an HTML fragment (``_repr_html_``) with a plain-text twin (``__repr__``);
- :class:`Section` — one analysis in the OpenSDP shape: purpose, who is counted, tables and
  charts, «На что обратить внимание», «Возможные шаги».

Text that came from input is escaped here (:func:`proforient.privacy.escape`); tables go through
pandas' Styler with ``escape="html"`` for cells *and* headers. Charts are embedded as PNG data
URIs, so the rendered HTML is self-contained and no figure stays open after it is shown.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from pandas.io.formats.style import Styler

from proforient.names import short_name
from proforient.report.privacy import MISSING, escape
from proforient.vocab import KINDS, STATUSES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from proforient.report.context import ReportContext

__all__ = [
    "CSS",
    "STATUS_SYMBOLS",
    "Html",
    "Section",
    "figure_html",
    "fmt_count",
    "fmt_interval",
    "fmt_percent",
    "fmt_value",
    "report_header",
    "short_name",
    "status_text",
    "table_html",
]

#: Status → symbol, so that a status reads without colour (B&W print).
STATUS_SYMBOLS: dict[str, str] = {"met": "✓", "not_met": "✗", "monitored": "○", "no_data": "?"}
#: Short Russian status words for tables (the vocabulary's label of ``monitored`` is longer).
STATUS_WORDS: dict[str, str] = {**STATUSES.labels, "monitored": "мониторинг"}

#: Styles of every fragment (scoped by the ``pf-`` prefix).
CSS = """<style>
.pf-report{font-family:"DejaVu Sans",Arial,sans-serif;line-height:1.45;max-width:1150px}
.pf-report.pf-header .pf-title{font-size:1.45em;font-weight:bold;margin:.2em 0 .4em 0}
.pf-report.pf-header table{border-collapse:collapse;margin:.3em 0;width:auto}
.pf-report.pf-header td{padding:2px 12px 2px 0;vertical-align:top;text-align:left;
 border:none;background:none}
.pf-report.pf-header td:first-child{color:#444;white-space:nowrap}
.pf-report .pf-banner{border:3px solid #000;background:#fff1c2;padding:.7em 1em;margin:.8em 0;
 font-weight:bold}
.pf-report h4{margin:1.1em 0 .3em 0;font-size:1.05em;font-weight:bold}
.pf-report ul{margin:.2em 0 .6em 1.2em;padding:0}
.pf-report .pf-purpose{font-style:italic;margin:.2em 0 .6em 0}
.pf-report .pf-table{border-collapse:collapse;font-size:.88em;margin:.4em 0 .8em 0;
 table-layout:auto}
.pf-report .pf-table th{background:#eee;border:1px solid #888;padding:3px 6px;text-align:left;
 vertical-align:bottom;font-weight:bold}
.pf-report .pf-table td{border:1px solid #aaa;padding:3px 6px;text-align:left;
 vertical-align:top}
.pf-report .pf-table caption{caption-side:top;text-align:left;font-weight:bold;padding:.3em 0}
.pf-report .pf-figure{max-width:100%;height:auto;display:block;margin:.5em 0}
.pf-report .pf-note{color:#333;font-size:.9em}
</style>"""


class Html:
    """An HTML fragment a notebook displays; ``str()`` and ``repr()`` give plain text.

    Parameters
    ----------
    html : str
        The markup. Build it from escaped text only.
    text : str, optional
        The plain-text version (shown in a console and compared by nbval); by default the
        markup with its tags removed.
    frame : DataFrame, optional
        For a table: the values as shown (formatted, suppressed), for tests and exploration.
    """

    def __init__(self, html: str, text: str | None = None,
                 frame: pd.DataFrame | None = None) -> None:
        self.html = html
        self.text = text if text is not None else _strip_tags(html)
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def __add__(self, other: Html) -> Html:
        return Html(self.html + other.html, self.text + "\n" + other.text)


def _strip_tags(markup: str) -> str:
    no_style = re.sub(r"<style.*?</style>", "", markup, flags=re.DOTALL)
    no_img = re.sub(r"<img[^>]*>", "[рисунок]", no_style)
    text = re.sub(r"<br\s*/?>|</(?:p|li|tr|h\d|div|caption)>", "\n", no_img)
    text = re.sub(r"<[^>]+>", " ", text)
    import html as _html

    lines = (re.sub(r"[ \t]+", " ", _html.unescape(line)).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------------------------
# numbers


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def fmt_percent(value: Any, digits: int = 1) -> str:
    """A fraction as a Russian percentage: ``0.857 → "85,7 %"``; missing → ``"—"``."""
    if _missing(value):
        return MISSING
    return f"{float(value) * 100:.{digits}f}".replace(".", ",") + " %"


def fmt_interval(low: Any, high: Any, digits: int = 1) -> str:
    """A 95% interval of a share: ``"81,2–90,1 %"``; missing → ``"—"``."""
    if _missing(low) or _missing(high):
        return MISSING
    lo = f"{float(low) * 100:.{digits}f}".replace(".", ",")
    hi = f"{float(high) * 100:.{digits}f}".replace(".", ",")
    return f"{lo}–{hi} %"


def fmt_count(value: Any) -> str:
    """A count (pupils, events): whole number, space between thousands; missing → ``"—"``."""
    if _missing(value):
        return MISSING
    v = float(value)
    if not v.is_integer():
        return f"{v:.1f}".replace(".", ",")
    n = int(v)
    return f"{n:,}".replace(",", " ") if abs(n) >= 10_000 else str(n)


def fmt_value(value: Any, kind: str, *, scope: str = "org") -> str:
    """An indicator value as a reader expects it.

    Shares → percentage; a school's flag → «да»/«нет»; a district flag → percentage of the
    organisations; counts → the number.
    """
    if _missing(value):
        return MISSING
    if kind == "flag" and scope == "org":
        return "да" if float(value) >= 0.5 else "нет"
    if kind in ("share", "flag"):
        return fmt_percent(value)
    return fmt_count(value)


def fmt_target(target: Any, kind: str, *, scope: str = "org") -> str:
    """A target: ``"≥ 80 %"``, ``"да"`` for a school's flag, ``"≥ 1"``; none → «без цели»."""
    if _missing(target):
        return "без цели"
    if kind == "flag" and scope == "org":
        return "да" if float(target) >= 1 else "≥ " + fmt_percent(target, digits=0)
    if kind in ("share", "flag"):
        return "≥ " + fmt_percent(target, digits=0)
    return "≥ " + fmt_count(target)


def status_text(status: Any) -> str:
    """``"✓ достигнуто"``, ``"✗ не достигнуто"``, ``"○ мониторинг"``, ``"? нет данных"``."""
    if _missing(status):
        return MISSING
    return f"{STATUS_SYMBOLS.get(status, '')} {STATUS_WORDS.get(status, status)}".strip()


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for ``n``: ``plural(21, "школа", "школы", "школ") → "школа"``."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def join_words(items: Sequence[str], last: str = " и ") -> str:
    """``["а", "б", "в"] → "а, б и в"``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


# --------------------------------------------------------------------------------------------
# tables and figures


def table_html(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    numeric: Iterable[str] = (),
    highlight: pd.Series | Sequence[bool] | None = None,
    note: str | None = None,
    nowrap: Iterable[str] = (),
) -> Html:
    """Render a table of already formatted values; every cell and header is HTML-escaped.

    Parameters
    ----------
    frame : pandas.DataFrame
        Values to show, with Russian column names (the index is not shown).
    caption : str, optional
        A caption above the table (plain text).
    numeric : iterable of str
        Columns aligned right and never wrapped.
    highlight : boolean sequence, optional
        Rows to print in bold (e.g. the school itself, the district total).
    nowrap : iterable of str
        Text columns never wrapped (short statuses, targets).
    note : str, optional
        A small note under the table (plain text).

    Returns
    -------
    Html
    """
    frame = frame.reset_index(drop=True)
    digest = hashlib.sha1(pd.util.hash_pandas_object(frame.astype(str), index=False)
                          .to_numpy().tobytes() + str(list(frame.columns)).encode()).hexdigest()
    styler = (Styler(frame, uuid=f"pf{digest[:10]}", cell_ids=False, na_rep=MISSING)
              .format(escape="html", na_rep=MISSING)
              .format_index(escape="html", axis=1)
              .hide(axis="index")
              .set_table_attributes('class="pf-table"'))
    numeric = [c for c in numeric if c in frame.columns]
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right",
                                                          "white-space": "nowrap"})
    nowrap = [c for c in nowrap if c in frame.columns and c not in numeric]
    if nowrap:
        styler = styler.set_properties(subset=nowrap, **{"white-space": "nowrap"})
    if highlight is not None:
        flags = list(pd.Series(highlight).fillna(False).astype(bool))

        def bold(row: pd.Series) -> list[str]:
            return ["font-weight:bold;background:#f2f2f2" if flags[row.name] else ""] * len(row)

        styler = styler.apply(bold, axis=1)
    if caption:
        styler = styler.set_caption(escape(caption))
    markup = f'<div class="pf-report">{styler.to_html()}</div>'
    text_lines = [caption] if caption else []
    text_lines.append(frame.to_string(index=False))
    if note:
        markup += f'<p class="pf-note">{escape(note)}</p>'
        text_lines.append(note)
    return Html(markup, "\n".join(text_lines), frame=frame)


def figure_html(fig: Figure, alt: str, *, dpi: int = 110) -> Html:
    """Embed a Matplotlib figure as a PNG data URI (self-contained HTML).

    The figure is drawn once and not kept: figures of the report are created without pyplot
    (:func:`proforient.charts.figure`), so nothing stays registered and memory does not grow
    as a notebook is re-run.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white",
                metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Html(f'<img class="pf-figure" alt="{escape(alt)}" src="data:image/png;base64,{data}">',
                f"[рисунок: {alt}]")


def bullets(items: Iterable[str]) -> str:
    """An HTML list of plain-text items (escaped)."""
    items = list(items)
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>" if items else ""


@dataclass
class Section:
    """One analysis of a report, in the shape of the OpenSDP guides.

    Attributes
    ----------
    purpose : str
        What the analysis shows and why (one or two sentences).
    sample : list of str
        Who is counted and who is left out, and why.
    body : list of Html
        Tables and charts.
    notes : list of str
        «На что обратить внимание» — generated from the data. When empty, ``calm`` is shown.
    steps : list of str
        «Возможные шаги» — generated from the data.
    data : dict of DataFrame
        The tidy frames behind the section, for analysts who explore in JupyterLab. Aggregates
        only (never one graduate's row); they are not rendered.
    calm : str
        What to say when there is nothing to flag.
    """

    purpose: str
    sample: list[str] = field(default_factory=list)
    body: list[Html] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    data: Mapping[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    calm: str = "Замечаний по этим данным нет."
    calm_steps: str = "Дополнительных шагов по этим данным не требуется."

    def _repr_html_(self) -> str:
        parts = [CSS, '<div class="pf-report pf-section">',
                 f'<p class="pf-purpose">{escape(self.purpose)}</p>']
        if self.sample:
            parts.append("<h4>Кто учтён</h4>" + bullets(self.sample))
        parts.extend(block.html for block in self.body)
        parts.append("<h4>На что обратить внимание</h4>")
        parts.append(bullets(self.notes) if self.notes else f"<p>{escape(self.calm)}</p>")
        parts.append("<h4>Возможные шаги</h4>")
        parts.append(bullets(self.steps) if self.steps else f"<p>{escape(self.calm_steps)}</p>")
        parts.append("</div>")
        return "".join(parts)

    def __repr__(self) -> str:
        lines = [self.purpose]
        if self.sample:
            lines += ["", "Кто учтён:", *(f"- {s}" for s in self.sample)]
        lines += ["", *(block.text for block in self.body)]
        lines += ["", "На что обратить внимание:", *(f"- {n}" for n in self.notes or [self.calm])]
        lines += ["", "Возможные шаги:", *(f"- {s}" for s in self.steps or [self.calm_steps])]
        return "\n".join(lines)

    @property
    def html(self) -> str:
        """The rendered fragment."""
        return self._repr_html_()


# --------------------------------------------------------------------------------------------
# the header


def org_name(ctx: ReportContext, org_id: str) -> str:
    """The organisation's name (raw input text: escape it before putting it in HTML).

    Raises
    ------
    ValueError
        With a Russian message when ``org_id`` is not in the dataset.
    """
    orgs = ctx.dataset.organizations
    match = orgs.loc[orgs["org_id"] == org_id, "name"]
    if match.empty:
        known = ", ".join(orgs.loc[orgs["kind"] == "school", "org_id"].astype(str).head(30))
        raise ValueError(f"организации с кодом «{org_id}» нет в данных; коды школ: {known}")
    return str(match.iloc[0])


def report_header(ctx: ReportContext, title: str, org_id: str | None = None) -> Html:
    """The block every report starts with: title, organisation, dataset, year, date, version.

    When the dataset is synthetic (the demo district) a prominent banner says so.

    Parameters
    ----------
    ctx : ReportContext
        The report context.
    title : str
        The report's title.
    org_id : str, optional
        The organisation of a school report.

    Returns
    -------
    Html
    """
    rows = [("Отчёт", title)]
    if org_id is not None:
        orgs = ctx.dataset.organizations.set_index("org_id")
        name = org_name(ctx, org_id)
        kind = KINDS.label(str(orgs.at[org_id, "kind"]))
        rows.append(("Организация", f"{name} (код {org_id}; {kind})"))
    rows += [
        ("Данные", ctx.dataset.name),
        ("Учебный год", ctx.year),
        ("Отчёт сформирован", ctx.generated.strftime("%Y-%m-%d %H:%M")),
        ("Версия proforient", ctx.version),
    ]
    table = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    banner = ""
    text_banner = ""
    if ctx.dataset.synthetic:
        text_banner = ("Внимание: данные синтетические (демонстрационный район). Все названия "
                       "организаций и все числа вымышлены; выводы отчёта не относятся ни к одной "
                       "реальной школе.")
        banner = f'<div class="pf-banner">⚠ {escape(text_banner)}</div>'
    headline = org_name(ctx, org_id) if org_id is not None else ctx.dataset.name
    markup = (f'{CSS}<div class="pf-report pf-header">'
              f'<div class="pf-title">{escape(headline)}</div>'
              f"<table>{table}</table>{banner}</div>")
    text = "\n".join([headline, *(f"{k}: {v}" for k, v in rows), text_banner]).strip()
    return Html(markup, text)
