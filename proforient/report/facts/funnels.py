"""Where each school lies in the district's funnel plot of every share indicator of schools."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from proforient.compute.stats import FUNNEL_LEVELS, funnel_limits, funnel_position, level_suffix

#: Funnel positions, from far below to far above (codes; the pages say them in Russian).
POSITIONS: tuple[str, ...] = ("far_below", "below", "inside", "above", "far_above")


def funnels(card: pd.DataFrame, schools: pd.Series) -> pd.DataFrame:
    """Every school's position in the funnel plot of every share indicator that applies to it.

    Parameters
    ----------
    card : DataFrame
        :func:`proforient.report.facts.scorecard.scorecard` (all organisations).
    schools : Series of str
        The org_ids of the schools (a funnel compares schools).

    Returns
    -------
    DataFrame
        ``indicator_id, org_id, numerator, denominator, share, p0, target, position``, one row
        per school that reports both counts with a positive denominator (a share above its
        denominator never gets here: the pipeline refuses it). ``p0`` is the district's pooled
        share (the indicator table's district value); ``position`` one of :data:`POSITIONS`:
        outside the 99.8 % limits is ``far_…``, outside the 95 % ones ``below``/``above``.
    """
    rows = card[(card["kind"] == "share") & card["org_id"].isin(set(schools))
                & card["numerator"].notna() & card["denominator"].gt(0)]
    parts = []
    wide, narrow = (level_suffix(level) for level in sorted(FUNNEL_LEVELS, reverse=True))
    for ind, part in rows.groupby("indicator_id", sort=False):
        p0 = float(part["district_value"].iloc[0])
        if np.isnan(p0):
            continue
        pos = funnel_position(part["numerator"].to_numpy(), part["denominator"].to_numpy(), p0)
        code = np.select(
            [pos[f"below_{wide}"].fillna(False).to_numpy(bool),
             pos[f"above_{wide}"].fillna(False).to_numpy(bool),
             pos[f"below_{narrow}"].fillna(False).to_numpy(bool),
             pos[f"above_{narrow}"].fillna(False).to_numpy(bool)],
            ["far_below", "far_above", "below", "above"], "inside")
        parts.append(pd.DataFrame({
            "indicator_id": ind, "org_id": part["org_id"].to_numpy(),
            "numerator": part["numerator"].to_numpy(float),
            "denominator": part["denominator"].to_numpy(float),
            "share": pos["share"].to_numpy(float), "p0": p0,
            "target": part["target"].to_numpy(float), "position": code,
        }))
    columns = ["indicator_id", "org_id", "numerator", "denominator", "share", "p0", "target",
               "position"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def funnel_curves(table: pd.DataFrame, points: int = 120) -> pd.DataFrame:
    """The control limits of every funnel plot, over a grid of denominators wide enough for its
    schools (computed once, so that drawing a funnel needs no statistics).

    Returns
    -------
    DataFrame
        ``indicator_id, denominator, level, lower, upper``.
    """
    parts = []
    for ind, part in table.groupby("indicator_id", sort=False):
        n_max = max(float(part["denominator"].max()), 10.0) * 1.08
        grid = np.unique(np.concatenate([np.arange(1, min(n_max, 40) + 1),
                                         np.round(np.linspace(1, n_max, points))]))
        limits = funnel_limits(float(part["p0"].iloc[0]), grid)
        parts.append(limits.assign(indicator_id=ind))
    columns = ["indicator_id", "denominator", "level", "lower", "upper"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(
        columns=columns)


def compared(table: pd.DataFrame, sensitive: Collection[str]) -> pd.DataFrame:
    """The rows of :func:`funnels` the reports compare schools on: shares of pupils, not the
    shares of graduates or of pupils with disabilities (their counts are small by nature and
    partly hidden: ``sensitive``, :attr:`DistrictFacts.sensitive`). One rule for the district
    report and every school report."""
    return table[~table["indicator_id"].isin(list(sensitive))].reset_index(drop=True)

