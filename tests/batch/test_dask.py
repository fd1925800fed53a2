"""The Dask executor of ``proforient report`` (``--executor dask``, ``--scheduler``).

One local cluster (two worker processes, one thread each) serves the module. The district and
the notebooks are those of ``tests/batch/test_batch.py``; ``sch-slow`` is a school whose fixture
notebook sleeps, so that a worker can be killed while it runs it. The scheduler gives up on a
task at the first worker lost (``allowed_failures=0``): a killed worker then exercises the
client's own resubmission, not only the scheduler's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from proforient.batch import dask_cluster
from proforient.batch.dask_cluster import DaskExecutor, is_infrastructure_failure
from proforient.batch.jobs import analyst_dir
from proforient.batch.run import run_report
from proforient.cli import main
from proforient.problems import InputError
from proforient.report.context import build_context, get_context
from tests.batch.test_batch import GRADUATES, NOTEBOOKS, ORGANIZATIONS, SCHOOLS, make_district
from tests.conftest import TINY_MEASURES, write_dataset

TIMEOUT = 300  # seconds a whole run may take before the test gives up (never reached normally)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?")


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                           dashboard_address=None,
                           scheduler_kwargs={"allowed_failures": 0, "dashboard": False,
                                             "dashboard_address": "127.0.0.1:0"})
    with cluster, Client(cluster, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=120)
        yield client


@pytest.fixture(scope="module")
def runs(client, tmp_path_factory):
    """The same district, once with local threads and once on the cluster."""
    root = tmp_path_factory.mktemp("dask")
    data = make_district(root / "data")
    local = run_report(data, out_dir=root / "local", jobs=2, notebooks_dir=NOTEBOOKS,
                       progress=False)
    dask = run_report(data, out_dir=root / "dask", notebooks_dir=NOTEBOOKS, progress=False,
                      executor=DaskExecutor(client=client))
    return data, local, dask


def files(out: Path) -> set[str]:
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}


def manifest(result) -> dict:
    return json.loads(result.manifest.read_text(encoding="utf-8"))


def comparable(entry: dict) -> dict:
    """A manifest entry without what depends on when and how it ran."""
    return {k: v for k, v in entry.items() if k not in ("seconds", "attempts", "generated")}


def snapshot_files(dask_worker) -> list[str]:
    return sorted(p.name for p in dask_cluster._worker_folder(dask_worker).glob("*.pickle"))


def indicators_csv_on_worker(data: bytes, digest: str) -> bytes:
    """What a notebook on a worker sees: the scattered snapshot, written and loaded there."""
    context = get_context(snapshot=dask_cluster.worker_snapshot(data, digest))
    return context.indicators.to_csv(index=False).encode("utf-8")


# --------------------------------------------------------------------------------------------
# The same district gives the same reports


@pytest.mark.slow
def test_same_reports_index_and_statuses(runs):
    _, local, dask = runs
    assert files(dask.out_dir) == files(local.out_dir)
    assert [(r.name, r.status, r.output, r.error) for r in dask.results] == [
        (r.name, r.status, r.output, r.error) for r in local.results]
    assert [r.name for r in dask.results] == ["district", "graduates", *SCHOOLS]
    index = [TIMESTAMP.sub("…", r.index.read_text(encoding="utf-8")) for r in (local, dask)]
    assert index[0] == index[1]

    ours, theirs = manifest(dask), manifest(local)
    assert [comparable(e) for e in ours["notebooks"]] == [comparable(e) for e in
                                                          theirs["notebooks"]]
    skip = {"started", "finished", "executor", "notebooks"}
    assert {k: v for k, v in ours.items() if k not in skip} == {
        k: v for k, v in theirs.items() if k not in skip}
    assert ours["executor"] == {"kind": "dask", "scheduler": "local", "workers": 2}
    assert theirs["executor"] == {"kind": "threads"}


@pytest.mark.slow
def test_html_is_identical_apart_from_timestamps(runs):
    _, local, dask = runs
    pages = sorted(p.name for p in local.out_dir.glob("*.html"))
    assert "sch-a.html" in pages and "sch-fail.html" not in pages
    for name in pages:
        mine, theirs = ((r.out_dir / name).read_text(encoding="utf-8") for r in (dask, local))
        assert TIMESTAMP.sub("…", mine) == TIMESTAMP.sub("…", theirs), name
    school = (dask.out_dir / "sch-a.html").read_text(encoding="utf-8")
    assert "Школа: МБОУ Альфа СОШ" in school and "FIXTURE-SOURCE" not in school
    assert "g-secret" not in school


@pytest.mark.slow
def test_failing_school_fails_in_both(runs):
    _, local, dask = runs
    for result in (local, dask):
        assert [r.name for r in result.failed] == ["sch-fail"]
        failed = result.failed[0]
        assert failed.error.startswith("ошибка в ячейке [") and "RuntimeError" not in failed.error
        assert failed.error.endswith("ошибка выполнения: сбой для проверки пакетного запуска")
        assert failed.attempts == 1  # a notebook error is never retried
        row = next(line for line in result.index.read_text(encoding="utf-8").splitlines()
                   if 'data-org="sch-fail"' in line)
        assert "ошибка" in row and "href" not in row
    # the analyst gets the failed notebook from the worker, with its traceback
    executed = (analyst_dir(dask.out_dir) / "sch-fail.ipynb").read_text(encoding="utf-8")
    assert "сбой для проверки" in executed and "шум для аналитика" in executed


@pytest.mark.slow
def test_indicator_tables_are_byte_identical(runs, client, tmp_path):
    from proforient.report.context import save_context

    data, _, dask = runs
    expected = build_context(data).indicators.to_csv(index=False).encode("utf-8")
    # The district notebook on the worker printed the hash of the table it received…
    district = (dask.out_dir / "district.html").read_text(encoding="utf-8")
    assert f"sha256: {hashlib.sha256(expected).hexdigest()}" in district
    # …and the snapshot shipped to a worker gives back the very same CSV bytes.
    payload = save_context(build_context(data), tmp_path / "context.pickle").read_bytes()
    digest = hashlib.sha256(payload).hexdigest()
    scattered = client.scatter(payload, broadcast=True, hash=False)
    on_worker = client.submit(indicators_csv_on_worker, scattered, digest, pure=False)
    assert on_worker.result(timeout=TIMEOUT) == expected
    client.run(dask_cluster._drop_worker_snapshot, digest)


@pytest.mark.slow
def test_snapshot_copies_are_removed_from_the_workers(runs, client):
    assert all(names == [] for names in client.run(snapshot_files).values())


# --------------------------------------------------------------------------------------------
# A worker dies while it runs a notebook


@pytest.mark.slow
def test_killed_worker_leaves_no_school_missing_or_twice(client, tmp_path):
    organizations = ORGANIZATIONS + "sch-slow,МБОУ Медленная СОШ,school,\n"
    data = write_dataset(tmp_path / "data", organizations=organizations, measures=TINY_MEASURES,
                         graduates=GRADUATES)
    schools = [*SCHOOLS, "sch-slow"]
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(run_report, data, out_dir=tmp_path / "out",
                              notebooks_dir=NOTEBOOKS, progress=False,
                              executor=DaskExecutor(client=client))
        address = _worker_running("sch-slow", client, running)
        pid = client.run(os.getpid, workers=[address])[address]
        os.kill(pid, signal.SIGKILL)  # the nanny starts a new worker process
        result = running.result(timeout=TIMEOUT)

    names = [r.name for r in result.results]
    assert names == ["district", "graduates", *schools]  # each once, in order
    by_name = {r.name: r for r in result.results}
    assert [r.name for r in result.failed] == ["sch-fail"]
    assert by_name["sch-slow"].ok
    assert by_name["sch-slow"].attempts >= 2  # KilledWorker → resubmitted by the client
    out = result.out_dir
    assert {p.name for p in out.glob("*.html")} == {
        "index.html", "district.html", "graduates.html",
        *(f"{s}.html" for s in schools if s != "sch-fail")}
    assert {p.name for p in analyst_dir(out).glob("*.ipynb")} == {
        f"{n}.ipynb" for n in names}
    entries = [e["name"] for e in manifest(result)["notebooks"]]
    assert entries == names
    index = result.index.read_text(encoding="utf-8")
    for school in schools:
        assert index.count(f'data-org="{school}"') == 1
    client.wait_for_workers(2, timeout=TIMEOUT)  # the cluster is whole again


def _worker_running(name: str, client, running) -> str:
    """The address of the worker executing ``name``'s notebook, once it is executing."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert not running.done(), running.result()  # the run must not end before the kill
        keys = [k for keys in client.processing().values() for k in keys
                if f"-{name}-" in str(k)]
        stacks = client.call_stack(keys=keys) if keys else {}
        if stacks:
            return next(iter(stacks))
        time.sleep(0.1)
    raise AssertionError(f"{name} never started on a worker")


