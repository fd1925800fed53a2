"""The analyst's door: a short API for exploring a district in JupyterLab.

::

    from proforient.explore import open_district

    district = open_district()                       # the demo district (or a data folder)
    district.indicators(scope="district")            # the indicator table of every year
    district.school_trend("sch-01", "diagnostics_share")
    district.graduates_by_school()                   # profile, ЕГЭ and demand by school and year
    district.supply_demand().table                   # in-demand groups against the entrants

Nothing is computed here: every number is read from the pipeline's results
(:func:`proforient.pipeline.run`) or from the package function that the reports use for it, so a
figure explored here is the figure the reports show. This module only selects rows, joins names
and Russian labels, and lays tables out for reading. Column names stay English codes (as in the
rest of the package); the readable columns are ``org_name`` (the short name, «Ключевская СОШ
№ 1»), ``title`` (the roadmap's wording of an indicator) and ``*_label`` (a code in Russian).

``year=None`` means *every year* for the tables that have a ``year`` column, and *the latest
year* for the views of one year (:meth:`District.organisations`, :meth:`District.roadmap`,
:meth:`District.funnel`).

Personal data: the tables here are aggregates (counts of graduates per school and year, shares)
except :meth:`District.graduate_rows`, one row per graduate. All of them hold small counts the
shared reports hide («<3»): they are the analyst's working material, not for publication — the
reports of ``proforient report`` are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from proforient.compute import alignment
from proforient.compute.alignment import Analysis
from proforient.compute.specialties import review_list
from proforient.dataset import Dataset
from proforient.names import short_name
from proforient.parameters import DistrictParameters
from proforient.paths import DEMO_DATA_DIR
from proforient.pipeline import Results, run
from proforient.report.facts.destinations import destinations
from proforient.report.facts.funnels import funnels
from proforient.report.facts.orgs import organisations
from proforient.report.facts.scorecard import scorecard
from proforient.report.facts.trends import trends
from proforient.vocab import ADMITTED_DESTINATIONS, KINDS, STATUSES, TERRITORIES

__all__ = ["GRADUATE_COLUMNS", "District", "open_district"]

#: Columns of :meth:`District.graduates_by_school`, in order.
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

    def __repr__(self) -> str:
        d = self.dataset
        return (f"District({self.name!r}, years {', '.join(self.years)}: "
                f"{len(d.organizations)} organisations, {len(d.graduates)} graduates)")

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

    def organisations(self, year: str | None = None) -> pd.DataFrame:
        """Every organisation with its size and its group of similar schools.

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
        orgs = organisations(self.results, self._one_year(year))
        return _after(orgs, "kind", "kind_label", orgs["kind"].map(KINDS.labels))

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
        table = self.results.indicators
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
        out = self._readable(table[keep.to_numpy()])
        out["status_label"] = out["status"].map(STATUSES.labels)
        return out.reset_index(drop=True)

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
        table = trends(self.results.indicators, last)
        if indicator_id is not None:
            table = table[table["indicator_id"] == self._indicator(indicator_id)]
        order = {ind.id: i for i, ind in
                 enumerate(self.params.roadmaps.definitions_for(last).indicators)}
        table = (table.assign(_order=table["indicator_id"].map(order))
                 .sort_values(["org_id", "_order", "year"], kind="stable")
                 .drop(columns="_order"))
        return self._readable(table).reset_index(drop=True)

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
            reports both counts, lowest share first.
        """
        year = self._one_year(year)
        indicator_id = self._indicator(indicator_id)
        orgs = organisations(self.results, year)
        card = scorecard(self.results.indicators, self.params.roadmaps.definitions_for(year),
                         orgs, year)
        card = card[card["indicator_id"] == indicator_id]
        positions = funnels(card, orgs.loc[orgs["kind"] == "school", "org_id"])
        positions = self._readable(positions.assign(year=year))
        return positions.drop(columns="year").sort_values("share", kind="stable").reset_index(
            drop=True)

    # -- graduates (aggregates) ------------------------------------------------------------

    def graduates_by_school(self, year: str | None = None) -> pd.DataFrame:
        """The graduate indicators of every school and year as counts and shares.

        Parameters
        ----------
        year : str, optional
            Only this year; default every year.

        Returns
        -------
        DataFrame
            One row per school and year with graduates (columns :data:`GRADUATE_COLUMNS`):

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
              the indicator does not apply).

            Counts come from :func:`proforient.compute.alignment.graduate_indicator_counts`
            and :func:`proforient.report.facts.destinations.destinations`, shares from the
            indicator table. Aggregates, but small ones: not for publication as they are.
        """
        counts = self.results.graduate_counts
        if year is not None:
            counts = counts[counts["year"] == self._one_year(year)]
        table = counts[["year", "org_id"]].drop_duplicates().reset_index(drop=True)
        shares = self.results.indicators
        shares = shares[shares["scope"] == "org"].assign(org_id=shares["org_id"].astype(str))
        for ind, (num, den, share) in _GRADUATE_SIDES.items():
            mine = counts[counts["indicator_id"] == ind].rename(
                columns={"numerator": num, "denominator": den})
            value = shares[shares["indicator_id"] == ind].rename(columns={"value": share})
            table = (table.merge(mine[["year", "org_id", num, den]], on=["year", "org_id"],
                                 how="left")
                     .merge(value[["year", "org_id", share]], on=["year", "org_id"],
                            how="left"))
        table = table.merge(self._admitted(table["year"].unique()), on=["year", "org_id"],
                            how="left")
        table["admitted"] = table["admitted"].fillna(0).astype("int64")
        table = self._readable(table)
        return table[GRADUATE_COLUMNS].sort_values(["year", "org_id"]).reset_index(drop=True)

    def _admitted(self, years) -> pd.DataFrame:
        """``year, org_id, admitted``: graduates who entered a college or university."""
        parts = []
        for year in years:
            dest = destinations(self.dataset.graduates, year)
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
        result = alignment.supply_demand(self._aligned(year), self.dataset.demand,
                                         self.params.classifier)
        table = _after(result.table, "territory", "territory_label",
                       result.table["territory"].map(TERRITORIES.labels))
        return Analysis(table=table, sample=result.sample, details=result.details)

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
        result = alignment.profile_flows(self._aligned(year), self.params.classifier)
        labels = {code: p.label for code, p in self.params.rules.profiles.items()}
        table = _after(result.table, "profile", "profile_label",
                       result.table["profile"].map(labels))
        return Analysis(table=table, sample=result.sample, details=result.details)

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
        return alignment.study_location(self._aligned(year),
                                        self.params.rules.study_region_places)

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
        return review_list(self._aligned(year))

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

    # -- helpers ---------------------------------------------------------------------------

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
        if org_id not in set(self.dataset.organizations["org_id"]):
            raise ValueError(f"организации «{org_id}» нет в organizations.csv набора "
                             f"«{self.name}»")
        return org_id

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
        district (:data:`proforient.paths.DEMO_DATA_DIR`, synthetic data).
    params : DistrictParameters, optional
        The district's parameters; default the project's ``parameters/`` folder.

    Returns
    -------
    District

    Raises
    ------
    InputError
        With every error of the data or the parameters (file, line, column, in Russian), as
        ``proforient validate`` prints them.
    """
    return District(run(Path(data_dir) if data_dir is not None else DEMO_DATA_DIR, params))
