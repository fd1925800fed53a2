"""The indicator engine: every roadmap indicator per organisation and for the district.

Rules that the functions here follow to the letter (in words: docs/indicators.md):

- a measure given by grade is summed over the indicator's grades; a measure given as a total
  (empty grade) is taken as it is, and wins over by-grade rows of the same measure;
- a missing input is never read as zero: an organisation that does not report the numerator or
  the denominator gets ``value`` NaN and status ``no_data``;
- a share whose denominator is reported as 0 (a school with no pupils with disabilities, no
  entrants with a checked profile) is *not applicable* to that organisation: status
  ``not_applicable``, value NaN, and it is not counted in the district's ``orgs_total`` — the
  organisation has nobody to count, which is a fact, not a gap in the data;
- a school is *not applicable* to a grade-ranged indicator (a share of ``students`` in a grade
  range, a graduate indicator, or an indicator with ``for_grades`` in the roadmap) when its
  enrolment is reported by grade and none of its grades with pupils fall in the range (a НОШ has
  no grades 5–11 and no graduates): it gets no row and is not counted in ``orgs_total``;
- district shares are pooled (sum of numerators / sum of denominators over the organisations that
  report both), never the mean of the schools' shares; district flags are the share of reporting
  organisations with the flag set; district counts are sums;
- a count's target is a target per organisation («не менее 1 в ОО»): the district has reached it
  only when every applicable organisation has (``orgs_met`` of ``orgs_total``);
- every district row carries ``orgs_reporting`` out of ``orgs_total`` applicable organisations;
- the district rows carry no interval: they are a census of the organisations that reported,
  not a sample; an organisation's share of its pupils gets a 95 % Wilson interval (how much the
  share of a small school moves by chance);
- a year is judged by its own roadmap or the latest earlier one, never by a later one;
- a target is met when the value reaches it (≥);
- a ``category`` indicator (the school's chosen level) has the position of the chosen value in
  the catalogue's list as its ``value``; a school meets it when the value is one of the
  roadmap's ``target_values``; the district row counts the reporting organisations that meet it
  (``numerator`` of ``denominator``, ``value`` their share, judged by ``target`` as a flag is),
  and :func:`category_distribution` tells how many are at each level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import pandas as pd

from proforient.compute.alignment import GRADUATE_INDICATOR_GRADES
from proforient.compute.stats import wilson_interval
from proforient.dataset import Dataset
from proforient.parameters.measures import MeasureCatalogue
from proforient.parameters.roadmap import Indicator, Operand, Roadmap, Roadmaps
from proforient.problems import Problem

#: Columns of the indicator table, in order (docs/indicators.md, «Таблица показателей»).
COLUMNS = [
    "year", "scope", "org_id", "indicator_id", "kind", "numerator", "denominator", "value",
    "target", "status", "ci_low", "ci_high", "orgs_reporting", "orgs_total", "orgs_met",
    "roadmap",
]

# Relative slack for "value reaches the target": 8/10 must meet 0.8 whatever the rounding.
_EPS = 1e-9


TOTAL = 0  # column of the wide table holding total rows (empty grade)


def wide_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """Pivot the measures to one row per (measure, year, org_id) and one column per grade.

    Column ``0`` holds the total rows (empty grade), columns ``1``–``11`` the grades; NaN means
    "no row". Built once per computation so that each indicator is a few array operations.
    """
    grade = measures["grade"].fillna(TOTAL).astype(int)
    wide = (measures.assign(grade=grade)
            .groupby(["measure", "year", "org_id", "grade"], observed=True, sort=False)["value"]
            .sum().unstack("grade"))
    # plain (not categorical) levels: every reindex below compares them with plain labels
    wide.index = wide.index.set_levels([level.astype(str) for level in wide.index.levels])
    return wide.reindex(columns=range(TOTAL, 12))


def _operand(wide: pd.DataFrame, operand: Operand) -> pd.Series:
    """Values of ``operand`` per (year, org_id) from :func:`wide_measures`; NaN = not reported."""
    try:
        rows = wide.xs(operand.measure, level="measure")
    except KeyError:
        return pd.Series(dtype=float)
    lo, hi = operand.grades or (1, 11)
    graded = rows.loc[:, lo:hi].sum(axis=1, min_count=1)
    return rows[TOTAL].combine_first(graded)


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
        total row appear — absence means "not reported", never zero. A total row wins over
        by-grade rows of the same measure.
    """
    rows = measures[measures["measure"] == operand.measure]
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    values = _operand(wide_measures(rows), operand)
    return values.dropna().rename("value")