# --------------------------------------------------------------------------------------------
# Ctrl+C on the client


@pytest.mark.slow
def test_ctrl_c_stops_the_notebooks_on_the_workers(client, tmp_path, monkeypatch):
    """Cancelling a Dask task does not stop its notebook: the client kills the kernels."""
    from proforient.batch import run
    from tests.batch.test_safe_runs import (
        dead,
        published_folder,
        sleeper,
        snapshot,
        wait_for,
        with_cells,
    )

    data = make_district(tmp_path / "data")
    out = tmp_path / "out"
    published_folder(out, data)
    before = snapshot(out)
    marker, finished = tmp_path / "kernel.pid", tmp_path / "finished"
    notebooks = with_cells(tmp_path, district=sleeper(marker, finished))

    def interrupted(*args):  # Ctrl+C while the district notebook runs on a worker
        wait_for(marker)
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "_finish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_report(data, out_dir=out, schools=["sch-a"], notebooks_dir=notebooks,
                   progress=False, executor=DaskExecutor(client=client))
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "data", "kernel.pid", "notebooks", "out"]
    assert dead(int(marker.read_text())) and not finished.exists()
    assert all(names == [] for names in client.run(snapshot_files).values())


def test_local_workers_do_not_inherit_ctrl_c():
    handler = signal.getsignal(signal.SIGINT)
    with dask_cluster._ctrl_c_not_inherited():
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is handler


