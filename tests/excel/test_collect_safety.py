"""collect on hostile input and in bad moments: all-or-nothing writes, interrupts, formulas
without values, oversized workbooks. Every test checks the dataset folder byte for byte."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from proforient.excel import merge
from tests.conftest import TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset
from tests.excel.test_collect import (
    GRADUATES,
    GRADUATES_FIRST_ROW,
    SCH_A,
    SHEET_GRADUATES,
    YEAR,
    collect,
    edit,
    make_templates,
    run_cli,
    set_measure,
    snapshot,
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny district with graduates (as in test_collect) and its workbooks, made once."""
    root = tmp_path_factory.mktemp("safety")
    data = write_dataset(root / "data", organizations=TINY_ORGANIZATIONS, measures=TINY_MEASURES)
    (data / "graduates.csv").write_text(GRADUATES, encoding="utf-8")
    make_templates(data, YEAR, root / "templates")
    return data, root / "templates"


@pytest.fixture
def small(templates, tmp_path) -> tuple[Path, Path]:
    """Fresh copies (data, workbooks) for one test."""
    data, books = templates
    return (Path(shutil.copytree(data, tmp_path / "data")),
            Path(shutil.copytree(books, tmp_path / "in")))


def change_both_tables(books: Path) -> None:
    """sch-a: one measure and one graduate changed, so collect rewrites both tables."""
    edit(books / SCH_A, set_measure("class_hours", None, 9))

    def army(wb):
        wb[SHEET_GRADUATES].cell(GRADUATES_FIRST_ROW + 1, 4).value = "армия"
    edit(books / SCH_A, army)


def leftovers(folder: Path) -> list[str]:
    """Hidden temporary files collect could leave behind."""
    return sorted(p.name for p in folder.rglob(".*"))


# --------------------------------------------------------------------------------------------
# All-or-nothing writes


def _locked_graduates(monkeypatch):
    """graduates.csv cannot be moved (Windows: the file is open in Excel)."""
    real = os.replace

    def replace(src, dst):
        if "graduates.csv" in (Path(src).name, Path(dst).name):
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    return "нет доступа: файл открыт в другой программе (например, в Excel)"


def _full_disk_on_graduates(monkeypatch):
    """The disk fills up while the new graduates.csv is written (a partial file is left)."""
    real = merge._stage

    def stage(tmp, data, like):
        if like.name == "graduates.csv":
            tmp.write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(tmp, data, like)
    monkeypatch.setattr(merge, "_stage", stage)
    return "на диске нет места"


@pytest.mark.parametrize("fault", [_locked_graduates, _full_disk_on_graduates],
                         ids=["file locked", "disk full"])
def test_failed_second_write_leaves_the_dataset_as_it_was(small, monkeypatch, capsys, fault):
    data, books = small
    change_both_tables(books)
    before = snapshot(data)
    reason = fault(monkeypatch)
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert (f"graduates.csv: ошибка: не удалось записать данные: {reason}") in err
    assert "набор данных не изменён" in err
    assert "Traceback" not in err and "Permission denied" not in err and "No space" not in err
    assert snapshot(data) == before  # measures.csv too, and no backup of a failed run
    assert leftovers(data) == []


def test_interrupt_in_the_middle_of_the_swap_restores_every_table(small, monkeypatch):
    """Ctrl+C after measures.csv is in place and before graduates.csv is: both as before."""
    data, books = small
    change_both_tables(books)
    before = snapshot(data)
    real = os.replace

    def replace(src, dst):
        if Path(dst).name == "graduates.csv" and Path(src).name.endswith(".tmp"):
            raise KeyboardInterrupt
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        collect(books, data)
    monkeypatch.undo()
    assert snapshot(data) == before
    assert leftovers(data) == []


def test_both_tables_are_written_when_nothing_fails(small):
    data, books = small
    change_both_tables(books)
    old = {n: (data / n).read_bytes() for n in ("measures.csv", "graduates.csv")}
    result = collect(books, data, now=dt.datetime(2022, 6, 1, 12, 0, 0))
    assert result.ok and result.written == [data / "measures.csv", data / "graduates.csv"]
    assert ",sch-a,class_hours,,9" in (data / "measures.csv").read_text(encoding="utf-8")
    assert ";sch-a;a-2;9;;;army;" in (data / "graduates.csv").read_text(encoding="utf-8-sig")
    assert {n: (result.backup_dir / n).read_bytes() for n in old} == old
    assert leftovers(data) == []


# --------------------------------------------------------------------------------------------
# Ctrl+C that a library swallows, and SIGTERM


class _Finaliser:
    """An object whose ``__del__`` receives the Ctrl+C, as openpyxl's ZipFile does: Python only
    prints «Exception ignored … KeyboardInterrupt» and goes on."""

    def __del__(self):
        signal.raise_signal(signal.SIGINT)


