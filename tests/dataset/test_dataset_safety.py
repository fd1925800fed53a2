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


# --------------------------------------------------------------------------------------------
# Organisation ids: they become file names


@pytest.mark.parametrize(("org_id", "reason"), [
    ("../../evil", "недопустимые символы: «/»; начинается с точки"),
    ("a/b", "недопустимые символы: «/»"),
    ("a\\b", "недопустимые символы: «\\»"),
    ("sch\x07", "недопустимые символы: U+0007"),
    ("sch 1", "недопустимые символы: пробел"),
    ("шк\u0306", "недопустимые символы: U+0306"),  # a decomposed «й»
    ("sch:1*", "недопустимые символы: «:», «*»"),
    ("CON", "зарезервированное имя устройства в Windows (CON)"),
    ("nul", "зарезервированное имя устройства в Windows (NUL)"),
    ("Lpt9.txt", "зарезервированное имя устройства в Windows (LPT9)"),
    ("com1", "зарезервированное имя устройства в Windows (COM1)"),
    ("x" * 300, "длиннее 64 символов (300)"),
    ("Index", "совпадает с именем служебного файла отчётов"),
    ("_work", "совпадает с именем служебного файла отчётов"),
    ("GRADUATES", "совпадает с именем служебного файла отчётов"),
    (".hidden", "начинается с точки"),
    ("sch.", "кончается точкой"),
])
def test_org_ids_unusable_as_file_names_are_refused(tmp_path, org_id, reason):
    orgs = TINY_ORGANIZATIONS + f'"{org_id}",МБОУ Новая СОШ,school,\n'
    dataset, problems = check(tmp_path, organizations=orgs)
    found = errors_of(problems)
    assert [(e.file, e.line, e.column) for e in found] == [("organizations.csv", 8, "org_id")]
    assert reason in found[0].message
    assert found[0].message.startswith("код организации «")
    assert org_id not in set(dataset.organizations["org_id"])  # nothing downstream sees it


@pytest.mark.parametrize("org_id", ["sch-07", "школа_1.2", "A" * 64, "con-1", "COM10",
                                    "console", "index-1", "ДОУ-1"])
def test_usable_org_ids_pass(tmp_path, org_id):
    orgs = TINY_ORGANIZATIONS + f'"{org_id}",МБОУ Новая СОШ,school,\n'
    assert errors(tmp_path, organizations=orgs) == []


def test_org_ids_that_differ_only_in_case_are_refused(tmp_path):
    found = errors(tmp_path, organizations=TINY_ORGANIZATIONS + "SCH-A,МБОУ Другая СОШ,school,\n")
    assert [(e.line, e.column) for e in found] == [(8, "org_id")]
    assert found[0].message.startswith("код организации «SCH-A» отличается от «sch-a» (строка 2) "
                                       "только регистром букв")


def test_measures_of_a_refused_org_are_not_reported_again(tmp_path):
    orgs = TINY_ORGANIZATIONS + "CON,МБОУ Новая СОШ,school,\n"
    found = errors(tmp_path, organizations=orgs,
                   measures=TINY_MEASURES + "2021-2022,CON,students,5,4\n")
    assert [(e.file, e.line) for e in found] == [("organizations.csv", 8)]


def test_validate_template_and_report_refuse_a_long_org_id(tmp_path, capsys):
    """The tester's case: a 300-character id passed validate, then stopped template halfway
    (some workbooks written) and failed its school's report with an English OSError."""
    from proforient.batch.run import run_report
    from proforient.problems import InputError

    long_id = "школа-" + "я" * 294
    orgs = TINY_ORGANIZATIONS.replace("sch-c,", f"{long_id},")
    measures = TINY_MEASURES.replace(",sch-c,", f",{long_id},")
    folder = write_dataset(tmp_path / "d", organizations=orgs, measures=measures)
    code, _, err = run(capsys, "validate", folder)
    assert code == 1
    assert (f"organizations.csv, строка 4, столбец «org_id»: ошибка: код организации "
            f"«школа-{'я' * 34}…» нельзя сделать именем файла: длиннее 64 символов (300)") in err
    assert err.count("ошибка:") == 1 and "Traceback" not in err
    code, _, err = run(capsys, "template", folder, "--year", "2021-2022", "--out",
                       tmp_path / "books")
    assert code == 1 and "organizations.csv, строка 4, столбец «org_id»" in err
    assert not (tmp_path / "books").exists()
    with pytest.raises(InputError) as info:
        run_report(folder, "2021-2022", tmp_path / "reports")
    assert [(p.file, p.line, p.column) for p in errors_of(info.value.problems)] == [
        ("organizations.csv", 4, "org_id")]
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------------------------
# Graduates above the enrolment of their grade

