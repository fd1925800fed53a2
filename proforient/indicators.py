"""The indicator engine: every roadmap indicator per organisation and for the district (SPEC §4).

Rules that the functions here follow to the letter:

- a measure given by grade is summed over the indicator's grades; a measure given as a total
  (empty grade) is taken as it is, and wins over by-grade rows of the same measure;
- a missing input is never read as zero: an organisation that does not report the numerator or
  the denominator gets ``value`` NaN and status ``no_data``; so does a share whose denominator is 0;
- a school is *not applicable* to a grade-ranged indicator when its enrolment is reported by
  grade and none of its grades fall in the range (a НОШ has no grades 5–11): it gets no row and
  is not counted in the district's ``orgs_total``;
- district shares are pooled (sum of numerators / sum of denominators over the organisations that
  report both), never the mean of the schools' shares; district flags are the share of reporting
  organisations with the flag set; district counts are sums, compared with the target as a sum;
- every district row carries ``orgs_reporting`` out of ``orgs_total`` applicable organisations;
- a target is met when the value reaches it (≥).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from proforient.dataset import Dataset
from proforient.problems import Problem
from proforient.roadmap import Indicator, Operand, Roadmap
from proforient.stats import wilson_interval

#: Columns of the indicator table, in order (SPEC §8 plus the interval and the kind).
COLUMNS = [
    "year", "scope", "org_id", "indicator_id", "kind", "numerator", "denominator", "value",
    "target", "status", "ci_low", "ci_high", "orgs_reporting", "orgs_total",
]

#: Grades whose enrolment makes a school applicable to a graduate-based indicator.
GRADUATE_INDICATOR_GRADES: dict[str, tuple[int, ...]] = {
    "admitted_by_profile_share": (9, 11),
    "in_demand_choice_share": (9, 11),
    "ege_profile_match_share": (11,),
}

# Relative slack for "value reaches the target": 8/10 must meet 0.8 whatever the rounding.
_EPS = 1e-9


def operand_values(measures: pd.DataFrame, operand: Operand,
                   years: Iterable[str] | None = None) -> pd.Series:
    """Sum a measure over the operand's grades for each (year, org_id) that reports it.

    Parameters
    ----------
    measures : pandas.DataFrame
        Canonical measures (``year, org_id, measure, grade, value``).
    operand : Operand
        The measure and its inclusive grade range (``None`` = all grades).
    years : iterable of str, optional
        Restrict to these years.

    Returns
    -------
    pandas.Series
        Indexed by (year, org_id); only organisations with at least one row in the range or a
        total row appear — absence means "not reported", never zero.
    """
    rows = measures[measures["measure"] == operand.measure]
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    is_total = rows["grade"].isna().to_numpy()
    totals = rows[is_total].groupby(["year", "org_id"])["value"].sum()
    graded = rows[~is_total]
    if operand.grades is not None:
        lo, hi = operand.grades
        graded = graded[graded["grade"].between(lo, hi).to_numpy(dtype=bool, na_value=False)]
    by_grade = graded.groupby(["year", "org_id"])["value"].sum()
    return totals.combine_first(by_grade).rename("value")


def _grades_taught(measures: pd.DataFrame) -> pd.Series:
    """Per (year, org_id): the set of grades with pupils, for schools reporting ``students``
    by grade and never as a total; other organisations are absent (unknown)."""
    students = measures[measures["measure"] == "students"]
    has_total = students[students["grade"].isna()][["year", "org_id"]].drop_duplicates()
    graded = students[students["grade"].notna() & (students["value"] > 0)]
    taught = graded.groupby(["year", "org_id"])["grade"].agg(lambda g: frozenset(int(x) for x in g))
    reported = students[students["grade"].notna()].groupby(["year", "org_id"]).size().index
    taught = taught.reindex(reported, fill_value=frozenset())
    drop = pd.MultiIndex.from_frame(has_total) if len(has_total) else None
    return taught if drop is None else taught[~taught.index.isin(drop)]


def _relevant_grades(ind: Indicator) -> tuple[int, ...] | None:
    if ind.source == "graduates":
        return GRADUATE_INDICATOR_GRADES.get(ind.id, (9, 11))
    if ind.kind == "share" and ind.denominator is not None and ind.denominator.grades:
        lo, hi = ind.denominator.grades
        if ind.denominator.measure == "students":
            return tuple(range(lo, hi + 1))
    return None


def _frame_of(universe: pd.MultiIndex, **columns: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame(index=universe)
    for name, series in columns.items():
        out[name] = series.reindex(universe).astype(float)
    return out


def _status(value: pd.Series, target: float | None, reported: pd.Series) -> pd.Series:
    status = pd.Series("no_data", index=value.index, dtype=object)
    known = reported & value.notna()
    if target is None:
        status[known] = "monitored"
    else:
        reached = value >= target - _EPS * max(1.0, abs(target))
        status[known & reached] = "met"
        status[known & ~reached] = "not_met"
    return status


def _org_rows(ind: Indicator, universe: pd.MultiIndex, measures: pd.DataFrame,
              graduate_counts: pd.DataFrame | None, years: list[str]) -> pd.DataFrame:
    """Per-organisation rows of one indicator over ``universe`` (year, org_id) pairs."""
    if ind.source == "graduates":
        counts = graduate_counts
        if counts is None or counts.empty:
            num = den = pd.Series(dtype=float)
        else:
            mine = counts[counts["indicator_id"] == ind.id].set_index(["year", "org_id"])
            num, den = mine["numerator"], mine["denominator"]
        rows = _frame_of(universe, numerator=num, denominator=den)
    elif ind.kind == "share":
        rows = _frame_of(universe,
                         numerator=operand_values(measures, ind.numerator, years),
                         denominator=operand_values(measures, ind.denominator, years))
    elif ind.kind == "flag":
        num = operand_values(measures, ind.numerator, years)
        rows = _frame_of(universe, numerator=num, denominator=num.notna().astype(float))
    else:
        rows = _frame_of(universe, numerator=operand_values(measures, ind.numerator, years))
        rows["denominator"] = np.nan

    if ind.kind == "share":
        reported = rows["numerator"].notna() & rows["denominator"].notna()
        with np.errstate(divide="ignore", invalid="ignore"):
            value = rows["numerator"] / rows["denominator"].where(rows["denominator"] > 0)
        # an overflowing share is a data error reported by overflow_problems(), not an interval
        sane = reported & (rows["numerator"] <= rows["denominator"])
        low, high = wilson_interval(rows["numerator"].where(sane), rows["denominator"].where(sane))
    else:
        reported = rows["numerator"].notna()
        value = rows["numerator"].copy()
        low = high = np.full(len(rows), np.nan)
    rows["value"] = value.where(reported)
    rows["ci_low"], rows["ci_high"] = low, high
    rows["status"] = _status(rows["value"], ind.target, reported)
    rows["_reported"] = reported
    return rows


def _district_row(ind: Indicator, rows: pd.DataFrame) -> dict:
    rep = rows[rows["_reported"]]
    n_rep, n_total = len(rep), len(rows)
    if ind.kind == "count":
        num, den = (rep["numerator"].sum() if n_rep else np.nan), np.nan
        value = num
    elif ind.kind == "flag":
        num, den = rep["numerator"].sum(), float(n_rep)
        value = num / den if n_rep else np.nan
    else:
        num, den = rep["numerator"].sum(), rep["denominator"].sum()
        value = num / den if n_rep and den > 0 else np.nan
    if ind.kind == "count":
        low = high = np.nan
    else:
        sane = n_rep and num <= den
        low, high = (float(x[0]) for x in wilson_interval([num if sane else np.nan],
                                                          [den if sane else np.nan]))
    reported = pd.Series([n_rep > 0 and not np.isnan(value)])
    status = _status(pd.Series([value]), ind.target, reported).iloc[0]
    return {"numerator": num if n_rep else np.nan, "denominator": den if n_rep else np.nan,
            "value": value, "ci_low": low, "ci_high": high, "status": status,
            "orgs_reporting": n_rep, "orgs_total": n_total}


def compute_indicators(dataset: Dataset, roadmap: Roadmap, years: Iterable[str] | None = None,
                       graduate_counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compute every indicator of the roadmap per organisation and for the district.

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset.
    roadmap : Roadmap
        The indicator definitions.
    years : iterable of str, optional
        Academic years to compute; default: every year in the data.
    graduate_counts : pandas.DataFrame, optional
        ``year, org_id, indicator_id, numerator, denominator`` for the graduate-based indicators
        (from :func:`proforient.alignment.graduate_indicator_counts`). Without it those
        indicators are ``no_data`` everywhere.

    Returns
    -------
    pandas.DataFrame
        One row per (year, applicable organisation, indicator) with ``scope="org"`` and one per
        (year, indicator) with ``scope="district"`` and an empty ``org_id``; columns
        :data:`COLUMNS`. ``value`` is a fraction for shares and flags, a count for counts.
        Shares get a 95% Wilson interval (``ci_low``, ``ci_high``); so do district flags.
    """
    years = sorted(years) if years is not None else dataset.years
    orgs = dataset.organizations
    measures = dataset.measures
    taught = _grades_taught(measures)
    pieces: list[pd.DataFrame] = []
    districts: list[dict] = []
    for ind in roadmap.indicators:
        applicable = orgs.loc[orgs["kind"].isin(ind.applies_to), "org_id"].tolist()
        universe = pd.MultiIndex.from_product([years, applicable], names=["year", "org_id"])
        relevant = _relevant_grades(ind)
        if relevant is not None and len(universe):
            grades = taught.reindex(universe)
            off = grades.map(lambda g: isinstance(g, frozenset) and not g & set(relevant))
            universe = universe[~off.to_numpy(dtype=bool)]
        rows = _org_rows(ind, universe, measures, graduate_counts, years)
        rows = rows.reset_index()
        for year in years:
            districts.append({"year": year, "indicator_id": ind.id, "kind": ind.kind,
                              "target": ind.target,
                              **_district_row(ind, rows[rows["year"] == year])})
        pieces.append(rows.drop(columns="_reported").assign(
            indicator_id=ind.id, kind=ind.kind, target=ind.target, scope="org"))
    org_table = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame()
    district = pd.DataFrame(districts).assign(scope="district", org_id=pd.NA)
    table = pd.concat([org_table, district], ignore_index=True)
    for col in ("orgs_reporting", "orgs_total"):
        table[col] = table[col].astype("Int64")
    order = {ind.id: i for i, ind in enumerate(roadmap.indicators)}
    table = table.assign(_order=table["indicator_id"].map(order),
                         _scope=(table["scope"] == "district").astype(int))
    table = table.sort_values(["year", "_order", "_scope", "org_id"], kind="stable")
    table = table[COLUMNS].reset_index(drop=True)
    table["org_id"] = table["org_id"].astype("string")
    table["target"] = table["target"].astype(float)
    return table


