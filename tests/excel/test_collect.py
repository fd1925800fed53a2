"""Collecting data in Excel: templates, the round trip, broken workbooks, safe writing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest
from openpyxl import load_workbook

from proforient.cli import main
from proforient.dataset import load_dataset
from proforient.excel.collect import collect as collect_with
from proforient.excel.layout import (
    CODE_COL,
    FIRST_GRADE_COL,
    GRADUATE_FIELDS,
    GRADUATES_FIRST_ROW,
    MEASURES_HEADER_ROW,
    SHEET_GRADUATES,
    SHEET_INFO,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    SHEET_MEASURES,
    SUBJECT_HEADERS,
    TOTAL_COL,
    escape_text,
    unescape_text,
)
from proforient.excel.template import make_templates as make_templates_with
from proforient.excel.template import workbook_file_name
from proforient.excel.workbook import WorkbookProblem
from proforient.paths import DEMO_DATA_DIR
from proforient.problems import InputError
from tests.conftest import PARAMS, RULES, TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset

YEAR = "2021-2022"

# Semicolons and a BOM, as Russian Excel writes; aliases; text that Excel would run as a formula.
GRADUATES = (
    "\ufeffyear;org_id;graduate_id;grade;profile;ege_subjects;destination;institution;"
    "specialty_code;specialty_name;study_region\n"
    "2021-2022;sch-a;a-1;11;технологический;рус, мат. профиль, физика;ВУЗ;=1+1;09.03.01;;"
    "республика\n"
    "2021-2022;sch-a;a-2;9;;;10 класс;;;;\n"
    "2021-2022;sch-b;b-1;9;естественно-научный;;СПО;@колледж;;-медсестра;район\n"
    "2020-2021;sch-a;old-1;11;гуманитарный;история;ВО;Университет;45.03.01;;\n"
)
SCH_A = workbook_file_name("sch-a", "МБОУ Альфа СОШ")
SCH_B = workbook_file_name("sch-b", "МБОУ Бета СОШ")


@pytest.fixture(scope="module")
def small_templates(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny district with graduates, and its templates for 2021-2022 (made once)."""
    root = tmp_path_factory.mktemp("small")
    data = write_dataset(root / "data", organizations=TINY_ORGANIZATIONS, measures=TINY_MEASURES)
    (data / "graduates.csv").write_text(GRADUATES, encoding="utf-8")
    (data / "dataset.yaml").write_text("name: Крошечный район\n", encoding="utf-8")
    make_templates(data, YEAR, root / "templates")
    return data, root / "templates"


@pytest.fixture
def small(small_templates, tmp_path) -> tuple[Path, Path]:
    """Fresh copies (data, workbooks) for one test."""
    data, templates = small_templates
    return (Path(shutil.copytree(data, tmp_path / "data")),
            Path(shutil.copytree(templates, tmp_path / "in")))


