"""What the graduates report may show: every count of graduates it publishes, declared once.

The per-school table and the district row are protected together (the district is the sum of
its schools), and so are the supply/demand and the profile × group tables (the entrants of a
group are the column total of the second). Names typed by fewer than ``threshold`` graduates are
not published at all: a single graduate's free text never reaches the page.
"""

from __future__ import annotations

from proforient.compute.alignment import GRADUATE_INDICATORS, STUDY_LOCATIONS
from proforient.parameters.classifier import normalise_name
from proforient.report import cells
from proforient.report.context import ReportContext
from proforient.report.graduates.analysis import OTHER_GROUPS, GraduatesAnalysis, analyse
from proforient.report.publish import Count, Disclosure, Published, Share
from proforient.vocab import DESTINATIONS

__all__ = ["Keys", "declare", "publish"]


class Keys:
    """The keys of the graduates report's counts, for one year."""

    def __init__(self, analysis: GraduatesAnalysis) -> None:
        self.a = analysis
        self.year = analysis.year
        self.others = tuple(sorted(set(analysis.flows.table["ugs_code"].dropna())
                                   - set(analysis.groups)))

    def indicator(self, ind: str, org_id: str | None) -> tuple[str, str, str]:
        num, den = cells.graduate_indicator(ind, org_id, self.year)
        return num, den, cells.share(num, den)

    def overview(self) -> dict[str, str]:
        return {"all": cells.graduates(None, self.year),
                "grade9": cells.graduates(None, self.year, grade="9"),
                "grade11": cells.graduates(None, self.year, grade="11"),
                "admitted": cells.admitted(None, self.year)}

    def unresolved(self) -> str:
        """Entrants of the district whose specialty is not recognised."""
        return cells.admitted(None, self.year, resolved="0")

    def entered(self, group: str | None = None, profile: str | None = None) -> str:
        """Entrants with a resolved specialty (of a group, of a profile)."""
        where: dict = {"resolved": "1"}
        if group == OTHER_GROUPS:
            where["ugs"] = self.others
        elif group is not None:
            where["ugs"] = group
        if profile is not None:
            where["profile"] = profile
        return cells.admitted(None, self.year, **where)

    def on_list(self, territory: str, group: str) -> str:
        return cells.admitted(None, self.year, resolved="1", ugs=group,
                              **{f"on_{territory}": "1"})

    def location(self, year: str, location: str | None) -> str:
        return cells.admitted(None, year) if location is None else \
            cells.admitted(None, year, location=location)

    def review(self, name: object) -> str:
        return cells.admitted(None, self.year, review=normalise_name(name) or "none")


def declare(analysis: GraduatesAnalysis, threshold: int) -> list[Count | Share]:
    """Every count and share of graduates the graduates report shows."""
    k = Keys(analysis)
    items: list[Count | Share] = []
    for ind in GRADUATE_INDICATORS:
        for org in [*analysis.schools["org_id"], None]:
            if org is not None and not ((analysis.by_school["org_id"] == org)
                                        & (analysis.by_school["indicator_id"] == ind)).any():
                continue
            if not analysis.known(ind, org):
                continue  # «нет данных»: no count to publish
            num, den, share = k.indicator(ind, org)
            total = org is None
            items += [Count(num, total=total), Count(den, total=total), Share(share, num, den)]
    items += [Count(key, total=True) for key in k.overview().values()]
    # entrants whose specialty is not recognised (admitted less those recognised: both shown)
    items.append(Count(k.unresolved(), total=True))
    # the district's destination shares printed beside every school's table: decided here,
    # once, so that every school page shows the same and each school's audit takes them as given
    for grade in (9, 11):
        for code in (*DESTINATIONS.codes, "admitted"):
            num, den, share = cells.district_destination(analysis.year, grade, code)
            items.append(Share(share, num, den, with_counts=False, complement=False))
    supply = analysis.supply.table
    for r in supply[supply["year"] == analysis.year].itertuples(index=False):
        items += [Count(k.entered(r.ugs_code), total=True), Count(k.on_list(r.territory,
                                                                            r.ugs_code))]
    profiles = analysis.flows.table["profile"].fillna("na").unique()
    items.append(Count(k.entered(), total=True))
    for profile in profiles:
        items.append(Count(k.entered(profile=profile), total=True))
        for group in [*analysis.groups, OTHER_GROUPS]:
            if group == OTHER_GROUPS and not k.others:
                continue
            items.append(Count(k.entered(group, profile)))
    for group in analysis.groups:
        items.append(Count(k.entered(group), total=True))
    if k.others:
        items.append(Count(k.entered(OTHER_GROUPS), total=True))
    for year in sorted(analysis.location.table["year"].unique()):
        total = k.location(year, None)
        items.append(Count(total, total=True))
        for loc in STUDY_LOCATIONS:
            key = k.location(year, loc)
            items += [Count(key), Share(cells.share(key, total), key, total)]
    review = analysis.review
    for name in review.loc[review["graduates"] >= threshold, "specialty_name"]:
        items.append(Count(k.review(name)))
    return items


def publish(ctx: ReportContext, forced: set[str] | None = None) -> Published:
    """Protect the graduates report's cells (``forced``: keys hidden whatever their value;
    what earlier batches published, ``ctx.ledger``, is given)."""
    analysis = analyse(ctx)
    rules = Disclosure({"g": ctx.facts.graduates}, ctx.rules.suppression_threshold)
    rules.add_all(declare(analysis, ctx.rules.suppression_threshold))
    rules.forced |= set(forced or ())
    rules.add_ledger(ctx.ledger)
    return rules.protect()
