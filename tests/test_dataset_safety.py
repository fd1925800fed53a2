"""validate as the single gate: what later steps cannot use is refused here, with file, line,
column and a Russian reason (numbers, organisation ids, graduates above enrolment, sizes)."""

from __future__ import annotations

import pytest

from proforient.cli import main
from proforient.dataset import check_dataset
from proforient.problems import errors_of
from tests.conftest import RULES, TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset

#: The line of a row appended to TINY_MEASURES (header = line 1).
NEXT_LINE = TINY_MEASURES.count("\n") + 1


def check(tmp_path, **tables):
    base = {"organizations": TINY_ORGANIZATIONS, "measures": TINY_MEASURES}
    folder = write_dataset(tmp_path / "d", **{**base, **tables})
    return check_dataset(folder, RULES)


def errors(tmp_path, **tables):
    return errors_of(check(tmp_path, **tables)[1])


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------------
# Numbers: plain decimal numbers only, counts up to a million


@pytest.mark.parametrize("value", ["inf", "Infinity", "NaN", "1e308", "1e3", "1_000", "１２",
                                   "+5", "0x10"])
def test_numbers_python_reads_but_a_person_does_not_write_are_refused(tmp_path, value):
    found = errors(tmp_path, measures=TINY_MEASURES + f"2021-2022,sch-a,excursions,,{value}\n")
    assert [(e.file, e.line, e.column) for e in found] == [("measures.csv", NEXT_LINE, "value")]
    assert found[0].message == (f"значение «{value}» не является числом: нужно число в обычной "
                                "записи: цифры 0–9 и, для дробей, запятая или точка (без «e», "
                                "«_», пробелов, «inf»)")


@pytest.mark.parametrize(("value", "bad"), [("1000000", False), ("1000001", True),
                                            ("1" + "0" * 400, True), ("0,5", False)])
def test_counts_are_bounded_by_a_million(tmp_path, value, bad):
    # a fraction passes the number check; a count must then be whole (its own message)
    found = errors(tmp_path, measures=TINY_MEASURES + f"2021-2022,sch-a,excursions,,{value}\n")
    if bad:
        assert [(e.line, e.column, e.message) for e in found] == [
            (NEXT_LINE, "value", f"значение {value} больше 1 000 000: такого количества не "
                                 "бывает, проверьте, нет ли лишних цифр")]
    else:
        assert all("больше 1 000 000" not in e.message for e in found)


@pytest.mark.parametrize("grade", ["1e1", "１１", "1" + "0" * 30])
def test_grades_are_plain_numbers_too(tmp_path, grade):
    found = errors(tmp_path, measures=TINY_MEASURES + f"2021-2022,sch-a,students,{grade},4\n")
    assert [(e.line, e.column) for e in found] == [(NEXT_LINE, "grade")]


def test_huge_vacancies_are_refused(tmp_path):
    demand = ("territory,code,title,year,vacancies,source\n"
              "район,15.02.16,Техмаш,,1e308,ЦЗН\n"
              "район,15.02.17,Техмаш,,2000000,ЦЗН\n"
              "район,15.02.18,Техмаш,,1000000,ЦЗН\n")
    found = errors(tmp_path, demand=demand)
    assert [(e.file, e.line, e.column) for e in found] == [("demand.csv", 2, "vacancies"),
                                                           ("demand.csv", 3, "vacancies")]
    assert "не больше 1 000 000" in found[0].message


@pytest.mark.parametrize("value", ["1e308", "inf", "1_000"])
def test_indicators_refuses_absurd_numbers_without_a_traceback(tmp_path, capsys, value):
    """The tester's case: such a value passed validate, then indicators crashed."""
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES + f"2021-2022,sch-a,excursions,,{value}\n")
    code, _, err = run(capsys, "validate", folder)
    assert code == 1 and f"measures.csv, строка {NEXT_LINE}, столбец «value»: ошибка" in err
    code, _, err = run(capsys, "indicators", folder, "--output", tmp_path / "i.csv")
    assert code == 1 and f"measures.csv, строка {NEXT_LINE}, столбец «value»: ошибка" in err
    assert not (tmp_path / "i.csv").exists()


def test_parquet_numbers_keep_every_digit(tmp_path):
    """A float column of Parquet was written with 6 significant digits (1234567 → 1234570)."""
    import pandas as pd

    folder = write_dataset(tmp_path / "pq", organizations=TINY_ORGANIZATIONS)
    frame = pd.DataFrame({"year": ["2021-2022"] * 3, "org_id": ["sch-a", "uo", "sch-b"],
                          "measure": ["students", "media_posts", "excursions"],
                          "grade": [5.0, None, None], "value": [654321.0, 0.5, float("inf")]})
    frame.to_parquet(folder / "measures.parquet")
    dataset, problems = check_dataset(folder, RULES)
    assert [(p.line, p.column, p.message) for p in errors_of(problems)] == [
        (3, "value", "значение «inf» не является числом: нужно число в обычной записи: цифры "
                     "0–9 и, для дробей, запятая или точка (без «e», «_», пробелов, «inf»)"),
        (2, "value", "количество должно быть целым, а указано 0.5")]
    assert dataset.measures["value"].tolist() == [654321.0]


def test_values_are_read_as_typed(tmp_path):
    """pandas inferred a column's type: «001» became 1 and «1e3» 1000.0 before any check."""
    orgs = TINY_ORGANIZATIONS + "001,МБОУ Ноль-ноль-один СОШ,school,\n"
    dataset, problems = check(tmp_path, organizations=orgs,
                              measures="year,org_id,measure,grade,value\n"
                                       "2021-2022,001,students,5,1e3\n"
                                       "2021-2022,001,students,6,10\n")
    assert "001" in set(dataset.organizations["org_id"])
    assert [(p.line, p.column) for p in errors_of(problems)] == [(2, "value")]
    assert dataset.measures["org_id"].tolist() == ["001"]
