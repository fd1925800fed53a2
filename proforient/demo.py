"""The synthetic demo district: a deterministic generator of ``data/demo/``
(docs/data-contract.md, «Папка набора данных»).

Everything here is invented: the district («Демонстрационный район»), its settlements, schools,
colleges and universities, and every number. The *shape* follows a rural district of a Russian
republic: three large secondary schools in the district centre and big villages, many small
village schools, basic (ООШ) and primary (НОШ) schools, a dozen kindergartens, a district centre
of additional education and the education department.

The generator is a pure function of the seed: the same seed writes byte-identical files. Random
numbers come from one :func:`numpy.random.default_rng` split into independent streams (enrolment,
measures, graduates), so that changing how one table is drawn does not reshuffle the others. The
structure — organisations, years, the planted gaps and the planted typed names listed below — does
not depend on the seed; only the counts and the ordinary graduates do.

Conventions of the written files
--------------------------------
- ``organizations.csv``, ``measures.csv``, ``demand.csv``: UTF-8, comma, ``\\n`` line ends.
- ``graduates.csv``: UTF-8 *with BOM* and ``;`` as separator, as Russian Excel saves a CSV.
- Kinds, territories, destinations, profiles and ЕГЭ subjects are written partly as canonical
  codes and partly as the Russian aliases of :mod:`proforient.vocab` and
  ``parameters/profiles.yaml``, to exercise normalisation.
- ``study_region`` takes the values «район» (the college is in the district), «республика» and
  «другой регион»; it is empty when the school did not give the institution.
- The number of graduates of grade 9 (11) of a school equals its ``students`` of grade 9 (11)
  in the same year; about 55 % of grade 9 stay for grade 10, which is how grade 10 of the next
  year is drawn.

Planted problems (the same for every seed), all in 2021-2022 unless said otherwise
------------------------------------------------------------------------------------
- ``sch-06`` reports ``students`` but no ``diagnostics`` → ``diagnostics_share`` is ``no_data``.
- ``sch-08`` reports no ``bvb_trials`` → ``bvb_trials_share`` is ``no_data``.
- ``dou-05`` reports no ``profile_clubs_5_7`` → ``preschool_clubs_share`` is ``no_data``.
- ``sch-11`` has no pupils with disabilities in any year (``students_ovz`` = 0 and
  ``career_events_ovz`` = 0) → ``ovz_events_share`` is ``no_data`` (denominator 0).
- ``sch-05`` reports ``proektoria`` as one total (empty grade) for grades 5–11 instead of by
  grade; a total is taken as it is (not a gap: docs/data-contract.md, «measures.csv»).
- ``sch-20`` (the НОШ, grades 1–4) has no grades 5–11, so its diagnostics, Проектория and
  «Билет в будущее» shares have nothing to compute from; it does not report
  ``psych_consultations`` (it has no graduates).
- Flags set to 0: ``responsible_appointed`` at ``sch-20``; ``plan_approved`` at ``sch-18`` and
  ``sch-20``; ``plan_implemented`` at ``sch-16``, ``sch-18`` and ``sch-20``;
  ``early_plan_approved`` at ``dou-09``. Earlier years have a few random 0s more.
- Counts set to 0: ``profession_meetings`` at ``sch-18``, ``psych_consultations`` at ``sch-16``,
  ``parent_meetings`` at ``sch-19``, ``media_posts`` at ``sch-20``.
- The department held 2 district seminars in 2019-2020 and 2020-2021 and 1 in 2021-2022
  (target ≥ 2 not met).
- Graduates (see :data:`_PLANTED_GRADUATES`): grade 9 of ``sch-01`` and ``sch-02`` carry the old
  code 15.02.08 and the new code 15.02.16 of Технология машиностроения, typed names with typos
  and abbreviations («технология машиностроениия», «свАрщик», «тех. обслуживание автомобилей»,
  «ТО и ремонт автомобилей», «повар кондитер», «бух. учёт»), names nothing can resolve
  («не знаю», «колледж», «???», «по направлению от предприятия») and a row with neither code
  nor name. The ordinary graduates have such names too, at random.

The later years 2022-2023 … 2025-2026
------------------------------------
They are drawn from a fourth stream, after the first three years', so the first three years'
rows are the same bytes as before the later years were added. From 2023-2024 the schools with
grades 6–11 run the federal model («профминимум»): ``profmin_level`` (a word; ``sch-12`` writes
its number), ``hours_reached``, ``horizons_course`` and ``bvb_diagnostics`` by grade 6–11;
``diagnostics`` ends with 2022-2023; ``enterprise_visits`` starts in 2025-2026. Rates rise
slowly. Planted: ``bvb_diagnostics`` missing at ``sch-10`` in 2023-2024; in 2025-2026
``horizons_course`` missing at ``sch-07``, ``profmin_level`` at ``sch-09``,
``enterprise_visits`` at ``sch-13``, ``hours_reached`` as one total at ``sch-05``,
``plan_implemented`` 0 at ``sch-16``, ``responsible_appointed`` 0 at ``sch-20`` and
``parent_meetings`` 0 at ``sch-18``. The later graduates have no planted names.

The demand list (not random) names the new code 15.02.16 only, whole groups (35.00.00 in the
district, 34.00.00 in the republic), specialties nobody of the demo chose (e.g. 36.02.02,
15.01.25), and codes on both lists (15.01.05, 34.02.01).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_SEED", "YEARS", "generate_demo"]

#: The seed of the committed ``data/demo/`` (the first school day of 2022-2023).
DEFAULT_SEED = 20220901

#: The first academic years of the demo (the years of the district's first roadmap and the two
#: before it): drawn from the original streams, so their numbers never move.
_FIRST_YEARS: tuple[str, ...] = ("2019-2020", "2020-2021", "2021-2022")
#: The later years (the federal model from 2023-2024): drawn from a stream of their own after the
#: first years, so adding them left the first years' files byte-identical.
_LATER_YEARS: tuple[str, ...] = ("2022-2023", "2023-2024", "2024-2025", "2025-2026")

#: Academic years of the demo, oldest first.
YEARS: tuple[str, ...] = _FIRST_YEARS + _LATER_YEARS

#: The year of the planted problems of the first roadmap (tests are pinned to its numbers).
_PLANTED_YEAR = "2021-2022"
_DISTRICT = "Демонстрационного района"

# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _School:
    """A general-education school of the demo and how it behaves."""

    org_id: str
    name: str
    kind_text: str  # as written in organizations.csv (a code or a Russian alias)
    settlement: str
    level: str  # СОШ (grades 1–11), ООШ (1–9) or НОШ (1–4)
    size: int  # pupils in 2019-2020, roughly
    profiles: tuple[str, ...] = ()  # grade-11 study profiles (СОШ only)

    @property
    def grades(self) -> tuple[int, ...]:
        top = {"СОШ": 11, "ООШ": 9, "НОШ": 4}[self.level]
        return tuple(range(1, top + 1))


@dataclass(frozen=True)
class _Unit:
    """A kindergarten, the additional-education centre or the department."""

    org_id: str
    name: str
    kind_text: str
    settlement: str
    size: int = 0  # children aged 5–7


_SCHOOLS: tuple[_School, ...] = (
    _School("sch-01", "МБОУ Ключевская СОШ № 1", "school", "с. Ключевское", "СОШ", 850,
            ("technological", "socio_economic", "natural_science")),
    _School("sch-02", "МБОУ Ключевская СОШ № 2", "ОО", "с. Ключевское", "СОШ", 620,
            ("technological", "socio_economic", "humanities")),
    _School("sch-03", "МБОУ Березняковская СОШ", "школа", "с. Березняки", "СОШ", 430,
            ("natural_science", "universal", "technological")),
    _School("sch-04", "МБОУ Верхнеольховская СОШ", "school", "с. Верхняя Ольховка", "СОШ", 240,
            ("agrotechnological", "universal")),
    _School("sch-05", "МБОУ Каменноярская СОШ", "ОО", "с. Каменный Яр", "СОШ", 210,
            ("universal",)),
    _School("sch-06", "МБОУ Сосновоборская СОШ", "school", "д. Сосновый Бор", "СОШ", 185,
            ("socio_economic",)),
    _School("sch-07", "МБОУ Малолуговская СОШ", "СОШ", "с. Малые Луга", "СОШ", 150,
            ("universal",)),
    _School("sch-08", "МБОУ Подгорновская СОШ", "school", "с. Подгорное", "СОШ", 135,
            ("agrotechnological",)),
    _School("sch-09", "МБОУ Ильинская СОШ", "ОО", "с. Ильинское", "СОШ", 120,
            ("technological",)),
    _School("sch-10", "МБОУ Кузьминская СОШ", "school", "д. Кузьминка", "СОШ", 100,
            ("universal",)),
    _School("sch-11", "МБОУ Тихомировская СОШ", "school", "с. Тихомирово", "СОШ", 90,
            ("natural_science",)),
    _School("sch-12", "МБОУ Зареченская СОШ", "школа", "с. Заречное", "СОШ", 165,
            ("socio_economic", "technological")),
    _School("sch-13", "МБОУ Новоберёзовская СОШ", "school", "д. Новая Берёзовка", "СОШ", 75,
            ("universal",)),
    _School("sch-14", "МБОУ Большеполянская СОШ", "ОО", "с. Большая Поляна", "СОШ", 200,
            ("agrotechnological", "socio_economic")),
    _School("sch-15", "МБОУ Ольховская ООШ", "school", "д. Ольховка", "ООШ", 85),
    _School("sch-16", "МБОУ Липовская ООШ", "ООШ", "д. Липовка", "ООШ", 55),
    _School("sch-17", "МБОУ Старокаменская ООШ", "school", "д. Старый Камень", "ООШ", 110),
    _School("sch-18", "МБОУ Малиновская ООШ", "ОО", "д. Малиновка", "ООШ", 35),
    _School("sch-19", "МБОУ Луговская ООШ", "school", "д. Луговая", "ООШ", 60),
    _School("sch-20", "МБОУ Черёмушкинская НОШ", "НОШ", "д. Черёмушки", "НОШ", 15),
)

_PRESCHOOLS: tuple[_Unit, ...] = (
    _Unit("dou-01", "МБДОУ Ключевской детский сад № 1 «Солнышко»", "preschool",
          "с. Ключевское", 110),
    _Unit("dou-02", "МБДОУ Ключевской детский сад № 2 «Колосок»", "ДОУ", "с. Ключевское", 95),
    _Unit("dou-03", "МБДОУ Ключевской детский сад № 3 «Радуга»", "детский сад",
          "с. Ключевское", 70),
    _Unit("dou-04", "МБДОУ Березняковский детский сад «Берёзка»", "preschool",
          "с. Березняки", 60),
    _Unit("dou-05", "МБДОУ Верхнеольховский детский сад", "ДОУ", "с. Верхняя Ольховка", 30),
    _Unit("dou-06", "МБДОУ Каменноярский детский сад «Ручеёк»", "preschool",
          "с. Каменный Яр", 28),
    _Unit("dou-07", "МБДОУ Сосновоборский детский сад", "МБДОУ", "д. Сосновый Бор", 22),
    _Unit("dou-08", "МБДОУ Подгорновский детский сад «Ромашка»", "preschool", "с. Подгорное", 20),
    _Unit("dou-09", "МБДОУ Ильинский детский сад", "ДОУ", "с. Ильинское", 18),
    _Unit("dou-10", "МБДОУ Зареченский детский сад «Теремок»", "preschool", "с. Заречное", 26),
    _Unit("dou-11", "МБДОУ Большеполянский детский сад", "детский сад", "с. Большая Поляна", 24),
    _Unit("dou-12", "МБДОУ Тихомировский детский сад", "preschool", "с. Тихомирово", 12),
)

_CENTRE = _Unit("rcdt", "МБУ ДО Районный центр детского творчества", "УДО", "с. Ключевское", 45)
_DEPARTMENT = _Unit("uo", f"Управление образования Администрации {_DISTRICT}", "УО",
                    "с. Ключевское")


def _organizations() -> pd.DataFrame:
    """The organisation register (no randomness)."""
    rows = [(s.org_id, s.name, s.kind_text, s.settlement) for s in _SCHOOLS]
    rows += [(u.org_id, u.name, u.kind_text, u.settlement)
             for u in (*_PRESCHOOLS, _CENTRE, _DEPARTMENT)]
    return pd.DataFrame(rows, columns=["org_id", "name", "kind", "settlement"])


# --------------------------------------------------------------------------------------------
# Enrolment: cohorts move up one grade a year
# --------------------------------------------------------------------------------------------

_STAY_FOR_GRADE_10 = 0.55  # share of grade 9 that goes on to grade 10 (matches graduates below)


def _first_year_enrolment(rng: np.random.Generator, school: _School) -> dict[int, int]:
    """Pupils by grade in the first year: grades 10–11 are about half as large as 1–9."""
    weights = np.array([1.0 if g <= 9 else _STAY_FOR_GRADE_10 for g in school.grades])
    means = school.size * weights / weights.sum()
    return {g: int(n) for g, n in zip(school.grades, rng.poisson(means), strict=True)}


def _next_year_enrolment(
    rng: np.random.Generator, school: _School, previous: dict[int, int]
) -> dict[int, int]:
    """Move every cohort up a grade, with a little migration and a slowly shrinking intake."""
    mean_intake = school.size / len(school.grades) * 0.97
    current: dict[int, int] = {}
    for grade in school.grades:
        if grade == 1:
            current[grade] = int(rng.poisson(mean_intake))
            continue
        below = previous[grade - 1]
        stay = _STAY_FOR_GRADE_10 if grade == 10 else 0.97
        arrivals = rng.poisson(0.02 * below + 0.2)
        current[grade] = int(rng.binomial(below, stay) + arrivals)
    return current


def _enrolment(rng: np.random.Generator) -> dict[tuple[str, str], dict[int, int]]:
    """Pupils by grade for every (year, school)."""
    result: dict[tuple[str, str], dict[int, int]] = {}
    for school in _SCHOOLS:
        by_grade = _first_year_enrolment(rng, school)
        result[(_FIRST_YEARS[0], school.org_id)] = by_grade
        for year in _FIRST_YEARS[1:]:
            by_grade = _next_year_enrolment(rng, school, by_grade)
            result[(year, school.org_id)] = by_grade
    return result


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rate:
    """How a participants measure is drawn: a share of the enrolled pupils of some grades.

    The share of a school in year ``i`` is ``level + spread * school effect +
    trend * (i - last)`` plus yearly noise, so that 2021-2022 sits around ``level``.
    """

    grades: tuple[int, ...]
    level: float
    spread: float
    trend: float
    noise: float = 0.03


_PARTICIPANT_RATES: dict[str, _Rate] = {
    "diagnostics": _Rate(tuple(range(5, 12)), 0.85, 0.07, 0.03),
    "proektoria": _Rate(tuple(range(5, 12)), 0.23, 0.09, 0.03),
    "bvb_trials": _Rate(tuple(range(6, 12)), 0.10, 0.05, 0.02),
    "career_events": _Rate(tuple(range(1, 5)), 0.84, 0.10, 0.03),
    "profile_clubs": _Rate(tuple(range(1, 12)), 0.24, 0.08, 0.02),
    "contest_participants": _Rate(tuple(range(1, 12)), 0.12, 0.05, 0.015),
}

# Planted problems of the latest year (see the module docstring).
_MISSING_MEASURES: tuple[tuple[str, str, str], ...] = (
    (_PLANTED_YEAR, "sch-06", "diagnostics"),
    (_PLANTED_YEAR, "sch-08", "bvb_trials"),
    (_PLANTED_YEAR, "dou-05", "profile_clubs_5_7"),
)
_REPORTED_AS_TOTAL: tuple[tuple[str, str, str], ...] = ((_PLANTED_YEAR, "sch-05", "proektoria"),)
_NO_OVZ_SCHOOL = "sch-11"
_ZERO_FLAGS: dict[str, tuple[str, ...]] = {
    "responsible_appointed": ("sch-20",),
    "plan_approved": ("sch-18", "sch-20"),
    "plan_implemented": ("sch-16", "sch-18", "sch-20"),
    "early_plan_approved": ("dou-09",),
}
_ZERO_COUNTS: dict[str, tuple[str, ...]] = {
    "profession_meetings": ("sch-18",),
    "psych_consultations": ("sch-16",),
    "parent_meetings": ("sch-19",),
    "media_posts": ("sch-20",),
}
#: Chance that a flag is 0 in a year without a planted value (fewer as the roadmap settles in).
_FLAG_ZERO_CHANCE: tuple[float, ...] = (0.12, 0.06, 0.0)
_DISTRICT_SEMINARS: tuple[int, ...] = (2, 2, 1)
_DISTRICT_CONTESTS: tuple[int, ...] = (2, 1, 3)


def _row(year: str, org_id: str, measure: str, value: int, grade: int | None = None) -> dict:
    return {"year": year, "org_id": org_id, "measure": measure, "grade": grade, "value": value}


def _participant_rows(
    rng: np.random.Generator,
    school: _School,
    enrolment: dict[tuple[str, str], dict[int, int]],
    effects: dict[str, float],
) -> list[dict]:
    """Participants by grade, never above the grade's enrolment."""
    rows = []
    for i, year in enumerate(_FIRST_YEARS):
        pupils = enrolment[(year, school.org_id)]
        for measure, rate in _PARTICIPANT_RATES.items():
            share = (rate.level + rate.spread * effects[measure]
                     + rate.trend * (i - len(_FIRST_YEARS) + 1) + rng.normal(0.0, rate.noise))
            share = float(np.clip(share, 0.01, 1.0))
            for grade in rate.grades:
                if grade in pupils:
                    value = int(rng.binomial(pupils[grade], share))
                    rows.append(_row(year, school.org_id, measure, value, grade))
    return rows


