"""The command line: exit codes, Russian messages with file/line/column, no tracebacks."""

from __future__ import annotations

import signal
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from proforient.cli import main
from tests.conftest import TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset
from tests.dataset.test_dataset import BAD_MEASURES, GRADUATES_HEADER


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok(tiny, capsys):
    code, out, _ = run(capsys, "validate", tiny)
    assert code == 0 and "Данные в порядке" in out


@pytest.mark.parametrize(("line", "column", "fragment"), BAD_MEASURES)
def test_validate_names_file_line_column(tmp_path, capsys, line, column, fragment):
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES + line + "\n")
    code, _, err = run(capsys, "validate", folder)
    n = TINY_MEASURES.count("\n") + 1
    assert code == 1
    assert f"measures.csv, строка {n}, столбец «{column}»: ошибка" in err
    assert fragment in err and "Traceback" not in err


@pytest.mark.parametrize(("line", "column"), [
    ("2021-2022,sch-b,g1,11,медицинский,,ВУЗ,,,,", "profile"),
    ("2021-2022,sch-b,g1,11,,,в поиске,,,,", "destination"),
    ("2021-2022,sch-b,g1,11,,,СПО,,15-02-16,,", "specialty_code"),
    ("2021-2022,sch-b,g1,11,,,СПО,,,,\n2021-2022,sch-b,g1,9,,,СПО,,,,", "graduate_id"),
])
def test_indicators_refuses_bad_graduates(tmp_path, capsys, line, column):
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES, graduates=GRADUATES_HEADER + line + "\n")
    code, _, err = run(capsys, "indicators", folder, "--output", tmp_path / "x.csv")
    assert code == 1 and "graduates.csv, строка" in err and f"«{column}»" in err
    assert not (tmp_path / "x.csv").exists()


def test_unknown_kind_and_missing_file(tmp_path, capsys):
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS + "x,Завод,завод,\n")
    code, _, err = run(capsys, "validate", folder)
    assert code == 1
    assert "organizations.csv, строка 8, столбец «kind»" in err
    assert "measures.csv: ошибка: файл не найден" in err


def test_share_above_denominator_names_the_organisation(tmp_path, capsys):
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES + "2021-2022,sch-c,diagnostics,,25\n")
    code, _, err = run(capsys, "validate", folder)
    n = TINY_MEASURES.count("\n") + 1
    assert code == 1
    assert (f"measures.csv, строка {n}, столбец «value»: ошибка: МБОУ Гамма ООШ (sch-c), "
            "2021-2022") in err


def test_indicators_csv_default_year(tiny, tmp_path, capsys):
    out = tmp_path / "i.csv"
    code, stdout, _ = run(capsys, "indicators", tiny, "--output", out)
    assert code == 0 and "2021-2022" in stdout
    table = pd.read_csv(out, dtype={"org_id": str})
    assert set(table["year"]) == {"2021-2022"}
    for col in ("year", "scope", "org_id", "indicator_id", "numerator", "denominator", "value",
                "target", "status", "orgs_reporting", "orgs_total"):
        assert col in table.columns
    assert table["indicator_id"].nunique() == 24
    diag = table[(table["indicator_id"] == "diagnostics_share") & (table["scope"] == "district")]
    assert diag["value"].iloc[0] == pytest.approx(19 / 110)


class _Finaliser:
    """Its ``__del__`` receives the Ctrl+C (as openpyxl's ZipFile does): only printed."""

    def __del__(self):
        signal.raise_signal(signal.SIGINT)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_swallowed_ctrl_c_while_writing_indicators_leaves_the_old_file(
        tiny, tmp_path, capsys, monkeypatch, suffix):
    """The table is written whole or not at all: the previous file of the same name stays,
    no hidden file is left, and the message says so (before, the new file was written, exit 0)."""
    from proforient.excel import export

    out = tmp_path / "out" / f"i{suffix}"
    out.parent.mkdir()
    out.write_bytes(b"previous")
    real = export.neutralise_formulas

    def neutralise_formulas(frame):  # called while the table is being written
        _Finaliser()
        return real(frame)
    monkeypatch.setattr(export, "neutralise_formulas", neutralise_formulas)
    code, stdout, err = run(capsys, "indicators", tiny, "--output", out)
    assert code == 130
    assert err.strip().splitlines()[-1] == (
        f"Работа остановлена (Ctrl+C): файл {out} не записан (прежний, если был, не изменён); "
        "данные не изменены.")
    assert stdout == ""
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    assert out.read_bytes() == b"previous"