class _Grid:
    """Every measure's values over every (year, organisation) pair of one computation.

    The pairs are numbered year-major in the order of ``years`` and of ``org_ids`` (the
    organisations' file order): pair ``i`` is year ``i // len(org_ids)``, organisation
    ``i % len(org_ids)``. Each measure's rows are pivoted as :func:`wide_measures` pivots them
    (a column per grade, ``0`` the total), straight from the rows' codes; an operand is then an
    array over the pairs (NaN = not reported), built once per (measure, grades) by the same
    rules as :func:`_operand` (a total wins over the grades; no row in the range is not
    reported).
    """

    def __init__(self, measures: pd.DataFrame, years: list[str], org_ids: list[str]) -> None:
        self.years = np.asarray(years, dtype=object)
        self.org_ids = np.asarray(org_ids, dtype=object)
        self.size = len(years) * len(org_ids)

        def positions(column: str, labels: list[str]) -> np.ndarray:
            """Each row's position in ``labels`` (-1 if absent), looked up per distinct value."""
            values = measures[column].astype("category").array
            found = pd.Index(labels).get_indexer(values.categories.astype(str))
            return np.append(found, -1)[values.codes]  # a missing value (code -1) is absent

        y, o = positions("year", years), positions("org_id", org_ids)
        measure = measures["measure"].astype("category").array
        keep = (y >= 0) & (o >= 0) & (measure.codes >= 0)
        pair = (y * len(org_ids) + o)[keep]
        grade = measures["grade"].fillna(TOTAL).to_numpy(dtype=int)[keep]
        value = measures["value"].to_numpy(dtype=float)[keep]
        code = measure.codes[keep].astype(np.int64)
        # one row per (measure, pair) and a column per grade, as wide_measures pivots them:
        # the sum of the cell's rows, NaN where there is none
        span, width = max(self.size, 1), 12  # columns: TOTAL (0) and grades 1–11
        cells, row = np.unique(code * span + pair, return_inverse=True)
        flat = row * width + grade
        sums = np.bincount(flat, weights=value, minlength=len(cells) * width)
        seen = np.bincount(flat, minlength=len(cells) * width) > 0
        table = np.where(seen, sums, np.nan).reshape(len(cells), width)
        of_measure = cells // span
        starts = np.flatnonzero(np.diff(of_measure, prepend=-1))  # cells are sorted by measure
        ends = [*starts[1:], len(cells)]
        self._rows: dict[str, tuple[np.ndarray, np.ndarray]] = {
            str(measure.categories[of_measure[a]]): (cells[a:b] % span, table[a:b])
            for a, b in zip(starts, ends, strict=True)}
        self._cache: dict[object, np.ndarray] = {}

    def pairs(self, org_mask: np.ndarray) -> np.ndarray:
        """The pairs of the organisations in ``org_mask`` (a boolean per organisation)."""
        return np.flatnonzero(np.tile(org_mask, len(self.years)))

    def operand(self, operand: Operand) -> np.ndarray:
        """The operand's value for every pair; NaN = not reported."""
        key = ("operand", operand.measure, operand.grades)
        if key not in self._cache:
            out = np.full(self.size, np.nan)
            if operand.measure in self._rows:
                where, values = self._rows[operand.measure]
                lo, hi = operand.grades or (1, 11)
                block = values[:, lo:hi + 1]
                graded = np.where(np.isnan(block).all(axis=1), np.nan,
                                  np.nansum(block, axis=1))
                total = values[:, TOTAL]
                out[where] = np.where(np.isnan(total), graded, total)
            self._cache[key] = out
        return self._cache[key]

    def not_applicable(self, grades: tuple[int, ...]) -> np.ndarray:
        """Whether each pair's enrolment is reported by grade only, with no pupils in
        ``grades`` — e.g. a НОШ for a 5–11 indicator."""
        key = ("not_applicable", grades)
        if key not in self._cache:
            out = np.zeros(self.size, dtype=bool)
            if "students" in self._rows:
                where, values = self._rows["students"]
                by_grade_only = ~np.isnan(values[:, 1:12]).all(axis=1) & np.isnan(values[:, TOTAL])
                with np.errstate(invalid="ignore"):
                    has_pupils = (values[:, list(grades)] > 0).any(axis=1)
                out[where] = by_grade_only & ~has_pupils
            self._cache[key] = out
        return self._cache[key]

    def graduates(self, counts: pd.DataFrame | None, indicator_id: str
                  ) -> tuple[np.ndarray, np.ndarray]:
        """The numerator and denominator of a graduate indicator for every pair (NaN = none)."""
        num, den = np.full(self.size, np.nan), np.full(self.size, np.nan)
        if counts is None or counts.empty:
            return num, den
        mine = counts[counts["indicator_id"] == indicator_id]
        y = pd.Index(self.years).get_indexer(mine["year"])
        o = pd.Index(self.org_ids).get_indexer(mine["org_id"])
        keep = (y >= 0) & (o >= 0)
        where = (y * len(self.org_ids) + o)[keep]
        num[where] = mine["numerator"].astype(float).to_numpy(na_value=np.nan)[keep]
        den[where] = mine["denominator"].astype(float).to_numpy()[keep]
        return num, den


