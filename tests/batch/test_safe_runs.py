"""`proforient report` never loses published reports: failed notebooks, another dataset's set,
two runs at once, Ctrl+C, output folders that cannot be written.

Failures are injected (a patched function, a fake executor, a notebook cell that kills its own
kernel or sleeps until it is stopped); no test depends on how fast the machine is: a test that
waits for something waits for a file to appear, with a deadline far beyond any real delay.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from proforient.batch import outputs, run
from proforient.batch.jobs import Outcome, analyst_dir
from proforient.batch.outputs import dataset_id, folder_lock, remove_tree, same_data, swap
from proforient.batch.run import run_report
from proforient.cli import main
from proforient.problems import InputError
from tests.batch.test_batch import NOTEBOOKS, index_links, make_district

DEADLINE = 300  # seconds to wait for a file a notebook writes (never reached normally)


def with_cells(tmp_path: Path, **cells: str) -> Path:
    """A copy of the fixture notebooks with a code cell appended to the named ones."""
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    for name, source in cells.items():
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(source))
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def sleeper(marker: Path, finished: Path) -> str:
    """A cell that writes its kernel's pid to ``marker``, then sleeps until it is stopped.

    The pid goes to a temporary file first and is renamed to ``marker``: the test polls for the
    marker and must never find it created but still empty.
    """
    partial = marker.with_name(marker.name + ".part")
    return (f"import os, pathlib, time\npathlib.Path({str(partial)!r}).write_text(str(os.getpid()))"
            f"\nos.replace({str(partial)!r}, {str(marker)!r})"
            f"\ntime.sleep(300)\npathlib.Path({str(finished)!r}).write_text('не остановлен')")


KILL_OWN_KERNEL = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"


def wait_for(path: Path, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + DEADLINE
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        assert process is None or process.poll() is None, process.communicate()
        time.sleep(0.05)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def hidden(parent: Path) -> list[str]:
    """Staging, old and lock files left next to the output folder."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def dead(pid: int) -> bool:
    """Whether a process ends (a zombie not yet reaped counts as ended), given the time a
    SIGKILL takes on a busy machine: up to :data:`DEADLINE` seconds."""
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def published_folder(out: Path, data: Path, pages: dict[str, str] | None = None) -> None:
    """A report folder as a previous run of ``data`` would leave it."""
    pages = pages or {"sch-a": "прежний отчёт школы"}
    out.mkdir(parents=True)
    entries = [{"name": n, "kind": "school", "status": "ok", "output": f"{n}.html",
                "generated": "2020-01-01 10:00"} for n in pages]
    (out / "manifest.json").write_text(json.dumps(
        {"generator": "proforient report", "dataset": str(data.resolve()), "year": "2021-2022",
         "dataset_name": "прежний", "notebooks": entries}), encoding="utf-8")
    for name, text in pages.items():
        (out / f"{name}.html").write_text(text, encoding="utf-8")
    (out / "index.html").write_text("прежнее оглавление", encoding="utf-8")


class FakeExecutor:
    """Runs no notebook: hands back a page for each job, calling ``before(job)`` first."""

    description = "Отчёты (проверка)"

    def __init__(self, before=None) -> None:
        self.before = before
        self.closed = False

    def start(self, n_jobs: int) -> None:
        pass

    def run_jobs(self, jobs, batch):
        for job in jobs:
            if self.before is not None:
                self.before(job)
            yield Outcome(job.name, page=f'<html lang="ru"><body>{job.title}</body></html>')

    def describe(self) -> dict:
        return {"executor": {"kind": "fake"}, "jobs": 1, "kernel": None}

    def close(self) -> None:
        self.closed = True


# --------------------------------------------------------------------------------------------
# A failed notebook never removes a published report; a killed kernel is called so


