"""The analyst's door: a short API for exploring a district in JupyterLab.

::

    from proforient.explore import open_district

    district = open_district()                       # the demo district (or a data folder)
    district.indicators(scope="district")            # the indicator table of every year
    district.school_trend("sch-01", "bvb_diagnostics_share")
    district.graduates_by_school()                   # profile, ЕГЭ and demand by school and year
    district.supply_demand().table                   # in-demand groups against the entrants
    russian(district.funnel("bvb_diagnostics_share"))    # any table as the department reads it

Nothing is computed here: every number is read from the pipeline's results
(:func:`proforient.pipeline.run`) or from the package function that the reports use for it, so a
figure explored here is the figure the reports show. This module only selects rows, joins names
and Russian labels, and lays tables out for reading. Column names stay English codes (as in the
rest of the package); the readable columns are ``org_name`` (the short name, «Ключевская СОШ
№ 1»), ``title`` (the roadmap's wording of an indicator) and ``*_label`` (a code in Russian).
For people, :func:`~proforient.display.russian` shows any of these tables with Russian headers,
shares as percentages and statuses in words, and :func:`~proforient.display.to_excel_csv`
writes one for Russian Excel.

Everything is computed once per opened district and reused: a second call with the same
arguments (or another indicator of the same year) only selects rows. Every call still returns a
new frame, to change freely.

``year=None`` means *every year* for the tables that have a ``year`` column, and *the latest
year* for the views of one year (:meth:`District.organizations`, :meth:`District.roadmap`,
:meth:`District.funnel`).

Personal data: the tables here are aggregates (counts of graduates per school and year, shares)
except :meth:`District.graduate_rows`, one row per graduate. All of them hold small counts the
shared reports hide («<3»): they are the analyst's working material, not for publication — the
reports of ``proforient report`` are.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from proforient.compute import alignment
from proforient.compute.alignment import Analysis
from proforient.compute.specialties import review_list
from proforient.dataset import Dataset
from proforient.display import russian, to_excel_csv
from proforient.names import short_name
from proforient.parameters import DistrictParameters
from proforient.paths import DEMO_DATA_DIR
from proforient.pipeline import Results, run
from proforient.report.facts.destinations import destinations
from proforient.report.facts.funnels import funnels
from proforient.report.facts.orgs import organisations
from proforient.report.facts.trends import trends
from proforient.vocab import (
    ADMITTED_DESTINATIONS,
    GRADUATE_GRADES,
    INDICATOR_KINDS,
    KINDS,
    STATUSES,
    TERRITORIES,
)

if TYPE_CHECKING:
    from proforient.batch.jobs import BatchResult

__all__ = ["GRADUATE_COLUMNS", "District", "open_district", "russian", "to_excel_csv"]

#: Columns of :meth:`District.graduates_by_school`, in order (for one grade, ``grade`` follows
#: ``org_name``).
GRADUATE_COLUMNS: list[str] = [
    "year", "org_id", "org_name", "graduates", "admitted",
    "admitted_checked", "admitted_by_profile", "admitted_by_profile_share",
    "grade11_checked", "ege_match", "ege_match_share",
    "in_demand", "in_demand_share",
]

#: Where each graduate indicator's counts go in :meth:`District.graduates_by_school`:
#: indicator → (numerator column, denominator column, share column).
_GRADUATE_SIDES: dict[str, tuple[str, str, str]] = {
    alignment.ADMITTED_BY_PROFILE: ("admitted_by_profile", "admitted_checked",
                                    "admitted_by_profile_share"),
    alignment.EGE_PROFILE_MATCH: ("ege_match", "grade11_checked", "ege_match_share"),
    alignment.IN_DEMAND_CHOICE: ("in_demand", "graduates", "in_demand_share"),
}


@dataclass(repr=False)
class District:
    """One district's data with every table computed, to explore.

    Build it with :func:`open_district`. Every method returns a new frame: change it freely.

    Attributes
    ----------
    results : Results
        What the pipeline computed (:class:`proforient.pipeline.Results`): the dataset, the
        parameters, the indicator table of every year and the per-graduate alignment.
    """

    results: Results
    _cache: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False,
                                        compare=False)

    def __repr__(self) -> str:
        d = self.dataset
        return (f"District({self.name!r}, years {', '.join(self.years)}: "
                f"{len(d.organizations)} organizations, {len(d.graduates)} graduates)")

    # -- the data --------------------------------------------------------------------------

    @property
    def dataset(self) -> Dataset:
        """The validated dataset (its tables as loaded, canonical codes)."""
        return self.results.dataset

    @property
    def params(self) -> DistrictParameters:
        """The district's parameters: rules, roadmaps, aliases, classifier."""
        return self.results.params

    @property
    def name(self) -> str:
        """The dataset's name (``dataset.yaml``, else the folder's name)."""
        return self.dataset.name

    @property
    def synthetic(self) -> bool:
        """Whether the data are synthetic (the demo district)."""
        return self.dataset.synthetic

    @property
    def years(self) -> list[str]:
        """The academic years in the data, sorted."""
        return self.dataset.years

    @property
    def latest_year(self) -> str:
        """The latest academic year in the data."""
        return self.years[-1]

    def problems(self) -> pd.DataFrame:
        """The dataset's warnings (a dataset with errors does not open).

        Returns
        -------
        DataFrame
            ``file, line, column, severity, message`` — one row per warning, in file order;
            empty when there is none.
        """
        rows = [(p.file, p.line, p.column, p.severity, p.message) for p in self.results.problems]
        return pd.DataFrame(rows, columns=["file", "line", "column", "severity", "message"])

    def organizations(self, year: str | None = None) -> pd.DataFrame:
        """Every organisation with its size and its group of similar schools.

        Named after ``organizations.csv``; ``organisations`` is the same method.

        Parameters
        ----------
        year : str, optional
            Sizes and grades of this year; default the latest.

        Returns
        -------
        DataFrame
            One row per organisation (:func:`proforient.report.facts.orgs.organisations`):
            ``org_id, name, short, kind, kind_label, students, grades, has_graduates,
            school_type, peer_basis, peer_group, peers``.
        """
        year = self._one_year(year)

        def compute() -> pd.DataFrame:
            orgs = organisations(self.results, year)
            return _after(orgs, "kind", "kind_label", orgs["kind"].map(KINDS.labels))

        return self._once(("organizations", year), compute)

    organisations = organizations

    def roadmap(self, year: str | None = None) -> pd.DataFrame:
        """The roadmap that judges ``year``: its activities and their indicators.

        Parameters
        ----------
        year : str, optional
            Default the latest year. A year without its own roadmap file is judged by the
            latest earlier one; a year before the first roadmap gets the first one's
            activities without targets.

        Returns
        -------
        DataFrame
            One row per activity, in the roadmap's order: ``roadmap`` (the year of the file),
            ``number, goal, activity, deadline, expected_result, executors`` (as written),
            ``indicator_id, title, kind, applies_to, source, target`` (a fraction for shares
            and flags, a number for counts, NaN without a target).

        Raises
        ------
        InputError
            When ``year`` is not a year of the data.
        """
        roadmap = self.params.roadmap(self._one_year(year))
        return pd.DataFrame([{
            "roadmap": roadmap.year, "number": a.number, "goal": a.goal, "activity": a.activity,
            "deadline": a.deadline, "expected_result": a.expected_result,
            "executors": ", ".join(a.executors), "indicator_id": a.indicator.id,
            "title": a.indicator.title, "kind": a.indicator.kind,
            "applies_to": ", ".join(a.indicator.applies_to), "source": a.indicator.source,
            "target": a.indicator.target,
        } for a in roadmap.activities]).astype({"target": float})

    # -- indicators ------------------------------------------------------------------------

    def indicators(self, year: str | None = None, scope: str | None = None,
                   indicator_id: str | None = None, org_id: str | None = None
                   ) -> pd.DataFrame:
        """The indicator table, every organisation and the district, every year.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year (each judged by its own roadmap).
        scope : {"org", "district"}, optional
            Only the organisations' rows or only the district's.
        indicator_id : str, optional
            Only this indicator (``diagnostics_share``…; see :meth:`roadmap`).
        org_id : str, optional
            Only this organisation's rows.

        Returns
        -------
        DataFrame
            The rows of the pipeline's table (:func:`proforient.compute.indicators.
            compute_indicators`, columns :data:`~proforient.compute.indicators.COLUMNS`) in its
            order, with ``org_name`` after ``org_id`` (empty for the district) and ``title``
            after ``indicator_id``, and ``status_label`` at the end. ``value`` is a fraction
            for shares and flags and a number for counts; ``no_data`` is never read as zero.

        Raises
        ------
        ValueError
            For a year, scope, indicator or organisation the data do not have.
        """
        table = self._once(("indicators",), lambda: self._with_status(
            self._readable(self.results.indicators)), copy=False)
        keep = pd.Series(True, index=table.index)
        if year is not None:
            keep &= table["year"] == self._one_year(year)
        if scope is not None:
            if scope not in ("org", "district"):
                raise ValueError(f"scope «{scope}»: допустимо org или district")
            keep &= table["scope"] == scope
        if indicator_id is not None:
            keep &= table["indicator_id"] == self._indicator(indicator_id)
        if org_id is not None:
            keep &= (table["org_id"] == self._org(org_id)).fillna(False)
        return table[keep.to_numpy()].reset_index(drop=True)

    @staticmethod
    def _with_status(table: pd.DataFrame) -> pd.DataFrame:
        table["status_label"] = table["status"].map(STATUSES.labels)
        return table

    def trends(self, indicator_id: str | None = None, year: str | None = None
               ) -> pd.DataFrame:
        """Every organisation's shares over the years, each change tested.

        Parameters
        ----------
        indicator_id : str, optional
            Only this share indicator; default every share.
        year : str, optional
            The last year of the trend; default the latest.

        Returns
        -------
        DataFrame
            :func:`proforient.report.facts.trends.trends` — one row per organisation, share
            indicator and year: ``org_id, org_name, indicator_id, title, year, numerator,
            denominator, value, prev_year, prev_value, change`` (share minus the previous
            year's, in fractions), ``p_value`` (Fisher's exact test of the two years, NaN
            where a year has no data), ``significant`` (p < 0.05), ``district_value`` (the
            district's pooled share that year). Flags and counts have no trend test. A gap in
            reporting is never bridged: the year after a gap is compared with the gap (NaN).
        """
        last = self._one_year(year)
        if indicator_id is not None:
            indicator_id = self._indicator(indicator_id)

        def compute() -> pd.DataFrame:
            table = trends(self.results.indicators, last)
            order = {ind.id: i for i, ind in
                     enumerate(self.params.roadmaps.definitions_for(last).indicators)}
            table = (table.assign(_order=table["indicator_id"].map(order))
                     .sort_values(["org_id", "_order", "year"], kind="stable")
                     .drop(columns="_order"))
            return self._readable(table).reset_index(drop=True)

        table = self._once(("trends", last), compute, copy=False)
        if indicator_id is not None:
            table = table[table["indicator_id"] == indicator_id]
        return table.reset_index(drop=True)

    def school_trend(self, org_id: str, indicator_id: str | None = None) -> pd.DataFrame:
        """One organisation's shares over the years, each change tested (see :meth:`trends`).

        Parameters
        ----------
        org_id : str
            The organisation (``sch-01``…).
        indicator_id : str, optional
            Only this share indicator; default every share that applies to it.

        Returns
        -------
        DataFrame
            The organisation's rows of :meth:`trends`, by indicator (roadmap order) and year.

        Raises
        ------
        ValueError
            When the organisation or the indicator is not in the data.
        """
        org_id = self._org(org_id)
        table = self.trends(indicator_id)
        return table[table["org_id"] == org_id].reset_index(drop=True)

    def funnel(self, indicator_id: str, year: str | None = None) -> pd.DataFrame:
        """Where each school lies in the district's funnel plot of a share indicator.

        A school below the lower limit has a share lower than chance explains for a school of
        its size; inside the funnel, a difference from the district may be noise.

        Parameters
        ----------
        indicator_id : str
            A share indicator of schools (``diagnostics_share``…).
        year : str, optional
            Default the latest year.

        Returns
        -------
        DataFrame
            :func:`proforient.report.facts.funnels.funnels` with names: ``indicator_id, title,
            org_id, org_name, numerator, denominator, share, p0`` (the district's pooled
            share), ``target, position`` (``far_below``, ``below``, ``inside``, ``above``,
            ``far_above``: outside the 99.8 % or the 95 % limits), one row per school that
            reports both counts, lowest share first. :func:`~proforient.display.russian`
            shows ``position`` in words («намного ниже района»…).

        Raises
        ------
        ValueError
            For an indicator that is not a share of schools that year (a count, a flag, a
            share of preschools), naming the shares that have a funnel.
        """
        year = self._one_year(year)
        indicator_id = self._school_share(indicator_id, year)

        def compute() -> pd.DataFrame:
            orgs = self.organizations(year)
            positions = funnels(self._funnel_card(year),
                                orgs.loc[orgs["kind"] == "school", "org_id"])
            return self._readable(positions.assign(year=year)).drop(columns="year")

        table = self._once(("funnels", year), compute, copy=False)
        return (table[table["indicator_id"] == indicator_id]
                .sort_values("share", kind="stable").reset_index(drop=True))

    def _funnel_card(self, year: str) -> pd.DataFrame:
        """The columns of the reports' scorecard that :func:`~proforient.report.facts.funnels.
        funnels` reads — each organisation's counts, value and target of ``year`` and the
        district's value — taken from the indicator table as the scorecard takes them, without
        the peer comparisons the scorecard also computes (seconds, and no part of a funnel)."""
        rows = self.results.indicators
        rows = rows[rows["year"] == year]
        district = rows[rows["scope"] == "district"].set_index("indicator_id")["value"]
        card = rows[rows["scope"] == "org"]
        return card.assign(org_id=card["org_id"].astype(str),
                           district_value=card["indicator_id"].map(district))

    def lagging(self, indicator_id: str, year: str | None = None) -> pd.DataFrame:
        """The schools below the funnel's lower limits and how their share changed.

        Parameters
        ----------
        indicator_id : str
            A share indicator of schools (see :meth:`funnel`).
        year : str, optional
            Default the latest year.

        Returns
        -------
        DataFrame
            The rows of :meth:`funnel` with ``position`` ``far_below`` or ``below`` (lowest
            share first), with the change against the previous year from :meth:`trends`:
            ``indicator_id, title, org_id, org_name, numerator, denominator, share, p0,
            target, position, prev_year, prev_value, change, p_value, significant``. Empty when
            no school lies below the limits.
        """
        year = self._one_year(year)
        funnel = self.funnel(indicator_id, year)
        below = funnel[funnel["position"].isin(["far_below", "below"])]
        trend = self.trends(indicator_id, year)
        trend = trend.loc[trend["year"] == year, ["org_id", "prev_year", "prev_value",
                                                  "change", "p_value", "significant"]]
        return below.merge(trend, on="org_id", how="left").reset_index(drop=True)

    # -- graduates (aggregates) ------------------------------------------------------------

    def graduates_by_school(self, year: str | None = None, grade: int | None = None
                            ) -> pd.DataFrame:
        """The graduate indicators of every school and year as counts and shares.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year.
        grade : {9, 11}, optional
            Only the graduates of this grade (the same rules counted over them alone);
            default both grades — the indicator table's figures.

        Returns
        -------
        DataFrame
            One row per school and year with graduates (columns :data:`GRADUATE_COLUMNS`,
            ``grade`` only when a grade is asked for):

            - ``graduates`` — graduates of grades 9 and 11;
            - ``admitted`` — of them, entered a college or university (СПО or ВО);
            - ``admitted_checked`` — entrants with a checked profile (not universal, not
              empty): the denominator of ``admitted_by_profile_share``;
            - ``admitted_by_profile`` — of them, whose specialty's group (УГС) is one of the
              profile's groups (an unresolved specialty is not);
            - ``grade11_checked``, ``ege_match`` — grade-11 graduates with a checked profile, and
              those whose ЕГЭ subjects match it;
            - ``in_demand`` — entrants whose specialty is on the demand list (``<NA>`` in a
              year the list does not cover); its share is of all ``graduates``;
            - ``*_share`` — the indicator table's value (NaN with a zero denominator or where
              the indicator does not apply); for one grade, numerator / denominator (NaN with a
              zero denominator).

            Counts come from :func:`proforient.compute.alignment.graduate_indicator_counts`
            and :func:`proforient.report.facts.destinations.destinations`, shares from the
            indicator table. Aggregates, but small ones: not for publication as they are.

        Raises
        ------
        ValueError
            For a year not in the data or a grade other than 9 and 11.
        """
        if year is not None:
            year = self._one_year(year)
        if grade is not None:
            grade = self._grade(grade)
        return self._once(("graduates_by_school", year, grade),
                          lambda: self._graduates_by_school(year, grade))

    def admissions_by_profile(self, year: str | None = None, grade: int | None = None
                              ) -> pd.DataFrame:
        """Entrants by profile in each school: how many entered a specialty of their profile.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year.
        grade : {9, 11}, optional
            Only this grade's graduates (``grade=11``: after the profile classes); default
            both.

        Returns
        -------
        DataFrame
            The columns of :meth:`graduates_by_school` about admissions: ``year, org_id,
            org_name`` (``grade``), ``graduates, admitted, admitted_checked,
            admitted_by_profile, admitted_by_profile_share`` — aggregates, no personal rows.
        """
        table = self.graduates_by_school(year, grade)
        keep = ["year", "org_id", "org_name", "grade", "graduates", "admitted",
                "admitted_checked", "admitted_by_profile", "admitted_by_profile_share"]
        return table[[c for c in keep if c in table]]

    def _graduates_by_school(self, year: str | None, grade: int | None) -> pd.DataFrame:
        if grade is None:
            counts = self.results.graduate_counts
        else:
            aligned = self.results.aligned
            counts = alignment.graduate_indicator_counts(
                aligned[(aligned["grade"] == grade).fillna(False).to_numpy()],
                self.params.rules)
        if year is not None:
            counts = counts[counts["year"] == year]
        table = counts[["year", "org_id"]].drop_duplicates().reset_index(drop=True)
        shares = self.results.indicators
        shares = shares[shares["scope"] == "org"].assign(org_id=shares["org_id"].astype(str))
        for ind, (num, den, share) in _GRADUATE_SIDES.items():
            mine = counts[counts["indicator_id"] == ind].rename(
                columns={"numerator": num, "denominator": den})
            table = table.merge(mine[["year", "org_id", num, den]], on=["year", "org_id"],
                                how="left")
            if grade is None:
                value = shares[shares["indicator_id"] == ind].rename(columns={"value": share})
                table = table.merge(value[["year", "org_id", share]], on=["year", "org_id"],
                                    how="left")
            else:
                ratio = table[num].astype("Float64") / table[den].where(table[den] > 0)
                table[share] = ratio.astype("float64")
        table = table.merge(self._admitted(table["year"].unique(), grade),
                            on=["year", "org_id"], how="left")
        table["admitted"] = table["admitted"].fillna(0).astype("int64")
        table = self._readable(table)
        columns = list(GRADUATE_COLUMNS)
        if grade is not None:
            columns.insert(columns.index("org_name") + 1, "grade")
            table["grade"] = grade
        return table[columns].sort_values(["year", "org_id"]).reset_index(drop=True)

    def _admitted(self, years, grade: int | None = None) -> pd.DataFrame:
        """``year, org_id, admitted``: graduates (of ``grade``) who entered a college or
        university."""
        parts = []
        graduates = self.dataset.graduates
        if grade is not None:
            graduates = graduates[(graduates["grade"] == grade).fillna(False).to_numpy()]
        for year in years:
            dest = destinations(graduates, year)
            dest = dest[dest["destination"].isin(ADMITTED_DESTINATIONS)]
            parts.append(dest.groupby("org_id", as_index=False)["graduates"].sum()
                         .assign(year=year))
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["org_id", "graduates", "year"])
        return frame.rename(columns={"graduates": "admitted"})[["year", "org_id", "admitted"]]

    def supply_demand(self, year: str | None = None) -> Analysis:
        """Graduates entering each in-demand group of specialties (УГС) against the vacancies.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year.

        Returns
        -------
        Analysis
            :func:`proforient.compute.alignment.supply_demand`. ``table``: one row per year,
            territory and group the demand list names — ``year, territory, territory_label,
            ugs_code, ugs_name, demand_entries, vacancies, entries_without_vacancies,
            graduates_entered, graduates_on_list, gap``. ``sample``: every graduate, counted
            (entrants with a resolved specialty) or left out and why.
        """
        def compute() -> Analysis:
            result = alignment.supply_demand(self._aligned(year), self.dataset.demand,
                                             self.params.classifier)
            table = _after(result.table, "territory", "territory_label",
                           result.table["territory"].map(TERRITORIES.labels))
            return Analysis(table=table, sample=result.sample, details=result.details)

        return self._once(("supply_demand", self._year_or_all(year)), compute)

    def unchosen_demand(self, year: str | None = None) -> pd.DataFrame:
        """The in-demand groups of specialties no graduate of the year entered.

        Parameters
        ----------
        year : str, optional
            Default the latest year.

        Returns
        -------
        DataFrame
            The rows of :meth:`supply_demand` whose ``graduates_on_list`` is 0 — the groups
            (УГС) the demand list of a territory names and no graduate entered a listed
            specialty of — most vacancies first: ``year, territory, territory_label,
            ugs_code, ugs_name, demand_entries, vacancies, entries_without_vacancies,
            graduates_entered, graduates_on_list, gap``.
        """
        table = self.supply_demand(self._one_year(year)).table
        table = table[table["graduates_on_list"] == 0]
        return table.sort_values(["vacancies", "territory", "ugs_code"],
                                 ascending=[False, True, True], kind="stable",
                                 na_position="last").reset_index(drop=True)

    def profile_flows(self, year: str | None = None) -> Analysis:
        """Where the entrants of each study profile went: profile → group of specialties.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year.

        Returns
        -------
        Analysis
            :func:`proforient.compute.alignment.profile_flows`. ``table``: ``year, profile,
            profile_label, ugs_code, ugs_name, graduates, share`` (of the profile's entrants
            that year), ``by_profile`` (the group is one of the profile's; ``<NA>`` for an
            unchecked or empty profile). ``sample``: who was counted and who left out.
        """
        def compute() -> Analysis:
            result = alignment.profile_flows(self._aligned(year), self.params.classifier)
            labels = {code: p.label for code, p in self.params.rules.profiles.items()}
            table = _after(result.table, "profile", "profile_label",
                           result.table["profile"].map(labels))
            return Analysis(table=table, sample=result.sample, details=result.details)

        return self._once(("profile_flows", self._year_or_all(year)), compute)

    def study_location(self, year: str | None = None) -> Analysis:
        """Where the entrants study: in the district, the republic, elsewhere, unknown.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year.

        Returns
        -------
        Analysis
            :func:`proforient.compute.alignment.study_location` with the district's place
            names (``parameters/settings.yaml``). ``table``: ``year, location, label,
            graduates, share``; ``details["unrecognised"]``: the typed regions no rule reads.
        """
        return self._once(("study_location", self._year_or_all(year)),
                          lambda: alignment.study_location(
                              self._aligned(year), self.params.rules.study_region_places))

    def specialty_review(self, year: str | None = None) -> pd.DataFrame:
        """Typed specialty names to review, one row per name however many typed it.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year.

        Returns
        -------
        DataFrame
            :func:`proforient.compute.specialties.review_list`: ``specialty_name, graduates,
            resolved_by, match_score, candidate_code, candidate_name, unknown_codes``, most
            frequent first. One line in ``parameters/specialty_aliases.csv`` fixes every
            graduate of a row. Free text as the schools typed it: for the analyst.
        """
        return self._once(("specialty_review", self._year_or_all(year)),
                          lambda: review_list(self._aligned(year)))

    def graduate_rows(self, year: str | None = None, org_id: str | None = None
                      ) -> pd.DataFrame:
        """**Personal data — for the analyst only.** One row per graduate with the alignment.

        Never display these rows in a shared notebook or report, nor send them: a row
        describes one young person (school, year, grade, profile, destination, specialty). Use
        the aggregates above for anything shared.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year.
        org_id : str, optional
            Only this school.

        Returns
        -------
        DataFrame
            :func:`proforient.compute.alignment.align_graduates`: the columns of
            ``proforient alignment`` (:data:`~proforient.compute.alignment.ALIGNMENT_COLUMNS`)
            and the extra ones (:data:`~proforient.compute.alignment.EXTRA_COLUMNS`).
        """
        rows = self._aligned(year)
        if org_id is not None:
            rows = rows[(rows["org_id"] == self._org(org_id)).fillna(False).to_numpy()]
        return rows.reset_index(drop=True)

    # -- reports -------------------------------------------------------------------------

    def run_reports(self, schools: Sequence[str] | None = None, year: str | None = None,
                    out_dir: str | Path | None = None, jobs: int | None = None,
                    progress: bool = True) -> BatchResult:
        """Build the reports of this district's data from a notebook cell (``proforient
        report``).

        Parameters
        ----------
        schools : sequence of str, optional
            Only these schools (``org_id``: ``["sch-01", "sch-02"]``), with the district's and
            the graduates' reports; the other schools' reports of the previous run are kept.
            Default every school.
        year : str, optional
            Default the latest year.
        out_dir : str or Path, optional
            Default ``outputs/<year>/`` of the project folder, as ``proforient report``.
        jobs : int, optional
            Notebooks run at once; default one per core.
        progress : bool, default True
            Show the progress bar.

        Returns
        -------
        BatchResult
            Its summary is printed; ``.index`` is the contents page, ``.failed`` the reports
            that failed.

        Raises
        ------
        ValueError
            For a year or a school the data do not have (before anything runs).
        InputError
            As ``proforient report`` (an output folder that cannot be used…).
        """
        from proforient.batch.run import run_report

        year = self._one_year(year)
        if schools is not None:
            if isinstance(schools, str):
                schools = [s.strip() for s in schools.split(",") if s.strip()]
            schools = [self._org(s) for s in schools]
        result = run_report(self.dataset.path, year, out_dir, jobs, schools, progress=progress,
                            say=print)
        print(result.summary())
        return result

    # -- helpers ---------------------------------------------------------------------------

    def _once(self, key: Hashable, compute: Callable[[], Any], copy: bool = True) -> Any:
        """``compute()``, computed once per district and ``key``; a copy is handed out
        (``copy=False``: the cached object, for a caller that only selects from it)."""
        try:
            value = self._cache[key]
        except KeyError:
            value = self._cache[key] = compute()
        return _copy(value) if copy else value

    def _year_or_all(self, year: str | None) -> str | None:
        return None if year is None else self._one_year(year)

    def _grade(self, grade: int) -> int:
        try:
            value = int(grade)
        except (TypeError, ValueError):
            value = None
        if value not in GRADUATE_GRADES:
            raise ValueError(f"класс «{grade}»: выпускники — только 9 и 11 классов")
        return value

    def _aligned(self, year: str | None) -> pd.DataFrame:
        aligned = self.results.aligned
        if year is None:
            return aligned
        return aligned[(aligned["year"] == self._one_year(year)).to_numpy()]

    def _one_year(self, year: str | None) -> str:
        if year is None:
            return self.latest_year
        if year not in self.years:
            raise ValueError(f"года «{year}» нет в данных; есть: {', '.join(self.years)}")
        return year

    def _org(self, org_id: str) -> str:
        known = list(self.dataset.organizations["org_id"])
        if org_id not in set(known):
            raise ValueError(f"организации «{org_id}» нет в organizations.csv набора "
                             f"«{self.name}»; есть: {', '.join(sorted(known))}")
        return org_id

    def _school_share(self, indicator_id: str, year: str) -> str:
        """``indicator_id`` when it is a share of schools in ``year``'s roadmap, else a
        ValueError naming the ones that are."""
        indicator_id = self._indicator(indicator_id)
        definitions = self.params.roadmaps.definitions_for(year).indicators
        shares = [ind.id for ind in definitions
                  if ind.kind == "share" and "school" in ind.applies_to]
        if indicator_id not in shares:
            ind = next((i for i in definitions if i.id == indicator_id), None)
            what = ("нет в дорожной карте этого года" if ind is None
                    else f"не доля школ ({INDICATOR_KINDS.labels[ind.kind]}, "
                         f"для: {', '.join(ind.applies_to)})")
            raise ValueError(f"показатель «{indicator_id}» {what}: воронку можно построить "
                             f"только для доли школ; доли школ {year}: {', '.join(shares)}")
        return indicator_id

    def _indicator(self, indicator_id: str) -> str:
        known = {ind.id for roadmap in self.params.roadmaps.by_year.values()
                 for ind in roadmap.indicators}
        if indicator_id not in known:
            raise ValueError(f"показателя «{indicator_id}» нет в дорожных картах; есть: "
                             f"{', '.join(sorted(known))}")
        return indicator_id

    def _readable(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with ``org_name`` after ``org_id`` and, when it has ``indicator_id`` and
        ``year``, ``title`` after ``indicator_id`` (the wording of the roadmap that computed
        that year)."""
        out = frame.copy()
        names = self.dataset.organizations.set_index("org_id")["name"].map(short_name)
        if "org_id" in out:
            out = _after(out, "org_id", "org_name",
                         out["org_id"].astype("object").map(names).astype("string"))
        if "indicator_id" in out and "year" in out:
            titles = {(year, ind.id): ind.title for year in out["year"].unique()
                      for ind in self.params.roadmaps.definitions_for(year).indicators}
            out = _after(out, "indicator_id", "title", pd.array(
                [titles.get(k) for k in zip(out["year"], out["indicator_id"], strict=True)],
                dtype="string"))
        return out


def _copy(value: Any) -> Any:
    """A copy of a cached frame or analysis, for the caller to change freely."""
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, Analysis):
        return Analysis(table=value.table.copy(), sample=value.sample.copy(),
                        details={k: v.copy() for k, v in value.details.items()})
    return value


def _after(frame: pd.DataFrame, column: str, name: str, values) -> pd.DataFrame:
    """``frame`` with a column ``name`` (a readable label) right after ``column``."""
    frame.insert(frame.columns.get_loc(column) + 1, name, values)
    return frame


def open_district(data_dir: str | Path | None = None,
                  params: DistrictParameters | None = None) -> District:
    """Load, validate and compute a district's data folder, to explore it.

    Parameters
    ----------
    data_dir : str or Path, optional
        The dataset folder (``organizations.csv``, ``measures.csv``…); default the demo
        district (:data:`proforient.paths.DEMO_DATA_DIR`, synthetic data). A relative path is
        looked for under the working folder, then under the project's
        (:func:`proforient.paths.find_data_dir`): ``open_district("data/район")`` and
        ``open_district("../data/район")`` both work from ``notebooks/``.
    params : DistrictParameters, optional
        The district's parameters; default the project's ``parameters/`` folder.

    Returns
    -------
    District

    Raises
    ------
    InputError
        With every error of the data or the parameters (file, line, column, in Russian), as
        ``proforient validate`` prints them; a folder not found names the full paths tried.
    """
    return District(run(Path(data_dir) if data_dir is not None else DEMO_DATA_DIR, params))
