"""Loading and validation: formats, aliases, and every class of bad input named precisely."""

from __future__ import annotations

import pandas as pd
import pytest

from proforient.dataset import check_dataset, load_dataset
from proforient.problems import InputError, errors_of
from tests.conftest import RULES, TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset

GRADUATES_HEADER = ("year,org_id,graduate_id,grade,profile,ege_subjects,destination,institution,"
                    "specialty_code,specialty_name,study_region\n")


def test_aliases_are_normalised(tiny):
    ds = load_dataset(tiny, RULES)
    kinds = ds.organizations.set_index("org_id")["kind"]
    assert kinds["sch-b"] == "school" and kinds["sch-c"] == "school"
    assert kinds["dou-1"] == "preschool" and kinds["uo"] == "department"
    assert ds.years == ["2020-2021", "2021-2022"] and ds.latest_year == "2021-2022"


def test_semicolon_and_bom_read_like_comma(tiny, tmp_path):
    folder = tmp_path / "excel"
    folder.mkdir()
    (folder / "organizations.csv").write_bytes(
        b"\xef\xbb\xbf" + TINY_ORGANIZATIONS.replace(",", ";").encode("utf-8"))
    (folder / "measures.csv").write_bytes(
        b"\xef\xbb\xbf" + TINY_MEASURES.replace(",", ";").replace("\n", "\r\n").encode())
    a, b = load_dataset(tiny, RULES), load_dataset(folder, RULES)
    pd.testing.assert_frame_equal(a.measures, b.measures)
    pd.testing.assert_frame_equal(a.organizations, b.organizations)