@pytest.mark.slow
def test_failed_district_reports_keep_the_previous_pages(tmp_path, capsys):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    first = run_report(data, out_dir=out, jobs=2, schools=["sch-a"], notebooks_dir=NOTEBOOKS,
                       progress=False)
    assert first.failed == []
    before = {name: (out / name).read_bytes() for name in ("district.html", "graduates.html")}

    # The case: a partial run whose district kernel is killed, the graduates one fails.
    notebooks = with_cells(tmp_path, district=KILL_OWN_KERNEL,
                           graduates="raise MemoryError('нет памяти')")
    code = main(["report", str(data), "--out", str(out), "--schools", "sch-b", "--jobs", "2",
                 "--notebooks", str(notebooks)])
    stdout, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    for name, content in before.items():
        assert (out / name).read_bytes() == content, name
    assert {"district.html", "graduates.html", "sch-a.html", "sch-b.html"} <= set(
        index_links(out))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["name"]: e for e in manifest["notebooks"]}
    district = entries["district"]
    assert district["status"] == "ok" and district["reused"]
    assert district["generated"] == first.results[0].generated
    # what really happened, and no second try for a kernel that did start
    assert "завершилось во время выполнения" in district["failed_rerun"]
    assert "не запустилось" not in district["failed_rerun"] and district["attempts"] == 1
    assert "не хватило памяти: нет памяти" in entries["graduates"]["failed_rerun"]
    assert entries["sch-b"]["status"] == "ok" and not entries["sch-b"]["reused"]
    assert "сформировано 1 из 3, с ошибками: 2" in stdout
    assert "опубликованным остаётся отчёт предыдущего запуска" in stdout
    # the analyst gets this run's notebook, not the previous one
    assert "MemoryError" in (analyst_dir(out) / "graduates.ipynb").read_text(encoding="utf-8")
    assert hidden(tmp_path) == []


# --------------------------------------------------------------------------------------------
# Reports of another dataset are moved aside, and the run says where the reports go, first


def test_reports_of_another_dataset_are_moved_aside(tmp_path, capsys, monkeypatch):
    old_data = make_district(tmp_path / "old-data")
    out = tmp_path / "outputs" / "2021-2022"
    published_folder(out, old_data, {"sch-a": "отчёт по старым данным",
                                     "sch-b": "ещё один"})
    before = snapshot(out)
    data = make_district(tmp_path / "data")
    said = []

    def execute(plan, *args):  # the output folder was announced before the work
        said.append(list(lines))
        return original(plan, *args)

    original, lines = run._execute, []
    monkeypatch.setattr(run, "_execute", execute)
    monkeypatch.setattr(run, "OUTPUTS_DIR", tmp_path / "outputs")
    result = run_report(data, schools=["sch-a"], notebooks_dir=NOTEBOOKS, progress=False,
                        executor=FakeExecutor(), say=lines.append)

    assert lines[0].startswith(f"Папка отчётов: {out.resolve()} (по умолчанию: outputs/<год>")
    assert lines[1] == (f"В этой папке — отчёты по другому набору данных или году (прежний, "
                        f"{old_data.resolve()}, 2021-2022): запуск не удалит их, а перенесёт "
                        f"в {result.backup}.")
    assert said == [lines[:2]]
    backup = result.backup
    assert backup is not None and backup.parent == out.parent.resolve()
    assert backup.name.startswith("2021-2022.previous-")
    assert snapshot(backup) == before  # the whole previous set, untouched
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["dataset_id"] == \
        dataset_id(str(data.resolve()))
    assert json.loads((analyst_dir(out) / "manifest.json").read_text(encoding="utf-8"))[
        "dataset"] == str(data.resolve())
    assert "sch-b.html" not in index_links(out)  # nothing of the other dataset is merged in
    assert f"перенесены в {backup}" in result.summary()
    assert hidden(out.parent) == []


def test_the_cli_prints_the_output_folder_first(tmp_path, capsys, monkeypatch):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    monkeypatch.setattr(run, "make_executor", lambda *a, **k: FakeExecutor())
    assert main(["report", str(data), "--out", str(out), "--schools", "sch-a"]) == 0
    stdout, _ = capsys.readouterr()
    assert stdout.splitlines()[0] == f"Папка отчётов: {out.resolve()}"
    assert stdout.splitlines()[-1] == f"Оглавление: {out.resolve() / 'index.html'}"


def test_report_help_says_where_outputs_go(capsys):
    from proforient.paths import OUTPUTS_DIR

    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert str(OUTPUTS_DIR / "<год>") in text
    assert "из какой бы папки ни запускалась команда" in text
    assert ".previous-ДАТА" in text and "Ctrl+C" in text


# --------------------------------------------------------------------------------------------
# One run at a time per folder


