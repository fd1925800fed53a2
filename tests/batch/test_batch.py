"""The report batch (``proforient report``): execution, rendering, privacy net, index, merge.

The notebooks are the tiny fixtures of ``tests/batch/notebooks_fixture`` (the school one fails on
purpose for ``sch-fail``); the district is the six-organisation TINY one plus a school with a
hostile name, a failing school and a few graduates.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from proforient.batch import kernel
from proforient.batch.jobs import analyst_dir, ledger_path
from proforient.batch.kernel import ensure_kernel
from proforient.batch.run import _file_name_problems, run_report
from proforient.batch.safety import (
    Guard,
    check_html,
    find_graduate_id,
    graduate_id_pattern,
    machine_paths,
)
from proforient.cli import main
from proforient.dataset.checks import org_id_problem
from proforient.problems import InputError
from tests.conftest import TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset
from tests.dataset.test_dataset import GRADUATES_HEADER

NOTEBOOKS = Path(__file__).parent / "notebooks_fixture"
HOSTILE = "<script>alert(1)</script> & «Школа»"
ORGANIZATIONS = TINY_ORGANIZATIONS + f"sch-x,{HOSTILE},school,\nsch-fail,МБОУ Сбойная СОШ,school,\n"
GRADUATE_IDS = ["g-secret-1", "g-secret-2", "g-secret-3"]
GRADUATES = GRADUATES_HEADER + (
    "2021-2022,sch-a,g-secret-1,9,,,10 класс,,,,\n"
    "2021-2022,sch-b,g-secret-2,11,технологический,,ВУЗ,,09.03.01,,республика\n"
    "2021-2022,sch-x,g-secret-3,9,,,СПО,,,Пётр с Лесной 5,\n"
)
SCHOOLS = ["sch-a", "sch-b", "sch-c", "nosh", "sch-x", "sch-fail"]
SOURCE_MARKER = "FIXTURE-SOURCE-7f3a"  # a comment in every fixture notebook's code


def make_district(folder: Path) -> Path:
    return write_dataset(folder, organizations=ORGANIZATIONS, measures=TINY_MEASURES,
                         graduates=GRADUATES)


def index_links(out: Path) -> list[str]:
    text = (out / "index.html").read_text(encoding="utf-8")
    return [h for h in re.findall(r'href="([^"]+)"', text) if not h.startswith("#")]


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    """One complete run over every school (jobs=2), shared by the read-only tests."""
    root = tmp_path_factory.mktemp("full")
    result = run_report(make_district(root / "data"), out_dir=root / "out", jobs=2,
                        notebooks_dir=NOTEBOOKS, progress=False)
    return result


# --------------------------------------------------------------------------------------------
# A complete run


@pytest.mark.slow
def test_files_exist_and_index_links_resolve(full_run):
    out = full_run.out_dir
    assert full_run.index == out / "index.html" and full_run.index.is_file()
    assert (out / "manifest.json").is_file()
    for name in ["district", "graduates"] + [s for s in SCHOOLS if s != "sch-fail"]:
        assert (out / f"{name}.html").is_file(), name
    links = index_links(out)
    assert links and all((out / link).is_file() for link in links)
    assert "sch-fail.html" not in links and not (out / "sch-fail.html").exists()
    assert {"district.html", "graduates.html"} <= set(links)
    assert not list(out.parent.glob(".out.*")), "staging or old folders left behind"


@pytest.mark.slow
def test_every_school_appears_and_the_failure_is_marked(full_run):
    assert [r.name for r in full_run.results] == ["district", "graduates", *SCHOOLS]
    assert [r.name for r in full_run.failed] == ["sch-fail"]
    failed = full_run.failed[0]
    assert failed.error == (f"ошибка в ячейке [{failed.cell}]: ошибка выполнения: сбой для "
                            "проверки пакетного запуска")
    assert failed.cell is not None
    assert failed.attempts == 1  # a notebook error is never retried
    index = full_run.index.read_text(encoding="utf-8")
    for org_id in SCHOOLS:
        assert index.count(f'data-org="{org_id}"') == 1
    row = next(line for line in index.splitlines() if 'data-org="sch-fail"' in line)
    assert "отчёт не сформирован" in row and "сбой для проверки" in row and "href" not in row
    assert "RuntimeError" not in row
    assert sum(f'href="{o}.html"' in index for o in SCHOOLS) == len(SCHOOLS) - 1
    assert "Профориентация: отчёты за 2021‑2022 учебный год" in index


@pytest.mark.slow
def test_manifest(full_run):
    manifest = json.loads(full_run.manifest.read_text(encoding="utf-8"))
    assert manifest["year"] == "2021-2022" and manifest["jobs"] == 2
    assert manifest["version"] and manifest["started"] <= manifest["finished"]
    entries = {e["name"]: e for e in manifest["notebooks"]}
    assert set(entries) == {"district", "graduates", *SCHOOLS}
    assert entries["sch-a"]["parameters"] == {"year": "2021-2022", "org_id": "sch-a"}
    assert entries["sch-a"]["status"] == "ok" and entries["sch-a"]["seconds"] > 0
    assert entries["sch-fail"]["status"] == "failed" and entries["sch-fail"]["error"]
    assert "snapshot" not in json.dumps(manifest["notebooks"])  # parameters minus paths


@pytest.mark.slow
def test_html_is_clean(full_run):
    for page in full_run.out_dir.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert SOURCE_MARKER not in text, f"code source in {page.name}"
        assert "FIXTURE-WARNING" not in text and "шум для аналитика" not in text, page.name
        for graduate_id in GRADUATE_IDS:
            assert graduate_id not in text, page.name
        assert '<html lang="ru">' in text
        assert not re.search(r'<img[^>]+src="(?!data:)', text), page.name
        assert not re.search(r'<script[^>]+src="https?:', text), page.name
    district = (full_run.out_dir / "district.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in district  # the chart is embedded
    school = (full_run.out_dir / "sch-a.html").read_text(encoding="utf-8")
    assert "Школа: МБОУ Альфа СОШ" in school and "<title>МБОУ Альфа СОШ" in school


@pytest.mark.slow
def test_the_published_manifest_says_nothing_of_people_or_of_the_analysts_folders(full_run):
    # the run's warnings count graduates («у 1 поступившего …» where a page shows «<3») and
    # the paths name the analyst's folders: the published manifest has neither, the analyst's
    # copy beside the executed notebooks has both
    text = full_run.manifest.read_text(encoding="utf-8")
    public = json.loads(text)
    analysts = json.loads((analyst_dir(full_run.out_dir) / "manifest.json")
                          .read_text(encoding="utf-8"))
    assert full_run.warnings and analysts["warnings"] == full_run.warnings
    assert not {"warnings", "dataset", "notebooks_dir"} & set(public)
    assert analysts["dataset"] not in text and analysts["notebooks_dir"] not in text
    assert not re.search(r"выпускник|поступивш", text)
    assert public["dataset_id"] == analysts["dataset_id"]
    assert {k: v for k, v in analysts.items()
            if k not in ("warnings", "dataset", "notebooks_dir")} == public


def test_executed_notebooks_keep_stderr_for_the_analyst(full_run):
    work = analyst_dir(full_run.out_dir)
    assert (work / "README.txt").is_file()
    # beside the report folder, not inside the folder the department copies whole
    assert work.parent.name == "НЕ_ДЛЯ_ПУБЛИКАЦИИ" and work.parent.parent == full_run.out_dir.parent
    published = sorted(p.relative_to(full_run.out_dir).as_posix()
                       for p in full_run.out_dir.rglob("*"))
    assert all(p.endswith(".html") or p == "manifest.json" for p in published), published
    # the publication ledger beside them: each printed cell's status, never a value
    ledger = json.loads(ledger_path(full_run.out_dir).read_text(encoding="utf-8"))
    dataset = json.loads((work / "manifest.json").read_text(encoding="utf-8"))["dataset"]
    statuses = ledger["datasets"][dataset]
    assert set(statuses.values()) == {"hidden", "small", "visible"}  # «×» twice, a number
    # the full list of typed names, the one typed for a single graduate too, stays here
    review = (work / "specialty-review.csv").read_text(encoding="utf-8")
    assert review.splitlines()[0].startswith("Как написано,Выпускников")
    assert "Пётр с Лесной 5,1" in review
    assert any("specialty-review.csv" in w for w in full_run.warnings)
    assert "шум для аналитика" in (work / "sch-a.ipynb").read_text(encoding="utf-8")
    failed = nbformat.read(work / "sch-fail.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in failed.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_hostile_name_is_escaped(full_run):
    index = full_run.index.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «Школа»" in index
    assert "<script>alert" not in index
    school = (full_run.out_dir / "sch-x.html").read_text(encoding="utf-8")
    assert "<script>alert" not in school and "&lt;script&gt;alert(1)" in school


# --------------------------------------------------------------------------------------------
# Failures of one report: privacy net, timeout


#: A cell that never ends by itself: only the batch's timeout stops it.
SLEEP_FOREVER = "import time\nwhile True:\n    time.sleep(1)  # SLEEPS-UNTIL-STOPPED"
SLEEP_TIMEOUT = 2  # the batch's timeout in the test below


@pytest.fixture
def timeout_for_the_sleeping_cell_only(monkeypatch):
    """Give the batch's cell timeout to the cell that sleeps forever and to no other cell.

    nbclient's per-cell ``timeout_func`` is set next to the batch's own configuration, so the
    timeout path is the real one (nbclient stops the cell, papermill reports it, the batch says
    it in Russian), while a slow import on a busy machine can never hit the short timeout.
    """
    configure = kernel.kernel_config

    def config(private, name):
        config = configure(private, name)
        config.NotebookClient.timeout_func = (
            lambda cell: SLEEP_TIMEOUT if "SLEEPS-UNTIL-STOPPED" in cell.source else None)
        return config

    monkeypatch.setattr(kernel, "kernel_config", config)


@pytest.mark.slow
def test_privacy_net_and_timeout(tmp_path, timeout_for_the_sleeping_cell_only):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    district = nbformat.read(notebooks / "district.ipynb", as_version=4)
    district.cells.append(nbformat.v4.new_code_cell(
        'print("Выпускник", ctx.dataset.graduates["graduate_id"].iloc[0])'))
    nbformat.write(district, notebooks / "district.ipynb")
    graduates = nbformat.read(notebooks / "graduates.ipynb", as_version=4)
    graduates.cells.append(nbformat.v4.new_code_cell(SLEEP_FOREVER))
    nbformat.write(graduates, notebooks / "graduates.ipynb")

    result = run_report(make_district(tmp_path / "data"), out_dir=tmp_path / "out", jobs=2,
                        schools=["sch-a"], notebooks_dir=notebooks, timeout=SLEEP_TIMEOUT,
                        progress=False)
    by_name = {r.name: r for r in result.results}
    assert [r.name for r in result.failed] == ["district", "graduates"]
    assert "код выпускника" in by_name["district"].error
    assert "дольше 2 с" in by_name["graduates"].error
    assert "«import time»" in by_name["graduates"].error
    assert by_name["sch-a"].ok
    out = result.out_dir
    assert not (out / "district.html").exists() and not (out / "graduates.html").exists()
    assert set(index_links(out)) == {"sch-a.html"}
    for page in out.glob("*.html"):
        assert not any(g in page.read_text(encoding="utf-8") for g in GRADUATE_IDS)
    # the analyst still has the executed notebook
    assert "g-secret-1" in (analyst_dir(out) / "district.ipynb").read_text(encoding="utf-8")


def test_graduate_id_pattern_whole_words_only():
    pattern = graduate_id_pattern(["g-1", "abc", "12", "1234567", "x"])
    assert find_graduate_id("<p>Выпускник g-1.</p>", pattern) == "g-1"
    assert find_graduate_id("<p>g-12 и xg-1 и g-1x</p>", pattern) is None
    assert find_graduate_id("<td>1234567</td>", pattern) == "1234567"
    assert find_graduate_id("<td>12 выпускников, x</td>", pattern) is None  # too short to check
    assert find_graduate_id('<img src="data:image/png;base64,AAabc+/=">', pattern) is None
    assert find_graduate_id("<td>&#97;bc</td>", pattern) == "abc"  # entities are decoded
    assert graduate_id_pattern(["1", "22"]) is None
    assert check_html('<img src="files/chart.png">', None).startswith("картинка «files/chart.png»")
    assert check_html('<img src="data:image/png;base64,AA">', None) is None


def test_safety_net_reads_html_as_a_browser_does():
    # a school's name that looks like markup is text once escaped — in a heading and in alt
    name = "МБОУ &lt;img src=x onerror=alert(1)&gt; СОШ"
    page = (f"<h1>{name}</h1><figure><img alt=\"Положение {name}\" "
            'src="data:image/svg+xml;base64,PHN2Zz4="></figure>')
    assert check_html(page, None) is None
    assert check_html('<img alt="x" src=x onerror=alert(1)>', None).startswith("картинка «x»")
    assert "внешний файл" in check_html('<script src="https://cdn.example/x.js"></script>', None)
    assert "внешний файл" in check_html('<link rel="stylesheet" href="//cdn.example/x.css">', None)
    assert check_html('<a href="sch-01.html">школа</a><a href="#top">наверх</a>', None) is None
    pattern = graduate_id_pattern(["g-secret-9"])
    assert check_html('<img alt="g-secret-9" src="data:,">', pattern).startswith("в отчёте найден")
    assert check_html("<style>/* g-secret-9 */</style><p>ok</p>", pattern) is None


def test_safety_net_refuses_the_analysts_folders(tmp_path):
    data = tmp_path / "Данные района"
    paths = machine_paths(data)
    reason = check_html(f"<p>Файл {data}/measures.csv не найден</p>", None, paths)
    assert reason.startswith("в отчёте указана папка компьютера аналитика")
    assert check_html("<pre>/home/analyst/work/measures.csv</pre>", None, []) is not None
    assert check_html(r"<p>C:\Users\Анна\Desktop\данные</p>", None, []) is not None
    assert check_html("<p>доля 5/11 классов, 2021/2022</p>", None, paths) is None
    guard = Guard(graduate_id_pattern(["g-secret-9"]), tuple(paths))
    assert guard.mask(f"ошибка в {data}/x.csv у g-secret-9") == \
        "ошибка в …/x.csv у [код выпускника]"


# --------------------------------------------------------------------------------------------
# Nothing is destroyed by a run that cannot start


def previous_folder(out: Path) -> dict[str, bytes]:
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"generator": "proforient report"}),
                                       encoding="utf-8")
    (out / "index.html").write_text("старое оглавление", encoding="utf-8")
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_bad_data_keeps_the_previous_output(tmp_path, capsys):
    out = tmp_path / "out"
    before = previous_folder(out)
    data = write_dataset(tmp_path / "bad", organizations=ORGANIZATIONS,
                         measures=TINY_MEASURES + "2021-2022,sch-a,no_such_measure,,1\n")
    code = main(["report", str(data), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 1
    assert "measures.csv, строка" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "out"]


@pytest.mark.slow
def test_run_without_any_report_keeps_the_previous_ones(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    data = make_district(tmp_path / "data")
    (out / "manifest.json").write_text(json.dumps(
        {"generator": "proforient report", "dataset": str(data.resolve()), "year": "2021-2022",
         "notebooks": [{"name": "sch-a", "status": "ok"}]}), encoding="utf-8")
    (out / "sch-a.html").write_text("прежний отчёт", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    for name in ("school", "district", "graduates"):
        nb = nbformat.read(notebooks / f"{name}.ipynb", as_version=4)
        nb.cells.insert(2, nbformat.v4.new_code_cell("raise ImportError('нет пакета')"))
        nbformat.write(nb, notebooks / f"{name}.ipynb")

    result = run_report(data, out_dir=out, jobs=2, schools=["sch-a"], notebooks_dir=notebooks,
                        progress=False)
    assert len(result.failed) == 3 and result.previous_kept == out.resolve()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert result.out_dir == out.resolve().with_name("out.failed")
    index = result.index.read_text(encoding="utf-8")
    assert "не удалось загрузить модуль Python: нет пакета" in index
    assert "оставлены без изменений" in result.summary()

    # The next run that publishes something replaces the folder and drops the failed one.
    result = run_report(data, out_dir=out, jobs=2, schools=["sch-a"], notebooks_dir=NOTEBOOKS,
                        progress=False)
    assert result.previous_kept is None and result.out_dir == out.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "notebooks", "out",
                                                          "НЕ_ДЛЯ_ПУБЛИКАЦИИ"]


def test_unknown_schools_are_named(tmp_path, capsys):
    data = make_district(tmp_path / "data")
    code = main(["report", str(data), "--out", str(tmp_path / "out"), "--schools",
                 "sch-a,sch-zz,dou-1"])
    _, err = capsys.readouterr()
    assert code == 1 and "sch-zz" in err and "dou-1" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("org_id", ["sch-07", "школа_1.2", "-sch", "_x", "con", "Lpt1.txt",
                                    "sch.", ".hidden", "a b", "x" * 65, "Index", "_work",
                                    "console", "ДОУ-1", "a+b"])
def test_the_batch_applies_the_rule_of_validate(org_id):
    reason = org_id_problem(org_id)
    problems = _file_name_problems([org_id])
    assert (problems == []) == (reason is None)
    if reason:
        assert reason in problems[0].message


@pytest.mark.slow
def test_an_id_validate_accepts_gets_its_report(tmp_path, capsys):
    """``-sch`` passed validate and was refused by report (the batch's own pattern)."""
    organizations = ORGANIZATIONS + "-sch,МБОУ Дефисная СОШ,school,\n"
    data = write_dataset(tmp_path / "data", organizations=organizations, measures=TINY_MEASURES,
                         graduates=GRADUATES)
    assert main(["validate", str(data)]) == 0
    code = main(["report", str(data), "--out", str(tmp_path / "out"), "--schools=-sch",
                 "--notebooks", str(NOTEBOOKS)])
    assert code == 0, capsys.readouterr().err
    assert "-sch.html" in index_links(tmp_path / "out")


def test_foreign_folder_is_not_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("не трогать", encoding="utf-8")
    with pytest.raises(InputError, match="не похожа на папку отчётов"):
        run_report(make_district(tmp_path / "data"), out_dir=out, notebooks_dir=NOTEBOOKS,
                   progress=False)
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


def test_notebook_parameters_are_checked(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    school = nbformat.read(notebooks / "school.ipynb", as_version=4)
    school.cells[1].source = "data_dir = None\nyear = None\nsnapshot = None"  # no org_id
    nbformat.write(school, notebooks / "school.ipynb")
    (notebooks / "graduates.ipynb").unlink()
    with pytest.raises(InputError) as info:
        run_report(make_district(tmp_path / "data"), out_dir=tmp_path / "out",
                   notebooks_dir=notebooks, progress=False)
    text = str(info.value)
    assert "school.ipynb" in text and "org_id" in text
    assert "graduates.ipynb" in text and "не найден" in text
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------------------------
# The command line, and --schools merging into the previous run


@pytest.mark.slow
def test_cli_subset_then_merge(tmp_path, capsys):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    code = main(["report", str(data), "--out", str(out), "--schools", "sch-a,sch-fail",
                 "--jobs", "2", "--notebooks", str(NOTEBOOKS)])
    stdout, _ = capsys.readouterr()
    assert code == 1
    assert "сформировано 3 из 4, с ошибками: 1" in stdout
    assert "sch-fail" in stdout and "ошибка выполнения: сбой для проверки" in stdout
    assert "RuntimeError" not in stdout
    assert f"Оглавление: {out.resolve() / 'index.html'}" in stdout
    assert set(index_links(out)) == {"district.html", "graduates.html", "sch-a.html"}
    sch_a = (out / "sch-a.html").read_bytes()

    # Rerunning one school updates it and keeps the other reports and their index entries.
    result = run_report(data, out_dir=out, jobs=2, schools=["sch-b"], notebooks_dir=NOTEBOOKS,
                        progress=False)
    assert result.failed == []
    by_name = {r.name: r for r in result.results}
    assert [r.name for r in result.results] == ["district", "graduates", "sch-a", "sch-b",
                                                "sch-fail"]
    assert by_name["sch-a"].reused and by_name["sch-a"].ok
    assert by_name["sch-fail"].reused and not by_name["sch-fail"].ok
    assert not by_name["sch-b"].reused and by_name["sch-b"].ok
    assert (out / "sch-a.html").read_bytes() == sch_a
    assert set(index_links(out)) == {"district.html", "graduates.html", "sch-a.html",
                                     "sch-b.html"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "из предыдущего запуска" in index and 'data-org="sch-fail"' in index
    assert (analyst_dir(out) / "sch-a.ipynb").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out", "НЕ_ДЛЯ_ПУБЛИКАЦИИ"]


# --------------------------------------------------------------------------------------------
# Kernel and retries


def test_kernel_is_this_environment():
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    name = ensure_kernel()
    argv = KernelSpecManager().get_kernel_spec(name).argv
    assert kernel._is_this_python(argv[0])
    assert kernel._is_this_python(sys.executable)
    assert not kernel._is_this_python("/somewhere/else/bin/python")


class _Job:
    name, index = "sch-a", 2
    notebook, parameters = Path("x.ipynb"), {}


def test_kernel_start_failure_is_retried_once(tmp_path, monkeypatch):
    import papermill

    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["config"].KernelManager.get("ip"))
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "executed"

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    runner = kernel.Runner("python3", 600, tmp_path, tmp_path)
    nb, attempts, exc, _ = runner.execute(_Job())
    assert (nb, attempts, exc) == ("executed", 2, None)
    assert len(calls) == 2 and calls[0] != calls[1]  # a fresh socket path for the retry


def test_notebook_error_is_not_retried(tmp_path, monkeypatch):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        raise PapermillExecutionError(3, 2, "1/0", "ZeroDivisionError", "division by zero", [])

    monkeypatch.setattr(papermill, "execute_notebook", failing)
    runner = kernel.Runner("python3", 600, tmp_path, tmp_path)
    nb, attempts, exc, _ = runner.execute(_Job())
    assert nb is None and attempts == 1 and len(calls) == 1
    assert kernel._failure_reason(exc, 600) == (
        "ошибка в ячейке [2]: деление на ноль", 2)


@pytest.mark.parametrize(("ename", "evalue", "expected"), [
    ("KeyError", "'sch-07'", "нет нужного ключа (столбца, кода или значения): 'sch-07'"),
    ("ValueError", "could not convert string to float: 'abc'", "недопустимое значение"),
    ("InputError", "measures.csv: нет столбца value", "ошибка во входных данных: measures.csv: "
                                                     "нет столбца value"),
    ("pandas.errors.ParserError", "Error tokenizing data", "файл не разбирается как таблица"),
    ("MyOwnProblem", "something odd", "ошибка Python"),
])
def test_a_failed_cell_is_said_in_russian_without_the_exception_name(ename, evalue, expected):
    """The summary, the index and the manifest read «ошибка в ячейке [N]: <what happened>»;
    the exception's name and Python's English message stay in the executed notebook."""
    from papermill.exceptions import PapermillExecutionError

    exc = PapermillExecutionError(3, 4, "cell", ename, evalue, [])
    assert kernel._failure_reason(exc, 600) == (f"ошибка в ячейке [4]: {expected}", 4)


def test_nbclient_cell_errors_and_batch_crashes_are_said_in_russian():
    from nbclient.exceptions import CellExecutionError

    exc = CellExecutionError("Traceback…\nKeyError: 'year'", "KeyError", "'year'")
    assert kernel._failure_reason(exc, 600) == (
        "ошибка в ячейке: нет нужного ключа (столбца, кода или значения): 'year'", None)
    reason, _ = kernel._failure_reason(TypeError("unsupported operand"), 600)
    assert reason == "сбой пакетного запуска: значение не того типа"
    crashed = kernel.crash_outcome(_Job(), AttributeError("'NoneType' has no attribute 'x'"))
    assert crashed.error == ("сбой пакетного запуска: в коде блокнота обращение к "
                             "несуществующему свойству")


def test_a_kernel_that_died_running_is_not_said_to_have_failed_to_start(tmp_path,
                                                                         monkeypatch):
    """A kernel killed while it ran a cell was reported as «не запустилось дважды», and
    rerun."""
    import papermill
    from nbclient.exceptions import DeadKernelError

    assert not kernel._is_start_failure(DeadKernelError("Kernel died"))
    reason, _ = kernel._failure_reason(DeadKernelError("Kernel died"), 600)
    assert reason.startswith("ядро Python запустилось, но завершилось во время выполнения")
    start = RuntimeError("Kernel died before replying to kernel_info")
    assert kernel._failure_reason(start, 600, attempts=2)[0].startswith(
        "ядро Python не запустилось ни с одной из двух попыток: ошибка выполнения")

    calls = []

    def died(*args, **kwargs):
        calls.append(1)
        raise DeadKernelError("Kernel died")

    monkeypatch.setattr(papermill, "execute_notebook", died)
    runner = kernel.Runner("python3", 600, tmp_path, tmp_path)
    _, attempts, exc, _ = runner.execute(_Job())
    assert attempts == 1 and len(calls) == 1 and isinstance(exc, DeadKernelError)


@pytest.mark.parametrize("argv", [["--jobs", "0"], ["--jobs", "два"], ["--schools", " , "],
                                  ["--year", "2021"]])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(["report", *argv])
    assert info.value.code == 2 and "ошибка" in capsys.readouterr().err


def test_the_publications_decisions_show_their_progress(capsys):
    """Before any report starts, a year's first run decides every report in turn (half a
    minute on the demo): the terminal shows how far, round by round, and a last round that
    stops early still ends the bar full."""
    from proforient.batch.run import _DecisionsBar

    bar = _DecisionsBar(True)
    for told in [(1, 1, 3), (1, 2, 3), (1, 3, 3), (2, 1, 3), (2, 2, 3)]:
        bar(*told)
    bar.finished()
    bar.close()
    err = capsys.readouterr().err.replace("\r", "\n")
    assert "Решения о публикации: 3 из 3" in err
    assert "Решения о публикации, проход 2: 2 из 3" in err
    assert err.rstrip().splitlines()[-1].startswith("Решения о публикации, проход 2: 3 из 3")
    silent = _DecisionsBar(False)
    silent(1, 1, 3)
    silent.close()
    assert capsys.readouterr().err == ""
