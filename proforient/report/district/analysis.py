"""The district report's analysis: the district's rows, every school's statuses, the funnels,
the preschools, the department and the gaps in the data — read from the facts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from proforient.compute.series import series_map
from proforient.parameters.roadmap import Roadmap
from proforient.report.context import ReportContext
from proforient.report.facts import DistrictFacts
from proforient.report.facts.funnels import compared
from proforient.report.facts.ranking import concerns, ranking

__all__ = [
    "department",
    "district_rows",
    "funnel_summary",
    "gaps",
    "preschools",
    "published_grid",
    "school_ranking",
    "status_grid",
]

#: Indicators whose counts are about graduates or pupils with disabilities: no school-level
#: funnel for them in the district report (the graduates report compares schools' graduates).


def district_rows(ctx: ReportContext) -> pd.DataFrame:
    """The indicator table's district rows of the report's year, with number and title.

    Returns
    -------
    DataFrame
        ``number, indicator_id, title, kind, applies_to, numerator, denominator, value, target,
        status, orgs_reporting, orgs_total, orgs_met``, in the roadmap's order.
    """
    table = ctx.indicators
    rows = table[(table["year"] == ctx.year) & (table["scope"] == "district")]
    meta = pd.DataFrame([{"indicator_id": a.indicator.id, "number": a.number,
                          "title": a.indicator.title, "applies_to": a.indicator.applies_to}
                         for a in ctx.roadmap.activities])
    out = meta.merge(rows, on="indicator_id", how="inner")
    return out[["number", "indicator_id", "title", "kind", "applies_to", "numerator",
                "denominator", "value", "target", "status", "orgs_reporting", "orgs_total",
                "orgs_met"]].reset_index(drop=True)


def status_grid(facts: DistrictFacts) -> pd.DataFrame:
    """Every school's status of every indicator that applies to it.

    Returns
    -------
    DataFrame
        ``org_id, short, number, indicator_id, status`` — ``not_applicable`` where the school
        has nobody to count (decided by the indicator engine, as on every page).
    """
    schools = facts.orgs[facts.orgs["kind"] == "school"]
    card = facts.scorecard[facts.scorecard["org_id"].isin(schools["org_id"])]
    out = card[["org_id", "number", "indicator_id", "status"]].copy()
    out["short"] = out["org_id"].map(dict(zip(schools["org_id"], schools["short"],
                                              strict=True)))
    return out.reset_index(drop=True)


def published_grid(ctx: ReportContext) -> pd.DataFrame:
    """:func:`status_grid` as every page may tell it: a school's status of a sensitive share is
    ``hidden`` where its school report hides the share (a status judged on 1 of 1 would tell
    whether that one pupil took part)."""
    from proforient.report import cells, publication

    grid = status_grid(ctx.facts)
    sensitive = grid["indicator_id"].isin(list(ctx.facts.sensitive))
    for i in grid.index[sensitive]:
        org, ind = grid.at[i, "org_id"], grid.at[i, "indicator_id"]
        pub = publication.school(ctx, org)
        key = cells.share(*cells.indicator(ind, org, ctx.year))
        if key in pub and not pub.visible(key) and grid.at[i, "status"] in ("met", "not_met"):
            grid.at[i, "status"] = "hidden"
    return grid


def school_ranking(ctx: ReportContext, grid: pd.DataFrame | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The district's one ranking of schools (:mod:`proforient.report.facts.ranking`) on the
    published statuses: ``(concerns, ranking)``. Every report reads this pair."""
    facts = ctx.facts
    grid = published_grid(ctx) if grid is None else grid
    schools = facts.orgs.loc[facts.orgs["kind"] == "school", "org_id"]
    card = facts.scorecard[facts.scorecard["org_id"].isin(set(schools))]
    found = concerns(card, grid, compared(facts.funnels, facts.sensitive))
    return found, ranking(found)


def funnel_summary(facts: DistrictFacts) -> pd.DataFrame:
    """For every share of pupils compared across schools: the district's share and the schools
    below and above the limits.

    Returns
    -------
    DataFrame
        ``indicator_id, p0, target, schools, far_below, below, above, far_above`` (tuples of
        org_ids), share indicators of pupils only (not the sensitive ones).
    """
    f = compared(facts.funnels, facts.sensitive)
    rows = []
    for ind, part in f.groupby("indicator_id", sort=False):
        row = {"indicator_id": ind, "p0": float(part["p0"].iloc[0]),
               "target": float(part["target"].iloc[0]), "schools": len(part)}
        for pos in ("far_below", "below", "above", "far_above"):
            row[pos] = tuple(part.loc[part["position"] == pos, "org_id"])
        rows.append(row)
    return pd.DataFrame(rows, columns=["indicator_id", "p0", "target", "schools", "far_below",
                                       "below", "above", "far_above"])