def _ovz_rows(
    rng: np.random.Generator, school: _School, enrolment: dict[tuple[str, str], dict[int, int]]
) -> list[dict]:
    """Pupils with disabilities and how many of them took part in events, as totals."""
    rows = []
    share = rng.uniform(0.03, 0.09)
    for year in _FIRST_YEARS:
        if school.org_id == _NO_OVZ_SCHOOL:
            ovz = reached = 0
        else:
            ovz = max(1, int(rng.binomial(sum(enrolment[(year, school.org_id)].values()), share)))
            reached = int(rng.binomial(ovz, rng.uniform(0.6, 1.0)))
        rows.append(_row(year, school.org_id, "students_ovz", ovz))
        rows.append(_row(year, school.org_id, "career_events_ovz", reached))
    return rows


def _flag_value(rng: np.random.Generator, i: int, measure: str, org_id: str) -> int:
    if _FIRST_YEARS[i] == _PLANTED_YEAR:
        return 0 if org_id in _ZERO_FLAGS.get(measure, ()) else 1
    return int(rng.random() >= _FLAG_ZERO_CHANCE[i])


def _event_rows(
    rng: np.random.Generator, school: _School, enrolment: dict[tuple[str, str], dict[int, int]]
) -> list[dict]:
    """Flags and counts of events held, scaled by the number of classes."""
    rows = []
    for i, year in enumerate(_FIRST_YEARS):
        pupils = enrolment[(year, school.org_id)]
        classes = sum(math.ceil(n / 25) for n in pupils.values())  # classes of up to 25
        leavers = pupils.get(9, 0) + pupils.get(11, 0)
        for measure in ("responsible_appointed", "plan_approved", "plan_implemented"):
            flag = _flag_value(rng, i, measure, school.org_id)
            rows.append(_row(year, school.org_id, measure, flag))
        means = {
            "class_hours": 1.5 * classes,
            "profession_meetings": 1.0 + classes / 6,
            "parent_meetings": 1.0 + classes / 10,
            "psych_consultations": 0.4 * leavers,
            "excursions": 0.5 + classes / 8,
            "agreements": 0.3 + classes / 12,
            "media_posts": 2.0 + classes / 3,
        }
        zeroed = {m for m, orgs in _ZERO_COUNTS.items()
                  if year == _PLANTED_YEAR and school.org_id in orgs}
        rows += [_row(year, school.org_id, measure, value)
                 for measure, value in _event_counts(rng, means, leavers, zeroed)]
    return rows


