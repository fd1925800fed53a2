"""Charts of the reports, in the manner of seaborn: tidy data + column names + optional ``ax``.

Each chart function takes a tidy DataFrame and the names of its columns, draws on ``ax`` (the
current Axes of a new figure when omitted) and returns the Axes. Figures of the reports are made
by :func:`figure`, a small context manager that creates a figure *without* pyplot (nothing stays
registered, so re-running a notebook does not accumulate open figures) under the house style:
a seaborn theme, DejaVu Sans (it has Cyrillic), and ``text.parse_math`` off so that a ``$`` in an
organisation's name is printed, not parsed.

Every chart reads in black and white: categories differ by hatching, marker and line style, and
statuses carry a symbol (✓ ✗ ○ ?), never by colour alone. Labels are Russian and wrapped
(:func:`wrap`); long category axes are sized for about 25 schools.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from proforient.compute.stats import FUNNEL_LEVELS, funnel_limits

__all__ = [
    "RC",
    "STATUS_STYLE",
    "count_heatmap",
    "figure",
    "funnel_plot",
    "grade_bars",
    "interval_plot",
    "paired_bars",
    "percent_axis",
    "share_bars",
    "status_heatmap",
    "trend_lines",
    "wrap",
]

#: Matplotlib settings of every report chart.
RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "text.parse_math": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "hatch.linewidth": 0.7,
    "figure.dpi": 100,
}

#: Status → (face colour, hatch, symbol). Light faces keep the symbols readable in greyscale.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "met": ("#cfe8c4", "", "✓"),
    "not_met": ("#f3b38f", "///", "✗"),
    "monitored": ("#dde3ee", "", "○"),
    "no_data": ("#ffffff", "....", "?"),
    "not_computed": ("#f2f2f2", "", "–"),
}
STATUS_LEGEND: dict[str, str] = {
    "met": "✓ достигнуто",
    "not_met": "✗ не достигнуто",
    "monitored": "○ мониторинг (без цели)",
    "no_data": "? нет данных",
    "not_computed": "– знаменатель 0",
}

#: Marker, line style and face of series drawn side by side (school, district, similar…).
SERIES_STYLES: tuple[dict[str, Any], ...] = (
    {"marker": "o", "linestyle": "-", "color": "#1b4f8a", "markerfacecolor": "#1b4f8a"},
    {"marker": "s", "linestyle": "--", "color": "#222222", "markerfacecolor": "white"},
    {"marker": "^", "linestyle": ":", "color": "#b2182b", "markerfacecolor": "white"},
    {"marker": "D", "linestyle": "-.", "color": "#4d4d4d", "markerfacecolor": "#4d4d4d"},
)
#: Hatches of bar series (B&W readable), used in order.
HATCHES: tuple[str, ...] = ("", "///", "...", "xx", "\\\\", "++", "oo", "--")
BAR_COLOURS: tuple[str, ...] = ("#6f9fd8", "#f0f0f0", "#c9c9c9", "#9ecae1", "#fdd49e",
                                "#d9d9d9", "#a1d99b", "#ffffff")


def wrap(text: Any, width: int = 28, max_lines: int | None = 3) -> str:
    """Wrap a (Russian) label to ``width`` characters per line, at most ``max_lines`` lines."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.;:") + "…"
    return "\n".join(lines)


@contextmanager
def figure(width: float, height: float, nrows: int = 1, ncols: int = 1,
           **subplots: Any) -> Iterator[tuple[Figure, Any]]:
    """Create a report figure (no pyplot) under the house style; yields ``(fig, axes)``.

    Draw and render (:func:`proforient.display.figure_html`) inside the ``with`` block so that
    the style applies to both. ``axes`` is one Axes for a 1×1 grid, else an array.
    """
    with sns.axes_style("whitegrid"), mpl.rc_context(RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, **subplots)
        yield fig, axes


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    fig = Figure(figsize=(8, 5), layout="constrained")
    return fig.add_subplot()


def percent_axis(ax: Axes, axis: str = "y", digits: int = 0) -> None:
    """Format an axis of fractions as Russian percentages (``0.25 → "25 %"``)."""
    fmt = FuncFormatter(lambda v, _pos: f"{v * 100:.{digits}f}".replace(".", ",") + " %")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _spread(positions: np.ndarray, min_gap: float, low: float = -np.inf,
            high: float = np.inf) -> np.ndarray:
    """Move label positions apart (at least ``min_gap``) and keep them within [low, high]."""
    out = positions.astype(float).copy()
    order = np.argsort(out)
    placed = np.clip(out[order], low, high)
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + min_gap)
    if len(placed) and placed[-1] > high:
        placed[-1] = high
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - min_gap)
    out[order] = placed
    return out


