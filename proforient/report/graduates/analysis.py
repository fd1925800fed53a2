"""The graduates report's analysis: the graduate indicators by school, supply against demand,
profile → group of specialties, where they study, and the typed names to review."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from proforient.compute.alignment import (
    GRADUATE_INDICATORS,
    Analysis,
    profile_flows,
    study_location,
    supply_demand,
)
from proforient.compute.stats import association_test
from proforient.report.context import ReportContext
from proforient.report.facts.scorecard import MISSING_INPUT

__all__ = ["GraduatesAnalysis", "OTHER_GROUPS", "analyse"]

#: The column of small groups of specialties pooled together in the profile × group table.
OTHER_GROUPS = "other"


@dataclass
class GraduatesAnalysis:
    """The frames of the graduates report (codes and counts; no Russian, no HTML).

    Attributes
    ----------
    year : str
    schools : DataFrame
        ``org_id, short`` of the schools with graduate indicators.
    by_school : DataFrame
        Their scorecard rows of the graduate indicators (value, numerator, denominator,
        funnel position).
    district : DataFrame
        The district rows of the graduate indicators.
    supply : Analysis
        :func:`~proforient.compute.alignment.supply_demand` of the year.
    flows : Analysis
        :func:`~proforient.compute.alignment.profile_flows` of the year.
    groups : list of str
        The groups (УГС) shown as columns of the profile × group table; the rest pooled as
        :data:`OTHER_GROUPS`.
    association : dict
        :func:`~proforient.compute.stats.association_test` of profile × group.
    location : Analysis
        :func:`~proforient.compute.alignment.study_location` of every year up to the report's.
    review : DataFrame
        :func:`~proforient.compute.specialties.review_list` of the year — every typed name,
        for the analyst; the page shows only those typed by enough graduates.
    """

    year: str
    schools: pd.DataFrame
    by_school: pd.DataFrame
    district: pd.DataFrame
    supply: Analysis
    flows: Analysis
    groups: list[str]
    association: dict
    location: Analysis
    review: pd.DataFrame

    def known(self, indicator_id: str, org_id: str | None) -> bool:
        """Whether the indicator has its inputs for a school (``None``: for the district) —
        without a demand list for the year, «востребованные» is «нет данных», not zero."""
        if org_id is None:
            rows = self.district[self.district["indicator_id"] == indicator_id]
            return bool(len(rows)) and bool(rows["numerator"].notna().iloc[0])
        rows = self.by_school[(self.by_school["indicator_id"] == indicator_id)
                              & (self.by_school["org_id"] == org_id)]
        return bool(len(rows)) and rows["reason"].iloc[0] not in MISSING_INPUT


def analyse(ctx: ReportContext, min_group: int = 5) -> GraduatesAnalysis:
    """The frames of the graduates report.

    Parameters
    ----------
    ctx : ReportContext
    min_group : int, default 5
        A group of specialties with fewer entrants in the year is pooled into «другие группы»
        in the profile × group table and its test.
    """
    facts = ctx.facts
    year = ctx.year
    aligned = ctx.aligned
    now = aligned[aligned["year"] == year]
    card = facts.scorecard[facts.scorecard["indicator_id"].isin(GRADUATE_INDICATORS)]
    schools = facts.orgs[facts.orgs["org_id"].isin(card["org_id"])][["org_id", "short"]]
    positions = facts.funnels[["indicator_id", "org_id", "position"]]
    by_school = card.merge(positions, on=["indicator_id", "org_id"], how="left")
    table = ctx.indicators
    district = table[(table["year"] == year) & (table["scope"] == "district")
                     & table["indicator_id"].isin(GRADUATE_INDICATORS)]
    classifier = ctx.params.classifier
    flows = profile_flows(now, classifier)
    sizes = flows.table.groupby("ugs_code")["graduates"].sum()
    groups = sorted(sizes.index[sizes >= min_group])
    pooled = flows.table.assign(ugs_code=flows.table["ugs_code"].where(
        flows.table["ugs_code"].isin(groups), OTHER_GROUPS))
    contingency = pooled.pivot_table(index=pooled["profile"].fillna("na"), columns="ugs_code",
                                     values="graduates", aggfunc="sum", fill_value=0)
    return GraduatesAnalysis(
        year=year,
        schools=schools.reset_index(drop=True),
        by_school=by_school.reset_index(drop=True),
        district=district.reset_index(drop=True),
        supply=supply_demand(now, ctx.dataset.demand, classifier),
        flows=flows,
        groups=groups,
        association=association_test(contingency),
        location=study_location(aligned[aligned["year"] <= year],
                                ctx.rules.study_region_places),
        review=facts.review,
    )