def preschool_indicators(roadmap: Roadmap) -> tuple[str | None, str | None]:
    """The roadmap's indicators of the preschools section: the first share and the first
    «да/нет» that apply to preschools (``None`` where the roadmap has none)."""
    found = {"share": None, "flag": None}
    for ind in roadmap.indicators:
        if "preschool" in ind.applies_to and ind.kind in found and found[ind.kind] is None:
            found[ind.kind] = ind.id
    return found["share"], found["flag"]


def preschools(facts: DistrictFacts, roadmap: Roadmap) -> pd.DataFrame:
    """Preschools and additional-education organisations: the roadmap's share of children
    (e.g. 5–7 years in clubs) and its «да/нет» (e.g. the early-guidance plan), see
    :func:`preschool_indicators`.

    Returns
    -------
    DataFrame
        ``org_id, name, short, kind, children, in_clubs, share, ci_low, ci_high, clubs_status,
        plan, plan_status, plan_applies``.
    """
    share_id, flag_id = preschool_indicators(roadmap)
    orgs = facts.orgs[facts.orgs["kind"].isin(["preschool", "additional"])]
    card = facts.scorecard.set_index(["org_id", "indicator_id"])
    rows = []
    for org in orgs.itertuples(index=False):
        clubs = card.loc[(org.org_id, share_id)] \
            if (org.org_id, share_id) in card.index else None
        plan = card.loc[(org.org_id, flag_id)] \
            if (org.org_id, flag_id) in card.index else None
        rows.append({
            "org_id": org.org_id, "name": org.name, "short": org.short, "kind": org.kind,
            "children": clubs["denominator"] if clubs is not None else np.nan,
            "in_clubs": clubs["numerator"] if clubs is not None else np.nan,
            "share": clubs["value"] if clubs is not None else np.nan,
            "ci_low": clubs["ci_low"] if clubs is not None else np.nan,
            "ci_high": clubs["ci_high"] if clubs is not None else np.nan,
            "clubs_status": clubs["status"] if clubs is not None else pd.NA,
            "plan": plan["value"] if plan is not None else np.nan,
            "plan_status": plan["status"] if plan is not None else pd.NA,
            "plan_applies": plan is not None,
        })
    return pd.DataFrame(rows)


def department(ctx: ReportContext) -> pd.DataFrame:
    """The department's own counts (seminars, contests, publications) for every year up to the
    report's, with the status of each year against that year's roadmap.

    Returns
    -------
    DataFrame
        ``indicator_id, number, title, year, value, target, status, segment, break_sentence``:
        an earlier year of an indicator continued under another id (``continues:``) is under
        the report year's id; ``segment`` counts the changes of definition up to the year
        (two years are comparable only within a segment) and ``break_sentence`` says the
        latest of them («С 2023-2024 …»; empty when none).
    """
    table = ctx.indicators
    orgs = ctx.dataset.organizations
    dept = set(orgs.loc[orgs["kind"] == "department", "org_id"])
    series = series_map(ctx.params.roadmaps)
    current = {series.series_id(ctx.year, a.indicator.id): a.indicator.id
               for a in ctx.roadmap.activities if "department" in a.indicator.applies_to}
    rows = table[(table["scope"] == "org") & table["org_id"].isin(dept)
                 & (table["year"] <= ctx.year)]
    sids = [series.series_id(y, i) for y, i in zip(rows["year"], rows["indicator_id"],
                                                      strict=True)]
    rows = rows.assign(_series=sids)[[s in current for s in sids]]
    meta = {a.indicator.id: (a.number, a.indicator.title) for a in ctx.roadmap.activities}
    out = rows[["indicator_id", "year", "value", "target", "status"]].copy()
    out["indicator_id"] = rows["_series"].map(current)
    out["number"] = out["indicator_id"].map(lambda i: meta[i][0])
    out["title"] = out["indicator_id"].map(lambda i: meta[i][1])
    out["segment"] = [series.segment(s, y) for s, y in zip(rows["_series"], rows["year"],
                                                            strict=True)]
    latest = [series.break_between(s, "", y) for s, y in zip(rows["_series"], rows["year"],
                                                              strict=True)]
    out["break_sentence"] = [b.sentence if b else "" for b in latest]
    return out.sort_values(["number", "year"]).reset_index(drop=True)


def gaps(facts: DistrictFacts) -> pd.DataFrame:
    """Who did not report what: every (organisation, indicator) without data.

    Returns
    -------
    DataFrame
        ``org_id, short, kind, number, indicator_id, title, reason`` — an indicator that does
        not apply (nobody to count) is not a gap and is left out.
    """
    card = facts.scorecard
    missing = card[card["status"] == "no_data"]
    orgs = facts.orgs.set_index("org_id")
    out = missing[["org_id", "number", "indicator_id", "title", "reason"]].copy()
    out["short"] = out["org_id"].map(orgs["short"])
    out["kind"] = out["org_id"].map(orgs["kind"])
    return out.reset_index(drop=True)
