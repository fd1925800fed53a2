"""Views of the report context shared by the school, district and graduates reports.

Pure functions of a :class:`~proforient.context.ReportContext`: the year's indicator rows with
titles and names, school sizes and groups of similar schools, the funnel table of a share
indicator. They return tidy frames; the report modules turn them into sections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from proforient.compute.indicators import operand_values
from proforient.compute.stats import FUNNEL_LEVELS, funnel_position, level_suffix, similar_groups
from proforient.parameters.roadmap import Operand
from proforient.report.privacy import share_visible

if TYPE_CHECKING:
    from proforient.report.context import ReportContext

__all__ = [
    "funnel_table",
    "indicator_meta",
    "indicator_rows",
    "org_names",
    "school_sizes",
    "similar_schools",
]

#: Share indicators computed from graduates: their counts fall under the privacy rules.
GRADUATE_SOURCE = "graduates"


def org_names(ctx: ReportContext) -> pd.Series:
    """Organisation names indexed by ``org_id`` (raw input text — escape before HTML)."""
    orgs = ctx.dataset.organizations
    return pd.Series(orgs["name"].astype(str).to_numpy(), index=orgs["org_id"].astype(str),
                     name="name")


def indicator_meta(ctx: ReportContext) -> pd.DataFrame:
    """The roadmap's indicators: ``number, indicator_id, title, kind, target, source,
    applies_to`` (tuple) in the roadmap's order."""
    rows = [{"number": act.number, "indicator_id": act.indicator.id,
             "title": act.indicator.title, "kind": act.indicator.kind,
             "target": act.indicator.target, "source": act.indicator.source,
             "applies_to": act.indicator.applies_to}
            for act in ctx.roadmap.activities]
    return pd.DataFrame(rows, columns=["number", "indicator_id", "title", "kind", "target",
                                       "source", "applies_to"])


def indicator_rows(ctx: ReportContext, scope: str = "org", year: str | None = None,
                   years: list[str] | None = None) -> pd.DataFrame:
    """The indicator table of one scope with the roadmap's number, title and source.

    Parameters
    ----------
    ctx : ReportContext
    scope : {"org", "district"}
    year : str, optional
        Restrict to this year (default: the report's year). Ignored when ``years`` is given.
    years : list of str, optional
        Restrict to these years.

    Returns
    -------
    DataFrame
        Columns of the indicator table plus ``number, title, source`` and, for ``org`` rows,
        ``name``; only indicators of the roadmap, in its order.
    """
    table = ctx.indicators
    wanted = years if years is not None else [year or ctx.year]
    rows = table[(table["scope"] == scope) & table["year"].isin(wanted)]
    meta = indicator_meta(ctx)[["indicator_id", "number", "title", "source"]]
    out = rows.merge(meta, on="indicator_id", how="inner")
    if scope == "org":
        out["name"] = out["org_id"].astype(str).map(org_names(ctx))
    return out.sort_values(["year", "number", "org_id"], kind="stable").reset_index(drop=True)


def school_sizes(ctx: ReportContext, year: str | None = None) -> pd.Series:
    """Pupils per school in ``year`` (``students`` of all grades, or its total row).

    Returns
    -------
    Series
        Indexed by ``org_id``; schools that do not report ``students`` are absent.
    """
    year = year or ctx.year
    values = operand_values(ctx.dataset.measures, Operand("students"), years=[year])
    if values.empty:
        return pd.Series(dtype=float, name="students")
    return values.droplevel("year").rename("students")


def similar_schools(ctx: ReportContext, year: str | None = None) -> pd.DataFrame:
    """Each school's comparison group (:func:`proforient.stats.similar_groups`).

    Returns
    -------
    DataFrame
        ``org_id, name, students, similar_group`` for every school (``kind == "school"``);
        the group is the school type (СОШ, ООШ, НОШ…) when at least three schools share it,
        otherwise the size band of ``students``.
    """
    orgs = ctx.dataset.organizations
    schools = orgs[orgs["kind"] == "school"][["org_id", "name", "kind"]].astype(str)
    sizes = school_sizes(ctx, year)
    groups = similar_groups(schools, sizes)
    out = schools[["org_id", "name"]].reset_index(drop=True)
    out["students"] = out["org_id"].map(sizes).astype(float)
    out["similar_group"] = out["org_id"].map(groups).astype("string")
    return out


def funnel_table(ctx: ReportContext, indicator_id: str, year: str | None = None) -> pd.DataFrame:
    """Where each school lies in the district's funnel plot of a share indicator.

    Parameters
    ----------
    ctx : ReportContext
    indicator_id : str
        A share indicator of the roadmap.
    year : str, optional
        Default: the report's year.

    Returns
    -------
    DataFrame
        One row per organisation that reports both counts with a positive denominator:
        ``org_id, name, numerator, denominator, share, below_95, above_95, below_998,
        above_998, position`` (``"ниже 99,8 %"``, ``"ниже 95 %"``, ``"внутри"``,
        ``"выше 95 %"``, ``"выше 99,8 %"``). For an indicator computed from graduates, schools
        whose share would give away a small count of graduates are left out (privacy:
        :func:`proforient.privacy.share_visible`). ``attrs``: ``p0`` (the district rate),
        ``target``, ``left_out`` (number of organisations without data), ``hidden`` (left out
        for privacy).
    """
    year = year or ctx.year
    rows = indicator_rows(ctx, "org", year)
    rows = rows[rows["indicator_id"] == indicator_id]
    district = indicator_rows(ctx, "district", year)
    district = district[district["indicator_id"] == indicator_id]
    p0 = float(district["value"].iloc[0]) if len(district) else np.nan
    target = float(rows["target"].iloc[0]) if len(rows) else np.nan
    ok = rows["numerator"].notna() & rows["denominator"].notna() & (rows["denominator"] > 0)
    ok &= rows["numerator"] <= rows["denominator"]
    hidden = 0
    if len(rows) and rows["source"].iloc[0] == GRADUATE_SOURCE:
        threshold = ctx.rules.suppression_threshold
        visible = [share_visible(d, threshold, n)
                   for n, d in zip(rows["numerator"], rows["denominator"], strict=True)]
        small = ok & ~pd.Series(visible, index=rows.index, dtype=bool)
        hidden = int(small.sum())
        ok &= ~small
    shown = rows[ok][["org_id", "name", "numerator", "denominator"]].reset_index(drop=True)
    cols = ["org_id", "name", "numerator", "denominator", "share"]
    if shown.empty or np.isnan(p0):
        out = pd.DataFrame(columns=[*cols, "position"])
    else:
        pos = funnel_position(shown["numerator"], shown["denominator"], p0)
        out = pd.concat([shown, pos], axis=1)
        out["share"] = out["share"].astype(float)
        out["position"] = [_position(r) for _, r in out.iterrows()]
    out.attrs.update({"p0": p0, "target": target, "left_out": int((~ok).sum()) - hidden,
                      "hidden": hidden, "indicator_id": indicator_id})
    return out


def _position(row: pd.Series) -> str:
    wide, narrow = (level_suffix(level) for level in sorted(FUNNEL_LEVELS, reverse=True))
    if bool(row.get(f"below_{wide}", False)):
        return "ниже 99,8 %"
    if bool(row.get(f"above_{wide}", False)):
        return "выше 99,8 %"
    if bool(row.get(f"below_{narrow}", False)):
        return "ниже 95 %"
    if bool(row.get(f"above_{narrow}", False)):
        return "выше 95 %"
    return "внутри"
