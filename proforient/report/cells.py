"""The keys of the counts of people the reports publish — each key is the count's definition.

One place says which graduates make up «поступили по профилю» or «выпускники 11 класса с
проверяемым профилем», in the words of :mod:`proforient.report.people`. The definitions are the
same as :func:`proforient.compute.alignment.graduate_indicator_counts` (a test checks that both
give the same numbers for every school of the demo).
"""

from __future__ import annotations

from collections.abc import Iterable

from proforient.compute.alignment import (
    ADMITTED_BY_PROFILE,
    EGE_PROFILE_MATCH,
    GRADUATE_INDICATORS,
    IN_DEMAND_CHOICE,
)
from proforient.parameters.measures import MeasureCatalogue
from proforient.parameters.roadmap import Indicator, Roadmap
from proforient.report.publish import count_key, parse_key
from proforient.vocab import ADMITTED_DESTINATIONS, DESTINATIONS

__all__ = [
    "admitted",
    "destination",
    "district_destination",
    "graduate_indicator",
    "graduates",
    "in_words",
    "indicator",
    "ovz",
    "sensitive_indicators",
    "share",
]

ADMITTED = tuple(ADMITTED_DESTINATIONS)



def is_sensitive(indicator: Indicator, measures: MeasureCatalogue) -> bool:
    """Whether an indicator counts graduates (``source: graduates``) or reads a measure the
    catalogue marks ``sensitive`` (pupils with disabilities)."""
    if indicator.source == "graduates":
        return True
    return any(operand is not None and operand.measure in measures.sensitive
               for operand in (indicator.numerator, indicator.denominator))


def sensitive_indicators(roadmaps: Iterable[Roadmap], measures: MeasureCatalogue
                         ) -> frozenset[str]:
    """The indicators of ``roadmaps`` whose counts are of graduates or of sensitive people
    (:func:`is_sensitive`): their values, counts and statuses are published only as
    :mod:`proforient.report.publish` decides."""
    return frozenset(ind.id for roadmap in roadmaps for ind in roadmap.indicators
                     if is_sensitive(ind, measures))

#: The graduate indicators: (numerator conditions, denominator conditions).
_INDICATORS: dict[str, tuple[dict, dict]] = {
    ADMITTED_BY_PROFILE: ({"destination": ADMITTED, "checked": "1", "profile_aligned": "1"},
                          {"destination": ADMITTED, "checked": "1"}),
    EGE_PROFILE_MATCH: ({"grade": "11", "checked": "1", "ege_aligned": "1"},
                        {"grade": "11", "checked": "1"}),
    IN_DEMAND_CHOICE: ({"destination": ADMITTED, "in_demand": "1"}, {}),
}


def _scope(org_id: str | tuple[str, ...] | None, year: str) -> dict:
    return {"year": year} if org_id is None else {"org_id": org_id, "year": year}


def graduates(org_id: str | tuple[str, ...] | None, year: str, **where: object) -> str:
    """Graduates of a school (``None``: of the district) and year meeting ``where``."""
    return count_key("g", **_scope(org_id, year), **where)


def graduate_indicator(indicator_id: str, org_id: str | tuple[str, ...] | None, year: str
                       ) -> tuple[str, str]:
    """The keys of the numerator and denominator of a graduate indicator."""
    num, den = _INDICATORS[indicator_id]
    return graduates(org_id, year, **num), graduates(org_id, year, **den)


def admitted(org_id: str | None, year: str, **where: object) -> str:
    """Graduates who entered a college or university (and meet ``where``)."""
    return graduates(org_id, year, destination=ADMITTED, **where)


def destination(org_id: str, year: str, grade: int, code: str | None) -> str:
    """Graduates of a grade who went to ``code`` (``None``: all graduates of the grade)."""
    where = {"grade": str(grade)}
    if code is not None:
        where["destination"] = code
    return graduates(org_id, year, **where)


def district_destination(year: str, grade: int, code: str | None) -> tuple[str, str, str]:
    """The district's share of a grade's graduates who went to ``code`` (``"admitted"``: to a
    college or university), as printed beside a school's table: numerator, denominator, share
    keys."""
    where: dict = {"grade": str(grade)}
    den = graduates(None, year, **where)
    if code == "admitted":
        where["destination"] = ADMITTED
    elif code is not None:
        where["destination"] = code
    num = graduates(None, year, **where)
    return num, den, share(num, den)


def ovz(org_id: str | None, year: str, took_part: bool | None = None) -> str:
    """Pupils with disabilities of a school (``None``: of the district); ``took_part``: only
    those who took part in career-guidance events."""
    where = _scope(org_id, year)
    if took_part is not None:
        where["took_part"] = "1" if took_part else "0"
    return count_key("o", **where)


def share(numerator: str, denominator: str) -> str:
    """The key of the share of two counts."""
    return f"share:{numerator}/{denominator}"


def indicator(indicator_id: str, org_id: str | tuple[str, ...] | None, year: str
              ) -> tuple[str, str]:
    """The numerator and denominator keys of a sensitive indicator
    (:func:`sensitive_indicators`) of a school, of several schools pooled (a tuple: a peer
    group) or of the district (``None``): a graduate indicator's, or else the pupils of the
    sensitive group (:func:`proforient.report.people.ovz_people`)."""
    if indicator_id in GRADUATE_INDICATORS:
        return graduate_indicator(indicator_id, org_id, year)
    # of the organisations that said who took part
    return ovz(org_id, year, took_part=True), count_key("o", **_scope(org_id, year),
                                                        took_part=("0", "1"))


#: The conditions of the keys, in the analyst's words (a condition not here is shown as
#: ``column = values``).
_CONDITION_WORDS = {
    ("checked", "1"): "профиль проверяется на соответствие",
    ("resolved", "0"): "специальность не распознана",
    ("resolved", "1"): "специальность распознана",
    ("profile_aligned", "1"): "поступили по профилю",
    ("ege_aligned", "1"): "ЕГЭ по профилю",
    ("no_ege", "1"): "предметы ЕГЭ не указаны",
    ("in_demand", "1"): "специальность востребована",
    ("territory", "district"): "по списку района",
    ("territory", "republic"): "по списку республики",
    ("took_part", "1"): "участвовали в мероприятиях",
    ("took_part", "0"): "не участвовали в мероприятиях",
}


def in_words(key: str) -> str:
    """A cell's definition as the run summary says it to the analyst (the school is named
    beside it, so it is left out).

    >>> in_words("g|destination=spo|grade=9|org_id=r-11|year=2020-2021")
    'выпускники 9 класса, СПО (колледж, техникум), 2020-2021'
    >>> in_words("g|destination=spo,vo|org_id=a|resolved=0|year=2020-2021")
    'выпускники, СПО (колледж, техникум) или высшее образование, специальность не распознана, \
2020-2021'
    """
    domain, where = parse_key(key)
    words = ["выпускники" if domain == "g" else "обучающиеся с ОВЗ"]
    grades = sorted(where.get("grade", ()))
    if grades:
        words[0] += f" {', '.join(grades)} класса"
    for column, values in sorted(where.items()):
        if column in ("grade", "org_id", "year"):
            continue
        if column == "destination":
            words.append(" или ".join(DESTINATIONS.label(c) for c in DESTINATIONS.codes
                                      if c in values))
        elif len(values) == 1 and (column, next(iter(values))) in _CONDITION_WORDS:
            words.append(_CONDITION_WORDS[column, next(iter(values))])
        else:
            words.append(f"{column} = {', '.join(sorted(values))}")
    words += sorted(where.get("year", ()))
    return ", ".join(words)
