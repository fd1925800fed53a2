"""What every report of a batch may show, decided once and kept in the context.

The batch calls :func:`prepare` before the notebooks run, so the snapshot carries the facts and
every report's decision; a notebook only reads them. In JupyterLab each decision is made the
first time a report asks for it.

The reports are one publication: the graduates report is decided first, then the schools in
turn, each taking as given everything decided before it (the cells pages share agree, and each
audit sees every page decided so far), so holding all the pages side by side recovers nothing
either. The district report shows no count of these people.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from proforient.compute.alignment import ADMITTED_DESTINATIONS
from proforient.report import cells
from proforient.report.context import ReportContext
from proforient.report.graduates import publication as graduates_publication
from proforient.report.publish import Published, parse_key
from proforient.report.school import publication as school_publication
from proforient.report.school.analysis import analyse
from proforient.vocab import DESTINATIONS

__all__ = ["graduates", "prepare", "school", "withheld_notes"]


def school(ctx: ReportContext, org_id: str) -> Published:
    """What the report of school ``org_id`` may show (decided with every school's: a reader
    holds all the school pages together)."""
    name = f"school:{org_id}"
    if name not in ctx.publications:
        _schools(ctx)
    return ctx.publications[name]


#: Times the whole publication is decided, at most.
ROUNDS = 3


def _schools(ctx: ReportContext, on_page: Callable[[int, int, int], None] | None = None
             ) -> None:
    """Decide every school's report in turn, each taking as given what the graduates report
    and the schools before it publish: the cells the pages share agree, and each audit sees
    every page decided so far — the district's shares beside each table tie them together.

    A school decided late can find one of its counts pinned by what earlier pages already
    show (another school's grade total, with the district's; the district's share of a rare
    destination, less the other schools' cells); no cell of its own can help then. The whole
    publication is decided again with the cell of another report tied to it hidden there (a
    school's before the district's, the smallest), or, when no such cell is known, with the
    district's shares of that grade and destination hidden everywhere — at most
    :data:`ROUNDS` times. A fix that hides the district's shares of a grade (its total, or the
    shares) waits a round while other fixes are tried: those often free the cell too. The
    round that leaves the fewest such cells stands (the earliest of equals: hiding more that
    frees nothing would only cost the reader). A round decides again only from the first
    page whose inputs changed: the pages before it stand as they were (on the demo's latest
    year, 42 decisions instead of 63). The last round stops as soon as it has as many such
    cells as the best round before it: it can no longer stand, and no round follows that its
    remaining pages would inform."""
    forced: set[str] = set()
    year = ctx.year
    best: tuple[int, dict] | None = None
    last: dict[str, tuple[Published, frozenset[str]]] = {}  # the previous round's decisions
    for round_ in range(ROUNDS):
        schools = ctx.facts.orgs.loc[ctx.facts.orgs["kind"] == "school", "org_id"]
        pages = [("graduates", functools.partial(_decide_graduates, ctx, forced=set(forced)))]
        pages += [(f"school:{org_id}", functools.partial(
            _decide_school, ctx, org_id, forced=set(forced))) for org_id in schools]
        decided: list[Published] = []
        unchanged = True  # every page so far is last round's decision
        for name, decide in pages:
            before = last.get(name)
            unchanged = unchanged and _same_inputs(before, forced)
            decided.append(before[0] if unchanged else decide(alongside=list(decided)))
            ctx.publications[name] = decided[-1]
            if on_page is not None:
                on_page(round_ + 1, len(decided), len(pages))
            if round_ == ROUNDS - 1 and _cannot_win(decided, best):
                break  # the last round stands no more: its other pages would teach nothing
        if len(decided) < len(pages):
            break
        last = {name: (pub, frozenset(forced & set(pub.items)))
                for (name, _), pub in zip(pages, decided, strict=True)}
        pinned = {key: tied for pub in decided for key, tied in pub.pinned_elsewhere.items()}
        if best is None or len(pinned) < best[0]:
            best = (len(pinned), dict(ctx.publications))
        fixes = {}
        for key, tied in pinned.items():
            free = [k for k in tied if k not in forced]
            fixes[key] = {free[0]} if free else {
                cells.district_destination(year, int(grade), code)[2]
                for grade, code in _grade_destinations(key)}
        # a fix that hides the district's shares of a grade (its total, or the shares
        # themselves) waits while another fix is being tried: that one often frees the
        # cell too (seed 20's 2021-22: one count hidden for r-01's army leaver of grade 11
        # also freed r-05's, and the district's 32 of grade 11, with its shares, stayed)
        cheap = set().union(*(f for f in fixes.values()
                              if not any(_costly(c) for c in f))) - forced
        more = cheap or set().union(*fixes.values()) - forced
        if not pinned or not more:
            break
        forced |= more
        ctx.publications.clear()
    ctx.publications.clear()
    ctx.publications.update(best[1])


def _cannot_win(decided: list[Published], best: tuple[int, dict] | None) -> bool:
    """Whether a round whose pages so far are ``decided`` can no longer stand: a round stands
    only with fewer cells pinned elsewhere than every round before it, and each page decided
    can only add to them."""
    if best is None:
        return False
    return len(set().union(*(pub.pinned_elsewhere for pub in decided))) >= best[0]


def _costly(key: str) -> bool:
    """Whether hiding a cell hides the district's shares of a grade: the district's graduates
    of a grade (or of every grade), the denominators of those shares, or one of the shares.

    >>> _costly("g|grade=11|year=2021-2022"), _costly("g|checked=1|grade=11|year=2021-2022")
    (True, False)
    """
    if key.startswith("share:"):
        return True
    _, where = parse_key(key)
    return "org_id" not in where and set(where) <= {"grade", "year"}


def _same_inputs(before: tuple[Published, frozenset[str]] | None, forced: set[str]) -> bool:
    """Whether a page decided last round (its decision and the forced cells among its own)
    would be decided the same now — called only while every page before it is last round's
    too: its decision is a function of those pages and of its own cells forced hidden."""
    return before is not None and before[1] == forced & set(before[0].items)


def _decide_graduates(ctx: ReportContext, forced: set[str], alongside: list[Published]
                      ) -> Published:
    """The graduates report's decision (the first: nothing is decided before it)."""
    return graduates_publication.publish(ctx, forced)