# --------------------------------------------------------------------------------------------
# Shared storage instead of scatter; the cluster cannot be used; nothing imported for nothing


@pytest.mark.slow
def test_snapshot_on_shared_storage(client, tmp_path):
    shared = tmp_path / "shared"
    result = run_report(make_district(tmp_path / "data"), out_dir=tmp_path / "out",
                        schools=["sch-a"], notebooks_dir=NOTEBOOKS, progress=False,
                        executor=DaskExecutor(client=client, shared_dir=shared))
    assert [r.name for r in result.results if r.ok] == ["district", "graduates", "sch-a"]
    assert list(shared.iterdir()) == []  # the snapshot is removed after the run
    assert manifest(result)["executor"]["shared_dir"] == str(shared.resolve())


@pytest.mark.slow
def test_workers_of_another_version_are_refused(client, monkeypatch):
    # The workers report the installed version; the client pretends to be another one.
    monkeypatch.setattr(dask_cluster, "__version__", "0.0-other")
    with pytest.raises(InputError, match="другие версии: proforient"):
        DaskExecutor(client=client).start(3)
    assert client.status == "running"  # a client given from outside is not closed


def test_unreachable_scheduler_is_an_input_error(tmp_path):
    data = make_district(tmp_path / "data")
    with pytest.raises(InputError, match="не удалось подключиться к планировщику Dask"):
        run_report(data, out_dir=tmp_path / "out", notebooks_dir=NOTEBOOKS, progress=False,
                   executor=DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout=2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


@pytest.mark.parametrize("argv", [["--scheduler", "not an address"],
                                  ["--executor", "threads", "--scheduler", "tcp://127.0.0.1:9"],
                                  ["--executor", "spark"]])
def test_usage_errors_exit_2(argv, capsys):
    try:
        code = main(["report", *argv])
    except SystemExit as exc:
        code = exc.code
    assert code == 2 and "ошибка" in capsys.readouterr().err


def test_infrastructure_failures_are_told_from_notebook_errors():
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError
    from papermill.exceptions import PapermillExecutionError

    assert is_infrastructure_failure(KilledWorker("k", None, 0))
    assert is_infrastructure_failure(CommClosedError("closed"))
    assert is_infrastructure_failure(CancelledError("lost"))  # distributed's are subclasses
    assert not is_infrastructure_failure(
        PapermillExecutionError(3, 2, "1/0", "ZeroDivisionError", "division by zero", []))
    assert not is_infrastructure_failure(RuntimeError("Kernel died before replying"))


def test_local_path_does_not_import_dask():
    code = ("import sys\n"
            "from proforient.batch import executors, run\nfrom proforient import cli\n"
            "executors.make_executor(None, jobs=1)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
