"""Quick seaborn plots of the analyst's tidy tables (:mod:`proforient.explore`).

For looking, in a notebook: each function takes a frame as an API call returns it, draws one
picture with Russian labels and percent axes, and returns the matplotlib ``Axes`` to adjust.
The reports' charts are drawn elsewhere (:mod:`proforient.report.charts`).

::

    from proforient import plots

    plots.trend(district.trends("diagnostics_share"), schools=["sch-04", "sch-10"])
    plots.funnel(district.funnel("diagnostics_share"))
    plots.bars(district.admissions_by_profile(year, grade=11), "admitted_by_profile_share")
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from proforient.compute.stats import funnel_limits
from proforient.display import HEADERS, POSITION_LABELS

__all__ = ["bars", "funnel", "trend"]

#: Funnel positions in the order of the legend, with their colours.
_POSITION_COLOURS = {
    "far_below": "#b2182b", "below": "#ef8a62", "inside": "#999999",
    "above": "#67a9cf", "far_above": "#2166ac",
}


def trend(trends: pd.DataFrame, schools: Sequence[str] | None = None, *,
          ax: Axes | None = None) -> Axes:
    """Shares by year, a line per school, and the district's share dashed.

    Parameters
    ----------
    trends : DataFrame
        :meth:`~proforient.explore.District.trends` (or ``school_trend``) of one indicator:
        ``org_id, org_name, indicator_id, title, year, value, district_value`` (and
        ``break_year``: a change of definition is drawn as a dashed vertical line).
    schools : sequence of str, optional
        Only these ``org_id``; default every school in the frame.
    ax : Axes, optional
        Where to draw; default a new figure.

    Raises
    ------
    ValueError
        When the frame holds more than one indicator (choose one: ``trends("…")``).
    """
    _one_indicator(trends)
    rows = trends if schools is None else trends[trends["org_id"].isin(list(schools))]
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    sns.lineplot(data=rows, x="year", y="value", hue="org_name", marker="o", ax=ax)
    district = rows.drop_duplicates("year").sort_values("year")
    sns.lineplot(data=district, x="year", y="district_value", color="black", linestyle="--",
                 marker="s", label="район в целом", ax=ax)
    _percent(ax, "y")
    _breaks(ax, rows)
    ax.set(xlabel=HEADERS["year"], ylabel=HEADERS["value"], title=_title(rows))
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return ax


def _breaks(ax: Axes, rows: pd.DataFrame) -> None:
    """A dashed vertical line before each year whose definition changed (``break_year`` of
    the trends), labelled «с ГГГГ-ГГГГ считается по-другому»: the years on either side are
    not comparable."""
    if "break_year" not in rows:
        return
    years = sorted(rows["year"].unique())
    for year, first in rows.loc[rows["break_year"].notna(), ["year", "break_year"]] \
            .drop_duplicates().itertuples(index=False):
        i = years.index(year)
        ax.axvline(i - 0.5, color="#555555", lw=1.0, linestyle="--")
        ax.text(i - 0.45, 0.98, f"с {first} считается по-другому",
                transform=ax.get_xaxis_transform(), fontsize=8, color="#555555", va="top")


def funnel(funnel: pd.DataFrame, *, ax: Axes | None = None, labels: bool = True) -> Axes:
    """A funnel plot: each school's share against its size, the district and its limits.

    Parameters
    ----------
    funnel : DataFrame
        :meth:`~proforient.explore.District.funnel` of one indicator and year.
    ax : Axes, optional
        Where to draw; default a new figure.
    labels : bool, default True
        Name the schools below the 95 % limits (the ones to look at).
    """
    _one_indicator(funnel)
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    if funnel.empty:
        ax.set_title("нет школ с данными")
        return ax
    p0 = float(funnel["p0"].iloc[0])
    top = max(float(funnel["denominator"].max()) * 1.08, 10.0)
    grid = np.unique(np.linspace(1, top, 200).round().astype(int))
    limits = funnel_limits(p0, grid)
    for level, part in limits.groupby("level"):
        style = "--" if level < 0.99 else ":"
        ax.plot(part["denominator"].astype(float), part["lower"], color="#555555",
                linestyle=style, lw=1)
        ax.plot(part["denominator"].astype(float), part["upper"], color="#555555",
                linestyle=style, lw=1)
    ax.axhline(p0, color="black", lw=1.2, label=HEADERS["p0"])
    target = funnel["target"].iloc[0]
    if pd.notna(target):
        ax.axhline(float(target), color="#d62728", linestyle=":", lw=1.2, label=HEADERS["target"])
    points = funnel.assign(**{HEADERS["position"]: funnel["position"].map(POSITION_LABELS)})
    order = [POSITION_LABELS[p] for p in _POSITION_COLOURS if p in set(funnel["position"])]
    sns.scatterplot(data=points, x="denominator", y="share", hue=HEADERS["position"],
                    hue_order=order, palette=[_POSITION_COLOURS[p] for p in _POSITION_COLOURS
                                              if POSITION_LABELS[p] in order],
                    edgecolor="black", s=40, zorder=3, ax=ax)
    if labels:
        below = funnel[funnel["position"].isin(["far_below", "below"])]
        for _, row in below.iterrows():
            ax.annotate(str(row["org_name"]), (row["denominator"], row["share"]),
                        textcoords="offset points", xytext=(4, 3), fontsize=8)
    ax.set_xlim(0, top)
    seen = [*funnel["share"].dropna(), p0, *([float(target)] if pd.notna(target) else [])]
    ax.set_ylim(max(min(seen) - 0.1, -0.01), min(max(seen) + 0.05, 1.02))
    _percent(ax, "y")
    ax.set(xlabel=HEADERS["denominator"] + " (размер школы)", ylabel=HEADERS["share"],
           title=_title(funnel))
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return ax


def bars(table: pd.DataFrame, value: str, label: str = "org_name", *,
         ax: Axes | None = None) -> Axes:
    """Horizontal bars of a share (or a count) by school, lowest first.

    Parameters
    ----------
    table : DataFrame
        A table of the API with one row per school (``graduates_by_school(year)``,
        ``admissions_by_profile(year, grade=11)``, ``funnel(…)``…) — one year.
    value : str
        The column to draw; a column named ``share`` or ``*_share`` is drawn in percent.
    label : str, default ``org_name``
        The column that names the bars.
    ax : Axes, optional
        Where to draw; default a new figure sized to the number of bars.

    Raises
    ------
    ValueError
        For a column the table does not have, or a table of several years.
    """
    for col in (value, label):
        if col not in table:
            raise ValueError(f"столбца «{col}» нет в таблице; есть: {', '.join(table.columns)}")
    if "year" in table and table["year"].nunique() > 1:
        raise ValueError("в таблице несколько учебных лет: выберите один (year=…)")
    rows = table.dropna(subset=[value]).sort_values(value, kind="stable")
    ax = ax or plt.subplots(figsize=(7, 0.3 * max(len(rows), 3) + 1))[1]
    sns.barplot(data=rows, y=label, x=value, color="#4c72b0", orient="h", ax=ax)
    if value == "share" or value.endswith("_share"):
        _percent(ax, "x")
    ax.set(xlabel=HEADERS.get(value, value), ylabel="")
    return ax


def _one_indicator(frame: pd.DataFrame) -> None:
    if "indicator_id" in frame and frame["indicator_id"].nunique() > 1:
        raise ValueError("в таблице несколько показателей: выберите один "
                         f"({', '.join(frame['indicator_id'].unique()[:4])}…)")


def _title(frame: pd.DataFrame) -> str | None:
    if "title" in frame and frame["title"].notna().any():
        return str(frame["title"].dropna().iloc[0])
    return None


def _percent(ax: Axes, axis: str) -> None:
    """Fractions on ``axis`` as Russian percentages (``0.25 → "25 %"``)."""
    def fmt(v: float, _pos: int) -> str:
        digits = 0 if abs(v * 100 - round(v * 100)) < 1e-9 else 1
        return f"{v * 100:.{digits}f}".replace(".", ",") + "\u00a0%"

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))
