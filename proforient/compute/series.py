"""Series of an indicator across the years, and where its definition changed.

A roadmap's indicator continues the previous roadmap's indicator of the same id, or the one it
names with ``continues:``; ``change:`` says what changed in its definition
(docs/indicators.md, «Ряды по годам»). A *series* is such a chain, named by its earliest id.
A *break* is the first roadmap year of a changed definition: trends join the years of a series
but never compare a year before a break with a year after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from proforient.parameters.roadmap import Roadmap, Roadmaps, predecessor

__all__ = ["Break", "SeriesMap", "series_map"]


@dataclass(frozen=True)
class Break:
    """A change of an indicator's definition, from the roadmap of ``year`` on."""

    #: the first roadmap year (``YYYY-YYYY``) computed by the new definition
    year: str
    #: the id of the indicator before (in the previous roadmap) and after the change
    previous_id: str
    indicator_id: str
    #: what changed, in Russian, as the roadmap says (``change:``); may be empty
    change: str

    @property
    def label(self) -> str:
        """The short mark of the break: «с 2023-2024 считается по-другому»."""
        return f"с {self.year} считается по-другому"

    @property
    def sentence(self) -> str:
        """The break in a sentence: «С <год> » and what changed, as the roadmap words it
        (``change:`` continues «с 2023-2024 …»), or that the indicator is computed otherwise.

        >>> Break("2023-2024", "a", "b", "считается по онлайн-диагностике, 6–11 классы").sentence
        'С 2023-2024 считается по онлайн-диагностике, 6–11 классы.'
        >>> Break("2023-2024", "a", "b", "").sentence
        'С 2023-2024 показатель считается по-другому.'
        """
        return f"С {self.year} {self.change.rstrip('.') or 'показатель считается по-другому'}."


@dataclass(frozen=True)
class SeriesMap:
    """Which series each roadmap's indicator belongs to, and each series' breaks.

    ``ids`` maps (roadmap year, indicator id) to the series id; ``breaks`` maps a series id to
    its breaks by year. A data year is read with the roadmap that defines it
    (:meth:`Roadmaps.definitions_for`): its own, the latest earlier one, or — before the first
    roadmap — the first.
    """

    roadmap_years: tuple[str, ...]
    ids: Mapping[tuple[str, str], str]
    breaks: Mapping[str, tuple[Break, ...]]

    def _roadmap_year(self, year: str) -> str:
        earlier = [y for y in self.roadmap_years if y <= year]
        return max(earlier) if earlier else min(self.roadmap_years)

    def series_id(self, year: str, indicator_id: str) -> str:
        """The series of the indicator ``indicator_id`` as computed in the data year ``year``
        (the id itself when no roadmap of that year defines it)."""
        return self.ids.get((self._roadmap_year(year), indicator_id), indicator_id)

    def segment(self, series_id: str, year: str) -> int:
        """How many breaks of the series lie at or before the data year ``year``: two years of
        a series share a definition exactly when they share the segment."""
        return sum(b.year <= year for b in self.breaks.get(series_id, ()))

    def break_between(self, series_id: str, earlier: str, later: str) -> Break | None:
        """The latest break of the series after the data year ``earlier`` up to ``later``
        (``None`` when both years share a definition)."""
        found = [b for b in self.breaks.get(series_id, ()) if earlier < b.year <= later]
        return found[-1] if found else None


def series_map(roadmaps: Roadmaps) -> SeriesMap:
    """Join each roadmap's indicators into series and find the breaks.

    Parameters
    ----------
    roadmaps : Roadmaps
        The district's roadmaps, checked by :func:`proforient.parameters.roadmap.load_roadmaps`
        (``continues`` names an indicator of the previous roadmap).

    Returns
    -------
    SeriesMap
        The series id of every (roadmap year, indicator id) — the earliest id of its chain —
        and, per series, the breaks: a roadmap year whose indicator continues another id or
        says ``change:``.

    Examples
    --------
    >>> from proforient.parameters.roadmap import Activity, Indicator, Roadmap
    >>> def rm(year, *inds):
    ...     return Roadmap(year, "", tuple(Activity(1, "", "", "", "", (), i) for i in inds))
    >>> old = Indicator("diag", "Д", "flag", ("school",), 1.0)
    >>> new = Indicator("bvb_diag", "БвБ", "flag", ("school",), 1.0, continues="diag",
    ...                 change="по онлайн-диагностике")
    >>> m = series_map(Roadmaps({"2021-2022": rm("2021-2022", old),
    ...                          "2023-2024": rm("2023-2024", new)}))
    >>> m.series_id("2024-2025", "bvb_diag"), m.series_id("2022-2023", "diag")
    ('diag', 'diag')
    >>> m.segment("diag", "2022-2023"), m.segment("diag", "2023-2024")
    (0, 1)
    >>> m.break_between("diag", "2022-2023", "2023-2024").change
    'по онлайн-диагностике'
    """
    years = tuple(sorted(roadmaps.by_year))
    ids: dict[tuple[str, str], str] = {}
    breaks: dict[str, list[Break]] = {}
    earlier: list[Roadmap] = []
    for year in years:
        roadmap = roadmaps.by_year[year]
        for ind in roadmap.indicators:
            found = predecessor(ind, earlier)
            if found is None:
                ids[(year, ind.id)] = ind.id
                continue
            series = ids.get(found, found[1])
            ids[(year, ind.id)] = series
            if found[1] != ind.id or ind.change:
                breaks.setdefault(series, []).append(Break(year, found[1], ind.id, ind.change))
        earlier.append(roadmap)
    return SeriesMap(years, ids, {s: tuple(b) for s, b in breaks.items()})