def test_a_second_run_into_the_same_folder_is_refused(tmp_path, capsys):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path\n"
         "from proforient.batch.outputs import folder_lock\n"
         f"with folder_lock(Path({str(out)!r})):\n    print('занято', flush=True)\n"
         "    sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "занято"
        code = main(["report", str(data), "--out", str(out), "--notebooks", str(NOTEBOOKS)])
        _, err = capsys.readouterr()
        assert code == 1 and "Traceback" not in err
        assert "в эту папку сейчас пишет другой запуск proforient report" in err
        assert f"процесс {holder.pid} на компьютере" in err
        assert not out.exists()
    finally:
        holder.communicate("")
    assert hidden(tmp_path) == []  # the holder removed its lock file


def test_a_stale_lock_blocks_nobody(tmp_path):
    out = tmp_path / "out"
    # a run killed outright leaves its lock file, naming a process that is gone
    holder = subprocess.Popen(
        [sys.executable, "-c", "from pathlib import Path\n"
         "from proforient.batch.outputs import folder_lock\n"
         f"with folder_lock(Path({str(out)!r})):\n    print('занято', flush=True)\n"
         "    input()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "занято"
    holder.kill()
    holder.communicate()
    lock = tmp_path / ".out.lock"
    assert str(holder.pid) in lock.read_text(encoding="utf-8")
    with folder_lock(out):
        assert str(os.getpid()) in lock.read_text(encoding="utf-8")
        with pytest.raises(InputError, match="сейчас пишет другой запуск"), folder_lock(out):
            pass
    assert not lock.exists()


# --------------------------------------------------------------------------------------------
# Ctrl+C: the run ends, the previous reports stay, nothing of the run is left


@pytest.mark.slow
def test_ctrl_c_stops_the_kernels_and_keeps_the_previous_reports(tmp_path, monkeypatch):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)
    marker, finished = tmp_path / "kernel.pid", tmp_path / "finished"
    notebooks = with_cells(tmp_path, district=sleeper(marker, finished))

    def interrupted(*args):  # Ctrl+C while the district notebook runs
        wait_for(marker)
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "_finish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_report(data, out_dir=out, jobs=2, schools=["sch-a"], notebooks_dir=notebooks,
                   progress=False)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "data", "kernel.pid", "notebooks", "out"]
    assert dead(int(marker.read_text()))  # killed, not left sleeping…
    assert not finished.exists()  # …nor waited for


def test_a_swallowed_ctrl_c_still_stops_the_run(tmp_path):
    """Python only prints a KeyboardInterrupt raised inside a ``__del__``: the run must stop
    all the same, before it publishes."""
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)

    def swallowed(job):
        if job.name == "graduates":
            with contextlib.suppress(KeyboardInterrupt):  # as a library might
                signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        run_report(data, out_dir=out, notebooks_dir=NOTEBOOKS, progress=False,
                   executor=FakeExecutor(swallowed))
    assert snapshot(out) == before and hidden(tmp_path) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


@pytest.mark.parametrize("where", ["prepare", "write_analyst_files", "_merge_kept",
                                   "_write_index_and_manifest"])
def test_ctrl_c_anywhere_leaves_nothing(tmp_path, monkeypatch, capsys, where):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)

    def ctrl_c(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(run, where, ctrl_c)
    monkeypatch.setattr(run, "make_executor", lambda *a, **k: FakeExecutor())
    code = main(["report", str(data), "--out", str(out), "--notebooks", str(NOTEBOOKS)])
    _, err = capsys.readouterr()
    assert code == 130
    assert err.strip().splitlines()[-1].startswith("Запуск остановлен (Ctrl+C): прежние отчёты")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert snapshot(out) == before and hidden(tmp_path) == []


def test_ctrl_c_while_swapping_does_not_cut_the_swap(tmp_path, monkeypatch):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)

    def swap_with_ctrl_c(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)  # between the two renames
        return swap(*args, **kwargs)

    monkeypatch.setattr(run, "swap", swap_with_ctrl_c)
    result = run_report(data, out_dir=out, notebooks_dir=NOTEBOOKS, progress=False,
                        executor=FakeExecutor())
    assert (out / "district.html").is_file() and result.out_dir == out.resolve()
    assert hidden(tmp_path) == []


def test_a_background_run_keeps_ignoring_ctrl_c():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as for `proforient report &`
    try:
        with run.Interrupts():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; signals as on a terminal")
