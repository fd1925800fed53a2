"""Issue 17, «Done when»: a district adds a measure and an indicator with YAML and CSV only — in
a copy of the parameters folder, without touching code — and every command works with them:
validate, indicators, the Excel template → collect round trip, and the reports.

The new measure ``horizons_course`` («прошли курс «Россия — мои горизонты»») is counted by
grade and bounded by ``students``; the new indicator ``horizons_pilot_share`` is its share in
grades 6–11 (a pilot year: the federal roadmaps' ``horizons_course_share`` of 2023-2024 on is
another series, since the 2022-2023 roadmap has no such indicator). The small district
(tests/conftest.py) has 50 pupils in grade 9 and 50 in grade 11 in every СОШ (sch-d: 100 in
grade 9); the schools fill in their workbooks:

- sch-a: 40 of grade 9 and 20 of grade 11 → 60 of 100 = 60 %, target 50 % met;
- sch-b: 15 and 25 → 40 of 100 = 40 %, not met;
- the others report nothing → «нет данных»;
- district: (60 + 40) / (100 + 100) = 50 %, 2 of 5 schools reporting.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from proforient.cli import main
from proforient.excel.layout import CODE_COL, FIRST_GRADE_COL, MEASURES_HEADER_ROW, SHEET_MEASURES
from proforient.excel.template import workbook_file_name
from proforient.paths import parameters_dir
from tests.conftest import write_small_district

YEAR = "2021-2022"

MEASURE = """
  horizons_course:
    label: "прошли курс «Россия — мои горизонты»"
    group: participants
    by: grade
    bounded_by: students
"""

ACTIVITY = """
  - number: 25
    goal: "выявление предпочтений обучающихся в области профессиональной ориентации"
    activity: "Курс «Россия — мои горизонты» для 6-11 классов"
    deadline: "В течение учебного года"
    expected_result: "Не менее половины обучающихся 6-11 классов прошли курс"
    executors: ["ОО"]
    indicator:
      id: horizons_pilot_share
      title: "Доля обучающихся 6-11 классов, прошедших курс «Россия — мои горизонты»"
      kind: share
      applies_to: [school]
      numerator: {measure: horizons_course, grades: [6, 11]}
      denominator: {measure: students, grades: [6, 11]}
      target: 0.5
"""

FILLED = {"sch-a": {9: 40, 11: 20}, "sch-b": {9: 15, 11: 25}}


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text,
                    encoding="utf-8")


def _cli(capsys, *argv) -> str:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _fill(path: Path, grades: dict[int, int]) -> None:
    wb = load_workbook(path)
    ws = wb[SHEET_MEASURES]
    (row,) = [r for r in range(MEASURES_HEADER_ROW + 1, ws.max_row + 1)
              if ws.cell(r, CODE_COL).value == "horizons_course"]
    for grade, value in grades.items():
        cell = ws.cell(row, FIRST_GRADE_COL + grade - 1)
        assert not cell.protection.locked, f"grade {grade} of horizons_course is not an input"
        cell.value = value
    wb.save(path)


def collected_district(tmp_path: Path, monkeypatch, capsys) -> Path:
    """The new measure and indicator in a copy of parameters/, the schools' workbooks filled
    and collected: the dataset folder, validated."""
    params = tmp_path / "parameters"
    shutil.copytree(parameters_dir(), params)
    _append(params / "measures.yaml", MEASURE)
    _append(params / f"roadmap-{YEAR}.yaml", ACTIVITY)
    monkeypatch.setenv("PROFORIENT_PARAMETERS", str(params))
    data = write_small_district(tmp_path / "data")
    books = tmp_path / "books"
    _cli(capsys, "template", data, "--year", YEAR, "--out", books)
    for org, name in (("sch-a", "МБОУ Альфа СОШ"), ("sch-b", "МБОУ Бета СОШ")):
        _fill(books / workbook_file_name(org, name), FILLED[org])
    _cli(capsys, "collect", books, "--out", data, "--allow-other-year")
    rows = pd.read_csv(data / "measures.csv", dtype=str)
    new = rows[rows["measure"] == "horizons_course"]
    assert sorted(zip(new["org_id"], new["grade"], new["value"], strict=True)) == [
        ("sch-a", "11", "20"), ("sch-a", "9", "40"), ("sch-b", "11", "25"), ("sch-b", "9", "15")]
    assert "в порядке" in _cli(capsys, "validate", data)
    return data


def test_new_measure_validate_indicators_and_excel_round_trip(tmp_path, monkeypatch,
                                                              capsys) -> None:
    data = collected_district(tmp_path, monkeypatch, capsys)
    out = tmp_path / "indicators.csv"
    _cli(capsys, "indicators", data, "--year", YEAR, "--output", out)
    table = pd.read_csv(out, dtype={"org_id": str})
    mine = table[table["indicator_id"] == "horizons_pilot_share"]
    mine = mine.set_index(mine["org_id"].fillna("district"))
    assert mine.loc["sch-a", ["numerator", "denominator", "value", "status"]].tolist() == [
        40 + 20, 100, 0.6, "met"]
    assert mine.loc["sch-b", ["numerator", "denominator", "value", "status"]].tolist() == [
        15 + 25, 100, 0.4, "not_met"]
    assert set(mine.loc[["sch-c", "sch-d", "sch-x"], "status"]) == {"no_data"}
    district = mine.loc["district"]
    assert (district["numerator"], district["denominator"], district["value"]) == (100, 200, 0.5)
    assert (district["orgs_reporting"], district["orgs_total"]) == (2, 5)


def test_a_school_enters_more_participants_than_pupils(tmp_path, monkeypatch, capsys) -> None:
    """The bound declared in measures.yaml reaches the workbook check of collect."""
    params = tmp_path / "parameters"
    shutil.copytree(parameters_dir(), params)
    _append(params / "measures.yaml", MEASURE)
    _append(params / f"roadmap-{YEAR}.yaml", ACTIVITY)
    monkeypatch.setenv("PROFORIENT_PARAMETERS", str(params))
    data = write_small_district(tmp_path / "data")
    books = tmp_path / "books"
    _cli(capsys, "template", data, "--year", YEAR, "--out", books)
    _fill(books / workbook_file_name("sch-a", "МБОУ Альфа СОШ"), {9: 51})
    code = main(["collect", str(books), "--out", str(data), "--allow-other-year"])
    err = capsys.readouterr().err
    assert code != 0
    assert "«прошли курс «Россия — мои горизонты»» — 51, это больше, чем «обучающиеся» — 50" \
        in err


def _page_text(path: Path) -> str:
    """What a reader sees: the text of the page without tags, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
def test_new_indicator_in_the_reports(tmp_path, monkeypatch, capsys) -> None:
    data = collected_district(tmp_path, monkeypatch, capsys)
    out = tmp_path / "out"
    _cli(capsys, "report", data, "--year", YEAR, "--out", out, "--schools", "sch-a,sch-b")
    title = "Доля обучающихся 6–11 классов, прошедших курс «Россия — мои горизонты»"
    district = _page_text(out / "district.html")
    assert f"{title} 50,0 % не менее 50 % ✓ достигнуто 2 из 5" in district
    sch_a = _page_text(out / "sch-a.html")
    assert f"{title} 60,0 % 60 из 100 не менее 50 % ✓ достигнуто 50,0 %" in sch_a
    # the participation section names the new measure by its label from measures.yaml
    assert "Прошли курс «Россия — мои горизонты»: ниже цели 50 % в 11 классе" in sch_a
    sch_b = _page_text(out / "sch-b.html")
    assert f"{title} 40,0 % 40 из 100 не менее 50 %" in sch_b