def test_indicators_year_option(tiny, tmp_path, capsys):
    out = tmp_path / "i.csv"
    assert run(capsys, "indicators", tiny, "--year", "2020-2021", "--output", out)[0] == 0
    assert set(pd.read_csv(out)["year"]) == {"2020-2021"}
    code, _, err = run(capsys, "indicators", tiny, "--year", "2018-2019", "--output", out)
    assert code == 1 and "года 2018-2019 нет в данных" in err


def test_indicators_computes_only_the_year_it_writes(tmp_path, capsys, monkeypatch):
    # The command writes one year's table: the demo's other years' graduates are not aligned,
    # their indicators not computed (a region's three years cost three times one; before,
    # every year was computed and all but one thrown away). The table is the same.
    from proforient import pipeline
    from proforient.paths import DEMO_DATA_DIR

    seen = {}
    align, compute = pipeline.align_graduates, pipeline.compute_indicators

    def aligned(graduates, *args):
        seen["aligned"] = set(graduates["year"].astype(str))
        return align(graduates, *args)

    def computed(dataset, roadmaps, years, **kwargs):
        seen["computed"] = years and list(years)
        return compute(dataset, roadmaps, years, **kwargs)

    monkeypatch.setattr(pipeline, "align_graduates", aligned)
    monkeypatch.setattr(pipeline, "compute_indicators", computed)
    out = tmp_path / "i.csv"
    assert run(capsys, "indicators", DEMO_DATA_DIR, "--year", "2024-2025", "--output", out
               )[0] == 0
    assert seen == {"aligned": {"2024-2025"}, "computed": ["2024-2025"]}
    everything = pipeline.run(DEMO_DATA_DIR).indicators
    expected = everything[everything["year"] == "2024-2025"]
    written = pd.read_csv(out, dtype={"org_id": str, "roadmap": str})
    assert len(written) == len(expected) > 100
    assert written["value"].tolist() == pytest.approx(expected["value"].tolist(), nan_ok=True)
    assert written["numerator"].tolist() == pytest.approx(expected["numerator"].tolist(),
                                                          nan_ok=True)


@pytest.mark.parametrize("argv", [
    ["indicators", "DATA", "--year", "2021", "--output", "x.csv"],
    ["indicators", "DATA", "--output", "x.txt"],
    ["frobnicate"],
    [],
])
def test_usage_errors_exit_2(tiny, capsys, argv):
    argv = [str(tiny) if a == "DATA" else a for a in argv]
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "ошибка" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "expected"), [
    (["report", "--jobs", "x"], "proforient report: ошибка: --jobs: «x»: нужно целое число"),
    (["report", "--jobs"], "proforient report: ошибка: --jobs: нужно одно значение"),
    (["demo", "--seed", "x"], "proforient demo: ошибка: --seed: «x»: нужно целое число"),
    (["report", "--executor", "foo"], "--executor: неизвестное значение 'foo' (допустимо:"),
    (["report", "--s", "x"], "неоднозначный параметр --s: подходят --schools, --scheduler"),
    (["collect", "DIR", "--out", "DIR", "--dry-run=yes"],
     "--dry-run: значение 'yes' не нужно: это флаг без значения"),
    (["validate", "DIR", "DIR"], "неизвестные аргументы:"),
    (["indicators"], "не указаны обязательные аргументы: DATA_DIR"),
])
def test_usage_errors_are_russian(tmp_path, capsys, argv, expected):
    """Issue 20: «argument --jobs: …», «ambiguous option», «ignored explicit argument» were
    English; the line of the error has no English word but the command's own names."""
    import re

    with pytest.raises(SystemExit) as info:
        main([str(tmp_path) if a == "DIR" else a for a in argv])
    assert info.value.code == 2
    *_, line = capsys.readouterr().err.rstrip("\n").splitlines()
    assert expected in line
    words = re.sub(r"--[a-z-]+|'[^']*'|«[^»]*»|\b[A-Z_]{2,}\b", "",
                   line.replace(str(tmp_path), "").replace(f"proforient {argv[0]}", "")
                   .replace("proforient:", ""))
    assert re.findall(r"[A-Za-z]{2,}", words) == []


