"""The indicator kinds of the federal model (2023+) written in a roadmap: the school's level as a
category, pupils who reached their level's hours, shares by grade band. Values worked out by
hand below."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from proforient.compute.indicators import category_distribution, compute_indicators
from proforient.dataset import load_dataset
from proforient.parameters import load_parameters
from proforient.paths import parameters_dir
from proforient.problems import InputError
from tests.conftest import TINY_ORGANIZATIONS, write_dataset

ROADMAP = """\
year: "2023-2024"
title: "Единая модель профориентации"
activities:
  - number: 1
    goal: "профминимум"
    activity: "Выбор уровня профминимума"
    indicator:
      id: profmin_level_chosen
      title: "Школы на основном уровне профминимума и выше"
      kind: category
      applies_to: [school]
      numerator: {measure: profmin_level}
      target_values: [основной, продвинутый]
      target: 0.5
  - number: 2
    goal: "профминимум"
    activity: "Часы профминимума"
    indicator:
      id: hours_reached_share
      title: "Доля обучающихся 6-11 классов, набравших часы своего уровня"
      kind: share
      applies_to: [school]
      numerator: {measure: hours_reached, grades: [6, 11]}
      denominator: {measure: students, grades: [6, 11]}
      target: 0.8
  - number: 3
    goal: "профминимум"
    activity: "Часы профминимума, 6-9 классы"
    indicator:
      id: hours_6_9_share
      title: "То же, 6-9 классы"
      kind: share
      applies_to: [school]
      numerator: {measure: hours_reached, grades: [6, 9]}
      denominator: {measure: students, grades: [6, 9]}
      target: null
  - number: 4
    goal: "профминимум"
    activity: "Часы профминимума, 10-11 классы"
    indicator:
      id: hours_10_11_share
      title: "То же, 10-11 классы"
      kind: share
      applies_to: [school]
      numerator: {measure: hours_reached, grades: [10, 11]}
      denominator: {measure: students, grades: [10, 11]}
      target: null