def _event_counts(rng: np.random.Generator, means: dict[str, float], leavers: int,
                  zeroed: set[str]) -> list[tuple[str, int]]:
    """One school-year's counts of events drawn around ``means`` (in their order, one draw
    each): at least 1 where the roadmap targets ≥ 1 (zeros are planted: ``zeroed``), none of
    consultations for a school without leavers."""
    counts = []
    for measure, mean in means.items():
        if measure == "psych_consultations" and not leavers:
            continue  # a primary school has no graduates to consult
        value = int(rng.poisson(mean))
        if measure not in ("excursions", "agreements"):
            value = max(1, value)  # targets ≥ 1: zeros are planted, not drawn
        counts.append((measure, 0 if measure in zeroed else value))
    return counts


def _school_measures(
    rng: np.random.Generator, enrolment: dict[tuple[str, str], dict[int, int]],
    effects_of: dict[str, tuple[float, dict[str, float]]],
) -> list[dict]:
    """Every measure a school reports, for every first year; ``effects_of`` receives each
    school's overall effect and its effect per measure (the later years keep them)."""
    rows = []
    for school in _SCHOOLS:
        overall = rng.normal()
        effects = {m: 0.6 * overall + 0.8 * rng.normal() for m in _PARTICIPANT_RATES}
        effects_of[school.org_id] = (overall, effects)
        for year in _FIRST_YEARS:
            for grade, n in enrolment[(year, school.org_id)].items():
                rows.append(_row(year, school.org_id, "students", n, grade))
        rows += _participant_rows(rng, school, enrolment, effects)
        rows += _ovz_rows(rng, school, enrolment)
        rows += _event_rows(rng, school, enrolment)
    return rows


def _preschool_measures(rng: np.random.Generator) -> list[dict]:
    """Children aged 5–7, those of them in clubs, and the early career-guidance plan."""
    rows = []
    for unit in (*_PRESCHOOLS, _CENTRE):
        share = rng.uniform(0.2, 0.6) if unit is not _CENTRE else rng.uniform(0.5, 0.8)
        for i, year in enumerate(_FIRST_YEARS):
            children = int(rng.poisson(unit.size))
            clubs = int(rng.binomial(children, float(np.clip(share + 0.03 * i, 0, 1))))
            rows.append(_row(year, unit.org_id, "children_5_7", children))
            rows.append(_row(year, unit.org_id, "profile_clubs_5_7", clubs))
            if unit is not _CENTRE:
                flag = _flag_value(rng, i, "early_plan_approved", unit.org_id)
                rows.append(_row(year, unit.org_id, "early_plan_approved", flag))
    return rows


def _department_measures(rng: np.random.Generator) -> list[dict]:
    """District seminars and contests held by the department, and its publications."""
    rows = []
    for i, year in enumerate(_FIRST_YEARS):
        org = _DEPARTMENT.org_id
        rows.append(_row(year, org, "district_seminars", _DISTRICT_SEMINARS[i]))
        rows.append(_row(year, org, "district_contests", _DISTRICT_CONTESTS[i]))
        rows.append(_row(year, org, "media_posts", int(rng.poisson(8 + 3 * i))))
    return rows


# --------------------------------------------------------------------------------------------
# The later years (2022-2023 on): the federal model «профминимум» from 2023-2024
# --------------------------------------------------------------------------------------------

#: How the participants measures go on after 2021-2022 and the new ones start: the share of a
#: school in year ``i`` is ``level + spread * school effect + trend * (i - first)`` plus noise,
#: ``first`` being the index of the first year the measure is drawn in :data:`_LATER_RATE_FROM`
#: (2021-2022 for the measures drawn before).
_LATER_RATES: dict[str, _Rate] = {
    "diagnostics": _PARTICIPANT_RATES["diagnostics"],
    "proektoria": _Rate(tuple(range(5, 12)), 0.23, 0.09, 0.01),
    "bvb_trials": _PARTICIPANT_RATES["bvb_trials"],
    "career_events": _Rate(tuple(range(1, 5)), 0.84, 0.10, 0.01),
    "profile_clubs": _PARTICIPANT_RATES["profile_clubs"],
    "contest_participants": _Rate(tuple(range(1, 12)), 0.12, 0.05, 0.01),
    "hours_reached": _Rate(tuple(range(6, 12)), 0.84, 0.07, 0.03),
    "horizons_course": _Rate(tuple(range(6, 12)), 0.88, 0.06, 0.02),
    "bvb_diagnostics": _Rate(tuple(range(6, 12)), 0.76, 0.08, 0.04),
    "enterprise_visits": _Rate(tuple(range(6, 12)), 0.30, 0.10, 0.03),
}
_LATER_RATE_FROM: dict[str, str] = {
    "hours_reached": "2023-2024", "horizons_course": "2023-2024",
    "bvb_diagnostics": "2023-2024", "enterprise_visits": "2025-2026",
}
#: The last year a measure is collected (parameters/measures.yaml, ``to``).
_LATER_RATE_TO: dict[str, str] = {"diagnostics": "2022-2023"}

#: The level of the federal model each school with grades 6–11 chooses in 2023-2024 and when it
#: moves up (the НОШ has no grades 6–11 and chooses none).
_PROFMIN_LEVELS: tuple[str, ...] = ("базовый", "основной", "продвинутый")
_PROFMIN_FIRST: dict[str, int] = {"sch-01": 2, "sch-02": 1, "sch-03": 1, "sch-12": 1,
                                  "sch-14": 1}
_PROFMIN_UP: dict[str, str] = {"sch-02": "2025-2026", "sch-04": "2024-2025",
                               "sch-06": "2025-2026", "sch-09": "2024-2025",
                               "sch-17": "2025-2026"}
#: Schools that write the level as its number in the list (allowed: docs/data-contract.md).
_PROFMIN_AS_NUMBER: tuple[str, ...] = ("sch-12",)