def test_ctrl_c_in_a_terminal(tmp_path):
    """A real SIGINT to the process group of ``proforient report``, as a terminal sends it."""
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)
    marker, finished = tmp_path / "kernel.pid", tmp_path / "finished"
    notebooks = with_cells(tmp_path, district=sleeper(marker, finished))
    process = subprocess.Popen(
        [sys.executable, "-m", "proforient.cli", "report", str(data), "--out", str(out),
         "--schools", "sch-a", "--jobs", "2", "--notebooks", str(notebooks)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_for(marker, process)
        os.killpg(process.pid, signal.SIGINT)
        stdout, err = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "Запуск остановлен (Ctrl+C)" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert stdout.startswith(f"Папка отчётов: {out.resolve()}")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "data", "kernel.pid", "notebooks", "out"]
    assert dead(int(marker.read_text())) and not finished.exists()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; signals as on POSIX")
def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    """SIGTERM (``kill``, systemd, a CI runner's timeout) to a running ``proforient report``:
    a Russian message and exit 143, no English kernel chatter, the kernels killed, and nothing
    left in the temporary folder — neither the context snapshot (the graduates' data) nor the
    kernels' connection files. Before, the process died on the spot (-15) and left both."""
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)
    marker, finished = tmp_path / "kernel.pid", tmp_path / "finished"
    notebooks = with_cells(tmp_path, district=sleeper(marker, finished))
    temp = tmp_path / "temp"  # the run's system temp folder, to see what it leaves there
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "proforient.cli", "report", str(data), "--out", str(out),
         "--schools", "sch-a", "--jobs", "2", "--notebooks", str(notebooks)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "TMPDIR": str(temp)})
    try:
        wait_for(marker, process)  # a kernel is running the district notebook
        assert any(p.name == "context.pickle" for p in temp.rglob("*"))  # what must go
        process.send_signal(signal.SIGTERM)  # to the command only, as `kill PID` sends it
        stdout, err = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, err
    assert err.strip().splitlines()[-1] == (
        "Запуск остановлен (сигнал завершения SIGTERM): прежние отчёты не изменены, ядра "
        "Python остановлены, временные папки удалены.")
    chatter = [line for line in err.splitlines()
               if line.strip() and not line.lstrip().startswith(
                   ("Отчёты:", "Решения о публикации", "Запуск остановлен"))]
    assert chatter == [] and "Traceback" not in err
    assert stdout.startswith(f"Папка отчётов: {out.resolve()}")
    assert list(temp.rglob("*")) == []
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "data", "kernel.pid", "notebooks", "out", "temp"]
    assert dead(int(marker.read_text())) and not finished.exists()


# --------------------------------------------------------------------------------------------
# Output folders that cannot be written: a Russian message naming the folder, exit 1


@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "заметки.txt"
    path.write_text("не папка", encoding="utf-8")
    return path


def commands(data: Path, target: Path) -> dict[str, list[str]]:
    return {"report": ["report", str(data), "--out", str(target)],
            "template": ["template", str(data), "--year", "2021-2022", "--out", str(target)],
            "indicators": ["indicators", str(data), "--output", str(target / "i.csv")],
            "alignment": ["alignment", str(data), "--output", str(target / "a.xlsx")]}


@pytest.mark.parametrize("command", ["report", "template", "indicators", "alignment"])
@pytest.mark.parametrize("where", ["file", "proc", "sys"])
def test_output_under_a_file_or_a_system_folder(tmp_path, capsys, a_file, command, where):
    if where != "file" and sys.platform != "linux":
        pytest.skip("Linux system folders")
    target = {"file": a_file / "отчёты", "proc": Path("/proc/отчёты"),
              "sys": Path("/sys/отчёты")}[where]
    data = make_district(tmp_path / "data")
    code = main(commands(data, target)[command])
    _, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    expected = {"file": f"«{a_file}» — файл, а не папка",
                "proc": "системная папка /proc", "sys": "системная папка /sys"}[where]
    assert expected in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", a_file.name]


@pytest.mark.parametrize("command", ["report", "template", "indicators", "alignment"])
def test_output_in_a_folder_without_write_permission(tmp_path, capsys, monkeypatch, command):
    locked = tmp_path / "чужая"
    locked.mkdir()
    real_access = os.access

    def access(path, mode, **kwargs):  # what a folder of another user looks like (not to root)
        if Path(path).resolve() == locked.resolve() and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    data = make_district(tmp_path / "data")
    code = main(commands(data, locked / "отчёты")[command])
    _, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert f"нет прав на запись в папку «{locked}»" in err
    assert list(locked.iterdir()) == []