"""

# sch-a: grade 6 10/10, 7 5/10, 10 5/5 — основной; sch-b: 6 10/20, 11 20/20 — базовый;
# sch-c: 8 pupils of grade 6, no hours reported — продвинутый; nosh: grade 1 only, no level.
MEASURES = """\
year,org_id,measure,grade,value
2023-2024,sch-a,students,6,10
2023-2024,sch-a,students,7,10
2023-2024,sch-a,students,10,5
2023-2024,sch-a,hours_reached,6,10
2023-2024,sch-a,hours_reached,7,5
2023-2024,sch-a,hours_reached,10,5
2023-2024,sch-b,students,6,20
2023-2024,sch-b,students,11,20
2023-2024,sch-b,hours_reached,6,10
2023-2024,sch-b,hours_reached,11,20
2023-2024,sch-c,students,6,8
2023-2024,nosh,students,1,8
2023-2024,sch-a,profmin_level,,основной
2023-2024,sch-b,profmin_level,,1
2023-2024,sch-c,profmin_level,,Продвинутый
"""


def params_with(tmp_path: Path, roadmap: str):
    folder = tmp_path / "parameters"
    shutil.copytree(parameters_dir(), folder)
    # the district's roadmaps end with this one: the project's later years would bring back ids
    # this short roadmap drops, which a roadmap must not do without saying so (continues)
    for later in folder.glob("roadmap-*.yaml"):
        if later.name > "roadmap-2023-2024.yaml":
            later.unlink()
    (folder / "roadmap-2023-2024.yaml").write_text(roadmap, encoding="utf-8")
    return load_parameters(folder)


@pytest.fixture
def table(tmp_path):
    params = params_with(tmp_path, ROADMAP)
    data = write_dataset(tmp_path / "data", organizations=TINY_ORGANIZATIONS, measures=MEASURES)
    dataset = load_dataset(data, params.rules)
    return compute_indicators(dataset, params.roadmaps, ["2023-2024"]), params


def rows(table, indicator_id):
    part = table[table["indicator_id"] == indicator_id]
    orgs = {r.org_id: r for r in part[part["scope"] == "org"].itertuples()}
    (district,) = part[part["scope"] == "district"].itertuples()
    return orgs, district


def test_category_level_per_school_and_district(table) -> None:
    table, params = table
    orgs, district = rows(table, "profmin_level_chosen")
    assert {o: (r.value, r.status) for o, r in orgs.items() if o != "nosh"} == {
        "sch-a": (2.0, "met"), "sch-b": (1.0, "not_met"), "sch-c": (3.0, "met")}
    assert math.isnan(orgs["nosh"].value) and orgs["nosh"].status == "no_data"
    # 2 of the 3 schools that chose a level are at основной or higher: 2/3 ≥ 0.5
    assert (district.numerator, district.denominator) == (2.0, 3.0)
    assert district.value == pytest.approx(2 / 3) and district.status == "met"
    assert (district.orgs_reporting, district.orgs_total, district.orgs_met) == (3, 4, 2)
    dist = category_distribution(table, params.roadmaps, params.measures)
    assert list(zip(dist["category"], dist["orgs"], dist["targeted"], strict=True)) == [
        ("базовый", 1, False), ("основной", 1, True), ("продвинутый", 1, True)]


def test_hours_reached_share_and_grade_bands(table) -> None:
    table, _ = table
    orgs, district = rows(table, "hours_reached_share")
    assert set(orgs) == {"sch-a", "sch-b", "sch-c"}  # the НОШ has no grades 6–11
    assert (orgs["sch-a"].value, orgs["sch-a"].status) == (0.8, "met")  # 20 of 25
    assert (orgs["sch-b"].value, orgs["sch-b"].status) == (0.75, "not_met")  # 30 of 40
    assert orgs["sch-c"].status == "no_data"
    assert (district.numerator, district.denominator) == (50.0, 65.0)
    assert (district.orgs_reporting, district.orgs_total) == (2, 3)

    orgs, district = rows(table, "hours_6_9_share")
    assert {o: r.value for o, r in orgs.items() if o != "sch-c"} == {"sch-a": 0.75,
                                                                     "sch-b": 0.5}
    assert (district.numerator, district.denominator, district.status) == (25.0, 40.0,
                                                                           "monitored")

    orgs, district = rows(table, "hours_10_11_share")
    assert set(orgs) == {"sch-a", "sch-b"}  # sch-c has pupils in grade 6 only
    assert (orgs["sch-a"].value, orgs["sch-b"].value) == (1.0, 1.0)
    assert (district.value, district.orgs_total) == (1.0, 2)


def test_an_earlier_year_is_not_judged_by_the_levels(tmp_path) -> None:
    params = params_with(tmp_path, ROADMAP)
    roadmap = params.roadmaps.judging("2019-2020")
    assert all(not ind.target_positions for ind in roadmap.indicators)


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("target_values: [основной, продвинутый]", "target_values: [высший]", "допустимо базовый"),
    ("numerator: {measure: profmin_level}", "numerator: {measure: class_hours}",
     "показатель-выбор"),
    ("      target_values: [основной, продвинутый]\n", "", "нужен и target_values"),
    ("kind: share\n      applies_to: [school]\n      numerator: {measure: hours_reached, "
     "grades: [6, 11]}",
     "kind: share\n      target_values: [базовый]\n      applies_to: [school]\n      "
     "numerator: {measure: hours_reached, grades: [6, 11]}", "только у уровней"),
])
def test_category_errors(tmp_path, old, new, fragment) -> None:
    assert old in ROADMAP
    with pytest.raises(InputError) as exc:
        params_with(tmp_path, ROADMAP.replace(old, new, 1))
    assert any(p.file == "roadmap-2023-2024.yaml" and fragment in p.message
               for p in exc.value.problems), exc.value.problems


def test_a_measure_before_its_first_year(tmp_path) -> None:
    with pytest.raises(InputError) as exc:
        params_with(tmp_path, ROADMAP.replace('year: "2023-2024"', 'year: "2022-2023"'))
    assert any("не собирается в 2022-2023" in p.message for p in exc.value.problems)


def test_level_through_the_excel_forms(tmp_path) -> None:
    """The level is a drop-down of the catalogue's values in the school's workbook, prefilled
    with the name; the name chosen comes back as its number."""
    from openpyxl import load_workbook

    from proforient.excel.collect import collect
    from proforient.excel.layout import CODE_COL, SHEET_MEASURES, TOTAL_COL
    from proforient.excel.template import make_templates, workbook_file_name

    params = params_with(tmp_path, ROADMAP)
    data = write_dataset(tmp_path / "data", organizations=TINY_ORGANIZATIONS, measures=MEASURES)
    books = tmp_path / "books"
    make_templates(data, "2023-2024", books, params, org_ids=["sch-a", "sch-c"])

    def level_cell(ws):
        (row,) = [r for r in range(1, ws.max_row + 1)
                  if ws.cell(r, CODE_COL).value == "profmin_level"]
        return ws.cell(row, TOTAL_COL)

    path_a = books / workbook_file_name("sch-a", "МБОУ Альфа СОШ")
    ws = load_workbook(path_a)[SHEET_MEASURES]
    cell = level_cell(ws)
    assert cell.value == "основной" and not cell.protection.locked
    (choice,) = [dv for dv in ws.data_validations.dataValidation
                 if cell.coordinate in dv.sqref]
    assert choice.formula1 == '"базовый,основной,продвинутый"'

    path_c = books / workbook_file_name("sch-c", "МБОУ Гамма ООШ")
    wb = load_workbook(path_c)
    level_cell(wb[SHEET_MEASURES]).value = "основной"  # was продвинутый
    wb.save(path_c)
    result = collect(books, data, rules=params.rules, allow_other_year=True)
    assert result.ok, [str(p) for p in result.problems]
    text = (data / "measures.csv").read_text(encoding="utf-8")
    assert "2023-2024,sch-c,profmin_level,,2" in text
    assert "2023-2024,sch-a,profmin_level,,основной" in text  # unchanged: left as written