def test_version_is_the_installed_packages(capsys):
    """``--version`` looks the version up when asked (not on every command's start)."""
    from importlib.metadata import version

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"proforient {version('proforient')}\n"


@pytest.mark.parametrize("argv", [["demo", "--out", "/"],
                                  ["template", "DATA", "--year", "2021-2022", "--out", "/"]])
def test_the_root_of_a_disk_is_no_output_folder(tiny, capsys, argv):
    """Issue 20: «--out /» was told «нет диска или папки «/»»."""
    from proforient.paths import output_problem

    code, out, err = run(capsys, *[str(tiny) if a == "DATA" else a for a in argv])
    assert code == 1
    assert "/: ошибка: «/» — корень диска: укажите папку внутри него, например «/proforient»" in err
    assert "нет диска" not in err and "Traceback" not in err
    assert output_problem("/", folder=False).startswith("«/» — корень диска: укажите файл")


def test_xlsx_has_russian_sheet_and_no_formulas(tmp_path, capsys):
    hostile = TINY_ORGANIZATIONS.replace("МБОУ Альфа СОШ", '"=HYPERLINK(""http://x"",""a"")"')
    folder = write_dataset(tmp_path / "d", organizations=hostile, measures=TINY_MEASURES)
    out = tmp_path / "i.xlsx"
    code, _, err = run(capsys, "indicators", folder, "--output", out)
    assert code == 0
    book = load_workbook(out)
    # small counts of graduates per school: the book says first that it is not to be shared
    assert book.sheetnames == ["Не для публикации", "Показатели", "data"]
    assert "Не публикуйте" in book["Не для публикации"]["A2"].value
    assert "только для аналитика" in err
    sheet = book["Показатели"]
    headers = [c.value for c in sheet[1]]
    assert "Показатель" in headers and "Статус" in headers and "Организация" in headers
    names = [row[headers.index("Организация")] for row in sheet.iter_rows(min_row=2,
                                                                           values_only=True)]
    assert "'=HYPERLINK(\"http://x\",\"a\")" in names
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate


def test_console_script_prints_no_traceback(tmp_path):
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES + "2021-2022,sch-a,pupils,5,4\n")
    proc = subprocess.run([sys.executable, "-m", "proforient.cli", "validate", str(folder)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "неизвестный показатель «pupils»" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_template_then_collect_through_the_cli(tiny, tmp_path, capsys):
    books = tmp_path / "books"
    code, out, _ = run(capsys, "template", tiny, "--year", "2021-2022", "--out", books)
    assert code == 0 and len(list(books.glob("*.xlsx"))) == 6
    before = (tiny / "measures.csv").read_bytes()
    code, out, _ = run(capsys, "collect", books, "--out", tiny)
    assert code == 0 and "Изменений нет" in out
    assert (tiny / "measures.csv").read_bytes() == before


def test_indicators_csv_writes_counts_as_whole_numbers(tiny, tmp_path, capsys):
    out = tmp_path / "i.csv"
    assert run(capsys, "indicators", tiny, "--output", out)[0] == 0
    line = next(ln for ln in out.read_text(encoding="utf-8").splitlines()
                if ln.startswith("2021-2022,district,,diagnostics_share,"))
    assert ",19,110," in line


def test_errors_of_one_kind_are_capped(tmp_path, capsys):
    """25 rows with the same mistake: 20 are printed, then one line counts the other 5; a
    different kind of error is still printed."""
    bad = "".join(f"{2030 + i}-{2031 + i},sch-a,excursions,,много\n" for i in range(25))
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES + bad + "2021-2022,sch-a,pupils,5,4\n")
    code, _, err = run(capsys, "validate", folder)
    first = TINY_MEASURES.count("\n") + 1
    lines = err.splitlines()
    value_lines = [ln for ln in lines if "столбец «value»:" in ln]
    assert value_lines == [f"measures.csv, строка {n}, столбец «value»: ошибка: значение "
                           "«много» не является числом" for n in range(first, first + 20)]
    assert "… и ещё 5 таких же ошибок в файле measures.csv (столбец «value»)" in lines
    assert any("неизвестный показатель «pupils»" in ln for ln in lines)
    assert code == 1 and lines[-1] == "Данные не приняты: ошибок: 26, предупреждений: 2."