def _relevant_grades(ind: Indicator) -> tuple[int, ...] | None:
    if ind.for_grades is not None:
        return ind.for_grades
    if ind.source == "graduates":
        return GRADUATE_INDICATOR_GRADES.get(ind.id, (9, 11))
    if (ind.kind == "share" and ind.denominator is not None and ind.denominator.grades
            and ind.denominator.measure == "students"):
        lo, hi = ind.denominator.grades
        return tuple(range(lo, hi + 1))
    return None


def _status(value: np.ndarray, target: float | None, reported: np.ndarray) -> np.ndarray:
    known = reported & ~np.isnan(value)
    if target is None:
        return np.where(known, "monitored", "no_data").astype(object)
    with np.errstate(invalid="ignore"):
        reached = value >= target - _EPS * max(1.0, abs(target))
    return np.where(known, np.where(reached, "met", "not_met"), "no_data").astype(object)


def _sides(ind: Indicator, grid: _Grid, graduate_counts: pd.DataFrame | None,
           pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator arrays over ``pairs`` of the grid (NaN = not reported)."""
    if ind.source == "graduates":
        num, den = grid.graduates(graduate_counts, ind.id)
        return num[pairs], den[pairs]
    num = grid.operand(ind.numerator)[pairs]
    if ind.kind == "share":
        return num, grid.operand(ind.denominator)[pairs]
    if ind.kind in ("flag", "category"):
        return num, np.where(np.isnan(num), np.nan, 1.0)
    return num, np.full(len(pairs), np.nan)


def _category_status(value: np.ndarray, ind: Indicator, reported: np.ndarray) -> np.ndarray:
    """met when the chosen value is among the roadmap's ``target_values``."""
    known = reported & ~np.isnan(value)
    if not ind.target_positions:
        return np.where(known, "monitored", "no_data").astype(object)
    reached = np.isin(value, np.array(ind.target_positions, dtype=float))
    return np.where(known, np.where(reached, "met", "not_met"), "no_data").astype(object)


def _indicator_rows(ind: Indicator, target: float | None, pairs: np.ndarray, grid: _Grid,
                    graduate_counts: pd.DataFrame | None) -> tuple[dict, list[dict]]:
    """The organisation rows (columns as arrays over ``pairs``) and the district rows (one per
    year) of one indicator."""
    num, den = _sides(ind, grid, graduate_counts, pairs)
    year_of = pairs // max(len(grid.org_ids), 1)
    nan = np.full(len(num), np.nan)
    if ind.kind == "share":
        reported = ~np.isnan(num) & ~np.isnan(den)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(reported & (den > 0), num / np.where(den > 0, den, 1), np.nan)
            # an overflowing share is a data error reported by overflow_problems(), not an
            # interval: leave its interval empty
            sane = reported & (num <= den)
        low, high = wilson_interval(np.where(sane, num, np.nan), np.where(sane, den, np.nan))
    else:
        reported = ~np.isnan(num)
        value, low, high = num, nan, nan
    if ind.kind == "category":
        # a school is judged by its chosen value; ``target`` is the district's share of schools
        status = _category_status(value, ind, reported)
    else:
        status = _status(value, target, reported)
    if ind.kind == "share":  # nobody to count: a fact about the organisation, not a gap
        status = np.where(reported & (den == 0), "not_applicable", status).astype(object)
    orgs = {
        "year": grid.years[year_of], "org_id": grid.org_ids[pairs % max(len(grid.org_ids), 1)],
        "numerator": num, "denominator": den, "value": value, "status": status,
        "ci_low": np.asarray(low, dtype=float), "ci_high": np.asarray(high, dtype=float),
    }
    district = []
    for code in np.unique(year_of):
        mine = year_of == code
        district.append(_district_row(ind, target, grid.years[code], num[mine], den[mine],
                                      reported[mine], status[mine]))
    return orgs, district


def _district_row(ind: Indicator, target: float | None, year: str, num: np.ndarray,
                  den: np.ndarray, reported: np.ndarray, status: np.ndarray) -> dict:
    """The district row of one indicator and year from its organisations' rows.

    Shares are pooled over the organisations that report both sides; flags are the share of
    reporting organisations with the flag set. A count target is a target *per organisation*
    («не менее 1 в ОО»): the value is the district's sum, and the district has reached it only
    when every applicable organisation has (``orgs_met`` of ``orgs_total``); one organisation
    below it makes ``not_met``, one without data (and none below) ``no_data``. An organisation
    whose share is ``not_applicable`` (denominator 0) is neither reporting nor in the total.
    """
    applies = status != "not_applicable"
    reported = reported & applies
    n_rep, n_total = int(reported.sum()), int(applies.sum())
    d_num = num[reported].sum() if n_rep else np.nan
    if ind.kind == "count":
        d_den, d_val = np.nan, d_num
    elif ind.kind == "category":  # schools at a targeted value, of those that chose one
        d_num = float((status == "met").sum()) if n_rep else np.nan
        d_den = float(n_rep) if n_rep else np.nan
        d_val = d_num / d_den if n_rep and ind.target_positions else np.nan
    elif ind.kind == "flag":
        d_den = float(n_rep) if n_rep else np.nan
        d_val = d_num / d_den if n_rep else np.nan
    else:
        d_den = den[reported].sum() if n_rep else np.nan
        d_val = d_num / d_den if n_rep and d_den > 0 else np.nan
    met = int((status == "met").sum())
    if ind.kind == "count" and target is not None:
        d_status = ("not_met" if (status == "not_met").any()
                    else "met" if n_total and met == n_total else "no_data")
    else:
        d_status = _status(np.array([d_val], dtype=float), target,
                           np.array([n_rep > 0 and not np.isnan(d_val)]))[0]
        if ind.kind == "category" and not ind.target_positions and n_rep:
            d_status = "monitored"
    return {
        "year": year, "scope": "district", "org_id": pd.NA, "indicator_id": ind.id,
        "kind": ind.kind, "numerator": d_num, "denominator": d_den, "value": d_val,
        "target": target, "status": d_status, "ci_low": np.nan, "ci_high": np.nan,
        "orgs_reporting": n_rep, "orgs_total": n_total,
        "orgs_met": met if target is not None else pd.NA,
    }


def compute_indicators(dataset: Dataset, roadmaps: Roadmaps,
                       years: Iterable[str] | None = None,
                       graduate_counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compute every indicator of the roadmaps per organisation and for the district.

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset.
    roadmaps : Roadmaps
        The district's roadmaps. Each year is computed with the indicators of the roadmap that
        judges it (:meth:`Roadmaps.for_year`: its own or the latest earlier one) and judged
        against that roadmap's targets. A year before the first roadmap is computed with the
        first roadmap's definitions, so that trends have earlier values, but has no targets
        (status ``monitored`` or ``no_data``, ``roadmap`` empty): a later roadmap never judges
        an earlier year.
    years : iterable of str, optional
        Academic years to compute; default: every year in the data.
    graduate_counts : pandas.DataFrame, optional
        ``year, org_id, indicator_id, numerator, denominator`` for the graduate-based indicators
        (from :func:`proforient.compute.alignment.graduate_indicator_counts`). Without it those
        indicators are ``no_data`` everywhere; a missing numerator is ``no_data`` too.

    Returns
    -------
    pandas.DataFrame
        One row per (year, applicable organisation, indicator) with ``scope="org"`` and one per
        (year, indicator) with ``scope="district"`` and an empty ``org_id``; columns
        :data:`COLUMNS`, sorted by year, the roadmap's order, organisation. ``value`` is a
        fraction for shares and flags, a count for counts. Organisation shares get a 95 %
        Wilson interval (``ci_low``, ``ci_high``); district rows get none (see the module
        docstring). ``roadmap`` names the roadmap whose targets judged the row.
    """
    years = sorted(years) if years is not None else dataset.years
    groups: dict[tuple[str, bool], list[str]] = {}
    for year in years:
        judged = roadmaps.for_year(year)
        roadmap = judged or roadmaps.first
        groups.setdefault((roadmap.year, judged is not None), []).append(year)
    parts = [_compute_years(dataset, roadmaps.by_year[rm_year], part_years, graduate_counts,
                            judged)
             for (rm_year, judged), part_years in groups.items()]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, "object")) for c in COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    table = (table.assign(_district=table["scope"] == "district")
             .sort_values(["year", "_order", "_district"], kind="stable")[COLUMNS]
             .reset_index(drop=True))
    return table.astype(_DTYPES)


_DTYPES = {"org_id": "string", "roadmap": "string", "target": float, "numerator": float,
           "denominator": float, "value": float, "ci_low": float, "ci_high": float,
           "orgs_reporting": "Int64", "orgs_total": "Int64", "orgs_met": "Int64"}


def _compute_years(dataset: Dataset, roadmap: Roadmap, years: list[str],
                   graduate_counts: pd.DataFrame | None, judged: bool) -> pd.DataFrame:
    """The indicator rows of ``years``, all computed with ``roadmap`` (targets if ``judged``)."""
    measures = dataset.measures
    orgs = dataset.organizations
    grid = _Grid(measures, years, orgs["org_id"].astype(str).tolist())
    kinds = orgs["kind"].astype(str).to_numpy()
    columns: dict[str, list] = {c: [] for c in ("year", "org_id", "numerator", "denominator",
                                                "value", "status", "ci_low", "ci_high")}
    labels: dict[str, list] = {"indicator_id": [], "kind": [], "target": [], "_order": []}
    district_rows: list[dict] = []
    universes: dict[tuple, np.ndarray] = {}  # indicators share a few (kinds, grades) pairs
    for order, ind in enumerate(roadmap.indicators):
        key = (ind.applies_to, _relevant_grades(ind))
        if key not in universes:
            pairs = grid.pairs(np.isin(kinds, ind.applies_to))
            if key[1] is not None:
                pairs = pairs[~grid.not_applicable(key[1])[pairs]]
            universes[key] = pairs
        target = ind.target if judged else None
        if not judged:  # a later roadmap never judges an earlier year, nor by its levels
            ind = replace(ind, target_positions=())
        org_rows, district = _indicator_rows(ind, target, universes[key], grid, graduate_counts)
        for column, values in org_rows.items():
            columns[column].append(values)
        n = len(universes[key])
        labels["indicator_id"].append(np.full(n, ind.id, dtype=object))
        labels["kind"].append(np.full(n, ind.kind, dtype=object))
        labels["target"].append(np.full(n, np.nan if ind.kind == "category" or target is None
                                        else target))
        labels["_order"].append(np.full(n, order))
        district_rows += [dict(row, _order=order) for row in district]
    pieces = []
    if any(len(v) for v in columns["value"]):
        org_table = pd.DataFrame({
            **{c: np.concatenate(v) for c, v in columns.items()},
            **{c: np.concatenate(v) for c, v in labels.items()},
        }).assign(scope="org")
        pieces.append(org_table)
    if district_rows:
        pieces.append(pd.DataFrame(district_rows))
    if not pieces:
        return pd.DataFrame()
    return pd.concat(pieces, ignore_index=True).assign(roadmap=roadmap.year if judged else pd.NA)


def category_distribution(table: pd.DataFrame, roadmaps: Roadmaps,
                          measures: MeasureCatalogue) -> pd.DataFrame:
    """How many organisations chose each value of every ``category`` indicator, per year.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`compute_indicators`.
    roadmaps : Roadmaps
        The roadmap that computed each year (the indicator's measure and target values).
    measures : MeasureCatalogue
        The catalogue (the names of the values, in order).

    Returns
    -------
    pandas.DataFrame
        ``year, indicator_id, position, category, orgs, targeted``: one row per value of the
        measure's list (lowest first), also for values nobody chose (``orgs`` 0); ``targeted``
        says whether the value is among the roadmap's ``target_values``. Organisations without a
        value are not counted (their number is the district row's ``orgs_total`` minus
        ``orgs_reporting``). Empty when no roadmap has a category indicator.
    """
    rows = []
    org_rows = table[(table["scope"] == "org") & (table["kind"] == "category")]
    for (year, ind_id), part in org_rows.groupby(["year", "indicator_id"], sort=True):
        ind = roadmaps.definitions_for(str(year)).indicator(str(ind_id))
        spec = measures[ind.numerator.measure]
        chosen = part["value"].dropna().astype(int).value_counts()
        for position, label in enumerate(spec.values, start=1):
            rows.append({"year": str(year), "indicator_id": str(ind_id), "position": position,
                         "category": label, "orgs": int(chosen.get(position, 0)),
                         "targeted": position in ind.target_positions})
    columns = ["year", "indicator_id", "position", "category", "orgs", "targeted"]
    return pd.DataFrame(rows, columns=columns)


def overflow_problems(table: pd.DataFrame, dataset: Dataset, roadmaps: Roadmaps,
                      file: str | None = None) -> list[Problem]:
    """Report shares whose numerator exceeds the denominator (a data error, never capped).

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`compute_indicators`.
    dataset : Dataset
        For the organisations' names and the lines of the measures.
    roadmaps : Roadmaps
        For the indicators' titles and measures (of the roadmap that computed each year).
    file : str, optional
        The file name to report (default: the file the measures were read from).

    Returns
    -------
    list of Problem
        One error per (year, organisation, indicator) concerned, naming the organisation and,
        when the dataset knows its lines, the line and column ``value`` of the numerator's row
        in the measures file: its total row, or else its first row in the indicator's grades.
    """
    file = file or dataset.files.get("measures", "measures.csv")
    shares = table[(table["scope"] == "org") & (table["kind"] == "share")]
    over = shares[shares["numerator"] > shares["denominator"]]
    names = dataset.organizations.set_index("org_id")["name"]
    problems = []
    if over.empty:
        return problems
    rows_of = _measure_lines(dataset, set(over["org_id"].astype(str)))
    for _, r in over.iterrows():
        ind = roadmaps.definitions_for(r["year"]).indicator(r["indicator_id"])
        what = (f"«{ind.numerator.measure}» больше «{ind.denominator.measure}»"
                if ind.numerator is not None else "числитель больше знаменателя")
        line = (None if ind.numerator is None
                else _numerator_line(rows_of, r["year"], r["org_id"], ind.numerator))
        problems.append(Problem(
            file, line, None if line is None else "value",
            f"{names.get(r['org_id'], r['org_id'])} ({r['org_id']}), {r['year']}: показатель "
            f"«{ind.title}» — {what} ({r['numerator']:g} из {r['denominator']:g}); "
            "проверьте данные организации"))
    return problems


def _measure_lines(dataset: Dataset, org_ids: set[str]
                   ) -> dict[tuple[str, str, str], list[tuple[int, int]]]:
    """(year, org_id, measure) → [(grade or 0 for a total, line)] of the measures file, for
    the organisations ``org_ids``."""
    lines = dataset.lines.get("measures")
    if lines is None:
        return {}
    m = dataset.measures
    m = m[m["org_id"].astype(str).isin(org_ids).to_numpy()]
    found: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for year, org_id, measure, grade, line in zip(
            m["year"], m["org_id"], m["measure"], m["grade"], lines.reindex(m.index),
            strict=True):
        if pd.notna(line):
            found.setdefault((str(year), str(org_id), str(measure)), []).append(
                (TOTAL if pd.isna(grade) else int(grade), int(line)))
    return found


def _numerator_line(rows_of: dict, year: str, org_id: str, operand: Operand) -> int | None:
    """The line of the numerator's total row (it wins over grades), else of its first row in
    the operand's grades."""
    rows = rows_of.get((str(year), str(org_id), operand.measure), [])
    totals = [line for grade, line in rows if grade == TOTAL]
    graded = [line for grade, line in rows if grade != TOTAL and operand.covers(grade)]
    chosen = totals or graded
    return min(chosen) if chosen else None
