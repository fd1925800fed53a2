"""A realistic district the project has never seen: many small rural schools, several years,
planted 1s and 2s in every destination, profile, grade and ОВЗ cell.

Written apart from :mod:`proforient.demo`: a different shape (mostly tiny schools, a few
graduates each), different names, and the measures are drawn from what the roadmap asks for
(every measure an indicator of the roadmap names), so the district follows the roadmap files
rather than a fixed list. Used by the disclosure-control tests: the attacker must recover
nothing from it, and ``proforient report`` must render every school of every year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from proforient.parameters import load_parameters
from proforient.vocab import DESTINATIONS

YEARS: tuple[str, ...] = ("2019-2020", "2020-2021", "2021-2022")

#: The project's measure catalogue (which group each measure is).
CATALOGUE = load_parameters().measures

#: (org_id, name, level, pupils): two middle-sized schools, the rest small or tiny.
SCHOOLS: tuple[tuple[str, str, str, int], ...] = (
    ("r-01", "МБОУ Заозёрная СОШ", "СОШ", 260),
    ("r-02", "МБОУ Устьинская СОШ", "СОШ", 190),
    ("r-03", "МБОУ Кедровская СОШ", "СОШ", 110),
    ("r-04", "МБОУ Горкинская СОШ", "СОШ", 85),
    ("r-05", "МБОУ Речкинская СОШ", "СОШ", 70),
    ("r-06", "МБОУ Полевская СОШ", "СОШ", 60),
    ("r-07", "МБОУ Ясеневская ООШ", "ООШ", 55),
    ("r-08", "МБОУ Боровская ООШ", "ООШ", 45),
    ("r-09", "МБОУ Лесная ООШ", "ООШ", 40),
    ("r-10", "МБОУ Ключиковская ООШ", "ООШ", 35),
    ("r-11", "МБОУ Высоковская ООШ", "ООШ", 30),
    ("r-12", "МБОУ Дубровская ООШ", "ООШ", 25),
    ("r-13", "МБОУ Ивановская СОШ", "СОШ", 50),
    ("r-14", "МБОУ Сосновская НОШ", "НОШ", 14),
    ("r-15", "МБОУ Луговая НОШ", "НОШ", 10),
)
TOP_GRADE = {"СОШ": 11, "ООШ": 9, "НОШ": 4}
PROFILES = ("technological", "natural_science", "agrotechnological", "socio_economic",
            "humanities", "universal")
#: Specialties entered (valid ОКСО codes of several groups, on and off the demand list).
SPECIALTIES = {"spo": ("35.02.16", "15.01.05", "34.02.01", "43.01.09", "23.02.07", "09.02.07",
                       "38.02.01", "44.02.02", "08.02.01", "13.01.10"),
               "vo": ("31.05.01", "44.03.01", "09.03.01", "38.03.01", "15.03.05", "35.03.06")}
SUBJECTS = ("physics", "chemistry", "biology", "informatics", "history", "social_studies",
            "geography", "literature", "foreign_language")
DEMAND = pd.DataFrame([
    ("district", "35.00.00", "Сельское хозяйство", "", 6, ""),
    ("district", "34.02.01", "Сестринское дело", "", 3, ""),
    ("district", "44.02.02", "Преподавание в начальных классах", "", 2, ""),
    ("republic", "15.01.05", "Сварщик", "", 30, ""),
    ("republic", "09.00.00", "Информатика", "", 40, ""),
    ("republic", "31.05.01", "Лечебное дело", "", 50, ""),
], columns=["territory", "code", "title", "year", "vacancies", "source"])


#: Graduating grades kept at one or two pupils (school, grade): the tiny groups a report must
#: not describe, in every year.
TINY: tuple[tuple[str, int], ...] = (("r-05", 11), ("r-06", 11), ("r-13", 11), ("r-13", 9),
                                     ("r-11", 9), ("r-12", 9), ("r-04", 11))


def _enrolment(rng: np.random.Generator, org: str, level: str, pupils: int) -> dict[int, int]:
    grades = range(1, TOP_GRADE[level] + 1)
    weights = np.array([1.0 if g <= 9 else 0.5 for g in grades])
    means = pupils * weights / weights.sum()
    out = {g: max(int(n), 1 if g in (9, 11) else 0)
           for g, n in zip(grades, rng.poisson(means), strict=True)}
    for grade in (9, 11):
        if (org, grade) in TINY:
            out[grade] = int(rng.integers(1, 3))
    return out


def _graduate(rng: np.random.Generator, year: str, org: str, level: str, grade: int,
              i: int, destination: str) -> dict:
    profile = "" if level != "СОШ" and rng.random() < 0.5 else str(rng.choice(PROFILES))
    row = {"year": year, "org_id": org, "graduate_id": f"x{org[2:]}{year[2:4]}{grade:02d}{i:03d}",
           "grade": grade, "profile": profile, "ege_subjects": "", "destination": destination,
           "institution": "", "specialty_code": "", "specialty_name": "", "study_region": ""}
    if grade == 11:
        picked = rng.choice(SUBJECTS, size=int(rng.integers(0, 3)), replace=False)
        row["ege_subjects"] = "; ".join(["russian", "math_profile" if rng.random() < 0.5
                                         else "math_base", *picked])
    if destination in ("spo", "vo"):
        row["specialty_code"] = str(rng.choice(SPECIALTIES[destination]))
        row["study_region"] = str(rng.choice(["район", "республика", "другой регион", ""]))
        if rng.random() < 0.1:  # a typed name nothing resolves
            row["specialty_code"], row["specialty_name"] = "", "колледж"
    return row


def _destinations(rng: np.random.Generator, grade: int, n: int) -> list[str]:
    """Where ``n`` graduates of a grade went: mostly the usual places, and small groups (1 or 2)
    of every other destination, so that every destination cell is planted small somewhere; a
    group of one or two goes anywhere, «неизвестно» included."""
    usual = ["school", "spo"] if grade == 9 else ["spo", "vo"]
    rare = [d for d in DESTINATIONS.codes if d not in usual and not (grade == 9 and d == "vo")
            and not (grade == 11 and d == "school")]
    if n <= 2:
        return [str(rng.choice([*usual, *rare])) for _ in range(n)]
    out = []
    while len(out) < n:
        if rng.random() < 0.25:
            out += [str(rng.choice(rare))] * int(rng.integers(1, 3))
        else:
            out.append(str(rng.choice(usual)))
    return out[:n]


def generated_district(seed: int = 7) -> dict[str, pd.DataFrame]:
    """The tables of the district (organizations, measures, graduates, demand)."""
    rng = np.random.default_rng(seed)
    params = load_parameters()
    orgs = [(o, name, "school", name.split()[1]) for o, name, _, _ in SCHOOLS]
    orgs += [("dou-1", "МБДОУ Заозёрный детский сад", "preschool", "Заозёрное"),
             ("dou-2", "МБДОУ Устьинский детский сад", "preschool", "Устье"),
             ("uo", "Управление образования", "department", "Заозёрное")]
    measures, graduates = [], []
    for year in YEARS:
        roadmap = params.roadmap(year)
        for org, _, level, pupils in SCHOOLS:
            by_grade = _enrolment(rng, org, level, pupils)
            measures += [(year, org, "students", g, n) for g, n in by_grade.items()]
            ovz = int(rng.integers(0, 5))  # 0–4 pupils with disabilities: planted small
            measures.append((year, org, "students_ovz", None, ovz))
            measures.append((year, org, "career_events_ovz", None, int(rng.integers(0, ovz + 1))))
            for activity in roadmap.activities:
                ind = activity.indicator
                if ind.source != "measures" or "school" not in ind.applies_to:
                    continue
                measures += _school_measure(rng, year, org, ind, by_grade)
            for grade in (9, 11):
                if grade in by_grade:
                    graduates += [_graduate(rng, year, org, level, grade, i, d) for i, d in
                                  enumerate(_destinations(rng, grade, by_grade[grade]))]
        for dou in ("dou-1", "dou-2"):
            kids = int(rng.integers(15, 40))
            measures += [(year, dou, "children_5_7", None, kids),
                         (year, dou, "profile_clubs_5_7", None, int(rng.integers(0, kids))),
                         (year, dou, "early_plan_approved", None, 1)]
        measures += [(year, "uo", m, None, int(rng.integers(1, 4)))
                     for m in ("district_seminars", "district_contests", "media_posts")]
    frame = pd.DataFrame(measures, columns=["year", "org_id", "measure", "grade", "value"])
    frame = frame.drop_duplicates(["year", "org_id", "measure", "grade"], keep="first")
    return {"organizations": pd.DataFrame(orgs, columns=["org_id", "name", "kind", "settlement"]),
            "measures": frame.astype({"grade": "Int64"}),
            "graduates": pd.DataFrame(graduates),
            "demand": DEMAND}


def _school_measure(rng, year, org, ind, by_grade) -> list[tuple]:
    rows = []
    operand = ind.numerator
    group = CATALOGUE[operand.measure].group
    if group == "flag":
        rows.append((year, org, operand.measure, None, int(rng.random() < 0.9)))
    elif group == "events":
        rows.append((year, org, operand.measure, None, int(rng.poisson(2))))
    elif group == "participants" and operand.measure != "career_events_ovz":
        lo, hi = operand.grades or (1, 11)
        for g, n in by_grade.items():
            if lo <= g <= hi:
                rows.append((year, org, operand.measure, g, int(rng.binomial(n, 0.7))))
    return rows


def write_generated_district(folder: Path, seed: int = 7) -> Path:
    """Write the generated district into ``folder`` (created) and return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in generated_district(seed).items():
        table.to_csv(folder / f"{name}.csv", index=False)
    (folder / "dataset.yaml").write_text(
        'name: "Сгенерированный район (много маленьких школ)"\nsynthetic: true\n',
        encoding="utf-8")
    return folder
