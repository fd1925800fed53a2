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

# Worked out by hand in tests/test_indicators.py.
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
