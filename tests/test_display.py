"""Tables for people (proforient/display.py): Russian headers, percentages, words; the CSV
for Russian Excel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from proforient.compute.alignment import Analysis
from proforient.display import russian, to_excel_csv
from proforient.explore import District, open_district
from tests.conftest import PARAMS, write_small_district


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> District:
    return open_district(write_small_district(tmp_path_factory.mktemp("small") / "data"), PARAMS)


def test_shares_as_percentages_positions_and_booleans_in_words():
    frame = pd.DataFrame({"org_name": ["Альфа СОШ", "Бета СОШ"], "share": [0.711538, None],
                          "position": ["far_below", "inside"], "change": [-0.125196, 0.03],
                          "p_value": [0.159017, 0.0001], "significant": [False, True]})
    out = russian(frame)
    assert list(out.columns) == ["Организация", "Доля", "Положение в воронке",
                                 "Изменение к прошлому году", "p (точный тест Фишера)",
                                 "Изменение значимо"]
    assert out.iloc[0].tolist() == ["Альфа СОШ", "71,2 %", "намного ниже района",
                                    "−12,5 п. п.", "0,159", "нет"]
    assert out.iloc[1].tolist() == ["Бета СОШ", "—", "в пределах обычного разброса",
                                    "+3,0 п. п.", "< 0,001", "да"]
    assert frame["share"].iloc[0] == 0.711538  # the tidy frame is left as it was


def test_indicator_rows_by_kind_statuses_and_levels(tiny):
    district = open_district(tiny, PARAMS)
    table = district.indicators("2021-2022", org_id="sch-a")
    out = russian(table).set_index("Код показателя")
    assert "status" not in out and "status_label" not in out
    diagnostics = out.loc["diagnostics_share"]
    assert (diagnostics["Значение"], diagnostics["Цель"], diagnostics["Статус"],
            diagnostics["Уровень"], diagnostics["Вид показателя"]) == (
        "90,0 %", "80,0 %", "достигнуто", "организация", "доля")
    assert out.loc["class_hours", "Значение"] == "3"  # a count stays a number
    assert out.loc["responsible_appointed", "Значение"] == "да"  # one school's flag
    district_rows = russian(district.indicators("2021-2022", scope="district")).set_index(
        "Код показателя")
    assert district_rows.loc["responsible_appointed", "Значение"] == "66,7 %"  # 2 of 3 schools
    assert district_rows.loc["diagnostics_share", "Организация"] == "—"


def test_labelled_codes_are_replaced_by_their_labels(small: District):
    orgs = russian(small.organizations()).set_index("Код организации")
    assert "kind_label" not in orgs and orgs.loc["sch-a", "Вид организации"] == (
        "общеобразовательная организация")
    flows = russian(small.profile_flows())  # an Analysis shows its table
    assert set(flows["Профиль"]) == {"технологический"} and set(flows["По профилю"]) == {"да"}
    supply = russian(small.supply_demand("2021-2022"))
    assert set(supply["Территория"]) == {"район", "республика"}


def test_csv_for_russian_excel(small: District, tmp_path: Path):
    table = small.graduates_by_school("2021-2022")
    path = to_excel_csv(table, tmp_path / "выгрузка" / "выпускники.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Cyrillic right
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.split(";")[:3] == ["Учебный год", "Код организации", "Организация"]
    assert "Поступили по профилю, %" in header
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig").set_index(
        "Код организации")
    assert back.loc["sch-a", "Поступили по профилю, %"] == pytest.approx(87.5)  # 7 of 8
    assert ";87,5;" in text
    assert "'" not in back.loc["sch-a", "Организация"]
    hostile = small.organizations()
    codes = to_excel_csv(hostile, tmp_path / "as_is.csv", as_is=True).read_text("utf-8-sig")
    assert codes.splitlines()[0].startswith("org_id;name;kind")


def test_csv_of_an_analysis_and_formulas_neutralised(tmp_path: Path):
    analysis = Analysis(pd.DataFrame({"ugs_name": ["=HYPERLINK(1)"], "graduates": [3]}),
                        pd.DataFrame({"included": [True], "graduates": [3]}))
    text = to_excel_csv(analysis, tmp_path / "a.csv").read_text("utf-8-sig")
    assert text.splitlines()[1] == "'=HYPERLINK(1);3"


def test_a_label_column_without_its_code_takes_the_codes_header(small: District):
    table = small.supply_demand("2021-2022").table[["territory_label", "ugs_name", "gap"]]
    assert list(russian(table).columns) == ["Территория", "Укрупнённая группа специальностей",
                                            "Разрыв (вакансии минус поступившие)"]