def _decide_school(ctx: ReportContext, org_id: str, forced: set[str],
                   alongside: list[Published]) -> Published:
    """The decision of one school's report, given the pages decided before it."""
    return school_publication.publish(ctx.facts, analyse(ctx.facts, org_id),
                                      ctx.rules.suppression_threshold, alongside=alongside,
                                      forced=forced, ledger=ctx.ledger)


def _grade_destinations(key: str) -> list[tuple[str, str]]:
    """The (grade, destination) pairs whose district shares bear on a cell: its own
    destinations, and «admitted» when one of them is a study place; every destination when the
    cell names none.

    >>> _grade_destinations("g|destination=army|grade=11|org_id=a|year=2021-2022")
    [('11', 'army')]
    >>> _grade_destinations("g|destination=spo|grade=9|org_id=a|year=2021-2022")
    [('9', 'admitted'), ('9', 'spo')]
    """
    where = parse_key(key)[1]
    codes = set(where.get("destination", DESTINATIONS.codes))
    if codes & set(ADMITTED_DESTINATIONS):
        codes.add("admitted")
    return sorted((grade, code) for grade in where.get("grade", ()) for code in codes)


def graduates(ctx: ReportContext) -> Published:
    """What the graduates report may show (decided with the schools' reports)."""
    if "graduates" not in ctx.publications:
        _schools(ctx)
    return ctx.publications["graduates"]


def prepare(ctx: ReportContext, on_page: Callable[[int, int, int], None] | None = None
            ) -> ReportContext:
    """Compute the facts and every report's publication decision (the batch does this once).

    Parameters
    ----------
    ctx : ReportContext
        The batch's context.
    on_page : callable, optional
        Told after each report's decision: the round (from 1), the reports decided in it so
        far and the reports of a round — the batch's progress bar.

    Returns
    -------
    ReportContext
        The same context, filled in.
    """
    _schools(ctx, on_page)
    return ctx


def withheld_notes(ctx: ReportContext, reports: Iterable[str] | None = None) -> list[str]:
    """The run summary's sentences on tables withheld because nothing else protected them
    (Russian, for the analyst: which report, which cell, why), for ``reports`` (names as in
    :attr:`ReportContext.publications`: ``"graduates"``, ``"school:<org_id>"``; default
    every one). Every school's page is decided, but a run that renders some of them speaks
    of those only."""
    names = dict(zip(ctx.facts.orgs["org_id"], ctx.facts.orgs["name"], strict=True))
    wanted = None if reports is None else set(reports)
    notes = []
    for report, published in ctx.publications.items():
        if not published.withheld or (wanted is not None and report not in wanted):
            continue
        kind, _, org_id = report.partition(":")
        who = f"отчёт школы {names.get(org_id, org_id)} ({org_id})" if kind == "school" \
            else "отчёт о выпускниках"
        for key, why in sorted(published.withheld.items()):
            notes.append(f"Таблица не опубликована — {who}, число «{cells.in_words(key)}»: "
                         f"{why}.")
    return notes