def label_points(ax: Axes, x: Sequence[float], y: Sequence[float], labels: Sequence[str],
                 *, fontsize: float = 8.5, bold: Sequence[bool] | None = None) -> None:
    """Label points without overlaps: labels go right of the point (left near the right
    edge), pushed apart vertically with a thin leader line when moved."""
    if not len(labels):
        return
    xs, ys = np.asarray(x, float), np.asarray(y, float)
    disp = ax.transData.transform(np.column_stack([xs, ys]))
    (x0, y0), (x1, y1) = ax.transAxes.transform([(0, 0), (1, 1)])
    right_side = disp[:, 0] > x0 + 0.7 * (x1 - x0)
    to_points = 72.0 / ax.figure.dpi
    min_gap = fontsize * 1.35 / to_points
    bold = list(bold) if bold is not None else [False] * len(labels)
    for side in (False, True):
        idx = np.flatnonzero(right_side == side)
        if not len(idx):
            continue
        new_y = _spread(disp[idx, 1], min_gap, y0 + min_gap / 2, y1 - min_gap / 2)
        for k, i in enumerate(idx):
            dy = (new_y[k] - disp[i, 1]) * to_points
            dx = -8 if side else 8
            ax.annotate(
                labels[i], (xs[i], ys[i]), xytext=(dx, dy), textcoords="offset points",
                ha="right" if side else "left", va="center", fontsize=fontsize,
                fontweight="bold" if bold[i] else "normal",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#555555",
                            "shrinkA": 0, "shrinkB": 3} if abs(dy) > 2 else None,
            )


# --------------------------------------------------------------------------------------------
# funnel plot


def funnel_plot(
    data: pd.DataFrame,
    *,
    x: str = "denominator",
    y: str = "share",
    p0: float,
    label: str | None = None,
    highlight: str | None = None,
    target: float | None = None,
    levels: Sequence[float] = FUNNEL_LEVELS,
    label_outside: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Funnel plot: each unit's share against its denominator, with binomial control limits.

    Parameters
    ----------
    data : DataFrame
        One row per unit (school).
    x, y : str
        Columns of the denominator and the share (a fraction).
    p0 : float
        The district (pooled) rate: the centre line.
    label : str, optional
        Column with the unit's name, for labels.
    highlight : str, optional
        Column of booleans: units drawn as a large black square and always labelled (the school
        of a school report).
    target : float, optional
        The roadmap's target, drawn as a dotted line.
    levels : sequence of float, default (0.95, 0.998)
        Control-limit levels; the first is dashed, the second dotted.
    label_outside : bool, default True
        Label the units outside the widest limits of the first level (95 %).
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = _axes(ax)
    frame = data.dropna(subset=[x, y])
    n = frame[x].astype(float).to_numpy()
    share = frame[y].astype(float).to_numpy()
    n_max = max(float(n.max()) if len(n) else 10.0, 10.0) * 1.08
    grid = np.unique(np.concatenate([np.arange(1, min(n_max, 60) + 1),
                                     np.round(np.linspace(1, n_max, 250))]))
    limits = funnel_limits(p0, grid, levels)
    line_styles = ("--", ":", "-.")
    for i, level in enumerate(levels):
        part = limits[limits["level"] == level]
        style = {"color": "#333333", "lw": 1.1, "linestyle": line_styles[i % 3]}
        pct = f"{level * 100:.1f}".replace(".0", "").replace(".", ",")
        ax.plot(part["denominator"].astype(float), part["lower"], **style,
                label=f"границы {pct} %")
        ax.plot(part["denominator"].astype(float), part["upper"], **style)
    ax.axhline(p0, color="#1b4f8a", lw=1.3, label="район в целом")
    if target is not None and not pd.isna(target):
        ax.axhline(float(target), color="#b2182b", lw=1.2, linestyle=(0, (1, 2)),
                   label="цель дорожной карты")
    hl = (frame[highlight].fillna(False).astype(bool).to_numpy() if highlight
          else np.zeros(len(frame), dtype=bool))
    ax.scatter(n[~hl], share[~hl], s=30, facecolor="white", edgecolor="#222222", lw=1.0,
               zorder=3, label="школы")
    if hl.any():
        ax.scatter(n[hl], share[hl], s=70, marker="s", color="black", zorder=4,
                   label="эта школа")
    ax.set_xlim(0, n_max)
    # the limits run to 0 and 1 at tiny denominators: frame the schools, the district and the
    # target rather than the whole [0, 1]
    mid = funnel_limits(p0, [max(int(np.median(n)), 1)] if len(n) else [10], levels[-1:])
    seen = np.concatenate([share, [p0], mid[["lower", "upper"]].to_numpy().ravel(),
                           [] if target is None or pd.isna(target) else [float(target)]])
    lo, hi = float(np.nanmin(seen)), float(np.nanmax(seen))
    pad = max(0.08, (hi - lo) * 0.15)
    ax.set_ylim(max(lo - pad, -0.01), min(hi + pad, 1.01))
    percent_axis(ax)
    ax.set_xlabel("Знаменатель (сколько человек учитывается)")
    ax.set_ylabel("Доля")
    if label is not None and len(frame):
        first = funnel_limits(p0, n, levels[:1])
        outside = ((share < first["lower"].to_numpy()) | (share > first["upper"].to_numpy())
                   if label_outside else np.zeros(len(frame), dtype=bool))
        show = outside | hl
        if show.any():
            label_points(ax, n[show], share[show],
                         [wrap(v, 24, 2) for v in frame.loc[show, label]], bold=hl[show])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=6, frameon=False)
    return ax