def _swallowed_ctrl_c() -> None:
    _Finaliser()  # dropped at once: its __del__ runs here


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_ctrl_c_swallowed_while_reading_workbooks_stops_collect(small, monkeypatch, capsys):
    from proforient.excel import collect as collect_module

    data, books = small
    change_both_tables(books)
    before = snapshot(data)
    real = collect_module.read_workbook

    def read_workbook(*args, **kwargs):
        book = real(*args, **kwargs)
        _swallowed_ctrl_c()
        return book
    monkeypatch.setattr(collect_module, "read_workbook", read_workbook)
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 130
    assert err.strip().splitlines()[-1] == (
        "Сбор остановлен (Ctrl+C): набор данных не изменён — ни одна таблица не записана.")
    assert out == ""  # no summary: nothing was collected
    assert snapshot(data) == before and leftovers(data) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_ctrl_c_swallowed_during_the_swap_puts_every_table_back(small, monkeypatch, capsys):
    """The interrupt is swallowed after graduates.csv is moved into place: both tables are put
    back, as for an interrupt that is raised."""
    data, books = small
    change_both_tables(books)
    before = snapshot(data)
    real = os.replace

    def replace(src, dst):
        real(src, dst)
        if Path(dst).name == "graduates.csv" and Path(src).name.endswith(".tmp"):
            _swallowed_ctrl_c()
    monkeypatch.setattr(os, "replace", replace)
    code, _, err = run_cli(capsys, "collect", books, "--out", data)
    monkeypatch.undo()
    assert code == 130 and "набор данных не изменён" in err
    assert snapshot(data) == before and leftovers(data) == []


def test_a_raised_ctrl_c_in_collect_says_the_data_are_unchanged(small, monkeypatch, capsys):
    data, books = small
    change_both_tables(books)
    before = snapshot(data)

    def stage(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)
    monkeypatch.setattr(merge, "_stage", stage)
    code, _, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 130
    assert "Сбор остановлен (Ctrl+C): набор данных не изменён" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert snapshot(data) == before and leftovers(data) == []


SIGTERM_WHILE_READING = """
import os, signal, sys
from proforient import cli
from proforient.excel import collect as module
real = module.read_workbook
def read_workbook(*args, **kwargs):
    book = real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGTERM)
    return book
module.read_workbook = read_workbook
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix",
                    reason="SIGTERM as on POSIX")
def test_sigterm_stops_collect_like_ctrl_c(small):
    """SIGTERM (kill, systemd, a CI runner) ends collect with a Russian message and exit 143;
    without the handler the process died on the spot (-15) after no word at all."""
    data, books = small
    change_both_tables(books)
    before = snapshot(data)
    done = subprocess.run([sys.executable, "-c", SIGTERM_WHILE_READING, "collect", str(books),
                           "--out", str(data)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 143, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "Сбор остановлен (сигнал завершения SIGTERM): набор данных не изменён — ни одна "
        "таблица не записана.")
    assert "Traceback" not in done.stderr
    assert snapshot(data) == before and leftovers(data) == []


# --------------------------------------------------------------------------------------------
# A collect that fails halfway loses nothing


def test_interrupt_while_backing_up_keeps_the_dataset_and_earlier_backups(small, monkeypatch):
    data, books = small
    edit(books / SCH_A, set_measure("class_hours", None, 7))
    first = collect(books, data, now=dt.datetime(2022, 6, 1, 12, 0, 0))
    assert first.written and first.backup_dir is not None
    change_both_tables(books)
    before = snapshot(data)
    real, calls = shutil.copy2, []

    def copy2(src, dst, **kwargs):
        calls.append(src)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(src, dst, **kwargs)
    monkeypatch.setattr(shutil, "copy2", copy2)
    with pytest.raises(KeyboardInterrupt):
        collect(books, data, now=dt.datetime(2022, 6, 2, 12, 0, 0))
    monkeypatch.undo()
    assert len(calls) == 2
    assert snapshot(data) == before  # the first run's backup is still there, nothing new
    assert leftovers(data) == []


def test_failure_while_checking_leaves_no_temporary_folder(small, monkeypatch, tmp_path):
    """An exception inside the checks (here: Ctrl+C) removes collect's temporary folder."""
    from proforient.excel import checks

    data, books = small
    change_both_tables(books)
    before = snapshot(data)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    real, calls = checks.check_dataset, []

    def check_dataset(folder, rules):
        calls.append(folder)
        if len(calls) == 2:  # the collected rows (the first call checks the dataset itself)
            raise KeyboardInterrupt
        return real(folder, rules)
    monkeypatch.setattr(checks, "check_dataset", check_dataset)
    with pytest.raises(KeyboardInterrupt):
        collect(books, data)
    assert len(calls) == 2 and Path(calls[1]).parent == scratch
    assert list(scratch.iterdir()) == []
    assert snapshot(data) == before