def test_a_write_protected_report_folder_is_refused_and_left_whole(tmp_path, capsys, monkeypatch):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
        not (Path(path) == out.resolve() and mode & os.W_OK)) and real_access(path, mode, **kw))
    code = main(["report", str(data), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 1 and "папка защищена от записи" in err and str(out.resolve()) in err
    assert snapshot(out) == before and hidden(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_read_only_folder_really_is_refused(tmp_path, capsys):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)
    out.chmod(0o555)
    try:
        code = main(["report", str(data), "--out", str(out)])
    finally:
        out.chmod(0o755)
    assert code == 1 and "папка защищена от записи" in capsys.readouterr().err
    assert snapshot(out) == before and hidden(tmp_path) == []


def test_a_full_disk_keeps_the_previous_reports(tmp_path, capsys, monkeypatch):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)

    def full(plan, results, described, staging):
        raise OSError(errno.ENOSPC, "No space left on device", str(staging / "index.html"))

    monkeypatch.setattr(run, "_write_index_and_manifest", full)
    monkeypatch.setattr(run, "make_executor", lambda *a, **k: FakeExecutor())
    code = main(["report", str(data), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert "не удалось записать отчёты: на диске нет места; прежние отчёты не изменены" in err
    assert snapshot(out) == before and hidden(tmp_path) == []


# --------------------------------------------------------------------------------------------
# The old folder is always removed after a swap, write-protected parts included


def test_swap_removes_a_write_protected_old_folder(tmp_path):
    target, staging = tmp_path / "out", tmp_path / ".out.tmp-1"
    (target / "_work").mkdir(parents=True)
    (target / "_work" / "a.ipynb").write_text("{}", encoding="utf-8")
    (staging / "_work").mkdir(parents=True)
    (target / "_work").chmod(0o555)
    target.chmod(0o555)
    assert swap(staging, target) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_old_folder_that_cannot_be_removed_is_named(tmp_path, monkeypatch):
    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    monkeypatch.setattr(outputs, "remove_tree", lambda path: False)
    result = run_report(data, out_dir=out, notebooks_dir=NOTEBOOKS, progress=False,
                        executor=FakeExecutor())
    [old] = hidden(tmp_path)
    assert old.startswith(".out.old-")
    assert any(f"Не удалось удалить прежнюю папку отчётов {tmp_path.resolve() / old}" in w
               for w in result.warnings)
    monkeypatch.undo()
    # the next run of the folder removes what a killed or hindered run left
    run_report(data, out_dir=out, notebooks_dir=NOTEBOOKS, progress=False,
               executor=FakeExecutor())
    assert hidden(tmp_path) == []


def test_remove_tree_never_follows_a_link(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    outside.chmod(0o555)
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "link").symlink_to(outside)
    (tree / "sub").chmod(0o555)
    rmtree, calls = shutil.rmtree, []

    def first_fails(path, *args, **kwargs):  # as if the read-only folder had kept its entries
        calls.append(path)
        if len(calls) > 1:
            rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", first_fails)
    assert remove_tree(tree) and len(calls) == 2
    assert not tree.exists()
    assert outside.is_dir() and (outside.stat().st_mode & 0o777) == 0o555
    outside.chmod(0o755)


def test_a_report_folder_is_known_by_its_datasets_fingerprint_or_its_old_path():
    # the published manifest names the dataset by a fingerprint of its path; a folder written
    # by an earlier version names the path itself, and a re-run still knows its own reports
    path = "/home/analyst/данные"
    assert same_data({"dataset_id": dataset_id(path), "year": "2021-2022"}, path, "2021-2022")
    assert same_data({"dataset": path, "year": "2021-2022"}, path, "2021-2022")
    assert not same_data({"dataset_id": dataset_id(path), "year": "2020-2021"}, path,
                         "2021-2022")
    assert not same_data({"dataset_id": dataset_id("/elsewhere"), "year": "2021-2022"}, path,
                         "2021-2022")
    assert not same_data({"year": "2021-2022"}, path, "2021-2022")