def measure_cell(ws, measure: str, grade: int | None) -> str:
    """Address of a measure's cell on the «Показатели» sheet."""
    for row in range(MEASURES_HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(row, CODE_COL).value == measure:
            col = TOTAL_COL if grade is None else FIRST_GRADE_COL + grade - 1
            return ws.cell(row, col).coordinate
    raise KeyError(measure)


def edit(path: Path, change) -> str | None:
    """Open a workbook, apply ``change(wb)`` (which may return a cell address), save it."""
    wb = load_workbook(path)
    where = change(wb)
    wb.save(path)
    return where


def set_measure(measure: str, grade: int | None, value):
    def change(wb):
        ws = wb[SHEET_MEASURES]
        coord = measure_cell(ws, measure, grade)
        ws[coord] = value
        return coord
    return change


def make_templates(data, year, out, **kwargs):
    return make_templates_with(data, year, out, PARAMS, **kwargs)


def collect(books, data, **kwargs):
    return collect_with(books, data, rules=RULES, **kwargs)


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    """Run a subcommand through the command line's entry point."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------------------------
# Templates


def test_template_layout(small):
    data, books = small
    assert sorted(p.name for p in books.iterdir()) == sorted(
        workbook_file_name(o, n) for o, n in [
            ("sch-a", "МБОУ Альфа СОШ"), ("sch-b", "МБОУ Бета СОШ"), ("sch-c", "МБОУ Гамма ООШ"),
            ("nosh", "МБОУ Дельта НОШ"), ("dou-1", "МБДОУ Детский сад «Солнышко»"),
            ("uo", "Управление образования")])
    assert SCH_A == "sch-a_Альфа_СОШ.xlsx"
    wb = load_workbook(books / SCH_A)
    assert wb.sheetnames == [SHEET_INSTRUCTIONS, SHEET_MEASURES, SHEET_GRADUATES, SHEET_INFO,
                             SHEET_LISTS]
    assert wb[SHEET_LISTS].sheet_state == "hidden"
    assert wb.security.lockStructure
    info = wb[SHEET_INFO]
    assert (info["B3"].value, info["B6"].value) == ("sch-a", YEAR)
    ws = wb[SHEET_MEASURES]
    assert all(s.protection.sheet for s in wb.worksheets)
    # headers and codes locked; the roadmap's grades open; grades it does not use closed
    assert ws.cell(MEASURES_HEADER_ROW, FIRST_GRADE_COL).protection.locked
    assert ws[measure_cell(ws, "diagnostics", 5)].protection.locked is False
    assert ws[measure_cell(ws, "diagnostics", 5)].value == 4
    assert ws[measure_cell(ws, "diagnostics", 4)].protection.locked
    assert ws[measure_cell(ws, "students_ovz", None)].value == 5
    assert ws[measure_cell(ws, "career_events", 1)].protection.locked is False
    # every school measure of the roadmap has a row; a total kept where the data have one
    codes = {ws.cell(r, CODE_COL).value for r in range(1, ws.max_row + 1)} - {None, "Код"}
    assert {"students", "diagnostics", "bvb_trials", "class_hours", "plan_approved",
            "contest_participants"} <= codes
    assert ws[measure_cell(ws, "contest_participants", None)].value == 5
    grads = wb[SHEET_GRADUATES]
    first = [grads.cell(GRADUATES_FIRST_ROW, c).value for c in range(1, len(GRADUATE_FIELDS) + 1)]
    assert first == ["a-1", 11, "технологический", "высшее образование", "'=1+1", "09.03.01",
                     None, "республика"]
    subjects = {header: grads.cell(GRADUATES_FIRST_ROW, col).value
                for col, header in enumerate(SUBJECT_HEADERS.values(), len(GRADUATE_FIELDS) + 1)}
    assert {h for h, v in subjects.items() if v == "да"} == {
        "ЕГЭ: русский язык", "ЕГЭ: математика профильная", "ЕГЭ: физика"}
    assert sorted(str(dv.sqref) for dv in grads.data_validations.dataValidation) == [
        "B4:B153", "C4:C153", "D4:D153", "I4:T153"]
    assert grads.cell(GRADUATES_FIRST_ROW + 100, 1).protection.locked is False
    # a sheet of graduates only for schools; a preschool reports its children 5-7
    dou = load_workbook(books / workbook_file_name("dou-1", "МБДОУ Детский сад «Солнышко»"))
    assert SHEET_GRADUATES not in dou.sheetnames
    assert dou[SHEET_MEASURES][measure_cell(dou[SHEET_MEASURES], "children_5_7", None)].value \
        == 20


def test_sch_b_out_of_range_value_gets_an_open_cell(small):
    """bvb_trials of grade 5 is outside the roadmap's 6–11 but in the data: kept and open."""
    _, books = small
    ws = load_workbook(books / SCH_B)[SHEET_MEASURES]
    cell = ws[measure_cell(ws, "bvb_trials", 5)]
    assert cell.value == 10 and cell.protection.locked is False


@pytest.mark.parametrize("text", ["=1+1", "+7", "-x", "@a", "'=b", "'plain", "обычный", "'"])
def test_escape_round_trip(text):
    escaped = escape_text(text)
    assert not escaped.startswith(("=", "+", "-", "@"))
    assert unescape_text(escaped) == text


def test_unknown_year_gives_empty_templates(small_templates, tmp_path):
    data, _ = small_templates
    (path,) = make_templates(data, "2030-2031", tmp_path, org_ids=["sch-a"])
    ws = load_workbook(path)[SHEET_MEASURES]
    assert ws[measure_cell(ws, "students", 5)].value is None


def test_template_refuses_unknown_org(small_templates, tmp_path):
    data, _ = small_templates
    with pytest.raises(InputError, match="zzz"):
        make_templates(data, YEAR, tmp_path, org_ids=["zzz"])


# --------------------------------------------------------------------------------------------
# Round trip


def test_round_trip_demo(tmp_path):
    """Template of the demo → collect unchanged: the same indicators, nothing rewritten."""
    from proforient import pipeline

    def indicator_table(folder):
        return pipeline.run(folder, PARAMS, [YEAR]).indicators

    books = tmp_path / "in"
    assert len(make_templates(DEMO_DATA_DIR, YEAR, books)) == 34
    copy = Path(shutil.copytree(DEMO_DATA_DIR, tmp_path / "demo"))
    before = snapshot(copy)
    result = collect(books, copy)
    assert result.ok and len(result.collected) == 34 and not result.changed
    assert snapshot(copy) == before  # the data already hold exactly this
    # into a dataset that holds only the organisations: every row is written, canonically
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for name in ("organizations.csv", "demand.csv"):
        shutil.copy(DEMO_DATA_DIR / name, fresh / name)
    result = collect(books, fresh)
    assert result.ok and result.backup_dir is None
    pdt.assert_frame_equal(indicator_table(fresh), indicator_table(DEMO_DATA_DIR))
    original, collected = load_dataset(DEMO_DATA_DIR, RULES), load_dataset(fresh, RULES)
    for table in ("measures", "graduates"):
        old = getattr(original, table)
        old = old[old["year"] == YEAR].astype(str)
        new = getattr(collected, table).astype(str)
        pdt.assert_frame_equal(old.sort_values(list(old.columns)).reset_index(drop=True),
                               new.sort_values(list(new.columns)).reset_index(drop=True))


def test_unchanged_small_round_trip_is_a_no_op(small):
    data, books = small
    before = snapshot(data)
    result = collect(books, data)
    assert result.ok and not result.changed and not result.written
    assert snapshot(data) == before
    assert "Изменений нет" in "\n".join(result.report_lines())


def test_formula_text_survives_the_round_trip(small, tmp_path):
    data, books = small
    fresh = write_dataset(tmp_path / "fresh", organizations=TINY_ORGANIZATIONS)
    assert collect(books, fresh).ok
    grads = load_dataset(fresh, RULES).graduates.set_index("graduate_id")
    assert grads.loc["a-1", "institution"] == "=1+1"
    assert grads.loc["b-1", "institution"] == "@колледж"
    assert grads.loc["b-1", "specialty_name"] == "-медсестра"
    original = load_dataset(data, RULES)
    pdt.assert_frame_equal(original.measures[original.measures["year"] == YEAR]
                           .reset_index(drop=True).astype(str)
                           .sort_values(["org_id", "measure", "grade"]).reset_index(drop=True),
                           load_dataset(fresh, RULES).measures.astype(str)
                           .sort_values(["org_id", "measure", "grade"]).reset_index(drop=True))


# --------------------------------------------------------------------------------------------
# A filled workbook changes exactly what was typed


def test_edit_changes_exactly_that_value(small):
    data, books = small
    old_measures = (data / "measures.csv").read_bytes()
    coord = edit(books / SCH_A, set_measure("diagnostics", 5, 3))
    assert coord is not None
    result = collect(books, data)
    assert result.ok
    (replaced,) = result.replaced
    assert (replaced.org_id, replaced.table, replaced.changed, replaced.added,
            replaced.removed) == ("sch-a", "measures", 1, 0, 0)
    assert result.written == [data / "measures.csv"]
    before = pd.read_csv(pd.io.common.BytesIO(old_measures), dtype=str, keep_default_na=False)
    after = pd.read_csv(data / "measures.csv", dtype=str, keep_default_na=False)
    key = ["year", "org_id", "measure", "grade"]
    merged = before.merge(after, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    assert (merged["_merge"] == "both").all()
    diff = merged[merged["value_old"] != merged["value_new"]]
    assert diff[[*key, "value_old", "value_new"]].values.tolist() == [
        [YEAR, "sch-a", "diagnostics", "5", "4", "3"]]
    # the old file is kept in the backup
    assert (result.backup_dir / "measures.csv").read_bytes() == old_measures
    assert "sch-a, 2021-2022, показатели: изменено 1" in "\n".join(result.report_lines())


def test_graduate_edit_keeps_separator_bom_and_other_rows(small):
    data, books = small

    def change(wb):
        ws = wb[SHEET_GRADUATES]
        ws.cell(GRADUATES_FIRST_ROW + 1, 4).value = "армия"  # a-2: 10 класс → армия
        ws.cell(GRADUATES_FIRST_ROW + 2, 1).value = "a-3"  # a new graduate
        ws.cell(GRADUATES_FIRST_ROW + 2, 2).value = 9
        ws.cell(GRADUATES_FIRST_ROW + 2, 4).value = "работа"
    edit(books / SCH_A, change)
    result = collect(books, data)
    assert result.ok
    assert [(r.table, r.changed, r.added, r.removed) for r in result.replaced] == [
        ("graduates", 1, 1, 0)]
    raw = (data / "graduates.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    old = GRADUATES.lstrip("\ufeff").splitlines()
    assert lines[0] == old[0]
    assert lines[1:4] == ["2021-2022;sch-a;a-1;11;technological;math_profile;physics;russian;vo;"
                          "=1+1;09.03.01;;республика".replace(";math_profile;physics;russian;",
                                                              ';"math_profile;physics;russian";'),
                          "2021-2022;sch-a;a-2;9;;;army;;;;", "2021-2022;sch-a;a-3;9;;;work;;;;"]
    assert lines[4:] == old[3:]  # sch-b and the other year, byte for byte
    grads = load_dataset(data, RULES).graduates.set_index("graduate_id")
    assert grads.loc["a-2", "destination"] == "army" and grads.loc["a-3", "grade"] == 9


# --------------------------------------------------------------------------------------------
# Broken workbooks


def _rename_sheet(wb):
    wb[SHEET_MEASURES].title = "Лист1"


def _move_header(wb):
    wb[SHEET_MEASURES].insert_rows(1)


def _unknown_org(wb):
    wb[SHEET_INFO]["B3"] = "sch-zzz"


def _bad_code(wb):
    wb[SHEET_GRADUATES].cell(GRADUATES_FIRST_ROW, 6).value = "15-02-16"


def _subject_word(wb):
    wb[SHEET_GRADUATES]["L4"] = "сдавал"  # ЕГЭ: физика


BROKEN = [
    ("wrong sheet", _rename_sheet, f"{SCH_A}: ошибка: нет листа «Показатели»"),
    ("moved header", _move_header,
     f"{SCH_A}, лист «Показатели», ячейка A5: ошибка: заголовки таблицы в строке 5"),
    ("text in a number cell", set_measure("students", 6, "много"),
     f"{SCH_A}, лист «Показатели», ячейка {{cell}}: ошибка: в ячейке текст «много»"),
    ("negative count", set_measure("class_hours", None, -2),
     f"{SCH_A}, лист «Показатели», ячейка {{cell}}: ошибка: отрицательное значение -2"),
    ("participants above enrolment", set_measure("diagnostics", 6, 7),
     f"{SCH_A}, лист «Показатели», ячейка {{cell}}: ошибка: 6 класс: «прошли диагностику "
     "профессиональных предпочтений» — 7, это больше, чем «обучающиеся» — 6"),
    ("a flag that is not 0/1", set_measure("responsible_appointed", None, 2),
     f"{SCH_A}, лист «Показатели», ячейка {{cell}}: ошибка: показатель «назначен ответственный "
     "за профориентацию» — флаг, допустимо 0 или 1"),
    ("unknown profile", lambda wb: wb[SHEET_GRADUATES].cell(GRADUATES_FIRST_ROW, 3, "медицинский"),
     f"{SCH_A}, лист «Выпускники», ячейка C4: ошибка: неизвестное значение «медицинский»: "
     "выберите из списка (технологический;"),
    ("unknown organisation", _unknown_org,
     f"{SCH_A}, лист «Сведения», ячейка B3: ошибка: организации «sch-zzz» нет"),
    ("bad specialty code", _bad_code,
     f"{SCH_A}, лист «Выпускники», ячейка F4: ошибка: код специальности «15-02-16»"),
    ("a subject marked with a word", _subject_word,
     f"{SCH_A}, лист «Выпускники», ячейка L4: ошибка: «сдавал»: у предмета, который выпускник "
     "сдавал, выберите «да»"),
]


@pytest.mark.parametrize(("change", "expected"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_broken_workbook_is_reported_and_others_collected(small, capsys, change, expected):
    data, books = small
    cell = edit(books / SCH_A, change)
    edit(books / SCH_B, set_measure("class_hours", None, 7))  # a good change elsewhere
    old_a = load_dataset(data, RULES).measures.query("org_id == 'sch-a'")
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert expected.format(cell=cell) in err, err
    assert "Traceback" not in err
    assert f"Не приняты (исправьте и пришлите снова): {SCH_A}" in out
    assert "sch-b, 2021-2022, показатели: изменено 1" in out
    after = load_dataset(data, RULES).measures
    value = after.query("org_id == 'sch-b' and measure == 'class_hours'")["value"]
    assert value.tolist() == [7.0]
    pdt.assert_frame_equal(after.query("org_id == 'sch-a'").astype(str).reset_index(drop=True),
                           old_a.astype(str).reset_index(drop=True))


def test_duplicate_workbook_for_the_same_org(small, capsys):
    data, books = small
    shutil.copy(books / SCH_A, books / "sch-a_копия.xlsx")
    edit(books / SCH_B, set_measure("class_hours", None, 7))
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert (f"{SCH_A}, лист «Сведения», ячейка B3: ошибка: для sch-a за 2021-2022 есть ещё "
            "книга «sch-a_копия.xlsx»") in err
    assert "sch-a_копия.xlsx, лист «Сведения», ячейка B3" in err
    assert "sch-b, 2021-2022, показатели: изменено 1" in out


def _set_year(year):
    def change(wb):
        wb[SHEET_INFO]["B6"] = year
    return change


def test_a_workbook_of_a_year_to_come_is_refused(small, capsys):
    """Issue 20: a mistyped «Сведения» year (2031-2032) added a year with one school, which
    became the default year of every command."""
    data, books = small
    edit(books / SCH_A, _set_year("2031-2032"))
    before = snapshot(data)
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert (f"{SCH_A}, лист «Сведения», ячейка B6: ошибка: учебный год 2031-2032 ещё не "
            "наступил") in err
    assert "запустите collect с --allow-other-year" in err
    assert SCH_A in out and "Traceback" not in err
    assert snapshot(data) == before
    code, out, err = run_cli(capsys, "collect", books, "--out", data, "--allow-other-year")
    assert code == 0
    assert (f"{SCH_A}, лист «Сведения», ячейка B6: предупреждение: учебный год 2031-2032 ещё "
            "не наступил") in err
    assert "2031-2032" in set(pd.read_csv(data / "measures.csv")["year"])


def test_the_year_to_come_is_judged_by_the_day(small):
    import datetime as dt

    data, books = small
    result = collect(books, data, dry_run=True, now=dt.datetime(2021, 8, 31))
    assert not result.collected and result.failed
    assert all("учебный год 2021-2022 ещё не наступил (сейчас идёт 2020-2021)" in p.message
               for p in result.problems if p.severity == "error")
    assert collect(books, data, dry_run=True, now=dt.datetime(2021, 9, 1)).ok


def test_a_workbook_of_another_year_than_the_others_is_refused(small, capsys):
    """Issue 20: a 2020-2021 workbook among 2021-2022 ones overwrote history silently."""
    data, books = small
    edit(books / SCH_B, _set_year("2020-2021"))
    edit(books / SCH_A, set_measure("class_hours", None, 9))
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert (f"{SCH_B}, лист «Сведения», ячейка B6: ошибка: учебный год 2020-2021, а в "
            "остальных книгах папки — 2021-2022 (книг: ") in err
    assert "sch-a, 2021-2022, показатели: изменено 1" in out  # the others are collected
    assert "sch-b, 2020-2021" not in out


def test_rewriting_an_earlier_year_is_said_before_it_is_done(small, capsys):
    data, books = small
    for book in books.iterdir():
        if book.name != SCH_A:
            book.unlink()
    edit(books / SCH_A, _set_year("2020-2021"))
    before = snapshot(data)
    code, out, err = run_cli(capsys, "collect", books, "--out", data, "--dry-run")
    warning = (f"{SCH_A}, лист «Сведения», ячейка B6: предупреждение: книга за 2020-2021 — более "
               "ранний год, чем последний в данных (2021-2022): уже собранные данные sch-a за "
               "2020-2021 будут заменены: measures.csv (было строк ")
    assert code == 0 and warning in err and snapshot(data) == before
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 0 and warning.replace("будут заменены", "заменены") in err
    assert "прежние версии файлов сохраняются в папке _backup" in err


def test_a_utf16_table_of_the_dataset_is_not_rewritten(small, capsys):
    """validate reads a UTF-16 measures.csv; collect, which keeps the other rows byte for byte,
    refuses to rewrite it and says why."""
    data, books = small
    edit(books / SCH_A, set_measure("class_hours", None, 9))
    text = (data / "measures.csv").read_text(encoding="utf-8")
    (data / "measures.csv").write_bytes(text.encode("utf-16"))
    before = snapshot(data)
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert "measures.csv: ошибка: файл в кодировке UTF-16 («Юникод-текст»)" in err
    assert snapshot(data) == before and "Traceback" not in err


@pytest.mark.parametrize("value", [1e-320, -3e-9])
def test_a_number_next_to_zero_is_named_briefly(small, capsys, value):
    """Issue 20: 1e-320 in a cell came back as a 320-digit number in the message."""
    data, books = small
    cell = edit(books / SCH_A, set_measure("class_hours", None, value))
    code, out, err = run_cli(capsys, "collect", books, "--out", data, "--dry-run")
    assert code == 1
    assert (f"{SCH_A}, лист «Показатели», ячейка {cell}: ошибка: число {value:g} — почти ноль, "
            "но не ноль") in err
    assert "0000000000" not in err


def test_problem_fields_are_machine_readable(small):
    data, books = small
    cell = edit(books / SCH_A, set_measure("students", 6, "много"))
    result = collect(books, data)
    (problem,) = [p for p in result.problems if p.severity == "error"]
    assert isinstance(problem, WorkbookProblem)
    assert (problem.file, problem.sheet, problem.column, problem.line) == (
        SCH_A, SHEET_MEASURES, cell, int(cell[1:]))


def test_not_a_workbook_and_empty_workbook(small):
    data, books = small
    (books / "старый.xls").write_bytes(b"not really")
    (books / "битый.xlsx").write_bytes(b"not a zip")
    (books / "~$sch-a.xlsx").write_bytes(b"lock file")

    def clear(wb):
        ws = wb[SHEET_MEASURES]
        for row in ws.iter_rows(min_row=MEASURES_HEADER_ROW + 1, min_col=FIRST_GRADE_COL):
            for cell in row:
                cell.value = None
    edit(books / workbook_file_name("uo", "Управление образования"), clear)
    result = collect(books, data)
    assert sorted(result.failed) == ["битый.xlsx", "старый.xls"]
    assert result.skipped == [workbook_file_name("uo", "Управление образования")]
    text = "\n".join(map(str, result.problems))
    assert "старый.xls: ошибка: формат .xls не принимается" in text
    assert "битый.xlsx: ошибка: книга не открывается" in text
    assert "книга пуста" in text
    assert not result.changed


def _zip(path, members):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name in members:
            archive.writestr(name, "<x/>")
    return path.read_bytes()


def test_a_file_that_is_not_a_workbook_is_named_for_what_it_is(small, capsys, tmp_path):
    """Issue 20: «(BadZipFile)» said nothing; the message says what the file is."""
    data, books = small
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    files = {
        "пустая.xlsx": (b"", "файл пуст (0 байт)"),
        "с паролем.xlsx": (ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
                           + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2000,
                           "книга защищена паролем"),
        "старая.xlsx": (ole + b"\x00" * 2000, "это книга старого формата Excel 97–2003 (.xls)"),
        "документ.xlsx": (_zip(tmp_path / "w.zip", ["word/document.xml"]),
                          "это не книга Excel: архив ZIP без листов книги (это документ Word)"),
        "обрезанная.xlsx": ((books / SCH_A).read_bytes()[:3000], "файл повреждён: архив книги "
                                                                 "не читается"),
        "таблица.xlsx": ("org_id;name\nsch-a;Альфа\n".encode("cp1251"),
                         "это не книга Excel, а текстовый файл"),
        "мусор.xlsx": (bytes(range(256)) * 4, "это не книга Excel .xlsx (неизвестный формат"),
    }
    for name, (content, _) in files.items():
        (books / name).write_bytes(content)
    code = main(["collect", str(books), "--out", str(data), "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 1
    for name, (_, reason) in files.items():
        assert f"{name}: ошибка: книга не открывается: {reason}" in err
    assert "BadZipFile" not in err and "Error" not in err and "Traceback" not in err


# --------------------------------------------------------------------------------------------
# The dataset around the collected rows


def test_other_years_orgs_and_files_are_kept(small):
    data, books = small
    kept = {name: (data / name).read_bytes()
            for name in ("organizations.csv", "dataset.yaml")}
    measures_before = (data / "measures.csv").read_text(encoding="utf-8").splitlines()
    for path in books.iterdir():
        if path.name not in (SCH_A, SCH_B):
            path.unlink()
    edit(books / SCH_A, set_measure("class_hours", None, 9))
    edit(books / SCH_B, set_measure("class_hours", None, 8))
    assert collect(books, data).ok
    for name, raw in kept.items():
        assert (data / name).read_bytes() == raw
    after = (data / "measures.csv").read_text(encoding="utf-8").splitlines()
    untouched = [line for line in measures_before[1:]
                 if not line.startswith((f"{YEAR},sch-a,", f"{YEAR},sch-b,"))]
    assert [line for line in after[1:]
            if not line.startswith((f"{YEAR},sch-a,", f"{YEAR},sch-b,"))] == untouched
    assert "2020-2021,sch-a,students,5,10" in after
    dataset = load_dataset(data, RULES)
    assert set(dataset.measures["org_id"]) == {"sch-a", "sch-b", "sch-c", "nosh", "dou-1", "uo"}
    assert dataset.graduates["year"].tolist().count("2020-2021") == 1


def test_second_identical_run_is_a_no_op(small, capsys):
    data, books = small
    edit(books / SCH_A, set_measure("class_hours", None, 9))
    first = collect(books, data)
    assert first.changed and first.backup_dir is not None
    before = snapshot(data)
    code, out, _ = run_cli(capsys, "collect", books, "--out", data)
    assert code == 0 and "Изменений нет" in out
    assert snapshot(data) == before
    assert len(list((data / "_backup").iterdir())) == 1


def test_dry_run_writes_nothing(small, capsys):
    data, books = small
    edit(books / SCH_A, set_measure("class_hours", None, 9))
    before = snapshot(data)
    code, out, _ = run_cli(capsys, "collect", books, "--out", data, "--dry-run")
    assert code == 0 and "Будет заменено" in out and "ничего не записано" in out
    assert snapshot(data) == before


def test_missing_data_dir_or_organizations(small, tmp_path):
    _, books = small
    with pytest.raises(InputError, match="organizations.csv"):
        collect(books, tmp_path / "нет такой папки")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="organizations.csv"):
        collect(books, tmp_path / "empty")


def test_cli_template(small_templates, tmp_path, capsys):
    data, _ = small_templates
    code, out, _ = run_cli(capsys, "template", data, "--year", YEAR, "--out", tmp_path / "t",
                           "--orgs", "sch-a,uo")
    assert code == 0 and "книг Excel: 2" in out
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted(
        [SCH_A, workbook_file_name("uo", "Управление образования")])