# Planted problems of the later years.
_LATER_MISSING: tuple[tuple[str, str, str], ...] = (
    ("2023-2024", "sch-10", "bvb_diagnostics"),
    ("2025-2026", "sch-07", "horizons_course"),
    ("2025-2026", "sch-09", "profmin_level"),
    ("2025-2026", "sch-13", "enterprise_visits"),
)
_LATER_AS_TOTAL: tuple[tuple[str, str, str], ...] = (("2025-2026", "sch-05", "hours_reached"),)
_LATER_ZERO_FLAGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("2025-2026", "plan_implemented"): ("sch-16",),
    ("2025-2026", "responsible_appointed"): ("sch-20",),
}
_LATER_ZERO_COUNTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("2025-2026", "parent_meetings"): ("sch-18",),
}
_LATER_FLAG_ZERO_CHANCE = 0.03
_LATER_SEMINARS: tuple[int, ...] = (2, 3, 2, 2)
_LATER_CONTESTS: tuple[int, ...] = (2, 2, 3, 2)


def _later_enrolment(
    rng: np.random.Generator, enrolment: dict[tuple[str, str], dict[int, int]]
) -> dict[tuple[str, str], dict[int, int]]:
    """Pupils by grade of the later years, moving on from 2021-2022."""
    result: dict[tuple[str, str], dict[int, int]] = {}
    for school in _SCHOOLS:
        by_grade = enrolment[(_FIRST_YEARS[-1], school.org_id)]
        for year in _LATER_YEARS:
            by_grade = _next_year_enrolment(rng, school, by_grade)
            result[(year, school.org_id)] = by_grade
    return result


def _collected(measure: str, year: str) -> bool:
    first = _LATER_RATE_FROM.get(measure, YEARS[0])
    last = _LATER_RATE_TO.get(measure, YEARS[-1])
    return first <= year <= last


def _profmin_level(school: _School, year: str) -> str:
    position = _PROFMIN_FIRST.get(school.org_id, 0)
    if school.org_id in _PROFMIN_UP and year >= _PROFMIN_UP[school.org_id]:
        position += 1
    if school.org_id in _PROFMIN_AS_NUMBER:
        return str(position + 1)
    return _PROFMIN_LEVELS[position]


def _later_flag(rng: np.random.Generator, year: str, measure: str, org_id: str) -> int:
    if org_id in _LATER_ZERO_FLAGS.get((year, measure), ()):
        return 0
    return int(rng.random() >= _LATER_FLAG_ZERO_CHANCE)


def _later_school_rows(
    rng: np.random.Generator, school: _School, enrolment: dict[tuple[str, str], dict[int, int]],
    overall: float, effects: dict[str, float],
) -> list[dict]:
    effects = {**effects, **{m: 0.6 * overall + 0.8 * rng.normal()
                             for m in _LATER_RATES if m not in effects}}
    ovz_share = rng.uniform(0.03, 0.09)
    rows = []
    for year in _LATER_YEARS:
        i = YEARS.index(year)
        pupils = enrolment[(year, school.org_id)]
        for grade, n in pupils.items():
            rows.append(_row(year, school.org_id, "students", n, grade))
        for measure, rate in _LATER_RATES.items():
            if not _collected(measure, year):
                continue
            first = YEARS.index(_LATER_RATE_FROM.get(measure, _FIRST_YEARS[-1]))
            share = (rate.level + rate.spread * effects[measure] + rate.trend * (i - first)
                     + rng.normal(0.0, rate.noise))
            share = float(np.clip(share, 0.01, 1.0))
            for grade in rate.grades:
                if grade in pupils:
                    rows.append(_row(year, school.org_id, measure,
                                     int(rng.binomial(pupils[grade], share)), grade))
        if any(g in pupils for g in range(6, 12)) and _collected("hours_reached", year):
            rows.append(_row(year, school.org_id, "profmin_level",
                             _profmin_level(school, year)))  # type: ignore[arg-type]
        if school.org_id == _NO_OVZ_SCHOOL:
            ovz = reached = 0
        else:
            ovz = max(1, int(rng.binomial(sum(pupils.values()), ovz_share)))
            reached = int(rng.binomial(ovz, rng.uniform(0.7, 1.0)))
        rows.append(_row(year, school.org_id, "students_ovz", ovz))
        rows.append(_row(year, school.org_id, "career_events_ovz", reached))
        classes = sum(math.ceil(n / 25) for n in pupils.values())
        leavers = pupils.get(9, 0) + pupils.get(11, 0)
        for measure in ("responsible_appointed", "plan_approved", "plan_implemented"):
            rows.append(_row(year, school.org_id, measure,
                             _later_flag(rng, year, measure, school.org_id)))
        means = {
            "class_hours": 1.5 * classes,
            "profession_meetings": 1.2 + classes / 5,
            "parent_meetings": 1.0 + classes / 10,
            "psych_consultations": 0.4 * leavers,
            "excursions": 1.0 + classes / 6,
            "agreements": 0.5 + classes / 10,
            "media_posts": 2.0 + classes / 3,
        }
        zeroed = {m for (y, m), orgs in _LATER_ZERO_COUNTS.items()
                  if y == year and school.org_id in orgs}
        rows += [_row(year, school.org_id, measure, value)
                 for measure, value in _event_counts(rng, means, leavers, zeroed)]
    return rows


def _later_measures(
    rng: np.random.Generator, enrolment: dict[tuple[str, str], dict[int, int]],
    effects_of: dict[str, tuple[float, dict[str, float]]],
) -> list[dict]:
    """Every measure of the later years: schools, kindergartens, the centre, the department."""
    rows = []
    for school in _SCHOOLS:
        rows += _later_school_rows(rng, school, enrolment, *effects_of[school.org_id])
    for unit in (*_PRESCHOOLS, _CENTRE):
        share = rng.uniform(0.25, 0.65) if unit is not _CENTRE else rng.uniform(0.55, 0.85)
        for k, year in enumerate(_LATER_YEARS):
            children = int(rng.poisson(unit.size * (1 - 0.03 * (k + 1))))
            clubs = int(rng.binomial(children, float(np.clip(share + 0.02 * k, 0, 1))))
            rows.append(_row(year, unit.org_id, "children_5_7", children))
            rows.append(_row(year, unit.org_id, "profile_clubs_5_7", clubs))
            if unit is not _CENTRE:
                rows.append(_row(year, unit.org_id, "early_plan_approved",
                                 _later_flag(rng, year, "early_plan_approved", unit.org_id)))
    for k, year in enumerate(_LATER_YEARS):
        org = _DEPARTMENT.org_id
        rows.append(_row(year, org, "district_seminars", _LATER_SEMINARS[k]))
        rows.append(_row(year, org, "district_contests", _LATER_CONTESTS[k]))
        rows.append(_row(year, org, "media_posts", int(rng.poisson(16 + 2 * k))))
    return rows


def _plant_measure_gaps(rows: list[dict]) -> list[dict]:
    """Drop the planted missing measures and collapse the planted totals to one row."""
    missing = set(_MISSING_MEASURES) | set(_LATER_MISSING)
    as_total = set(_REPORTED_AS_TOTAL) | set(_LATER_AS_TOTAL)
    kept = [r for r in rows if (r["year"], r["org_id"], r["measure"]) not in missing]
    result = [r for r in kept if (r["year"], r["org_id"], r["measure"]) not in as_total]
    for year, org_id, measure in (*_REPORTED_AS_TOTAL, *_LATER_AS_TOTAL):
        total = sum(r["value"] for r in kept
                    if (r["year"], r["org_id"], r["measure"]) == (year, org_id, measure))
        result.append(_row(year, org_id, measure, total))
    return result


#: The order of the demo's measures in its file (the order of parameters/measures.yaml when the
#: demo was written; the demo's own list, so that its bytes do not move with the catalogue).
_MEASURE_ORDER: tuple[str, ...] = (
    "students", "students_ovz", "children_5_7", "diagnostics", "proektoria", "bvb_trials",
    "career_events", "career_events_ovz", "profile_clubs", "profile_clubs_5_7",
    "contest_participants", "class_hours", "profession_meetings", "parent_meetings",
    "psych_consultations", "excursions", "agreements", "media_posts", "district_seminars",
    "district_contests", "responsible_appointed", "plan_approved", "plan_implemented",
    "early_plan_approved",
    # added with the later years (the federal model), after the first years' order
    "hours_reached", "horizons_course", "bvb_diagnostics", "enterprise_visits", "profmin_level",
)