# --------------------------------------------------------------------------------------------
# Numbers in workbooks: the dataset's rule


@pytest.mark.parametrize(("value", "message"), [
    ("1e308", "в ячейке «1e308»: нужно число в обычной записи: цифры 0–9 и, для дробей, "
              "запятая или точка (без «e», «_», пробелов, «inf»)"),
    ("inf", "в ячейке «inf»: нужно число в обычной записи"),
    ("1_000", "в ячейке «1_000»: нужно число в обычной записи"),
    ("１２", "в ячейке «１２»: нужно число в обычной записи"),
    (1e308, "число 1e+308 слишком большое: проверьте, нет ли лишних цифр"),
    (2_000_000, "значение 2000000 больше 1 000 000: такого количества не бывает"),
])
def test_absurd_numbers_in_a_workbook_are_refused(small, capsys, value, message):
    data, books = small
    cell = edit(books / SCH_A, set_measure("class_hours", None, value))
    before = snapshot(data)
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert f"{SCH_A}, лист «Показатели», ячейка {cell}: ошибка: {message}" in err, err
    assert f"Не приняты (исправьте и пришлите снова): {SCH_A}" in out
    assert snapshot(data) == before


def test_digit_groups_typed_with_spaces_are_still_a_number(small):
    data, books = small
    edit(books / SCH_A, set_measure("class_hours", None, "1 000"))
    result = collect(books, data)
    assert result.ok and ",sch-a,class_hours,,1000" in (data / "measures.csv").read_text()


# --------------------------------------------------------------------------------------------
# Graduates above enrolment: the dataset's rule, on the workbook's cells


def test_more_graduates_than_pupils_is_refused_in_the_workbook(small, capsys):
    from tests.excel.test_collect import SCH_B

    data, books = small
    students_cell = edit(books / SCH_B, set_measure("students", 9, 2))

    def two_more(wb):  # b-1 (grade 9) is on row 4; two more ninth-graders below it
        ws = wb[SHEET_GRADUATES]
        for row, gid in ((GRADUATES_FIRST_ROW + 1, "b-2"), (GRADUATES_FIRST_ROW + 2, "b-3")):
            ws.cell(row, 1).value, ws.cell(row, 2).value = gid, 9
    edit(books / SCH_B, two_more)
    before = snapshot(data)
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert (f"{SCH_B}, лист «Выпускники», ячейка B{GRADUATES_FIRST_ROW + 2}: ошибка: sch-b, "
            "2021-2022: выпускников 9 класса — 3, а показатель «обучающиеся» за 9 класс — 2: "
            "выпускников не может быть больше, чем обучающихся") in err, err
    assert f"Не приняты (исправьте и пришлите снова): {SCH_B}" in out
    assert students_cell.startswith("L")  # grade 9 is column L of «Показатели»
    assert snapshot(data) == before


# --------------------------------------------------------------------------------------------
# Bounded work: oversized files are refused before they are read


def test_collect_refuses_an_oversized_dataset_table_unread(small, monkeypatch, capsys):
    from proforient.dataset import read

    data, books = small
    before = snapshot(data)
    monkeypatch.setattr(read, "MAX_TABLE_BYTES", 500)
    real = Path.read_bytes

    def read_bytes(self):
        assert self.name != "measures.csv", "the file was read"
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, _, err = run_cli(capsys, "collect", books, "--out", data)
    monkeypatch.undo()
    assert code == 1
    assert "measures.csv: ошибка: файл слишком большой:" in err and "до 500 байт" in err
    assert snapshot(data) == before


# --------------------------------------------------------------------------------------------
# Formulas without a computed value