GRADUATES_HEADER = ("year,org_id,graduate_id,grade,profile,ege_subjects,destination,institution,"
                    "specialty_code,specialty_name,study_region\n")


def test_more_graduates_than_pupils_of_the_grade_is_an_error(tmp_path):
    measures = TINY_MEASURES + "2021-2022,sch-c,students,9,2\n2021-2022,sch-b,students,9,2\n"
    graduates = GRADUATES_HEADER + (
        "2021-2022,sch-c,c-1,9,,,СПО,,,,\n"       # line 2
        "2021-2022,sch-c,c-2,9,,,СПО,,,,\n"       # 3
        "2021-2022,sch-c,c-3,11,,,ВУЗ,,,,\n"      # 4: grade 11 of sch-c has no enrolment row
        "2021-2022,sch-b,b-1,9,,,СПО,,,,\n"       # 5: sch-b, 2 of 2 — fine
        "2021-2022,sch-c,c-4,9,,,СПО,,,,\n"       # 6: the third of sch-c's two ninth-graders
        "2021-2022,sch-b,b-2,9,,,СПО,,,,\n"       # 7
        "2021-2022,sch-c,c-5,9,,,СПО,,,,\n"       # 8
        "2020-2021,sch-c,c-9,9,,,СПО,,,,\n")      # 9: another year, no enrolment row
    found = errors(tmp_path, measures=measures, graduates=graduates)
    assert [(e.file, e.line, e.column, e.message) for e in found] == [
        ("graduates.csv", 6, "grade",
         "sch-c, 2021-2022: выпускников 9 класса — 4, а показатель «students» за 9 класс — 2: "
         "выпускников не может быть больше, чем обучающихся; лишние — с этой строки")]


def test_each_school_year_and_grade_above_its_enrolment_gets_one_error(tmp_path):
    """Several groups at once (the check is vectorised): one error per school, year and grade,
    on the first row beyond the enrolment, in the order the groups first appear."""
    measures = TINY_MEASURES + ("2021-2022,sch-c,students,9,1\n2021-2022,sch-b,students,9,2\n"
                                "2020-2021,sch-b,students,9,1\n")
    graduates = GRADUATES_HEADER + (
        "2021-2022,sch-b,b-1,9,,,СПО,,,,\n"       # line 2: sch-b 9 first appears
        "2021-2022,sch-c,c-1,9,,,СПО,,,,\n"       # 3: sch-c 9 first appears
        "2020-2021,sch-b,o-1,9,,,СПО,,,,\n"       # 4: 2020-2021, 1 of 1 — fine
        "2021-2022,sch-b,b-2,9,,,СПО,,,,\n"       # 5
        "2021-2022,sch-c,c-2,9,,,СПО,,,,\n"       # 6: sch-c's second of one ninth-grader
        "2021-2022,sch-b,b-11,11,,,ВУЗ,,,,\n"     # 7: grade 11 of sch-b: 1 of 50 — fine
        "2021-2022,sch-b,b-3,9,,,СПО,,,,\n"       # 8: sch-b's third of two
        "2021-2022,sch-c,c-3,9,,,СПО,,,,\n")      # 9
    found = errors(tmp_path, measures=measures, graduates=graduates)
    tail = ": выпускников не может быть больше, чем обучающихся; лишние — с этой строки"
    assert [(e.file, e.line, e.column, e.message) for e in found] == [
        ("graduates.csv", 8, "grade",
         "sch-b, 2021-2022: выпускников 9 класса — 3, а показатель «students» за 9 класс — 2"
         + tail),
        ("graduates.csv", 6, "grade",
         "sch-c, 2021-2022: выпускников 9 класса — 3, а показатель «students» за 9 класс — 1"
         + tail)]


def test_a_total_enrolment_is_not_compared_with_graduates(tmp_path):
    measures = TINY_MEASURES.replace("2021-2022,sch-b,students,11,50",
                                     "2021-2022,sch-b,students,,1")
    graduates = GRADUATES_HEADER + ("2021-2022,sch-b,b-1,11,,,ВУЗ,,,,\n"
                                    "2021-2022,sch-b,b-2,11,,,ВУЗ,,,,\n")
    assert [e for e in errors(tmp_path, measures=measures, graduates=graduates)
            if e.file == "graduates.csv"] == []


