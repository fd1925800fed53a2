"""What the school report may show: every count of people it publishes, declared and protected.

The page asks :class:`~proforient.report.publish.Published` for each of these cells and shows
nothing else about graduates or pupils with disabilities.
"""

from __future__ import annotations

from collections.abc import Mapping

from proforient.compute.alignment import GRADUATE_INDICATORS
from proforient.report import cells
from proforient.report.facts import DistrictFacts
from proforient.report.facts.scorecard import MISSING_INPUT
from proforient.report.publish import Count, Disclosure, Published, Share
from proforient.report.school.analysis import SchoolAnalysis
from proforient.vocab import DESTINATIONS

__all__ = ["declare", "publish", "reporting_peers", "summary_keys"]


def summary_keys(analysis: SchoolAnalysis) -> dict[str, str]:
    """The counts of the graduates section's «Кто учтён»; those of grade 11 only where the
    school teaches it (its pupils by grade, a public fact): a school of grades 1–9 has none, as
    anyone knows, and a «×» there would hide a zero the graduates report calls «не относится»."""
    org_id, year = analysis.org_id, analysis.year
    keys = {
        "graduates": cells.graduates(org_id, year),
        "admitted": cells.admitted(org_id, year),
        "admitted_checked": cells.admitted(org_id, year, checked="1"),
        "grade11_checked": cells.graduates(org_id, year, grade="11", checked="1"),
        "unresolved": cells.admitted(org_id, year, resolved="0"),
        "no_ege": cells.graduates(org_id, year, grade="11", checked="1", no_ege="1"),
        "in_demand_district": cells.admitted(org_id, year, in_demand="1", territory="district"),
        "in_demand_republic": cells.admitted(org_id, year, in_demand="1", territory="republic"),
    }
    if 11 not in analysis.org["grades"]:
        del keys["grade11_checked"], keys["no_ege"]
    return keys


def reporting_peers(facts: DistrictFacts, analysis: SchoolAnalysis, ind: str) -> list[str]:
    """The peers whose counts the scorecard pools for a share: those that report both."""
    card = facts.scorecard
    peers = card[(card["indicator_id"] == ind)
                 & card["org_id"].isin(set(analysis.org["peers"] or ()))
                 & card["numerator"].notna() & card["denominator"].notna()]
    return sorted(peers["org_id"])


def declare(analysis: SchoolAnalysis) -> list[Count | Share]:
    """Every count and share of people the school report shows — its own, and the district's
    share beside them (of pupils with disabilities: published nowhere else, so audited here;
    of graduates: the graduates report's, whose decision stands). A peer group's share is
    shown only where it is the sum of counts the graduates report shows (see
    :class:`~proforient.report.school.findings.Cards`)."""
    org_id, year = analysis.org_id, analysis.year
    items: list[Count | Share] = []
    for ind, reason in zip(analysis.card["indicator_id"], analysis.card["reason"], strict=True):
        if ind in analysis.sensitive and reason not in MISSING_INPUT:
            num, den = cells.indicator(ind, org_id, year)
            items += [Count(num), Count(den), Share(cells.share(num, den), num, den)]
            n, d = cells.indicator(ind, None, year)
            items.append(Share(cells.share(n, d), n, d, with_counts=False))
            if ind not in GRADUATE_INDICATORS:  # «3 из 4» says that one such pupil did not take
                # part: the rest is a count of the same people (health data), never shown,
                # declared so that it is protected like the others
                items.append(Count(cells.ovz(org_id, year, took_part=False), printed=False))
    if analysis.applies("graduates"):
        # the sentences of «Кто учтён» may leave a detail out rather than hide a table cell
        items += [Count(k, optional=name != "graduates")
                  for name, k in summary_keys(analysis).items()]
    for grade in sorted(analysis.destinations["grade"].unique()):
        total = cells.destination(org_id, year, grade, None)
        items.append(Count(total, total=True))
        for code in DESTINATIONS.codes:
            key = cells.destination(org_id, year, grade, code)
            items += [Count(key), Share(cells.share(key, total), key, total)]
        # the district's shares beside the table: with the district's grade totals (known
        # from the schools' pages) a percentage is a count, so they are audited like one
        for code in (*DESTINATIONS.codes, "admitted"):
            num, den, share = cells.district_destination(year, grade, code)
            items.append(Share(share, num, den, with_counts=False, complement=False))
    # an earlier year is published under the id it was computed with (a series may have
    # continued under another id since)
    earlier = analysis.trends[(analysis.trends["year"] < year)
                              & analysis.trends["year_indicator_id"].isin(
                                  list(analysis.sensitive))]
    for ind, y in zip(earlier["year_indicator_id"], earlier["year"], strict=True):
        for who in (org_id, None):  # the school's share and the district's beside it
            num, den = cells.indicator(ind, who, y)
            items.append(Share(cells.share(num, den), num, den, with_counts=False))
    return items


def publish(facts: DistrictFacts, analysis: SchoolAnalysis, threshold: int,
            alongside: Published | list[Published] | None = None,
            forced: set[str] | None = None, ledger: Mapping[str, str] | None = None
            ) -> Published:
    """Protect the school report's cells.

    Parameters
    ----------
    facts, analysis, threshold
        The district's facts, this school's analysis, the suppression threshold.
    alongside : Published or list of Published, optional
        What the graduates report (every school's graduate indicators and the district's) and
        the other schools' reports decided before this one publish: a reader can hold them
        side by side, so their decisions stand here and their cells enter this audit.
    forced : set of str, optional
        Keys hidden whatever their value.
    ledger : mapping, optional
        What earlier batches published (:mod:`proforient.report.ledger`), given.
    """
    rules = Disclosure({"g": facts.graduates, "o": facts.ovz}, threshold)
    for other in [alongside] if isinstance(alongside, Published) else alongside or []:
        rules.add_published(other)
    rules.add_all(declare(analysis))
    rules.forced |= set(forced or ())
    rules.add_ledger(ledger or {})
    return rules.protect()
