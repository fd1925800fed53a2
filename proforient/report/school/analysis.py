"""The school report's analysis: one school's rows of the district's facts, and what applies.

Everything here reads :class:`~proforient.report.facts.DistrictFacts` (computed once per batch)
and selects or ranks; nothing is recomputed for the district.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from proforient.compute.alignment import GRADUATE_INDICATORS
from proforient.report.facts import DistrictFacts
from proforient.report.facts.funnels import compared

__all__ = ["NotASchool", "SchoolAnalysis", "analyse", "priorities"]


#: Sections of the school report, in order, and whether each needs something to apply.
SECTIONS: tuple[str, ...] = ("scorecard", "participation", "destinations", "graduates",
                             "place", "trend")


class NotASchool(ValueError):
    """The code is not a school's: the school report is not built for it (Russian message)."""


@dataclass
class SchoolAnalysis:
    """One school's frames (codes and numbers only).

    Attributes
    ----------
    org : Series
        The school's row of ``facts.orgs``.
    year : str
    card : DataFrame
        Its scorecard rows (every applicable indicator, with the district and the peers).
    participation, destinations, admitted, trends : DataFrame
        Its rows of the facts.
    funnels : DataFrame
        Every school's rows of the funnel indicators that apply to this school.
    years : list of str
        Years of its trends.
    left_out : dict
        Section → why it does not apply (a code), for the appendix.
    sensitive : frozenset of str
        The indicators whose counts are of graduates or of sensitive people
        (:attr:`DistrictFacts.sensitive`).
    """

    org: pd.Series
    year: str
    card: pd.DataFrame
    participation: pd.DataFrame
    destinations: pd.DataFrame
    admitted: pd.DataFrame
    funnels: pd.DataFrame
    trends: pd.DataFrame
    years: list[str]
    left_out: dict[str, str] = field(default_factory=dict)
    sensitive: frozenset[str] = frozenset()

    @property
    def org_id(self) -> str:
        return str(self.org["org_id"])

    def applies(self, section: str) -> bool:
        """Whether a section of the report applies to this school."""
        return section not in self.left_out


def analyse(facts: DistrictFacts, org_id: str) -> SchoolAnalysis:
    """The frames of one school's report.

    Raises
    ------
    NotASchool
        When ``org_id`` is unknown or is a preschool, a centre or the department.
    """
    try:
        org = facts.org(org_id)
    except KeyError:
        known = ", ".join(facts.orgs.loc[facts.orgs["kind"] == "school", "org_id"].head(30))
        raise NotASchool(f"организации с кодом «{org_id}» нет в данных; коды школ: {known}"
                         ) from None
    if org["kind"] != "school":
        from proforient.vocab import KINDS

        raise NotASchool(f"«{org_id}» ({org['name']}) — {KINDS.label(org['kind'])}, а не школа: "
                         "отчёт школы для неё не строится. Её показатели — в отчёте по району.")
    card = facts.of("scorecard", org_id)
    applicable = set(card["indicator_id"])
    shared = compared(facts.funnels, facts.sensitive)  # the same as the district report's
    funnels = shared[shared["indicator_id"].isin(applicable)].reset_index(drop=True)
    trends = facts.of("trends", org_id)
    years = sorted(trends["year"].unique()) if len(trends) else []
    analysis = SchoolAnalysis(
        org=org, year=facts.year, card=card,
        participation=facts.of("participation", org_id),
        destinations=facts.of("destinations", org_id),
        admitted=facts.of("admitted", org_id),
        funnels=funnels, trends=trends, years=years, sensitive=facts.sensitive)
    analysis.left_out = _left_out(analysis)
    return analysis


def _left_out(a: SchoolAnalysis) -> dict[str, str]:
    out = {}
    if a.card.empty:
        out["scorecard"] = "no_indicators"
    if a.participation.empty:
        out["participation"] = "no_grades"
    if not a.org["has_graduates"]:
        out["destinations"] = "no_graduate_grades"
        out["graduates"] = "no_graduate_grades"
    elif a.destinations.empty:
        out["destinations"] = "no_graduates"
    if "graduates" not in out and not a.card["indicator_id"].isin(GRADUATE_INDICATORS).any():
        out["graduates"] = "no_graduate_grades"
    mine = a.funnels[a.funnels["org_id"] == a.org_id]
    if mine.empty:
        out["place"] = "no_funnel_data"
    if len(a.years) < 2:
        out["trend"] = "one_year"
    return out


def has_target(card: pd.DataFrame) -> pd.Series:
    """The rows of ``card`` judged against a target: a number, or — for a level of the federal
    model (``category``), whose school row carries no number — the roadmap's target levels
    (its status is then ``met``/``not_met``/``no_data``, not ``monitored``)."""
    return card["target"].notna() | ((card["kind"] == "category")
                                     & (card["status"] != "monitored"))


def priorities(card: pd.DataFrame) -> pd.DataFrame:
    """The indicators with a target in order of concern: not reached first (the largest
    shortfall relative to the target first), then without data, then the rest.

    Returns
    -------
    DataFrame
        The rows of ``card`` with a target, plus ``shortfall`` (``(target - value) / target``
        for shares and counts, 1 for a flag not set or a level below the target levels (not a
        matter of degree), NaN otherwise), sorted.
    """
    rows = card[has_target(card)].copy()
    short = np.where(rows["kind"].isin(["flag", "category"]), 1.0,
                     (rows["target"] - rows["value"]) / rows["target"].where(rows["target"] > 0))
    rows["shortfall"] = np.where(rows["status"] == "not_met", short, np.nan)
    rank = rows["status"].map({"not_met": 0, "no_data": 1}).fillna(2)
    return (rows.assign(_rank=rank)
            .sort_values(["_rank", "shortfall", "number"], ascending=[True, False, True])
            .drop(columns="_rank").reset_index(drop=True))
