"""Shared fixtures: small hand-made datasets written as CSV text, so line numbers are visible."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from proforient.parameters import load_parameters

#: The project's own parameters (rules, roadmaps, aliases, classifier), loaded once.
PARAMS = load_parameters()
RULES = PARAMS.rules
ROADMAPS = PARAMS.roadmaps

TINY_ORGANIZATIONS = """\
org_id,name,kind,settlement
sch-a,МБОУ Альфа СОШ,school,Альфа
sch-b,МБОУ Бета СОШ,ОО,Бета
sch-c,МБОУ Гамма ООШ,школа,Гамма
nosh,МБОУ Дельта НОШ,school,Дельта
dou-1,МБДОУ Детский сад «Солнышко»,ДОУ,Альфа
uo,Управление образования,УО,
"""

# Worked out by hand in tests/compute/test_indicators.py.
TINY_MEASURES = """\
year,org_id,measure,grade,value
2021-2022,sch-a,students,5,4
2021-2022,sch-a,students,6,6
2021-2022,sch-a,diagnostics,5,4
2021-2022,sch-a,diagnostics,6,5
2021-2022,sch-b,students,5,50
2021-2022,sch-b,students,11,50
2021-2022,sch-b,diagnostics,5,5
2021-2022,sch-b,diagnostics,11,5
2021-2022,sch-c,students,5,20
2021-2022,nosh,students,1,8
2021-2022,sch-b,bvb_trials,5,10
2021-2022,sch-b,bvb_trials,11,5
2021-2022,sch-a,responsible_appointed,,1
2021-2022,sch-b,responsible_appointed,,0
2021-2022,nosh,responsible_appointed,,1
2021-2022,sch-a,class_hours,,3
2021-2022,sch-b,class_hours,,0
2021-2022,uo,district_seminars,,2
2021-2022,sch-a,students_ovz,,5
2021-2022,sch-a,career_events_ovz,,4
2021-2022,sch-b,students_ovz,,0
2021-2022,sch-b,career_events_ovz,,0
2021-2022,dou-1,children_5_7,,20
2021-2022,dou-1,profile_clubs_5_7,,7
2021-2022,dou-1,early_plan_approved,,1
2021-2022,sch-a,contest_participants,,5
2020-2021,sch-a,students,5,10
2020-2021,sch-a,diagnostics,5,2
"""


def write_dataset(folder: Path, **tables: str) -> Path:
    """Write each ``name=csv_text`` as ``folder/name.csv`` (text dedented, UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A six-organisation district with the figures of TINY_MEASURES."""
    return write_dataset(tmp_path / "tiny", organizations=TINY_ORGANIZATIONS,
                         measures=TINY_MEASURES)


# --------------------------------------------------------------------------------------------
# A small district for the reports (worked out by hand in tests/report/): five СОШ
# (one with a hostile name, one far below the others in diagnostics), a preschool, the
# department, and 25 graduates with small counts on purpose.

HOSTILE = "<script>alert(1)</script> СОШ"
FORMULA = '=HYPERLINK("http://evil.example","жми")'

SMALL_ORGANIZATIONS = f"""\
org_id,name,kind,settlement
sch-a,МБОУ Альфа СОШ,school,Альфа
sch-b,МБОУ Бета СОШ,school,Бета
sch-c,МБОУ Гамма СОШ,school,Гамма
sch-d,МБОУ Дельта СОШ,school,Дельта
sch-x,"{HOSTILE}",school,Икс
dou-1,МБДОУ Детский сад «Солнышко»,preschool,Альфа
uo,Управление образования,department,
"""

# diagnostics, grades 5–11: a 180/200, b 175/200, c 180/200, x 180/200, d 10/200 (far below)
SMALL_DIAG = {"sch-a": (90, 45, 45), "sch-b": (85, 45, 45), "sch-c": (92, 44, 44),
         "sch-x": (88, 46, 46)}


def small_measures() -> str:
    lines = ["year,org_id,measure,grade,value"]
    for org, (g5, g9, g11) in SMALL_DIAG.items():
        lines += [f"2021-2022,{org},students,5,100", f"2021-2022,{org},students,9,50",
                  f"2021-2022,{org},students,11,50",
                  f"2021-2022,{org},diagnostics,5,{g5}", f"2021-2022,{org},diagnostics,9,{g9}",
                  f"2021-2022,{org},diagnostics,11,{g11}"]
    lines += ["2021-2022,sch-d,students,5,100", "2021-2022,sch-d,students,9,100",
              "2021-2022,sch-d,diagnostics,5,5", "2021-2022,sch-d,diagnostics,9,5"]
    for org, flag in (("sch-a", 1), ("sch-b", 1), ("sch-c", 0), ("sch-d", 1), ("sch-x", 1)):
        lines.append(f"2021-2022,{org},responsible_appointed,,{flag}")
    for org, hours in (("sch-a", 3), ("sch-b", 0), ("sch-c", 5), ("sch-d", 1), ("sch-x", 2)):
        lines.append(f"2021-2022,{org},class_hours,,{hours}")
    lines += ["2021-2022,uo,district_seminars,,1", "2021-2022,dou-1,children_5_7,,20",
              "2021-2022,dou-1,profile_clubs_5_7,,7", "2021-2022,dou-1,early_plan_approved,,1",
              # the year before, for the trend: sch-a 50 of 100 → 180 of 200 is significant
              "2020-2021,sch-a,students,5,100", "2020-2021,sch-a,diagnostics,5,50"]
    return "\n".join(lines) + "\n"


def small_graduates() -> str:
    head = ("year;org_id;graduate_id;grade;profile;ege_subjects;destination;institution;"
            "specialty_code;specialty_name;study_region")
    rows = []

    def add(org, n, grade, destination, profile="", ege="", code="", name="", region=""):
        for _ in range(n):
            rows.append(f"2021-2022;{org};secret-{len(rows):04d};{grade};{profile};{ege};"
                        f"{destination};;{code};{name};{region}")

    # sch-a, grade 9: 10 класс 4, СПО 2, армия 1, работа 3
    add("sch-a", 4, 9, "10 класс")
    add("sch-a", 2, 9, "СПО", "технологический", code="15.02.16", region="район")
    add("sch-a", 1, 9, "армия")
    add("sch-a", 3, 9, "работа")
    # sch-a, grade 11: ВО 4 by profile, СПО 2 with typed names (one hostile, one exact)
    add("sch-a", 4, 11, "ВО", "технологический", "math_profile,physics,russian",
        code="09.03.01", region="республика")
    add("sch-a", 1, 11, "СПО", "технологический", "math_profile,physics",
        name='"' + FORMULA.replace('"', '""') + '"', region="район")
    add("sch-a", 1, 11, "СПО", "технологический", "russian",
        name="Технология машиностроения", region="район")
    add("sch-x", 1, 9, "СПО", "технологический", name="<b>жирный</b> колледж", region="район")
    add("sch-x", 2, 9, "10 класс")
    add("sch-b", 6, 9, "10 класс")
    return "\n".join([head, *rows]) + "\n"


SMALL_DEMAND = """\
territory,code,title,year,vacancies,source
district,15.00.00,Машиностроение,,5,
republic,09.03.01,Информатика и вычислительная техника,,10,
"""




def write_small_district(folder: Path) -> Path:
    """Write the small district (organisations, measures, graduates, demand) into ``folder``."""
    return write_dataset(folder, organizations=SMALL_ORGANIZATIONS, measures=small_measures(),
                         graduates=small_graduates(), demand=SMALL_DEMAND)


@pytest.fixture(scope="session")
def small_ctx(tmp_path_factory):
    """The report context of the small district (2021-2022)."""
    from proforient.report.context import build_context

    folder = write_small_district(tmp_path_factory.mktemp("small") / "data")
    return build_context(folder, "2021-2022", PARAMS)


@pytest.fixture(scope="session")
def demo_ctx():
    """The report context of the demo district in 2021-2022 (the year the tests' numbers are
    pinned to, not the latest), with every publication decided."""
    from proforient.report.context import build_context
    from proforient.report.publication import prepare

    return prepare(build_context(None, "2021-2022", PARAMS))