def cache_values(path: Path, values: dict[str, str]) -> None:
    """Give formula cells of «Показатели» a computed value, as Excel does when it saves."""
    import re
    import zipfile

    from openpyxl import load_workbook

    index = load_workbook(path).sheetnames.index("Показатели") + 1
    part = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as old:
        items = {info: old.read(info) for info in old.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in items.items():
            if info.filename == part:
                text = data.decode("utf-8")
                for coord, value in values.items():
                    text, n = re.subn(rf'(<c r="{coord}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/>',
                                      rf"\g<1><v>{value}</v>", text)
                    assert n == 1, coord
                data = text.encode("utf-8")
            new.writestr(info, data)


def test_formulas_without_values_are_errors_not_deletions(small, capsys):
    """The tester's case: a program wrote formulas and nobody opened the book in Excel; the
    cells read as empty and collect deleted three values («удалено 3»)."""
    data, books = small
    cells = [edit(books / SCH_A, set_measure(measure, grade, "=2+1"))
             for measure, grade in (("diagnostics", 5), ("diagnostics", 6), ("students", 5))]
    before = snapshot(data)
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    for cell in cells:
        assert (f"{SCH_A}, лист «Показатели», ячейка {cell}: ошибка: в ячейке формула без "
                "вычисленного значения (книгу сохранила программа, а не Excel): откройте книгу "
                "в Excel и сохраните её — Excel вычислит формулы") in err
    assert f"Не приняты (исправьте и пришлите снова): {SCH_A}" in out
    assert "удалено" not in out
    assert snapshot(data) == before


def test_formulas_with_values_computed_by_excel_are_read_as_values(small):
    data, books = small
    cell = edit(books / SCH_A, set_measure("diagnostics", 5, "=1+2"))
    cache_values(books / SCH_A, {cell: "3"})
    result = collect(books, data)
    assert result.ok
    assert ",sch-a,diagnostics,5,3" in (data / "measures.csv").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Bounded work on hostile workbooks: refused before openpyxl loads them


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """The workbooks openpyxl loads (recorded by name)."""
    from proforient.excel import workbook

    loaded: list[str] = []
    real = workbook.load_workbook

    def load_workbook(path, *args, **kwargs):
        loaded.append(Path(path).name)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(workbook, "load_workbook", load_workbook)
    return loaded


def test_a_value_a_million_rows_down_is_refused_before_loading(small, capsys, loads):
    """The tester's case (millions of extra rows: 9 minutes, 5 GB, then a traceback): the look
    into the file stops at the first row beyond the limit; openpyxl never loads the book."""
    from tests.excel.test_collect import SCH_B

    data, books = small

    def far_down(wb):
        wb[SHEET_GRADUATES].cell(1_000_000, 1).value = "x"
    edit(books / SCH_A, far_down)
    edit(books / SCH_B, set_measure("class_hours", None, 7))
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert (f"{SCH_A}, лист «Выпускники»: ошибка: на листе заполнена строка 1000000, а читаются "
            "только первые 10000 строк") in err
    assert SCH_A not in loads and SCH_B in loads
    assert "sch-b, 2021-2022, показатели: изменено 1" in out  # the others are collected


def test_many_filled_rows_beyond_the_limit_are_refused(small, capsys, loads, monkeypatch):
    from proforient.excel import scan

    data, books = small
    monkeypatch.setattr(scan, "MAX_SHEET_ROWS", 300)

    def rows(wb):
        ws = wb[SHEET_GRADUATES]
        for row in range(GRADUATES_FIRST_ROW + 10, 1000):
            ws.cell(row, 1).value = f"g-{row}"
    edit(books / SCH_A, rows)
    before = snapshot(data)
    code, _, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1
    assert (f"{SCH_A}, лист «Выпускники»: ошибка: на листе заполнена строка 301, а читаются "
            "только первые 300 строк") in err
    assert SCH_A not in loads
    assert snapshot(data) == before


@pytest.mark.parametrize(("limit", "message"), [
    ("MAX_WORKBOOK_BYTES", "ошибка: файл книги слишком большой: "),
    ("MAX_UNPACKED_BYTES", "ошибка: книга слишком большая: внутри файла "),
])
def test_oversized_workbook_files_are_refused_before_loading(small, capsys, loads, monkeypatch,
                                                             limit, message):
    from proforient.excel import scan

    data, books = small
    monkeypatch.setattr(scan, limit, 1000)
    before = snapshot(data)
    code, out, err = run_cli(capsys, "collect", books, "--out", data)
    assert code == 1 and loads == []
    assert f"{SCH_A}: {message}" in err and "до 1000 байт" in err
    assert "Книг: 6; принято: 0, с ошибками: 6" in out
    assert snapshot(data) == before


def test_collect_caps_errors_of_one_kind(small, capsys):
    """25 graduates with the same wrong grade: 20 errors printed, one line for the other 5."""
    data, books = small

    def wrong_grades(wb):
        ws = wb[SHEET_GRADUATES]
        for i in range(25):
            ws.cell(GRADUATES_FIRST_ROW + 2 + i, 1).value = f"x-{i}"
            ws.cell(GRADUATES_FIRST_ROW + 2 + i, 2).value = 10
    edit(books / SCH_A, wrong_grades)
    code, _, err = run_cli(capsys, "collect", books, "--out", data)
    lines = err.splitlines()
    grade_lines = [ln for ln in lines if "ошибка: класс выпуска «10»" in ln]
    assert code == 1 and len(grade_lines) == 20
    first = GRADUATES_FIRST_ROW + 2
    assert grade_lines[0].startswith(f"{SCH_A}, лист «Выпускники», ячейка B{first}: ")
    assert (f"… и ещё 5 таких же ошибок в файле {SCH_A} (лист «Выпускники», столбец B)"
            in lines)