# --------------------------------------------------------------------------------------------
# heatmaps


def status_heatmap(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    status: str = "status",
    x_order: Sequence[Any] | None = None,
    y_order: Sequence[Any] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Grid of statuses: a cell per (x, y) with a colour, a hatch and a symbol (✓ ✗ ○ ?).

    Cells absent from ``data`` (the indicator does not apply) stay blank.

    Parameters
    ----------
    data : DataFrame
        Tidy: one row per cell.
    x, y, status : str
        Column names; ``status`` holds ``met``, ``not_met``, ``monitored``, ``no_data``.
    x_order, y_order : sequence, optional
        Order of the columns and rows (default: order of appearance).
    ax : Axes, optional
    """
    ax = _axes(ax)
    xs = list(x_order) if x_order is not None else list(pd.unique(data[x]))
    ys = list(y_order) if y_order is not None else list(pd.unique(data[y]))
    xi = {v: i for i, v in enumerate(xs)}
    yi = {v: i for i, v in enumerate(ys)}
    for _, row in data.iterrows():
        if row[x] not in xi or row[y] not in yi:
            continue
        face, hatch, symbol = STATUS_STYLE.get(row[status], ("#ffffff", "", ""))
        cx, cy = xi[row[x]], yi[row[y]]
        ax.add_patch(Rectangle((cx - 0.5, cy - 0.5), 1, 1, facecolor=face, hatch=hatch,
                               edgecolor="#777777", lw=0.5))
        ax.text(cx, cy, symbol, ha="center", va="center", fontsize=10, fontweight="bold",
                bbox={"boxstyle": "circle,pad=0.12", "fc": face, "ec": "none"} if hatch else None)
    ax.set_xlim(-0.5, len(xs) - 0.5)
    ax.set_ylim(len(ys) - 0.5, -0.5)
    ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [str(v) for v in ys])
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [Patch(facecolor=STATUS_STYLE[s][0], hatch=STATUS_STYLE[s][1], edgecolor="#777777",
                     label=STATUS_LEGEND[s]) for s in STATUS_STYLE]
    handles.append(Patch(facecolor="white", edgecolor="#777777", label="не относится к школе"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3,
              frameon=False)
    return ax


def count_heatmap(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str,
    threshold: int = 0,
    x_order: Sequence[Any] | None = None,
    y_order: Sequence[Any] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Grid of counts with the numbers written in the cells; small counts hidden as ``<3``.

    Cells with a count from 1 to ``threshold - 1`` are drawn like empty cells (so the shade does
    not give the number away) with a dotted hatch and the text ``<threshold``.
    """
    ax = _axes(ax)
    table = data.pivot_table(index=y, columns=x, values=value, aggfunc="sum", fill_value=0)
    if x_order is not None:
        table = table.reindex(columns=list(x_order), fill_value=0)
    if y_order is not None:
        table = table.reindex(index=list(y_order), fill_value=0)
    counts = table.to_numpy(dtype=float)
    small = (counts > 0) & (counts < threshold)
    shade = np.where(small, 0, counts)
    vmax = max(float(shade.max()) if shade.size else 1.0, 1.0)
    cmap = mpl.colormaps["Greys"]
    for (r, c), v in np.ndenumerate(counts):
        level = shade[r, c] / vmax * 0.75
        face = cmap(level) if v > 0 and not small[r, c] else "#ffffff"
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=face,
                               hatch="...." if small[r, c] else "", edgecolor="#bbbbbb", lw=0.5))
        if v > 0:
            text = f"<{threshold}" if small[r, c] else f"{int(v)}"
            ax.text(c, r, text, ha="center", va="center", fontsize=8.5,
                    color="white" if level > 0.45 else "black")
    ax.set_xlim(-0.5, counts.shape[1] - 0.5)
    ax.set_ylim(counts.shape[0] - 0.5, -0.5)
    ax.set_xticks(range(counts.shape[1]), [str(v) for v in table.columns])
    ax.set_yticks(range(counts.shape[0]), [str(v) for v in table.index])
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


