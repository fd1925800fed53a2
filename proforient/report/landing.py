"""The department's landing page of a batch (``index.html``): what it says, from the reports'
own frames.

The headline is the district report's «Главное» (one function writes both), the district's
shares with a target come from the same district rows as its «Итоги района», and each school's
row counts the statuses of its own report's scorecard — a share the school report hides is
counted as hidden, never as met or not met.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from proforient.report.context import ReportContext
from proforient.report.district.page import DistrictReport
from proforient.report.school.analysis import has_target, priorities
from proforient.report.school.page import SchoolReport
from proforient.report.text import status_text, target_text, value_text

__all__ = ["Landing", "landing"]


@dataclass
class Landing:
    """What the landing page shows (texts ready to print; the page escapes them).

    Attributes
    ----------
    headline : list of str
        The district report's «Главное».
    shares : DataFrame
        ``number, title, value, target, status, status_code`` — the district's shares of pupils
        that have a target.
    schools : DataFrame
        One row per school: ``org_id, name, short, type, met, not_met, no_data, hidden, weakest,
        weakest_gap`` (``weakest``: the indicator furthest below its target, in words, or "";
        ``weakest_gap``: its relative shortfall, for sorting).
    """

    headline: list[str]
    shares: pd.DataFrame
    schools: pd.DataFrame


def landing(ctx: ReportContext) -> Landing:
    """The landing page's content for the batch's context (its publications decided)."""
    district = DistrictReport(ctx)
    totals = district.totals
    shares = totals[(totals["kind"] == "share") & totals["target"].notna()
                    & (totals["applies_to"] != "preschool")]
    shares = pd.DataFrame({
        "number": shares["number"],
        "title": shares["title"],
        "value": [value_text(v, "share", scope="district") for v in shares["value"]],
        "target": [target_text(t, "share", scope="district") for t in shares["target"]],
        "status": [status_text(s) for s in shares["status"]],
        "status_code": shares["status"],
    }).reset_index(drop=True)
    rows = []
    for org_id in ctx.facts.orgs.loc[ctx.facts.orgs["kind"] == "school", "org_id"]:
        rows.append(_school_row(SchoolReport(ctx, org_id)))
    return Landing(headline=district.headline(), shares=shares, schools=pd.DataFrame(rows))


def _school_row(report: SchoolReport) -> dict:
    """Counts of statuses with a target, and the weakest indicator, as the school's report
    tells them."""
    card = report.cards.card
    with_target = card[has_target(card)]
    counts = with_target["status"].value_counts()
    ranked = priorities(card)
    worst = ranked[ranked["status"] == "not_met"]
    weakest, gap = "", float("nan")
    if len(worst):
        r = worst.iloc[0]
        if r["kind"] == "flag":  # «нет при цели да» reads as nonsense
            weakest = f"№ {r['number']} «{r['title']}»: «нет», а нужно «да»"
        else:
            weakest = (f"№ {r['number']} «{r['title']}»: "
                       f"{report.cards.value(r['indicator_id']).striptags()} при цели "
                       f"{report.cards.target(r['indicator_id'])}")
        gap = float(r["shortfall"])
    no_data = with_target[with_target["status"] == "no_data"]
    return {"org_id": report.a.org_id, "name": report.name, "short": str(report.org["short"]),
            "type": str(report.org["school_type"]),
            "met": int(counts.get("met", 0)), "not_met": int(counts.get("not_met", 0)),
            "no_data": len(no_data), "hidden": int(counts.get("hidden", 0)),
            "weakest": weakest, "weakest_gap": gap}
