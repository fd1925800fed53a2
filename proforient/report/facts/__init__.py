"""The district's facts every report uses, computed once per batch.

:func:`compute_facts` builds them from the pipeline's results for the report's year; the batch
puts them into the snapshot, so a school's notebook only *reads* its rows — it never recomputes
peer groups, funnel positions or the district's figures (``COMPUTATIONS`` counts the runs of
:func:`compute_facts` in this process, which lets a test check that).

- :mod:`.orgs` — organisations: names, kind, size, grades, peer group;
- :mod:`.scorecard` — every indicator of every organisation beside the district and the peers;
- :mod:`.funnels` — every school's position in the funnel plot of every share indicator;
- :mod:`.participation` — participants by grade against pupils by grade;
- :mod:`.destinations` — where the graduates went, by school and grade;
- :mod:`.trends` — every share over the years, each change tested;
- ``review`` — the typed specialty names of the year to review
  (:func:`proforient.compute.specialties.review_list`): the graduates report shows the names
  typed by enough graduates, the batch writes the whole list to the analyst's folder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from proforient.compute.alignment import GRADUATE_INDICATORS
from proforient.compute.series import series_map
from proforient.compute.specialties import review_list
from proforient.pipeline import Results
from proforient.report.cells import sensitive_indicators
from proforient.report.facts.destinations import admitted_tests, destinations
from proforient.report.facts.funnels import funnel_curves, funnels
from proforient.report.facts.orgs import organisations
from proforient.report.facts.participation import participation
from proforient.report.facts.scorecard import scorecard
from proforient.report.facts.trends import trends
from proforient.report.people import graduate_people, ovz_people

__all__ = ["COMPUTATIONS", "DistrictFacts", "compute_facts"]

#: How many times this process computed the facts (a school notebook given a snapshot: 0).
COMPUTATIONS: Counter[str] = Counter()


@dataclass
class DistrictFacts:
    """The tidy frames of one year every report reads (codes, no Russian text).

    Attributes
    ----------
    year : str
    orgs, scorecard, funnels, funnel_limits, participation, destinations : DataFrame
        See the modules of this package.
    admitted, trends : DataFrame
        Likewise.
    graduates, ovz : DataFrame
        The people counted (:mod:`proforient.report.people`): personal data, used only to
        decide what may be published.
    review : DataFrame
        Every typed specialty name of the year that needs review (free text: for the analyst).
    sensitive : frozenset of str
        The indicators whose counts are of graduates or of sensitive people, in any roadmap
        (:func:`proforient.report.cells.sensitive_indicators`, from the measure catalogue).
    """

    year: str
    orgs: pd.DataFrame
    scorecard: pd.DataFrame
    funnels: pd.DataFrame
    funnel_limits: pd.DataFrame
    participation: pd.DataFrame
    destinations: pd.DataFrame
    admitted: pd.DataFrame
    trends: pd.DataFrame
    graduates: pd.DataFrame
    ovz: pd.DataFrame
    review: pd.DataFrame
    sensitive: frozenset[str] = frozenset()

    def org(self, org_id: str) -> pd.Series:
        """The row of one organisation (``KeyError`` if absent)."""
        rows = self.orgs[self.orgs["org_id"] == org_id]
        if rows.empty:
            raise KeyError(org_id)
        return rows.iloc[0]

    def of(self, frame: str, org_id: str) -> pd.DataFrame:
        """The rows of one organisation in one of the frames."""
        table = getattr(self, frame)
        return table[table["org_id"] == org_id].reset_index(drop=True)


def compute_facts(results: Results, year: str) -> DistrictFacts:
    """Compute the facts of ``year`` (once per batch).

    Parameters
    ----------
    results : Results
        The pipeline's results.
    year : str
        The report's year; judged by its roadmap.

    Returns
    -------
    DistrictFacts
    """
    COMPUTATIONS["facts"] += 1
    roadmap = results.params.roadmap(year)
    sensitive = sensitive_indicators(results.params.roadmaps.by_year.values(),
                                     results.params.measures)
    orgs = organisations(results, year)
    card = scorecard(results.indicators, roadmap, orgs, year)
    schools = orgs.loc[orgs["kind"] == "school", "org_id"]
    dest = destinations(results.dataset.graduates, year)
    positions = funnels(card, schools)
    return DistrictFacts(
        year=year,
        orgs=orgs,
        scorecard=card,
        funnels=positions,
        funnel_limits=funnel_curves(positions),
        participation=participation(results.dataset.measures, roadmap, year,
                                    results.params.measures),
        destinations=dest,
        admitted=admitted_tests(dest),
        trends=trends(results.indicators, year, series_map(results.params.roadmaps)),
        graduates=graduate_people(results.aligned, results.dataset.graduates,
                                  results.params.rules),
        ovz=ovz_people(results.indicators, sensitive - set(GRADUATE_INDICATORS)),
        review=review_list(results.aligned[results.aligned["year"] == year]),
        sensitive=sensitive,
    )