# --------------------------------------------------------------------------------------------
# dots, bars and lines


def interval_plot(
    data: pd.DataFrame,
    *,
    y: str,
    x: str,
    low: str | None = None,
    high: str | None = None,
    refs: Mapping[str, str] | None = None,
    target: str | None = None,
    label: str = "значение",
    percent: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Dot-and-interval chart: one row per category, the value with its 95 % interval.

    Parameters
    ----------
    data : DataFrame
        One row per category (in display order, top to bottom).
    y : str
        Column of the category labels (wrapped).
    x, low, high : str
        Columns of the value and of its interval bounds (optional).
    refs : mapping, optional
        ``{column: legend label}`` of reference values drawn beside it with other markers
        (the district, similar schools).
    target : str, optional
        Column of targets, drawn as a short vertical bar.
    label : str
        Legend label of the value.
    percent : bool, default True
        Values are fractions.
    ax : Axes, optional
    """
    ax = _axes(ax)
    frame = data.reset_index(drop=True)
    pos = np.arange(len(frame))
    values = frame[x].astype(float).to_numpy()
    style = SERIES_STYLES[0]
    if low is not None and high is not None:
        lo = frame[low].astype(float).to_numpy()
        hi = frame[high].astype(float).to_numpy()
        ok = ~np.isnan(lo) & ~np.isnan(hi) & ~np.isnan(values)
        ax.hlines(pos[ok], lo[ok], hi[ok], color=style["color"], lw=2.2, alpha=0.8,
                  label="95 % интервал")
    ax.plot(values, pos, linestyle="none", marker=style["marker"], color=style["color"],
            markersize=8, label=label, zorder=4)
    for i, (col, ref_label) in enumerate((refs or {}).items(), start=1):
        st = SERIES_STYLES[i % len(SERIES_STYLES)]
        ax.plot(frame[col].astype(float), pos, linestyle="none", marker=st["marker"],
                color=st["color"], markerfacecolor=st["markerfacecolor"], markersize=8,
                markeredgewidth=1.5, label=ref_label, zorder=5)
    if target is not None:
        t = frame[target].astype(float).to_numpy()
        ok = ~np.isnan(t)
        ax.plot(t[ok], pos[ok], linestyle="none", marker="|", markersize=18,
                markeredgewidth=2.2, color="#b2182b", label="цель", zorder=3)
    ax.set_yticks(pos, [wrap(v, 38, 3) for v in frame[y]])
    ax.set_ylim(len(frame) - 0.5, -0.5)
    if percent:
        ax.set_xlim(-0.02, 1.02)
        percent_axis(ax, "x")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, frameon=False)
    return ax


def grade_bars(
    data: pd.DataFrame,
    *,
    x: str = "grade",
    y: str = "share",
    ref: str | None = "district_share",
    target: float | None = None,
    label: str = "школа",
    ref_label: str = "район",
    ax: Axes | None = None,
) -> Axes:
    """Bars of a share by grade (hatched) with the district's share by grade as markers."""
    ax = _axes(ax)
    frame = data.sort_values(x)
    grades = frame[x].astype(int).to_numpy()
    ax.bar(grades, frame[y].astype(float), width=0.7, color=BAR_COLOURS[0], hatch="//",
           edgecolor="#1b4f8a", lw=0.8, label=label)
    if ref is not None and ref in frame:
        st = SERIES_STYLES[1]
        ax.plot(grades, frame[ref].astype(float), marker=st["marker"], linestyle="--",
                color=st["color"], markerfacecolor="white", markersize=6, lw=1, label=ref_label)
    if target is not None and not pd.isna(target):
        ax.axhline(float(target), color="#b2182b", lw=1.2, linestyle=(0, (1, 2)), label="цель")
    ax.set_xticks(range(1, 12))
    ax.set_xlim(0.4, 11.6)
    top = np.nanmax(frame[[c for c in (y, ref) if c and c in frame]].to_numpy(float)) \
        if len(frame) else 1.0
    ax.set_ylim(0, max(1.0, float(top) * 1.05))
    percent_axis(ax)
    ax.set_xlabel("Класс")
    return ax


def trend_lines(
    data: pd.DataFrame,
    *,
    x: str = "year",
    y: str = "value",
    hue: str = "series",
    percent: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Lines over the years, one per series, told apart by marker and line style."""
    ax = _axes(ax)
    series = list(pd.unique(data[hue]))
    years = sorted(pd.unique(data[x]))
    pos = {yv: i for i, yv in enumerate(years)}
    for i, name in enumerate(series):
        part = data[data[hue] == name].sort_values(x)
        st = SERIES_STYLES[i % len(SERIES_STYLES)]
        ax.plot([pos[v] for v in part[x]], part[y].astype(float), label=name, lw=1.6,
                markersize=6, **st)
    ax.set_xticks(range(len(years)), [str(v) for v in years])
    if percent:
        ax.set_ylim(0, 1.02)
        percent_axis(ax)
    return ax


def paired_bars(
    data: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    labels: Sequence[str],
    hidden: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal grouped bars (one bar per column of ``x``, hatched differently) per category.

    ``hidden`` maps a column of ``x`` to a boolean column: those bars are not drawn and
    ``<3``-style text (the column ``hidden[col] + "_text"`` if present, else «скрыто») marks them.
    """
    ax = _axes(ax)
    frame = data.reset_index(drop=True)
    k = len(x)
    height = 0.8 / k
    pos = np.arange(len(frame))
    for i, (col, lab) in enumerate(zip(x, labels, strict=True)):
        values = frame[col].astype(float).to_numpy()
        mask = np.zeros(len(frame), dtype=bool)
        if hidden and col in hidden:
            mask = frame[hidden[col]].fillna(False).astype(bool).to_numpy()
        offs = pos - 0.4 + height * (i + 0.5)
        ax.barh(offs[~mask], np.nan_to_num(values[~mask]), height=height * 0.95,
                color=BAR_COLOURS[i % len(BAR_COLOURS)], hatch=HATCHES[i % len(HATCHES)],
                edgecolor="#333333", lw=0.6, label=lab)
        for j in np.flatnonzero(mask):
            text_col = f"{hidden[col]}_text"
            text = frame.loc[j, text_col] if text_col in frame else "скрыто"
            ax.text(0.3, offs[j], str(text), va="center", fontsize=8)
        for j in np.flatnonzero(np.isnan(values) & ~mask):
            ax.text(0.3, offs[j], "не указано", va="center", fontsize=8, color="#444444")
    ax.set_yticks(pos, [wrap(v, 34, 2) for v in frame[y]])
    ax.set_ylim(len(frame) - 0.5, -0.5)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(x), frameon=False)
    return ax


def share_bars(
    data: pd.DataFrame,
    *,
    y: str,
    x: str,
    hue: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of shares (fractions) per category, hatched per ``hue`` series."""
    ax = _axes(ax)
    frame = data.reset_index(drop=True)
    if hue is None:
        frame = frame.assign(_hue="")
        hue = "_hue"
    series = list(pd.unique(frame[hue]))
    cats = list(pd.unique(frame[y]))
    height = 0.8 / len(series)
    for i, name in enumerate(series):
        part = frame[frame[hue] == name].set_index(y).reindex(cats)
        offs = np.arange(len(cats)) - 0.4 + height * (i + 0.5)
        ax.barh(offs, part[x].astype(float).fillna(0), height=height * 0.95,
                color=BAR_COLOURS[i % len(BAR_COLOURS)], hatch=HATCHES[i % len(HATCHES)],
                edgecolor="#333333", lw=0.6, label=name or None)
    ax.set_yticks(range(len(cats)), [wrap(c, 30, 2) for c in cats])
    ax.set_ylim(len(cats) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    percent_axis(ax, "x")
    if len(series) > 1:
        ax.legend(loc="lower right", frameon=True, framealpha=0.9)
    return ax


def legend_handles(labels: Sequence[str]) -> list[Line2D]:
    """Line handles in :data:`SERIES_STYLES` order, for a figure-level legend."""
    return [Line2D([], [], label=lab, lw=1.6, markersize=6, **SERIES_STYLES[i % 4])
            for i, lab in enumerate(labels)]
