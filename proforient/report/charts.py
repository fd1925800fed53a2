"""Charts of the reports: plain arrays in, an Axes drawn, nothing measured that need not be.

Figures are made by :func:`figure` without pyplot (nothing stays registered, so re-running a
notebook does not accumulate figures) and with a layout computed here, in inches, from the
number of panels and the length of the labels — no constrained layout and no tight bounding
box, which together cost most of a figure's time. They are saved as SVG with the text kept as
text (:func:`proforient.report.html.figure`): small, sharp on paper, searchable.

Every chart reads in black and white: series differ by hatching, marker and line style, never by
colour alone. ``$`` in a label is printed, not parsed (``text.parse_math`` is off).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from proforient.report.text import typography

__all__ = [
    "RC",
    "figure",
    "fitted_width",
    "funnel_plot",
    "grade_bars",
    "interval_plot",
    "label_width",
    "legend_below",
    "paired_bars",
    "percent_axis",
    "share_bars",
    "text_height",
    "title_wrap",
    "trend_lines",
    "wrap",
]

#: Matplotlib settings of every report chart (applied per figure, the user's are left alone).
RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "text.parse_math": False,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titley": 1.0,  # a fixed place: no tick labels are measured to place a title
    "axes.titlepad": 5.0,
    "axes.labelsize": 9,
    "axes.edgecolor": "#b0b0b0",
    "axes.linewidth": 0.8,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.7,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "hatch.linewidth": 0.7,
    "figure.dpi": 100,
    "savefig.facecolor": "white",
    "svg.fonttype": "none",
    "svg.hashsalt": "proforient",
}

#: Inches a printed chart may be wide: an A4 page less its margins (``@page`` in style.css,
#: 12 mm each side). A wider figure would be scaled down in print, and its 9-point text with it.
PRINT_WIDTH = 7.3

#: The smallest text a chart draws (points): readable on paper at the figure's own size.
MIN_FONT = 8.0

#: Inches a character of a 9-point label takes, on average (DejaVu Sans): labels are sized
#: by their length, not measured one by one.
CHAR_WIDTH = 0.074
LINE_HEIGHT = 0.17

#: Colours and marks of the series drawn side by side (school, district, peers).
SCHOOL = {"color": "#1b4f8a", "marker": "o", "linestyle": "-"}
#: The district's square and the peers' triangle are hollow: a school's dot at the same value
#: shows through them.
DISTRICT = {"color": "#222222", "marker": "s", "linestyle": "--", "markerfacecolor": "none"}
PEERS = {"color": "#b2182b", "marker": "^", "linestyle": ":", "markerfacecolor": "none"}
TARGET = {"color": "#b2182b", "lw": 2.0, "linestyle": "-."}
BAR = {"color": "#9dbfe3", "edgecolor": "#1b4f8a", "hatch": "//", "lw": 0.8}
HATCHES: tuple[str, ...] = ("//", "..", "xx", "\\\\", "++", "oo")
COLOURS: tuple[str, ...] = ("#9dbfe3", "#f0f0f0", "#c9c9c9", "#fdd49e", "#a1d99b", "#ffffff")


def wrap(text: Any, width: int = 28, max_lines: int | None = 3) -> str:
    """Wrap a label to ``width`` characters per line, at most ``max_lines`` lines (…)."""
    lines = textwrap.wrap(typography(str(text)), width=width, break_long_words=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.;:") + "…"
    return "\n".join(lines)


def title_wrap(text: Any, width: float, size: float = RC["axes.titlesize"],
               max_lines: int = 4) -> str:
    """A bold title wrapped to lines that fit ``width`` inches at ``size`` points."""
    chars = int(width / (CHAR_WIDTH * size / 9 * 1.12))
    return wrap(text, max(chars, 12), max_lines)


def text_height(texts: Sequence[str], size: float = RC["axes.titlesize"]) -> float:
    """Inches the tallest of the texts takes (its lines at ``size`` points)."""
    lines = max((str(t).count("\n") + 1 for t in texts), default=1)
    return lines * size * 1.25 / 72


def label_width(labels: Sequence[str]) -> float:
    """Inches the longest line of the labels needs (the left margin of a bar chart)."""
    longest = max((len(line) for label in labels for line in str(label).splitlines()),
                  default=0)
    return longest * CHAR_WIDTH + 0.3  # and the ticks' length and padding


def fitted_width(panel_width: float, ncols: int = 1, *, left: float = 0.55,
                 right: float = 0.3, wgap: float = 0.35) -> float:
    """The width (inches) :func:`figure` gives each of ``ncols`` panels: the one asked for, or
    less, so that the figure is at most :data:`PRINT_WIDTH` wide."""
    room = PRINT_WIDTH - left - right - (ncols - 1) * wgap
    return max(min(panel_width, room / ncols), 0.5)


@contextmanager
def figure(panel_width: float, panel_height: float, nrows: int = 1, ncols: int = 1, *,
           left: float = 0.55, right: float = 0.3, top: float = 0.45, bottom: float = 0.5,
           hgap: float = 0.55, wgap: float = 0.35, sharey: bool = False,
           sharex: bool = False) -> Iterator[tuple[Figure, Any]]:
    """A figure of ``nrows`` × ``ncols`` panels of the given size (inches), margins in inches.

    The panels are narrowed so that the figure is at most :data:`PRINT_WIDTH` wide: on paper
    it is printed at its own size, its text at the size set here.

    Yields ``(fig, axes)``: one Axes for a 1×1 grid, else an array. Draw and save inside the
    ``with`` block: the report's style applies to both.
    """
    panel_width = fitted_width(panel_width, ncols, left=left, right=right, wgap=wgap)
    width = left + right + ncols * panel_width + (ncols - 1) * wgap
    height = top + bottom + nrows * panel_height + (nrows - 1) * hgap
    with mpl.rc_context(RC):
        fig = Figure(figsize=(width, height))
        gridspec = {"left": left / width, "right": 1 - right / width,
                    "bottom": bottom / height, "top": 1 - top / height,
                    "wspace": wgap / panel_width, "hspace": hgap / panel_height}
        axes = fig.subplots(nrows, ncols, squeeze=True, sharey=sharey, sharex=sharex,
                            gridspec_kw=gridspec)
        yield fig, axes


def percent_axis(ax: Axes, axis: str = "y") -> None:
    """Format an axis of fractions as Russian percentages (``0.25 → "25 %"``)."""
    def fmt(v: float, _pos: int) -> str:
        digits = 0 if abs(v * 100 - round(v * 100)) < 1e-9 else 1
        return f"{v * 100:.{digits}f}".replace(".", ",") + "\u00a0%"

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def _top(*arrays: Any) -> float:
    """The upper limit of a share axis: the data, the district and the target, with room."""
    values = np.concatenate([np.atleast_1d(np.asarray(a, dtype=float)) for a in arrays])
    values = values[~np.isnan(values)]
    top = float(values.max()) if len(values) else 1.0
    return min(1.0, max(0.05, top * 1.15))


def padded(ax: Axes, low: float, high: float, axis: str = "y", points: float = 5.0
           ) -> tuple[float, float]:
    """Limits from ``low`` to ``high`` widened by ``points`` at each end, so that a marker
    drawn at either end (a share of 0 or 100 %) is whole inside the axes."""
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    length = (box.height * fig_h if axis == "y" else box.width * fig_w) * 72
    frac = min(points / max(length, 1.0), 0.2)
    pad = (high - low) * frac / (1 - 2 * frac)
    return low - pad, high + pad


def legend_below(fig: Figure, handles: Sequence[Any], ncol: int | None = None) -> None:
    """One legend for the whole figure, under the panels."""
    fig.legend(handles=list(handles), loc="lower center", ncol=ncol or len(handles),
               bbox_to_anchor=(0.5, 0.0), frameon=False, handlelength=2.2)


def handles(*items: tuple[str, dict]) -> list[Any]:
    """Legend handles for (label, style) pairs: a bar style gives a patch, else a line."""
    out = []
    for label, style in items:
        if "hatch" in style:
            out.append(Patch(facecolor=style.get("color"), edgecolor=style.get("edgecolor"),
                             hatch=style["hatch"], label=label))
        else:
            out.append(Line2D([], [], label=label, lw=style.get("lw", 1.4),
                              **{k: v for k, v in style.items() if k != "lw"}))
    return out


# --------------------------------------------------------------------------------------------
# panels


def grade_bars(ax: Axes, grades: Sequence[int], share: Sequence[float],
               district: Sequence[float], target: float | None) -> Axes:
    """A school's share by grade (hatched bars), the district's share by grade (markers) and
    the target (dotted line); the axis ends a little above the highest of them, so that small
    shares stay readable, and shows the grades given (from the lowest to the highest)."""
    grades = np.asarray(grades, dtype=int)
    values = np.asarray(share, dtype=float)
    ax.bar(grades, values, width=0.7, **BAR)
    for g, v in zip(grades, values, strict=True):
        if v == 0:  # a bar of nothing is not «no data»: say 0
            ax.annotate("0", (g, 0), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=MIN_FONT)
    ax.plot(grades, np.asarray(district, dtype=float), markersize=5, lw=1, zorder=4,
            clip_on=False, **DISTRICT)  # a district at 0 % sits whole on the axis
    marks = [share, district]
    if target is not None and not np.isnan(target):
        ax.axhline(float(target), **TARGET)
        marks.append([target])
    shown = range(int(grades.min()), int(grades.max()) + 1) if len(grades) else range(1, 12)
    ax.set_xticks(list(shown))  # the school's grades only: a primary school's 1–4
    ax.set_xlim(shown.start - 0.6, shown.stop - 0.4)
    ax.set_ylim(0, padded(ax, 0, _top(*marks))[1])  # a district square at the top is whole
    percent_axis(ax)
    return ax


def funnel_plot(ax: Axes, denominator: Sequence[float], share: Sequence[float], *, p0: float,
                limits: Any, target: float | None = None,
                highlight: Sequence[bool] | None = None, labels: Sequence[str] | None = None
                ) -> Axes:
    """Funnel plot: each school's share against its denominator, the district's share and the
    control limits.

    Parameters
    ----------
    denominator, share : sequences
        One value per school.
    p0 : float
        The district's share: the centre line.
    limits : DataFrame
        ``denominator, level, lower, upper`` over a grid of denominators
        (:func:`proforient.compute.stats.funnel_limits`), computed once per batch.
    target : float, optional
        The roadmap's target (dotted red line).
    highlight : sequence of bool, optional
        The school of a school report: a black square.
    labels : sequence of str, optional
        Labels drawn beside the points that have one (empty strings are skipped).
    """
    n = np.asarray(denominator, dtype=float)
    y = np.asarray(share, dtype=float)
    styles = ("--", ":")
    for i, (_level, part) in enumerate(limits.groupby("level", sort=True)):
        kw = {"color": "#555555", "lw": 1.0, "linestyle": styles[i % 2]}
        ax.plot(part["denominator"].astype(float), part["lower"], **kw)
        ax.plot(part["denominator"].astype(float), part["upper"], **kw)
    ax.axhline(p0, color=SCHOOL["color"], lw=1.3)
    marks = [y, [p0]]
    if target is not None and not np.isnan(target):
        ax.axhline(float(target), **TARGET)
        marks.append([target])
    hl = np.zeros(len(n), dtype=bool) if highlight is None else np.asarray(highlight, bool)
    ax.scatter(n[~hl], y[~hl], s=22, facecolor="white", edgecolor="#222222", lw=0.9, zorder=3,
               clip_on=False)
    if hl.any():
        ax.scatter(n[hl], y[hl], s=55, marker="s", color="black", zorder=4, clip_on=False)
    n_max = max(float(n.max()) if len(n) else 10.0, 10.0) * 1.08
    ax.set_xlim(0, n_max)
    inner = limits[limits["denominator"].astype(float) >= max(np.median(n) if len(n) else 1, 1)]
    seen = np.concatenate([*marks, inner["lower"].to_numpy(float)[:1],
                           inner["upper"].to_numpy(float)[:1]])
    seen = seen[~np.isnan(seen)]
    lo, hi = (float(seen.min()), float(seen.max())) if len(seen) else (0.0, 1.0)
    pad = max(0.05, (hi - lo) * 0.15)
    # a school at 0 % or 100 % is drawn whole, inside the axes
    ax.set_ylim(*padded(ax, max(lo - pad, 0.0), min(hi + pad, 1.0), points=6.0))
    percent_axis(ax)
    if labels is not None:
        _label_points(ax, n, y, labels, hl)
    return ax


def _label_points(ax: Axes, x: np.ndarray, y: np.ndarray, labels: Sequence[str],
                  bold: np.ndarray, size: float = MIN_FONT) -> None:
    """Labels beside points, inside the axes (never over the title or the ticks), moved up or
    down so that no two overlap, with a thin line back to a moved point.

    A label sits right of its point, or left of it where it would leave the axes. Boxes are
    estimated in points from the labels' length (:data:`CHAR_WIDTH`) and stacked: first
    upwards from the points, then, if the highest leaves the axes, downwards from the top.
    """
    scale = 72.0 / ax.figure.dpi
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    left, right = box.x0 * fig_w * 72, box.x1 * fig_w * 72
    bottom, top = box.y0 * fig_h * 72, box.y1 * fig_h * 72
    line = size * 1.3
    items = []
    for xi, yi, text, b in zip(x, y, labels, bold, strict=True):
        if not text or not np.isfinite(yi):
            continue
        px, py = ax.transData.transform((xi, yi)) * scale
        lines = str(text).splitlines()
        w = max(len(s) for s in lines) * CHAR_WIDTH * 72 * size / 9 * (1.12 if b else 1.0) + 4
        on_right = px + 7 + w <= right or px - 7 - w < left
        x0 = px + 7 if on_right else px - 7 - w
        items.append({"x": xi, "y": yi, "text": text, "bold": b, "py": py, "ty": py,
                      "x0": x0, "x1": x0 + w, "h": len(lines) * line + 2,
                      "right": not on_right})

    def clash(a: dict, b: dict) -> bool:
        return a["x0"] < b["x1"] and b["x0"] < a["x1"] and \
            abs(a["ty"] - b["ty"]) < (a["h"] + b["h"]) / 2

    placed: list[dict] = []
    for item in sorted(items, key=lambda i: i["py"]):  # upwards
        item["ty"] = max(item["py"], bottom + item["h"] / 2)
        while (hit := [o for o in placed if clash(item, o)]):
            item["ty"] = max(o["ty"] + (o["h"] + item["h"]) / 2 for o in hit) + 0.5
        placed.append(item)
    if any(i["ty"] + i["h"] / 2 > top for i in items):  # then downwards from the top
        placed = []
        for item in sorted(items, key=lambda i: -i["ty"]):
            item["ty"] = min(item["ty"], top - item["h"] / 2)
            while (hit := [o for o in placed if clash(item, o)]):
                item["ty"] = min(o["ty"] - (o["h"] + item["h"]) / 2 for o in hit) - 0.5
            placed.append(item)
    for item in items:
        dy = item["ty"] - item["py"]
        ax.annotate(item["text"], (item["x"], item["y"]), xytext=(-7 if item["right"] else 7, dy),
                    textcoords="offset points", ha="right" if item["right"] else "left",
                    va="center", fontsize=size, fontweight="bold" if item["bold"] else "normal",
                    annotation_clip=False,
                    bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none",
                          "alpha": 0.85},
                    arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#777777",
                                "shrinkA": 0, "shrinkB": 2} if abs(dy) > 3 else None)


def funnel_handles(with_school: bool) -> list[Any]:
    """The legend of funnel plots."""
    items = [Line2D([], [], color="#555555", lw=1.0, linestyle="--", label="обычный разброс"),
             Line2D([], [], color="#555555", lw=1.0, linestyle=":", label="предел разброса"),
             Line2D([], [], color=SCHOOL["color"], lw=1.3, label="район в целом"),
             Line2D([], [], label="цель", **TARGET),
             Line2D([], [], marker="o", linestyle="none", markerfacecolor="white",
                    markeredgecolor="#222222", label="школы")]
    if with_school:
        items.append(Line2D([], [], marker="s", linestyle="none", color="black",
                            label="эта школа"))
    return items


#: More years than this do not fit side by side under a trend panel: their labels stand upright.
SIDE_BY_SIDE_YEARS = 4


def upright_years(years: Sequence[str]) -> bool:
    """Whether a trend panel writes its year labels upright (too many to fit side by side);
    the figure then needs :data:`UPRIGHT_ROOM` more inches below each row."""
    return len(years) > SIDE_BY_SIDE_YEARS


#: Inches an upright label of «19/20» takes beyond a side-by-side one.
UPRIGHT_ROOM = 0.2


def trend_lines(ax: Axes, years: Sequence[str], school: Sequence[float],
                district: Sequence[float],
                breaks: Sequence[tuple[int, str]] = ()) -> Axes:
    """A share over the years: the school and the district.

    The school's dots are drawn over the district's hollow squares (equal values show both),
    and the axis runs a marker's size beyond 0 and its top, so no mark is cut. ``breaks`` are
    changes of definition: ``(i, label)`` puts a dashed vertical line with a short label
    between ``years[i - 1]`` and ``years[i]``, and the lines do not join the years across it.
    """
    x = np.arange(len(years))
    cuts = sorted({i for i, _ in breaks if 0 < i < len(years)})
    for lo, hi in zip([0, *cuts], [*cuts, len(years)], strict=True):
        part = slice(lo, hi)
        ax.plot(x[part], np.asarray(district, dtype=float)[part], lw=1.2, markersize=6,
                zorder=3, **DISTRICT)
        ax.plot(x[part], np.asarray(school, dtype=float)[part], lw=1.5, markersize=4.5,
                zorder=4, **SCHOOL)
    ax.set_xticks(x, [str(y) for y in years], rotation=90 if upright_years(years) else 0)
    ax.set_xlim(-0.3, len(years) - 0.7)
    ax.set_ylim(*padded(ax, 0.0, _top(school, district)))
    for i, label in breaks:
        if 0 < i < len(years):
            ax.axvline(i - 0.5, color="#555555", lw=0.9, linestyle="--", zorder=2)
            ax.text(i - 0.45, 0.98, label, transform=ax.get_xaxis_transform(), fontsize=6.5,
                    color="#555555", ha="left", va="top")
    percent_axis(ax)
    return ax


def interval_plot(ax: Axes, labels: Sequence[str], value: Sequence[float], *,
                  low: Sequence[float] | None = None, high: Sequence[float] | None = None,
                  refs: Sequence[tuple[str, Sequence[float], dict]] = (),
                  target: Sequence[float] | None = None, label: str = "значение") -> Axes:
    """One row per category: the value (a dot), its range (a bar), references beside it
    (the district, the peers) and the target (a red tick). Shares on a percent axis."""
    pos = np.arange(len(labels))
    v = np.asarray(value, dtype=float)
    if low is not None and high is not None:
        lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        ok = ~np.isnan(lo) & ~np.isnan(hi)
        ax.hlines(pos[ok], lo[ok], hi[ok], color=SCHOOL["color"], lw=2.2, alpha=0.6)
    ax.plot(v, pos, linestyle="none", marker="o", color=SCHOOL["color"], markersize=5.5,
            label=label, zorder=5, clip_on=False)
    for ref_label, values, style in refs:  # hollow, under the value: both seen when equal
        ax.plot(np.asarray(values, dtype=float), pos, linestyle="none", markersize=8,
                markeredgewidth=1.3, label=ref_label, zorder=4, clip_on=False,
                **{k: val for k, val in style.items() if k != "linestyle"})
    if target is not None:
        t = np.asarray(target, dtype=float)
        ok = ~np.isnan(t)
        ax.plot(t[ok], pos[ok], linestyle="none", marker="|", markersize=14,
                markeredgewidth=2.0, color=TARGET["color"], label="цель", zorder=3)
    ax.set_yticks(pos, list(labels))
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(*padded(ax, 0.0, 1.0, axis="x"))  # a dot at 0 or 100 % is whole
    narrow = ax.get_position().width * ax.figure.get_size_inches()[0] < 2.2
    # panels side by side: «100 %» and «0 %» apart; a narrow panel has room for three ticks
    ax.set_xticks([0, 0.5, 1.0] if narrow else [0, 0.25, 0.5, 0.75, 1.0])
    percent_axis(ax, "x")
    return ax


def paired_bars(ax: Axes, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                marks: Sequence[Sequence[str]] | None = None) -> Axes:
    """Horizontal grouped bars, one hatch per series; ``marks`` writes a text where a value is
    not drawn («×», «не указано»)."""
    pos = np.arange(len(labels))
    k = len(series)
    height = 0.8 / k
    for i, (name, values) in enumerate(series):
        values = np.asarray(values, dtype=float)
        offs = pos - 0.4 + height * (i + 0.5)
        ax.barh(offs, np.nan_to_num(values), height=height * 0.92, color=COLOURS[i % 6],
                hatch=HATCHES[i % 6], edgecolor="#333333", lw=0.6, label=name)
        if marks is not None:
            for j, text in enumerate(marks[i]):
                if text:
                    ax.text(0.3, offs[j], text, va="center", fontsize=8)
    ax.set_yticks(pos, list(labels))
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    return ax


def share_bars(ax: Axes, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
               ) -> Axes:
    """Horizontal bars of shares per category, one hatch per series (e.g. per year)."""
    paired_bars(ax, labels, series)
    ax.set_xlim(0, _top(*[v for _, v in series]))
    percent_axis(ax, "x")
    return ax