def overflow_problems(table: pd.DataFrame, dataset: Dataset, roadmap: Roadmap,
                      file: str = "measures.csv") -> list[Problem]:
    """Report shares whose numerator exceeds the denominator (a data error, never capped).

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`compute_indicators`.
    dataset : Dataset
        For the organisations' names.
    roadmap : Roadmap
        For the indicators' titles and measures.
    file : str
        The file name to report.

    Returns
    -------
    list of Problem
        One error per (year, organisation, indicator) concerned, naming the organisation.
    """
    shares = table[(table["scope"] == "org") & (table["kind"] == "share")]
    over = shares[shares["numerator"] > shares["denominator"]]
    names = dataset.organizations.set_index("org_id")["name"]
    problems = []
    for _, r in over.iterrows():
        ind = roadmap.indicator(r["indicator_id"])
        what = (f"«{ind.numerator.measure}» больше «{ind.denominator.measure}»"
                if ind.numerator is not None else "числитель больше знаменателя")
        problems.append(Problem(
            file, None, None,
            f"{names.get(r['org_id'], r['org_id'])} ({r['org_id']}), {r['year']}: показатель "
            f"«{ind.title}» — {what} ({r['numerator']:g} из {r['denominator']:g}); "
            "проверьте данные организации"))
    return problems
