"""The scorecard of every organisation: each indicator beside the district and the peer group.

Definitions used everywhere in the reports (and stated in their «Как считалось»):

- **district** — the indicator table's district row: all organisations of the district that the
  indicator applies to and that reported (for shares the pooled share, for flags the share of
  organisations with «да», for counts the number of organisations that reached the target);
- **peers** — the *other* schools of the school's peer group
  (:func:`proforient.compute.stats.peer_groups`): the pooled share over those that report both
  counts, the share of them with «да» for flags, the median for counts;
- **gap** — how many more pupils (shares) or events (counts) reach the target: the one number
  «не хватает N» of every report.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from proforient.compute.stats import change_test, pooled_share
from proforient.parameters.roadmap import Roadmap

#: Columns of :func:`scorecard`, in order.
COLUMNS = [
    "org_id", "number", "indicator_id", "title", "kind", "source", "numerator", "denominator",
    "value", "ci_low", "ci_high", "target", "status", "reason", "gap",
    "district_value", "district_numerator", "district_denominator", "district_status",
    "district_reporting", "district_total", "district_met",
    "peer_value", "peer_numerator", "peer_denominator", "peer_reporting", "peer_count",
    "below_peers", "below_peers_p",
]

# Relative slack for "reaches the target", as in the indicator engine.
_EPS = 1e-9


#: Reasons of :func:`no_data_reason` for an input nobody gave (a zero denominator is a fact).
MISSING_INPUT: tuple[str, ...] = ("missing_numerator", "missing_denominator", "missing_both")


def no_data_reason(kind: str, numerator: float, denominator: float) -> str | None:
    """Why an organisation's indicator has no value: ``missing_numerator``,
    ``missing_denominator``, ``missing_both`` or ``zero_denominator`` (``None`` if it has one)."""
    num_missing = numerator is None or math.isnan(numerator)
    if kind != "share":
        return "missing_numerator" if num_missing else None
    den_missing = denominator is None or math.isnan(denominator)
    if num_missing and den_missing:
        return "missing_both"
    if den_missing:
        return "missing_denominator"
    if num_missing:
        return "missing_numerator"
    if denominator == 0:
        return "zero_denominator"
    return None


def gap_to_target(kind: str, numerator: float, denominator: float, target: float) -> float:
    """Pupils (shares) or events (counts) still needed to reach the target; 0 when reached,
    NaN when there is no target or no data (flags: NaN — a flag has no quantity to add).

    >>> gap_to_target("share", 70, 100, 0.8), gap_to_target("count", 0, np.nan, 1)
    (10.0, 1.0)
    """
    if target is None or math.isnan(target) or math.isnan(numerator):
        return math.nan
    if kind == "share":
        if math.isnan(denominator) or denominator == 0:
            return math.nan
        return float(max(math.ceil(target * denominator - _EPS - numerator), 0))
    if kind == "count":
        return float(max(math.ceil(target - numerator - _EPS), 0))
    return math.nan


def scorecard(indicators: pd.DataFrame, roadmap: Roadmap, orgs: pd.DataFrame,
              year: str) -> pd.DataFrame:
    """Every indicator of every organisation of ``year`` with its comparisons.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table (:func:`proforient.compute.indicators.compute_indicators`).
    roadmap : Roadmap
        The roadmap that judges ``year`` (numbers, titles, sources).
    orgs : DataFrame
        :func:`proforient.report.facts.orgs.organisations` (peers of each school).
    year : str
        The report's year.

    Returns
    -------
    DataFrame
        One row per (organisation, applicable indicator), the roadmap's order within an
        organisation; columns :data:`COLUMNS`. ``below_peers`` is true when a school's share of
        pupils is lower than the pooled share of its peers and Fisher's exact test of the two
        gives p < 0.05 (``below_peers_p``); never for the graduate indicators, whose counts are
        small by nature.
    """
    rows = indicators[indicators["year"] == year]
    district = rows[rows["scope"] == "district"].set_index("indicator_id")
    org_rows = rows[rows["scope"] == "org"].copy()
    meta = pd.DataFrame([{"indicator_id": a.indicator.id, "number": a.number,
                          "title": a.indicator.title, "source": a.indicator.source}
                         for a in roadmap.activities])
    card = org_rows.merge(meta, on="indicator_id", how="inner")
    card["org_id"] = card["org_id"].astype(str)
    card["reason"] = [no_data_reason(k, n, d) for k, n, d in
                      zip(card["kind"], card["numerator"], card["denominator"], strict=True)]
    card["gap"] = [gap_to_target(k, n, d, t) for k, n, d, t in
                   zip(card["kind"], card["numerator"], card["denominator"], card["target"],
                       strict=True)]
    for col, src in (("district_value", "value"), ("district_numerator", "numerator"),
                     ("district_denominator", "denominator"), ("district_status", "status"),
                     ("district_reporting", "orgs_reporting"), ("district_total", "orgs_total"),
                     ("district_met", "orgs_met")):
        card[col] = card["indicator_id"].map(district[src])
    card = card.join(_peer_columns(card, orgs))
    order = {o: i for i, o in enumerate(orgs["org_id"])}
    card = card.sort_values(["org_id", "number"], key=lambda s: s.map(order)
                            if s.name == "org_id" else s, kind="stable")
    return card[COLUMNS].reset_index(drop=True)


def _peer_columns(card: pd.DataFrame, orgs: pd.DataFrame) -> pd.DataFrame:
    """The peer comparison of every row of the scorecard."""
    peers_of = dict(zip(orgs["org_id"], orgs["peers"], strict=True))
    by_indicator = {ind: part.set_index("org_id") for ind, part in card.groupby("indicator_id")}
    out = []
    for org, ind, kind, source, num, den, value in zip(
            card["org_id"], card["indicator_id"], card["kind"], card["source"],
            card["numerator"], card["denominator"], card["value"], strict=True):
        peers = by_indicator[ind].reindex(list(peers_of.get(org, ())))
        peers = peers[peers["kind"].notna()]  # peers the indicator applies to
        row = _peer_value(kind, peers)
        row["peer_count"] = len(peers)
        below, p = False, math.nan
        if (kind == "share" and source == "measures" and row["peer_reporting"]
                and not math.isnan(value) and value < row["peer_value"]):
            test = change_test(row["peer_numerator"], row["peer_denominator"], num, den)
            below, p = bool(test["significant"]), test["p_value"]
        row.update(below_peers=below, below_peers_p=p)
        out.append(row)
    return pd.DataFrame(out, index=card.index)


def _peer_value(kind: str, peers: pd.DataFrame) -> dict:
    if kind == "share":
        rep = peers[peers["numerator"].notna() & peers["denominator"].notna()]
        num = float(rep["numerator"].sum()) if len(rep) else math.nan
        den = float(rep["denominator"].sum()) if len(rep) else math.nan
        value = pooled_share(rep["numerator"], rep["denominator"]) if len(rep) else math.nan
        return {"peer_value": value, "peer_numerator": num, "peer_denominator": den,
                "peer_reporting": len(rep)}
    rep = peers[peers["value"].notna()]
    if rep.empty:
        value = math.nan
    elif kind == "flag":
        value = float(rep["value"].mean())
    else:
        value = float(np.median(rep["value"]))
    return {"peer_value": value, "peer_numerator": math.nan, "peer_denominator": math.nan,
            "peer_reporting": len(rep)}