# --------------------------------------------------------------------------------------------
# dataset.yaml: Russian words only


def _latin_words(text: str) -> set[str]:
    import re

    return set(re.findall(r"[A-Za-z]{2,}", text)) - {"YAML", "UTF"}


@pytest.mark.parametrize(("content", "line", "reason"), [
    ("name: [Крошечный район\n", 2, "файл не читается как YAML: ошибка в разметке YAML"),
    ('name: "Крошечный район\n', 2, "файл не читается как YAML: незакрытая кавычка или скобка"),
    ("name: район\n\tsynthetic: true\n", 2, "файл не читается как YAML: табуляция вместо "
                                            "пробелов"),
    ("name: район\nstarted: 2021-02-30\n", None, "в файле значение, которое не читается "
                                                 "(например, несуществующая дата"),
    ("- район\n- ещё\n", None, "ожидался словарь YAML"),
    (b"name: \xcf\xf0\xe8\xec\xe5\xf0\n", None, "файл не в кодировке UTF-8"),
    (None, None, "файл не читается: на месте файла — папка"),
])
def test_dataset_yaml_problems_are_told_in_russian(tmp_path, capsys, content, line, reason):
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES)
    target = folder / "dataset.yaml"
    if content is None:
        target.mkdir()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    dataset, problems = check_dataset(folder, RULES)
    (problem,) = [p for p in problems if p.file == "dataset.yaml"]
    assert (problem.line, problem.severity) == (line, "warning")
    assert problem.message.startswith(reason) and problem.message.endswith("файл не используется")
    assert _latin_words(problem.message) == set()
    assert dataset is not None and dataset.meta == {} and dataset.name == "d"
    code, out, err = run(capsys, "validate", folder)
    assert code == 0 and "Данные в порядке" in out
    (shown,) = [ln for ln in err.splitlines() if ln.startswith("dataset.yaml")]
    assert shown.split(": предупреждение: ", 1)[1] == problem.message
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------------
# Oversized tables are refused before they are read (the limits lowered for the test)


@pytest.fixture
def unread(monkeypatch):
    """Fail the test if measures.csv/.parquet is read whole."""
    from pathlib import Path

    from proforient.dataset import read

    real = Path.read_bytes

    def read_bytes(self):
        assert self.name != "measures.csv", "the file was read"
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(read.pd, "read_parquet",
                        lambda *a, **k: pytest.fail("the Parquet file was read"))


def test_a_csv_bigger_than_the_limit_is_refused_unread(tmp_path, monkeypatch, capsys, unread):
    from proforient.dataset import read

    monkeypatch.setattr(read, "MAX_TABLE_BYTES", 500)
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES)
    size = (folder / "measures.csv").stat().st_size
    code, _, err = run(capsys, "validate", folder)
    assert code == 1
    assert (f"measures.csv: ошибка: файл слишком большой: {size} байт, а читаются таблицы до "
            "500 байт; таблица района столько не занимает — проверьте, тот ли это файл") in err


def test_a_csv_with_too_many_rows_is_refused(tmp_path, monkeypatch):
    from proforient.dataset import read

    monkeypatch.setattr(read, "MAX_TABLE_ROWS", 27)
    rows = TINY_MEASURES.count("\n") - 1  # 28 data rows
    found = errors(tmp_path)
    assert [(e.file, e.line, e.message) for e in found] == [
        ("measures.csv", None, f"в файле {rows} строк данных, а читается не больше 27; "
                               "проверьте, тот ли это файл")]
    monkeypatch.setattr(read, "MAX_TABLE_ROWS", rows)
    assert errors(tmp_path) == []


def test_a_parquet_file_with_too_many_rows_is_refused_unread(tmp_path, monkeypatch, unread):
    import pandas as pd

    from proforient.dataset import read

    monkeypatch.setattr(read, "MAX_TABLE_ROWS", 2)
    folder = write_dataset(tmp_path / "pq", organizations=TINY_ORGANIZATIONS)
    pd.DataFrame({"year": ["2021-2022"] * 3, "org_id": ["sch-a"] * 3,
                  "measure": ["students"] * 3, "grade": ["5", "6", "7"],
                  "value": ["1", "2", "3"]}).to_parquet(folder / "measures.parquet")
    _, problems = check_dataset(folder, RULES)
    assert [p.message for p in errors_of(problems) if p.file == "measures.parquet"] == [
        "в файле 3 строк данных, а читается не больше 2; проверьте, тот ли это файл"]