def test_parquet_is_read_like_csv(tiny, tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    (folder / "organizations.csv").write_text(TINY_ORGANIZATIONS, encoding="utf-8")
    pd.read_csv(tiny / "measures.csv").to_parquet(folder / "measures.parquet")
    pd.testing.assert_frame_equal(load_dataset(tiny, RULES).measures,
                                  load_dataset(folder, RULES).measures)


def test_cp1251_is_read_with_a_warning(tiny, tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "organizations.csv").write_bytes(TINY_ORGANIZATIONS.encode("cp1251"))
    (folder / "measures.csv").write_text(TINY_MEASURES, encoding="utf-8")
    ds = load_dataset(folder, RULES)
    assert ds.organizations.set_index("org_id").loc["sch-a", "name"] == "МБОУ Альфа СОШ"
    assert any("Windows-1251" in p.message and p.severity == "warning" for p in ds.problems)


def test_graduate_aliases(tmp_path):
    graduates = GRADUATES_HEADER + (
        "2021-2022,sch-b,g1,11, Технологический ,\"Русский язык; мат. профиль, инф.\",ВУЗ,,"
        "09.03.01,,республика\n"
        "2021-2022,sch-b,g2,9,,,10 класс,,,,\n"
        "2021-2022,sch-b,g3,9,гуманитарный,,,,,,\n")
    folder = write_dataset(tmp_path / "g", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES, graduates=graduates)
    g = load_dataset(folder, RULES).graduates.set_index("graduate_id")
    assert g.loc["g1", "profile"] == "technological"
    assert g.loc["g1", "ege_subjects"] == "informatics;math_profile;russian"
    assert g.loc["g1", "destination"] == "vo"
    assert g.loc["g2", "destination"] == "school" and pd.isna(g.loc["g2", "profile"])
    assert g.loc["g3", "destination"] == "unknown"  # empty means unknown


def _problems(tmp_path, **tables):
    base = {"organizations": TINY_ORGANIZATIONS, "measures": TINY_MEASURES}
    folder = write_dataset(tmp_path / "bad", **{**base, **tables})
    dataset, problems = check_dataset(folder, RULES)
    return errors_of(problems)


BAD_MEASURES = [
    ("2021-2022,sch-x,students,5,4", "org_id", "sch-x"),
    ("2021-2022,sch-a,pupils,5,4", "measure", "неизвестный показатель"),
    ("2021-2022,sch-a,excursions,,-1", "value", "отрицательное"),
    ("2021-2022,sch-a,excursions,,много", "value", "не является числом"),
    ("2021-2022,sch-a,students,12,4", "grade", "от 1 до 11"),
    ("2021/2022,sch-a,students,7,4", "year", "ГГГГ-ГГГГ"),
    ("2021-2023,sch-a,students,7,4", "year", "ГГГГ-ГГГГ"),
    ("2021-2022,sch-a,students,5,4", "measure", "повторяется (уже есть в строке 2)"),
    ("2021-2022,sch-a,plan_approved,,2", "value", "флаг"),
    ("2021-2022,sch-a,proektoria,6,7", "value", "больше"),
]


@pytest.mark.parametrize(("line", "column", "fragment"), BAD_MEASURES)
def test_bad_measure_rows_are_named(tmp_path, line, column, fragment):
    errors = _problems(tmp_path, measures=TINY_MEASURES + line + "\n")
    expected_line = TINY_MEASURES.count("\n") + 1  # header + rows, then ours
    assert [(e.file, e.line, e.column) for e in errors] == [("measures.csv", expected_line,
                                                             column)]
    assert fragment in errors[0].message


def test_every_problem_is_collected(tmp_path):
    bad = ("2021-2022,sch-x,students,5,4\n2021-2022,sch-a,pupils,5,4\n"
           "2021-2022,sch-a,excursions,,-1\n")
    assert len(_problems(tmp_path, measures=TINY_MEASURES + bad)) == 3


def test_unknown_kind(tmp_path):
    errors = _problems(tmp_path, organizations=TINY_ORGANIZATIONS + "x,Завод,завод,\n")
    assert [(e.line, e.column) for e in errors] == [(8, "kind")]


@pytest.mark.parametrize(("line", "column", "fragment"), [
    ("2021-2022,sch-b,g1,11,медицинский,,ВУЗ,,,,", "profile", "медицинский"),
    ("2021-2022,sch-b,g1,11,,,в поиске,,,,", "destination", "в поиске"),
    ("2021-2022,sch-b,g1,11,,,СПО,,15-02-16,,", "specialty_code", "NN.NN.NN"),
    ("2021-2022,sch-b,g1,10,,,СПО,,,,", "grade", "9 или 11"),
    ("2021-2022,sch-b,g1,11,,астрология,ВУЗ,,,,", "ege_subjects", "астрология"),
])
def test_bad_graduate_rows(tmp_path, line, column, fragment):
    errors = _problems(tmp_path, graduates=GRADUATES_HEADER + line + "\n")
    assert [(e.file, e.line, e.column) for e in errors] == [("graduates.csv", 2, column)]
    assert fragment in errors[0].message


def test_duplicate_graduate(tmp_path):
    rows = "2021-2022,sch-b,g1,11,,,ВУЗ,,,,\n2021-2022,sch-b,g1,9,,,СПО,,,,\n"
    errors = _problems(tmp_path, graduates=GRADUATES_HEADER + rows)
    assert [(e.line, e.column) for e in errors] == [(3, "graduate_id")]
    assert "строке 2" in errors[0].message


def test_a_grade_left_empty_is_a_key_of_its_own(tmp_path):
    """Repeated rows are found by one whole number per key: an empty grade (the total) is a
    value of the key like the others, so a total and a grade are no repeat, two totals are."""
    measures = ("year,org_id,measure,grade,value\n"
                "2021-2022,sch-b,students,,40\n2021-2022,sch-b,students,5,4\n"
                "2021-2022,sch-b,students,,40\n")
    errors = _problems(tmp_path, measures=measures)
    assert [(e.line, e.column) for e in errors] == [(4, "measure")]
    assert "повторяется (уже есть в строке 2)" in errors[0].message


def test_repeats_are_found_when_the_keys_outgrow_one_number():
    """Four columns of 50,000 distinct values each make more keys than 64 bits hold: the rows
    are then compared column by column, with the same verdict."""
    from proforient.dataset import checks

    n = 50_000
    values = pd.Series([f"v{i}" for i in range(n)] + ["v7"], dtype="category")
    frame = pd.DataFrame({c: values for c in "abcd"})
    frame["_line"] = range(2, n + 3)
    assert checks._key_number(frame, list("abcd")) is None
    assert checks._key_number(frame, list("abc")) is not None
    problems: list = []
    later = checks._report_duplicates(problems, "t.csv", frame, list("abcd"), "a", "ключ")
    assert later.tolist() == [False] * n + [True]
    assert [(p.line, p.column) for p in problems] == [(n + 2, "a")]
    assert "уже есть в строке 9" in problems[0].message


@pytest.mark.parametrize("content", [b"", b"   \n"])
def test_empty_file(tmp_path, content):
    folder = write_dataset(tmp_path / "e", organizations=TINY_ORGANIZATIONS)
    (folder / "measures.csv").write_bytes(content)
    with pytest.raises(InputError) as info:
        load_dataset(folder, RULES)
    assert [(p.file, p.message) for p in errors_of(info.value.problems)] == [
        ("measures.csv", "файл пуст")]


def test_missing_file_and_column(tmp_path):
    folder = write_dataset(tmp_path / "m", organizations="org_id,name\nsch-a,A\n")
    _, problems = check_dataset(folder, RULES)
    where = {(p.file, p.line, p.column) for p in errors_of(problems)}
    assert ("organizations.csv", 1, "kind") in where
    assert any(p.file == "measures.csv" and "не найден" in p.message for p in problems)


def test_broken_parquet_is_refused_clearly(tmp_path):
    folder = write_dataset(tmp_path / "p", organizations=TINY_ORGANIZATIONS)
    (folder / "measures.parquet").write_bytes(b"PAR1 this is not parquet")
    _, problems = check_dataset(folder, RULES)
    assert [p.file for p in errors_of(problems)] == ["measures.parquet"]


def test_bad_demand_rows(tmp_path):
    demand = ("territory,code,title,year,vacancies,source\n"
              "район,15.02.16,Техмаш,,3,ЦЗН\n"
              "город,15.02.16,Техмаш,,3,ЦЗН\n"
              "республика,1502,Техмаш,,x,ЦЗН\n")
    errors = _problems(tmp_path, demand=demand)
    assert [(e.line, e.column) for e in errors] == [(3, "territory"), (4, "code"),
                                                    (4, "vacancies")]


def _graduates_with_quotes() -> str:
    return GRADUATES_HEADER + (
        "2021-2022,sch-b,g1,11, Технологический ,\"Русский язык; мат. профиль, инф.\",ВУЗ,"
        "\"ТГУ, \"\"Томск\"\"\",09.03.01,,республика\n"
        "2021-2022,sch-b,g2,9,,,10\u00a0класс,,,,\n"
        "2021-2022,sch-b,g3,11,,,СПО,  ,15.02.16,Монтаж,\n")


def test_the_fast_and_the_general_parser_read_alike(tmp_path, monkeypatch):
    """A regular file goes through pyarrow's reader; the same file through the pandas parser
    (what irregular files get) gives the same tables, quotes, spaces and «;» included."""
    from proforient.dataset import read

    folder = write_dataset(tmp_path / "q", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES, graduates=_graduates_with_quotes())
    (folder / "organizations.csv").write_bytes(
        TINY_ORGANIZATIONS.replace(",", ";").encode("utf-8"))
    used = []
    fast = read._parse_regular
    monkeypatch.setattr(read, "_parse_regular",
                        lambda *a: used.append(fast(*a) is not None) or fast(*a))
    a = load_dataset(folder, RULES)
    assert used == [True, True, True]  # organizations, measures, graduates
    monkeypatch.setattr(read, "_parse_regular", lambda *a: None)
    b = load_dataset(folder, RULES)
    for table in ("organizations", "measures", "graduates"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    g = a.graduates.set_index("graduate_id")
    assert g.loc["g1", "institution"] == 'ТГУ, "Томск"'
    assert g.loc["g2", "destination"] == "school" and pd.isna(g.loc["g3", "institution"])


def test_pyarrow_text_becomes_the_same_categories_as_python_makes():
    """Text read by pyarrow is trimmed and sorted by pyarrow; the categories and each row's
    value are what Python's own ``replace("\\u00a0", " ").strip()`` and ``sorted`` give —
    every character ``str.isspace`` knows at either end, values that become one after trimming,
    missing values, Cyrillic and a no-break space inside."""
    import sys

    from proforient.dataset.read import _as_categories

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    values = ["школа", " школа", "школа\u00a0", "10\u00a0класс", "Ёлка", "ёлка", "яблоко", "",
              None, "b", "a", "\u200b"]  # U+200B is no space to Python: kept
    values += [f"{s}x{s}" for s in spaces] + [f"y{s}" for s in spaces]
    column = pd.Series(values, dtype=pd.StringDtype("pyarrow"))
    got = _as_categories(column)
    expected = ["" if v is None else v.replace("\u00a0", " ").strip() for v in values]
    assert list(got.categories) == sorted(set(expected))
    assert list(got) == expected
    assert "x" in got.categories and "y" in got.categories and "\u200b" in got.categories
    assert len(spaces) == 29  # the set the pattern names: one more or less here fails this test


@pytest.mark.parametrize("parser", ["pyarrow", "pandas"])
def test_rows_of_empty_cells_are_dropped_and_lines_kept(tmp_path, monkeypatch, parser):
    """Excel saves rows it once formatted as «,,,,»: they are not data, and the rows after them
    keep the line numbers the school sees."""
    from proforient.dataset import read

    if parser == "pandas":
        monkeypatch.setattr(read, "_parse_regular", lambda *a: None)
    header, first, *rest = TINY_MEASURES.splitlines()
    measures = "\n".join([header, first, ",,,,", " , ,\u00a0,, ", *rest,
                          "2021-2022,sch-a,students,7,x"]) + "\n"
    folder = write_dataset(tmp_path / "e", organizations=TINY_ORGANIZATIONS, measures=measures)
    _, problems = check_dataset(folder, RULES)
    last = len(TINY_MEASURES.splitlines()) + 3  # header, the rows, two empty ones, the bad one
    assert [(e.line, e.column) for e in errors_of(problems)] == [(last, "value")]


def test_a_missing_value_and_an_empty_one_are_one_category():
    """Nothing to trim, yet a missing value becomes «» beside a «» already there: one category."""
    from proforient.dataset.read import _as_categories

    got = _as_categories(pd.Series(["b", "", None, "a"], dtype=pd.StringDtype("pyarrow")))
    assert list(got.categories) == ["", "a", "b"]
    assert list(got) == ["b", "", "", "a"]


@pytest.mark.parametrize(("gap", "line"), [
    ("\n", 3),  # a blank line is a row of the sheet: the error is on the third
    # a line break inside quotes is a cell of two lines in Excel, still one row: the third
    ("2021-2022,sch-b,g0,9,,,\"10\nкласс\",,,,\n", 3),
])
def test_irregular_files_keep_their_line_numbers(tmp_path, gap, line):
    """What pyarrow's reader does not take is read by pandas, with the row numbers a school
    sees when it opens the file in Excel."""
    rows = gap + "2021-2022,sch-b,g1,10,,,СПО,,,,\n"
    errors = _problems(tmp_path, graduates=GRADUATES_HEADER + rows)
    assert [(e.file, e.line, e.column) for e in errors] == [("graduates.csv", line, "grade")]
