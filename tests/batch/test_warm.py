"""Kernels warmed while the batch prepares (proforient.batch.warm): a notebook run in one is
the notebook run in a fresh kernel, and no kernel of the pool outlives the batch, however it
ends."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from proforient.batch import warm
from proforient.batch.jobs import Job
from proforient.batch.kernel import Runner, ensure_kernel
from proforient.batch.run import run_report
from tests.batch.test_batch import NOTEBOOKS, make_district

# A kernel killed while warming up must end the pool's thread quietly: an exception escaping
# it is a traceback on the user's terminal (it was, at Ctrl+C during the preparation).
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


def _wait_ready(pool: warm.WarmKernels, count: int) -> None:
    """Wait until ``count`` kernels are warm (a generous limit: this is no speed test)."""
    deadline = time.monotonic() + 180
    while pool._ready.qsize() < count:
        assert time.monotonic() < deadline, "the pool started no kernel"
        time.sleep(0.2)


def _alive(manager) -> bool:
    return manager.provisioner is not None and manager.provisioner.process.poll() is None


def _notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys\nprint('pandas' in sys.modules)"),
                nbformat.v4.new_code_cell("print(6 * 7)")]
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_notebook_runs_in_a_warm_kernel_as_in_a_fresh_one(tmp_path):
    # The pool's kernel has imported the report stack (pandas among it) before the notebook
    # starts — and silently: the notebook's cells are numbered 1 and 2, as in a fresh kernel.
    # After the notebook the kernel is killed, like a fresh one.
    private = tmp_path / "p"
    private.mkdir()
    pool = warm.WarmKernels(ensure_kernel(), private, 1).start()
    try:
        _wait_ready(pool, 1)
        runner = Runner(ensure_kernel(), 120, private, tmp_path, warm=pool)
        job = Job("probe", "school", "probe", _notebook(tmp_path), {}, 2, "probe")
        nb, attempts, exc, _ = runner.execute(job)
    finally:
        pool.close()
    assert exc is None and attempts == 1
    outputs = [(c.execution_count, "".join(o.get("text", "") for o in c.outputs).strip())
               for c in nb.cells if c.cell_type == "code"]
    assert outputs == [(1, "True"), (2, "42")]
    started = pool._started
    assert len(started) == 1 and not _alive(started[0])


def test_closing_the_pool_kills_the_kernels_not_taken(tmp_path):
    pool = warm.WarmKernels(ensure_kernel(), tmp_path, 2).start()
    _wait_ready(pool, 1)
    pool.close()
    assert pool._started and not any(_alive(m) for m in pool._started)
    assert pool.take() is None  # closed: nothing more to hand out


@pytest.fixture
def pools(monkeypatch):
    """Every pool a batch makes, kept for the test to look at."""
    made = []
    start = warm.WarmKernels.start

    def recorded(self):
        made.append(self)
        return start(self)

    monkeypatch.setattr(warm.WarmKernels, "start", recorded)
    return made


def test_no_kernel_of_the_pool_outlives_a_batch(tmp_path, pools):
    run_report(make_district(tmp_path / "data"), out_dir=tmp_path / "out", jobs=1,
               schools=["sch-a"], notebooks_dir=NOTEBOOKS, progress=False)
    assert len(pools) == 1
    assert not any(_alive(m) for m in pools[0]._started)


def test_ctrl_c_while_preparing_kills_the_warm_kernels(tmp_path, pools, monkeypatch):
    # Ctrl+C arrives once a kernel is warm, while the decisions are still being made: the run
    # stops as before, and the pool's kernels go with it.
    import proforient.batch.run as run

    def interrupted(context, on_page=None):
        _wait_ready(pools[0], 1)
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "prepare", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_report(make_district(tmp_path / "data"), out_dir=tmp_path / "out", jobs=2,
                   notebooks_dir=NOTEBOOKS, progress=False)
    assert pools[0]._started and not any(_alive(m) for m in pools[0]._started)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_closing_while_a_kernel_warms_up_leaves_none(tmp_path):
    # Ctrl+C comes while the first kernel is still starting or importing: close() kills it
    # without waiting for the warm-up, and the thread hands nothing out afterwards.
    pool = warm.WarmKernels(ensure_kernel(), tmp_path, 3).start()
    deadline = time.monotonic() + 180
    while not pool._started:
        assert time.monotonic() < deadline, "the pool started no kernel"
        time.sleep(0.01)
    pool.close()
    pool._thread.join(timeout=300)  # generous: only to look at the end state
    assert not pool._thread.is_alive()
    assert not any(_alive(m) for m in pool._started)
    assert pool.take() is None