def _measures(
    rng: np.random.Generator, later_rng: np.random.Generator,
    enrolment: dict[tuple[str, str], dict[int, int]],
) -> pd.DataFrame:
    """The long ``measures`` table, sorted by year, organisation, measure and grade.

    ``rng`` draws the first years exactly as before the later years were added; ``later_rng``
    draws the later years after it.
    """
    effects_of: dict[str, tuple[float, dict[str, float]]] = {}
    rows = _school_measures(rng, enrolment, effects_of) + _preschool_measures(rng)
    rows += _department_measures(rng)
    rows += _later_measures(later_rng, enrolment, effects_of)
    frame = pd.DataFrame(_plant_measure_gaps(rows))
    frame["grade"] = frame["grade"].astype("Int64")
    # numbers, and the level of the federal model as a word (or its number) — written as text
    frame["value"] = frame["value"].map(lambda v: v if isinstance(v, str) else int(v))
    org_order = {org: i for i, org in enumerate(_organizations()["org_id"])}
    measure_order = {m: i for i, m in enumerate(_MEASURE_ORDER)}
    keys = pd.DataFrame({
        "year": frame["year"],
        "org": frame["org_id"].map(org_order),
        "measure": frame["measure"].map(measure_order),
        "grade": frame["grade"].fillna(0),
    })
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return frame.loc[order, ["year", "org_id", "measure", "grade", "value"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Graduates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Specialty:
    """A specialty graduates enter, with how schools type it.

    ``by_year`` scales ``weight`` per year: a renumbered specialty fades out under its old code
    as colleges admit under the new one.
    """

    code: str
    name: str
    typed: tuple[str, ...]
    weight: float
    by_year: tuple[float, float, float] = (1.0, 1.0, 1.0)

    @property
    def group(self) -> str:
        return self.code[:2]


_SPO: tuple[_Specialty, ...] = (
    _Specialty("15.01.05", "Сварщик (ручной и частично механизированной сварки (наплавки))",
               ("сварщик", "свАрщик", "Сварщик (ручной и частично механизированной сварки)",
                "сварщик ручной сварки"), 6),
    _Specialty("43.01.09", "Повар, кондитер",
               ("повар кондитер", "Повар-кондитер", "повар,кондитер", "ПОВАР, КОНДИТЕР"), 6),
    _Specialty("15.02.08", "Технология машиностроения",
               ("технология машиностроения", "технология машиностроениия",
                "ТЕХНОЛОГИЯ МАШИНОСТРОЕНИЯ"), 4, (1.0, 0.5, 0.15)),
    _Specialty("15.02.16", "Технология машиностроения",
               ("технология машиностроения", "технология машиностроениия",
                "Технология  машиностроения"), 4, (0.0, 0.5, 0.85)),
    _Specialty("23.02.03", "Техническое обслуживание и ремонт автомобильного транспорта",
               ("ТО и ремонт автомобилей", "тех. обслуживание автомобилей",
                "техническое обслуживание и ремонт автомобильного транспорта"),
               4, (0.8, 0.3, 0.1)),
    _Specialty("23.02.07", "Техническое обслуживание и ремонт автотранспортных средств",
               ("тех. обслуживание автомобилей", "ТО и ремонт автомобилей",
                "техническое обслуживание и ремонт автотранспортных средст"),
               4, (0.2, 0.7, 0.9)),
    _Specialty("23.01.17", "Мастер по ремонту и обслуживанию автомобилей",
               ("мастер по ремонту и обслуживанию автомобилей", "автомеханик"), 3),
    _Specialty("34.02.01", "Сестринское дело",
               ("сестринское дело", "СЕСТРИНСКОЕ ДЕЛО", "Сестринское  дело", "медсестра"), 5),
    _Specialty("31.02.01", "Лечебное дело",
               ("лечебное дело", "лечебное дело (фельдшер)", "фельдшер"), 3),
    _Specialty("44.02.02", "Преподавание в начальных классах",
               ("преподавание в начальных классах", "преподование в начальных классах",
                "учитель начальных классов"), 3),
    _Specialty("44.02.01", "Дошкольное образование",
               ("дошкольное образование", "Дошкольное образованиe", "воспитатель детского сада"),
               3),
    _Specialty("35.02.05", "Агрономия", ("агрономия", "агроном"), 2),
    _Specialty("35.02.07", "Механизация сельского хозяйства",
               ("механизация сельского хозяйства", "механизация с/х", "Механизация с/х"),
               3, (1.0, 0.6, 0.2)),
    _Specialty("35.02.16", "Эксплуатация и ремонт сельскохозяйственной техники и оборудования",
               ("эксплуатация и ремонт с/х техники и оборудования", "ремонт сельхозтехники",
                "эксплуатация и ремонт сельскохозяйственной техники"), 3, (0.2, 0.6, 1.0)),
    _Specialty("35.01.13", "Тракторист-машинист сельскохозяйственного производства",
               ("тракторист машинист", "тракторист-машинист с/х производства", "тракторист"),
               3),
    _Specialty("36.02.01", "Ветеринария", ("ветеринария", "ветеренария", "ВЕТЕРИНАРИЯ"), 3),
    _Specialty("38.02.01", "Экономика и бухгалтерский учет (по отраслям)",
               ("бух. учёт", "экономика и бухгалтерский учёт", "бухгалтер",
                "Экономика и бухгалтерский учет"), 3),
    _Specialty("40.02.01", "Право и организация социального обеспечения",
               ("право и организация соц. обеспечения", "ПОСО",
                "право и организация социального обеспечени",
                "право и организация социального обеспечения"), 4),
    _Specialty("09.02.07", "Информационные системы и программирование",
               ("информационные системы и программирование", "программист", "ИСиП",
                "информационные системы и програмирование"), 4),
    _Specialty("13.01.10",
               "Электромонтер по ремонту и обслуживанию электрооборудования (по отраслям)",
               ("электромонтёр по ремонту и обслуживанию электрооборудования", "электрик",
                "электромонтер"), 3),
    _Specialty("43.01.02", "Парикмахер", ("парикмахер", "ПАРИКМАХЕР"), 2),
    _Specialty("08.01.08", "Мастер отделочных строительных работ",
               ("мастер отделочных строительных работ", "отделочник"), 2),
    _Specialty("08.02.01", "Строительство и эксплуатация зданий и сооружений",
               ("строительство и эксплуатация зданий и сооружений", "строитель", "СиЭЗиС"), 2),
    _Specialty("20.02.04", "Пожарная безопасность",
               ("пожарная безопасность", "пожарная безопастность"), 2),
    _Specialty("43.02.15", "Поварское и кондитерское дело",
               ("поварское и кондитерское дело", "поварское дело"), 2),
    _Specialty("38.02.04", "Коммерция (по отраслям)", ("коммерция", "продавец"), 1),
)

_VO: tuple[_Specialty, ...] = (
    _Specialty("09.03.01", "Информатика и вычислительная техника",
               ("информатика и вычислительная техника", "ИВТ", "информатика и выч. техника"), 4),
    _Specialty("09.03.04", "Программная инженерия",
               ("программная инженерия", "программная инженерия (бакалавриат)"), 2),
    _Specialty("38.03.01", "Экономика", ("экономика", "экономист", "ЭКОНОМИКА"), 4),
    _Specialty("38.03.02", "Менеджмент", ("менеджмент", "менеджер"), 2),
    _Specialty("40.03.01", "Юриспруденция", ("юриспруденция", "юрист", "юриспруденцыя"), 3),
    _Specialty("44.03.01", "Педагогическое образование",
               ("педагогическое образование", "педагогическое образование (учитель математики)",
                "пед. образование"), 3),
    _Specialty("44.03.05", "Педагогическое образование (с двумя профилями подготовки)",
               ("педагогическое образование с двумя профилями", "пед. образование (два профиля)"),
               3),
    _Specialty("31.05.01", "Лечебное дело", ("лечебное дело", "ЛЕЧЕБНОЕ ДЕЛО", "врач"), 3),
    _Specialty("31.05.02", "Педиатрия", ("педиатрия", "педиатр"), 1),
    _Specialty("34.03.01", "Сестринское дело", ("сестринское дело (бакалавриат)",), 1),
    _Specialty("15.03.05",
               "Конструкторско-технологическое обеспечение машиностроительных производств",
               ("конструкторско-технологическое обеспечение машиностроительных производств",
                "КТО машиностроительных производств"), 2),
    _Specialty("35.03.06", "Агроинженерия", ("агроинженерия", "агроинжинерия"), 2),
    _Specialty("35.03.04", "Агрономия", ("агрономия",), 1),
    _Specialty("36.05.01", "Ветеринария", ("ветеринария", "ветеринар"), 1),
    _Specialty("13.03.02", "Электроэнергетика и электротехника",
               ("электроэнергетика и электротехника", "электроэнергетика"), 2),
    _Specialty("23.03.03", "Эксплуатация транспортно-технологических машин и комплексов",
               ("эксплуатация транспортно технологических машин и комплексов",), 2),
    _Specialty("08.03.01", "Строительство", ("строительство", "СТРОИТЕЛЬСТВО"), 2),
    _Specialty("37.03.01", "Психология", ("психология", "психолог"), 1),
    _Specialty("45.03.01", "Филология", ("филология",), 1),
    _Specialty("49.03.01", "Физическая культура", ("физическая культура", "физкультура"), 2),
)

#: Names a school types when it does not know the specialty: nothing can resolve them.
_UNRESOLVABLE_NAMES: tuple[str, ...] = (
    "не знаю", "колледж", "???", "по направлению от предприятия", "уточняется", "-",
    "на бюджет",
)

#: The demo's story of where each profile's graduates lean (not the district's rule, which
#: lives in parameters/profiles.yaml): these УГС get a higher chance.
_PROFILE_LEANINGS: dict[str, tuple[str, ...]] = {
    "technological": ("08", "09", "13", "15", "20", "23"),
    "natural_science": ("31", "34", "36"),
    "agrotechnological": ("35", "36"),
    "socio_economic": ("38", "40", "43"),
    "humanities": ("40", "44", "45"),
    "universal": (),
}


@dataclass(frozen=True)
class _Institution:
    name: str
    region: str
    groups: tuple[str, ...]
    weight: float


_REGION_DISTRICT, _REGION_REPUBLIC, _REGION_OTHER = "район", "республика", "другой регион"

_COLLEGES: tuple[_Institution, ...] = (
    _Institution("Березняковский агропромышленный техникум", _REGION_DISTRICT,
                 ("15", "23", "35", "36", "38", "43"), 5),
    _Institution("Приозёрский индустриальный техникум", _REGION_REPUBLIC,
                 ("08", "09", "13", "15", "23"), 4),
    _Institution("Республиканский медицинский колледж", _REGION_REPUBLIC, ("31", "34"), 4),
    _Institution("Северный педагогический колледж", _REGION_REPUBLIC, ("44",), 4),
    _Institution("Колледж сервиса и технологий г. Приозёрска", _REGION_REPUBLIC,
                 ("38", "43"), 3),
    _Institution("Республиканский колледж экономики и права", _REGION_REPUBLIC,
                 ("09", "38", "40"), 3),
    _Institution("Новокаменский строительный техникум", _REGION_REPUBLIC, ("08", "13", "20"), 3),
    _Institution("Камский политехнический колледж", _REGION_OTHER,
                 ("09", "13", "15", "23"), 1),
    _Institution("Заозёрский медицинский колледж", _REGION_OTHER, ("31", "34"), 1),
    _Institution("Уральский колледж сервиса и права", _REGION_OTHER, ("20", "40", "43"), 1),
)

_UNIVERSITIES: tuple[_Institution, ...] = (
    _Institution("Республиканский государственный университет", _REGION_REPUBLIC,
                 ("09", "13", "37", "38", "40", "44", "45", "49"), 6),
    _Institution("Республиканская медицинская академия", _REGION_REPUBLIC, ("31", "34"), 4),
    _Institution("Республиканский аграрный университет", _REGION_REPUBLIC,
                 ("35", "36", "38"), 4),
    _Institution("Приозёрский государственный технический университет", _REGION_REPUBLIC,
                 ("08", "09", "13", "15", "23"), 4),
    _Institution("Камский федеральный университет", _REGION_OTHER,
                 ("09", "37", "38", "40", "44", "45"), 2),
    _Institution("Уральский политехнический институт", _REGION_OTHER,
                 ("08", "09", "13", "15", "23"), 1),
    _Institution("Поволжский медицинский институт имени Н. Н. Соколова", _REGION_OTHER,
                 ("31", "34"), 1),
    _Institution("Приволжская педагогическая академия", _REGION_OTHER, ("44", "49"), 1),
)

_DESTINATIONS_9 = (("school", 0.55), ("spo", 0.40), ("work", 0.01), ("other", 0.02),
                   ("unknown", 0.02))
_DESTINATIONS_11 = (("vo", 0.45), ("spo", 0.35), ("work", 0.08), ("army", 0.06),
                    ("other", 0.02), ("unknown", 0.04))
_DESTINATION_SPELLINGS: dict[str, tuple[str, ...]] = {
    "spo": ("СПО", "ПОО", "колледж", "техникум", "спо"),
    "vo": ("ВУЗ", "ВО", "ОО ВО", "вуз"),
    "school": ("10 класс", "10 класс", "10 кл.", "школа"),
    "work": ("работа", "трудоустроен"),
    "army": ("армия", "служба в армии"),
    "other": ("другое",),
    "unknown": ("не известно", "", "нет данных"),
}

# How the specialty of an admitted graduate is written: code and name, code only, the name as
# typed, a name nothing can resolve, nothing at all.
_SPECIALTY_FORMS = (("code_name", 0.50), ("code", 0.08), ("typed", 0.33),
                    ("unresolvable", 0.05), ("empty", 0.04))

_PRE_PROFILES_9 = (("", 0.35), ("technological", 0.20), ("natural_science", 0.15),
                   ("socio_economic", 0.15), ("humanities", 0.08), ("agrotechnological", 0.07))

#: How a profile is written: the canonical code or aliases from parameters/profiles.yaml.
_PROFILE_SPELLINGS: dict[str, tuple[str, ...]] = {
    "technological": ("technological", "технологический", "Технологический", "инженерный"),
    "natural_science": ("natural_science", "естественно-научный", "Естественно-научный",
                        "естественнонаучный"),
    "agrotechnological": ("agrotechnological", "агротехнологический", "Агротехнологический"),
    "socio_economic": ("socio_economic", "социально-экономический", "Социально-экономический",
                       "соц.-эк."),
    "humanities": ("humanities", "гуманитарный", "Гуманитарный"),
    "universal": ("universal", "универсальный", "Универсальный"),
}

# ЕГЭ: the chance of profile mathematics and the weights of electives, by profile.
_MATH_PROFILE_CHANCE: dict[str, float] = {
    "technological": 0.9, "socio_economic": 0.75, "natural_science": 0.55,
    "agrotechnological": 0.5, "humanities": 0.2, "universal": 0.45,
}
_ELECTIVES: tuple[str, ...] = ("physics", "chemistry", "biology", "informatics", "history",
                               "social_studies", "geography", "literature", "foreign_language")
_ELECTIVE_WEIGHTS: dict[str, tuple[float, ...]] = {
    #                   phys chem biol inf  hist soc  geo  lit  for
    "technological":     (6.0, 0.5, 0.5, 5.0, 0.3, 1.0, 0.3, 0.1, 0.5),
    "natural_science":   (0.5, 5.0, 6.0, 0.3, 0.3, 1.0, 0.3, 0.1, 0.3),
    "agrotechnological": (0.8, 2.5, 5.0, 0.3, 0.3, 1.5, 1.5, 0.1, 0.2),
    "socio_economic":    (0.3, 0.3, 0.5, 2.0, 2.0, 6.0, 2.0, 0.3, 2.0),
    "humanities":        (0.1, 0.2, 0.5, 0.3, 4.0, 5.0, 0.5, 3.0, 3.0),
    "universal":         (2.0, 1.0, 2.0, 1.0, 2.0, 4.0, 1.0, 1.0, 1.0),
}
_ELECTIVE_COUNTS = ((0, 0.08), (1, 0.42), (2, 0.37), (3, 0.13))

# Spellings of ЕГЭ subjects: full label, abbreviation, lower-case label, canonical code. All are
# aliases of proforient.vocab.SUBJECTS.
_SUBJECT_SPELLINGS: dict[str, tuple[str, str, str, str]] = {
    "russian": ("Русский язык", "рус. яз.", "русский язык", "russian"),
    "math_profile": ("Математика (профиль)", "мат. профиль", "математика профильная",
                     "math_profile"),
    "math_base": ("Математика (база)", "мат. база", "математика базовая", "math_base"),
    "physics": ("Физика", "физ.", "физика", "physics"),
    "chemistry": ("Химия", "хим.", "химия", "chemistry"),
    "biology": ("Биология", "биол.", "биология", "biology"),
    "informatics": ("Информатика и ИКТ", "инф.", "информатика", "informatics"),
    "history": ("История", "ист.", "история", "history"),
    "social_studies": ("Обществознание", "общ.", "обществознание", "social_studies"),
    "geography": ("География", "геогр.", "география", "geography"),
    "literature": ("Литература", "лит.", "литература", "literature"),
    "foreign_language": ("Английский язык", "англ. яз.", "иностранный язык",
                         "foreign_language"),
}
_SUBJECT_SEPARATORS = ("; ", ", ", ";", ",")
_NO_EGE_CHANCE = 0.02  # the school left the ЕГЭ column empty


@dataclass(frozen=True)
class _PlantedGraduate:
    """A graduate row fixed whatever the seed, so that tests can rely on it."""

    org_id: str
    grade: int
    index: int  # position among the school's graduates of that grade
    code: str
    name: str
    institution: str = "Приозёрский индустриальный техникум"
    region: str = _REGION_REPUBLIC


_PLANTED_GRADUATES: tuple[_PlantedGraduate, ...] = (
    _PlantedGraduate("sch-01", 9, 0, "15.02.08", "Технология машиностроения"),
    _PlantedGraduate("sch-01", 9, 1, "15.02.16", "Технология машиностроения"),
    _PlantedGraduate("sch-01", 9, 2, "", "технология машиностроениия"),
    _PlantedGraduate("sch-01", 9, 3, "", "свАрщик"),
    _PlantedGraduate("sch-01", 9, 4, "", "тех. обслуживание автомобилей"),
    _PlantedGraduate("sch-01", 9, 5, "", "ТО и ремонт автомобилей"),
    _PlantedGraduate("sch-01", 9, 6, "", "повар кондитер",
                     "Колледж сервиса и технологий г. Приозёрска"),
    _PlantedGraduate("sch-01", 9, 7, "", "не знаю", "", ""),
    _PlantedGraduate("sch-02", 9, 0, "", "бух. учёт", "Республиканский колледж экономики и права"),
    _PlantedGraduate("sch-02", 9, 1, "", "колледж", "Березняковский агропромышленный техникум",
                     _REGION_DISTRICT),
    _PlantedGraduate("sch-02", 9, 2, "", "???", "", ""),
    _PlantedGraduate("sch-02", 9, 3, "", "по направлению от предприятия",
                     "Березняковский агропромышленный техникум", _REGION_DISTRICT),
    _PlantedGraduate("sch-02", 9, 4, "", "", "", ""),
)


def _pick(rng: np.random.Generator, options: Sequence[tuple[object, float]]) -> object:
    """One of ``options`` (value, probability) pairs."""
    weights = np.array([w for _, w in options], dtype=float)
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


def _one_of(rng: np.random.Generator, values: Sequence[str]) -> str:
    return values[int(rng.integers(len(values)))]


def _choose_specialty(
    rng: np.random.Generator, destination: str, profile: str, grade: int, year_index: int
) -> _Specialty:
    """A specialty of the right level, leaning towards the graduate's profile."""
    catalogue = _SPO if destination == "spo" else _VO
    boost = 4.0 if grade == 11 else 2.5
    leanings = _PROFILE_LEANINGS.get(profile, ())
    # a later year keeps the weights of 2021-2022 (the last of ``by_year``)
    weights = [s.weight * s.by_year[min(year_index, len(s.by_year) - 1)]
               * (boost if s.group in leanings else 1.0) for s in catalogue]
    return _pick(rng, list(zip(catalogue, weights, strict=True)))  # type: ignore[return-value]


def _choose_institution(rng: np.random.Generator, destination: str, group: str) -> _Institution:
    candidates = [i for i in (_COLLEGES if destination == "spo" else _UNIVERSITIES)
                  if group in i.groups]
    return _pick(rng, [(i, i.weight) for i in candidates])  # type: ignore[return-value]


def _specialty_fields(
    rng: np.random.Generator, destination: str, profile: str, grade: int, year_index: int
) -> dict[str, str]:
    """Institution, specialty code and name, and study region of an admitted graduate."""
    specialty = _choose_specialty(rng, destination, profile, grade, year_index)
    institution = _choose_institution(rng, destination, specialty.group)
    form = _pick(rng, _SPECIALTY_FORMS)
    code = name = ""
    if form == "code_name":
        code = specialty.code
        name = specialty.name if rng.random() < 0.7 else _one_of(rng, specialty.typed)
    elif form == "code":
        code = specialty.code
    elif form == "typed":
        name = specialty.name if rng.random() < 0.3 else _one_of(rng, specialty.typed)
    elif form == "unresolvable":
        name = _one_of(rng, _UNRESOLVABLE_NAMES)
    given = rng.random() >= 0.07  # sometimes the school does not know where they study
    return {
        "institution": institution.name if given else "",
        "specialty_code": code,
        "specialty_name": name,
        "study_region": institution.region if given else "",
    }


def _ege_subjects(
    rng: np.random.Generator, profile: str, destination: str, style: int, separator: str
) -> str:
    """The ЕГЭ choice of a grade-11 graduate, written in the school's (mostly) usual style."""
    if rng.random() < _NO_EGE_CHANCE:
        return ""
    chance = _MATH_PROFILE_CHANCE[profile] + (0.1 if destination == "vo" else -0.2)
    chosen = ["russian", "math_profile" if rng.random() < chance else "math_base"]
    k = int(_pick(rng, _ELECTIVE_COUNTS))  # type: ignore[arg-type]
    if k:
        weights = np.array(_ELECTIVE_WEIGHTS[profile])
        picked = rng.choice(len(_ELECTIVES), size=k, replace=False, p=weights / weights.sum())
        chosen += [_ELECTIVES[j] for j in sorted(picked)]
    spelled = []
    for subject in chosen:
        spelling = style if rng.random() < 0.8 else int(rng.integers(4))
        spelled.append(_SUBJECT_SPELLINGS[subject][spelling])
    return separator.join(spelled)


def _graduate_ids(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct opaque ids ``g-`` + 6 hex digits."""
    return [f"g-{int(v):06x}" for v in rng.choice(16**6, size=n, replace=False)]


def _graduate_rows(
    rng: np.random.Generator, school: _School, school_index: int, year_index: int,
    grade: int, n: int,
) -> list[dict]:
    """The graduates of one grade of one school in one year."""
    year = YEARS[year_index]
    style = school_index % 4
    separator = _SUBJECT_SEPARATORS[(school_index // 2) % len(_SUBJECT_SEPARATORS)]
    destinations = _DESTINATIONS_11 if grade == 11 else _DESTINATIONS_9
    rows = []
    for graduate_id in _graduate_ids(rng, n):
        if grade == 11:
            profile = _one_of(rng, school.profiles)
        else:
            profile = str(_pick(rng, _PRE_PROFILES_9 if school.level == "СОШ"
                                else (("", 0.6), *_PRE_PROFILES_9[1:])))
        destination = str(_pick(rng, destinations))
        row = {
            "year": year, "org_id": school.org_id, "graduate_id": graduate_id, "grade": grade,
            "profile": _one_of(rng, _PROFILE_SPELLINGS[profile]) if profile else "",
            "ege_subjects": (_ege_subjects(rng, profile, destination, style, separator)
                             if grade == 11 else ""),
            "destination": _one_of(rng, _DESTINATION_SPELLINGS[destination]),
            "institution": "", "specialty_code": "", "specialty_name": "", "study_region": "",
        }
        if destination in ("spo", "vo"):
            row.update(_specialty_fields(rng, destination, profile, grade, year_index))
        rows.append(row)
    return rows


def _plant_graduates(rows: list[dict]) -> None:
    """Overwrite the planted graduates of the latest year in place (they enter a college)."""
    positions: dict[tuple[str, int], list[int]] = {}
    for i, row in enumerate(rows):
        if row["year"] == _PLANTED_YEAR:
            positions.setdefault((row["org_id"], row["grade"]), []).append(i)
    for planted in _PLANTED_GRADUATES:
        row = rows[positions[(planted.org_id, planted.grade)][planted.index]]
        row.update({
            "destination": "СПО", "specialty_code": planted.code,
            "specialty_name": planted.name, "institution": planted.institution,
            "study_region": planted.region,
        })


def _graduates(
    rng: np.random.Generator, enrolment: dict[tuple[str, str], dict[int, int]]
) -> pd.DataFrame:
    """One row per graduate of grades 9 and 11, as many as the grade's enrolment."""
    rows: list[dict] = []
    for year_index, year in enumerate(_FIRST_YEARS):
        for school_index, school in enumerate(_SCHOOLS):
            pupils = enrolment[(year, school.org_id)]
            for grade in (9, 11):
                if grade in school.grades and pupils[grade]:
                    rows += _graduate_rows(rng, school, school_index, year_index, grade,
                                           pupils[grade])
    _plant_graduates(rows)
    return pd.DataFrame(rows)


def _later_graduates(
    rng: np.random.Generator, enrolment: dict[tuple[str, str], dict[int, int]]
) -> pd.DataFrame:
    """The graduates of the later years, drawn after the first years' (no planted names)."""
    rows: list[dict] = []
    for year in _LATER_YEARS:
        year_index = YEARS.index(year)
        for school_index, school in enumerate(_SCHOOLS):
            pupils = enrolment[(year, school.org_id)]
            for grade in (9, 11):
                if grade in school.grades and pupils[grade]:
                    rows += _graduate_rows(rng, school, school_index, year_index, grade,
                                           pupils[grade])
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Demand
# --------------------------------------------------------------------------------------------

_SOURCE_DISTRICT = f"Центр занятости населения {_DISTRICT}, 2021"
_SOURCE_DISTRICT_AGRO = "Отдел сельского хозяйства Администрации района, 2021"
_SOURCE_REPUBLIC = "Перечень востребованных профессий и специальностей Республики, 2021"
_SOURCE_REPUBLIC_MED = "Министерство здравоохранения Республики, 2021"

# territory (as written), code, title as published, year, vacancies, source
_DEMAND: tuple[tuple[str, str, str, str, int | None, str], ...] = (
    ("район", "35.00.00", "Сельское, лесное и рыбное хозяйство", "", 14, _SOURCE_DISTRICT_AGRO),
    ("district", "35.02.16", "Эксплуатация и ремонт сельскохозяйственной техники и оборудования",
     "", 4, _SOURCE_DISTRICT_AGRO),
    ("район", "35.01.13", "Тракторист-машинист сельскохозяйственного производства", "", 6,
     _SOURCE_DISTRICT_AGRO),
    ("район", "36.02.01", "Ветеринария", "", 3, _SOURCE_DISTRICT_AGRO),
    ("district", "36.02.02", "Зоотехния", "", 2, _SOURCE_DISTRICT_AGRO),
    ("район", "34.02.01", "Сестринское дело", "", 4, _SOURCE_DISTRICT),
    ("район", "31.02.01", "Лечебное дело (фельдшер ФАП)", "", 2, _SOURCE_DISTRICT),
    ("district", "31.05.01", "Лечебное дело (врач-терапевт участковый)", "", 4, _SOURCE_DISTRICT),
    ("район", "44.02.02", "Преподавание в начальных классах", "", 3, _SOURCE_DISTRICT),
    ("район", "44.03.01", "Педагогическое образование (учителя-предметники)", "", 7,
     _SOURCE_DISTRICT),
    ("district", "44.02.01", "Дошкольное образование", "2021-2022", 2, _SOURCE_DISTRICT),
    ("район", "15.01.05", "Сварщик (ручной и частично механизированной сварки (наплавки))", "",
     5, _SOURCE_DISTRICT),
    ("район", "13.01.10", "Электромонтер по ремонту и обслуживанию электрооборудования", "", 2,
     _SOURCE_DISTRICT),
    ("район", "23.02.07", "Техническое обслуживание и ремонт автотранспортных средств", "", 3,
     _SOURCE_DISTRICT),
    ("district", "43.01.09", "Повар, кондитер", "2021-2022", 2, _SOURCE_DISTRICT),
    ("район", "38.02.01", "Экономика и бухгалтерский учет (по отраслям)", "", None,
     _SOURCE_DISTRICT),
    ("район", "20.02.04", "Пожарная безопасность", "2020-2021", 1, _SOURCE_DISTRICT),
    ("республика", "34.00.00", "Сестринское дело", "", 120, _SOURCE_REPUBLIC_MED),
    ("республика", "31.02.01", "Лечебное дело", "", 45, _SOURCE_REPUBLIC_MED),
    ("republic", "31.05.01", "Лечебное дело", "", 60, _SOURCE_REPUBLIC_MED),
    ("республика", "31.05.02", "Педиатрия", "", 25, _SOURCE_REPUBLIC_MED),
    ("республика", "34.02.01", "Сестринское дело", "", 80, _SOURCE_REPUBLIC_MED),
    ("республика", "15.02.16", "Технология машиностроения", "", 35, _SOURCE_REPUBLIC),
    ("republic", "15.01.05", "Сварщик (ручной и частично механизированной сварки (наплавки))",
     "", 40, _SOURCE_REPUBLIC),
    ("республика", "15.01.25", "Станочник (металлообработка)", "", 30, _SOURCE_REPUBLIC),
    ("республика", "15.02.19", "Сварочное производство", "2021-2022", 12, _SOURCE_REPUBLIC),
    ("республика", "15.03.05",
     "Конструкторско-технологическое обеспечение машиностроительных производств", "", 15,
     _SOURCE_REPUBLIC),
    ("republic", "13.01.10",
     "Электромонтер по ремонту и обслуживанию электрооборудования (по отраслям)", "", 20,
     _SOURCE_REPUBLIC),
    ("республика", "13.03.02", "Электроэнергетика и электротехника", "", 12, _SOURCE_REPUBLIC),
    ("республика", "09.02.07", "Информационные системы и программирование", "", 30,
     _SOURCE_REPUBLIC),
    ("республика", "09.03.01", "Информатика и вычислительная техника", "", 18, _SOURCE_REPUBLIC),
    ("republic", "09.03.04", "Программная инженерия", "", None, _SOURCE_REPUBLIC),
    ("республика", "23.02.07", "Техническое обслуживание и ремонт автотранспортных средств", "",
     25, _SOURCE_REPUBLIC),
    ("республика", "08.02.01", "Строительство и эксплуатация зданий и сооружений", "", 15,
     _SOURCE_REPUBLIC),
    ("республика", "08.03.01", "Строительство", "", None, _SOURCE_REPUBLIC),
    ("republic", "44.03.01", "Педагогическое образование", "", 50, _SOURCE_REPUBLIC),
    ("республика", "44.03.05", "Педагогическое образование (с двумя профилями подготовки)", "",
     30, _SOURCE_REPUBLIC),
    ("республика", "44.02.01", "Дошкольное образование", "", 20, _SOURCE_REPUBLIC),
    ("республика", "35.02.16", "Эксплуатация и ремонт сельскохозяйственной техники и оборудования",
     "", 15, _SOURCE_REPUBLIC),
    ("республика", "35.03.06", "Агроинженерия", "2020-2021", 8, _SOURCE_REPUBLIC),
    ("republic", "36.05.01", "Ветеринария", "", 10, ""),
    ("республика", "43.01.09", "Повар, кондитер", "", 25, _SOURCE_REPUBLIC),
    ("республика", "18.02.12", "Технология аналитического контроля химических соединений", "",
     None, _SOURCE_REPUBLIC),
)


def _demand() -> pd.DataFrame:
    """The labour-market demand list of the district and the republic (no randomness)."""
    frame = pd.DataFrame(_DEMAND,
                         columns=["territory", "code", "title", "year", "vacancies", "source"])
    frame["vacancies"] = frame["vacancies"].astype("Int64")
    return frame


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _dataset_yaml(seed: int) -> str:
    """The dataset description; strings are JSON-quoted, which is valid YAML."""

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    description = ("Синтетические данные: все названия организаций, населённых пунктов и все "
                   "числа вымышлены. Пересоздаются командой `proforient demo`.")
    return (
        f"name: {q('Демонстрационный район (синтетические данные)')}\n"
        "synthetic: true\n"
        f"description: {q(description)}\n"
        f"seed: {int(seed)}\n"
        f"years: [{', '.join(q(y) for y in YEARS)}]\n"
    )


def _write_csv(frame: pd.DataFrame, path: Path, *, sep: str = ",", bom: bool = False) -> int:
    frame.to_csv(path, index=False, sep=sep, lineterminator="\n",
                 encoding="utf-8-sig" if bom else "utf-8")
    return len(frame)


def generate_demo(out_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the synthetic demo dataset into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Folder to write into; created if missing. Files of the same names are overwritten;
        other files are left alone.
    seed : int, default :data:`DEFAULT_SEED`
        Seed of :func:`numpy.random.default_rng`. The same seed gives byte-identical files.

    Returns
    -------
    dict of str to int
        Data rows written per file name (``organizations.csv``, ``measures.csv``,
        ``graduates.csv``, ``demand.csv``); ``dataset.yaml`` is written but not counted.

    Notes
    -----
    The planted gaps and problem names (see the module docstring) do not depend on the seed.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # the first three children are the streams of the first years (the same as before the later
    # years were added: spawning more children does not change the first ones); the fourth
    # splits into the later years' enrolment, measures and graduates
    enrolment_rng, measures_rng, graduates_rng, later_rng = np.random.default_rng(seed).spawn(4)
    later_enrolment_rng, later_measures_rng, later_graduates_rng = later_rng.spawn(3)
    enrolment = _enrolment(enrolment_rng)
    enrolment.update(_later_enrolment(later_enrolment_rng, enrolment))
    graduates = pd.concat([_graduates(graduates_rng, enrolment),
                           _later_graduates(later_graduates_rng, enrolment)], ignore_index=True)
    counts = {
        "organizations.csv": _write_csv(_organizations(), out_dir / "organizations.csv"),
        "measures.csv": _write_csv(_measures(measures_rng, later_measures_rng, enrolment),
                                   out_dir / "measures.csv"),
        "graduates.csv": _write_csv(graduates, out_dir / "graduates.csv", sep=";", bom=True),
        "demand.csv": _write_csv(_demand(), out_dir / "demand.csv"),
    }
    (out_dir / "dataset.yaml").write_text(_dataset_yaml(seed), encoding="utf-8", newline="\n")
    return counts
