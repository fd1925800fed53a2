"""Where the notebooks of ``proforient report`` run: the executors of :mod:`proforient.batch.run`.

An executor does one thing: run the jobs (one notebook each) and hand back each job's outcome
(:class:`proforient.batch.Outcome`: the rendered page or the error) as soon as it is known.
Everything else — the privacy check, the files, the index, the manifest, the progress bar — is
done by the batch in the calling process, the same way whichever executor ran the notebooks.

- :class:`ThreadExecutor` (the default): kernels started from a thread pool of this process.
- :class:`DaskExecutor`: each notebook is a task on a Dask cluster (``proforient report
  --scheduler tcp://HOST:8786``), or on a local cluster of worker processes (``--executor
  dask``).

The interface (duck-typed, see :class:`Executor`)::

    description            the progress bar's label
    start(n_jobs)          connect / start; raise InputError when the executor cannot be used
    run_jobs(jobs, batch)  iterator of outcomes, one per job, in the order they finish; when
                           closed early (the run was interrupted) it stops the notebooks
                           still running before it returns
    describe()             {"executor": {...}, "jobs": int, "kernel": str} for the manifest
    close()                release what start() took; may be called more than once

The Dask executor is in :mod:`proforient.batch.dask_cluster` (imported only when used).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Protocol

from proforient.batch.jobs import BatchSetup, Job, Outcome, default_jobs
from proforient.batch.kernel import Runner, crash_outcome, ensure_kernel, render_outcome
from proforient.batch.render import make_exporter
from proforient.batch.warm import WarmKernels

log = logging.getLogger(__name__)


class Executor(Protocol):
    """What :func:`proforient.batch.run_report` needs from an executor."""

    description: str

    def start(self, n_jobs: int) -> None: ...

    def run_jobs(self, jobs: list[Job], batch: BatchSetup) -> Iterator[Outcome]: ...

    def describe(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


def make_executor(kind: str | Executor | None = None, *, jobs: int | None = None,
                  scheduler: str | None = None,
                  shared_dir: str | Path | None = None) -> Executor:
    """The executor ``run_report`` asked for.

    Parameters
    ----------
    kind : {"threads", "dask"} or executor object, optional
        An object is returned as it is. ``None`` means ``"dask"`` when ``scheduler`` or
        ``shared_dir`` is given, else ``"threads"``.
    jobs : int, optional
        Threads of the local executor, or workers of a local Dask cluster.
    scheduler : str, optional
        Address of a running Dask scheduler.
    shared_dir : str or Path, optional
        Dask only: a folder visible to every worker at the same path.
    """
    if kind is not None and not isinstance(kind, str):
        return kind
    kind = kind or ("dask" if scheduler or shared_dir else "threads")
    if kind == "threads":
        if scheduler or shared_dir:
            raise ValueError("scheduler and shared_dir need executor='dask'")
        return ThreadExecutor(jobs)
    if kind == "dask":
        from proforient.batch.dask_cluster import DaskExecutor

        return DaskExecutor(scheduler=scheduler, workers=jobs, shared_dir=shared_dir)
    raise ValueError(f"unknown executor {kind!r} (threads or dask)")


# --------------------------------------------------------------------------------------------
# Threads of this process


#: Warm kernels at most, whatever the number of cores (see :meth:`ThreadExecutor.warm_up`).
MOST_WARM = 16


class ThreadExecutor:
    """Kernels started from a thread pool of this process; pages rendered in the calling thread.

    Parameters
    ----------
    jobs : int, optional
        Notebooks at once; one per CPU core (at most one per job) when omitted.
    """

    description = "Отчёты"

    def __init__(self, jobs: int | None = None) -> None:
        self.requested = jobs
        self.jobs = 1
        self.kernel: str | None = None
        self.warm: WarmKernels | None = None

    def warm_up(self, private: Path, n_jobs: int) -> WarmKernels:
        """Start kernels for the coming jobs while the batch prepares (see
        :mod:`proforient.batch.warm`): as many as the notebooks, at most four per job and
        :data:`MOST_WARM` in all (each holds the imported stack, ~160 MB). The caller says when
        the preparation ends (:meth:`WarmKernels.enough`) and closes the pool."""
        self.warm = WarmKernels(self.kernel or ensure_kernel(), private,
                                min(n_jobs, 4 * self.jobs, MOST_WARM)).start()
        return self.warm

    def start(self, n_jobs: int) -> None:
        self.jobs = default_jobs(self.requested, n_jobs)
        self.kernel = ensure_kernel()

    def describe(self) -> dict[str, Any]:
        return {"executor": {"kind": "threads"}, "jobs": self.jobs, "kernel": self.kernel}

    def close(self) -> None:
        pass

    def run_jobs(self, jobs: list[Job], batch: BatchSetup) -> Iterator[Outcome]:
        runner = Runner(self.kernel or ensure_kernel(), batch.timeout, batch.private, batch.work,
                        warm=self.warm)
        exporter = make_exporter()  # one for the batch, used from this thread only
        with ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="report") as pool:
            # the district-level notebooks first: they are the longest
            pending = {pool.submit(runner.execute, job): job for job in jobs}
            try:
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        job = pending.pop(future)
                        try:
                            executed = future.result()
                        except Exception as exc:  # noqa: BLE001 — this job's failure
                            yield crash_outcome(job, exc)
                            continue
                        outcome = render_outcome(job, executed, exporter, batch.notebooks_dir,
                                                 batch.timeout)
                        outcome.kernel = runner.kernel
                        yield outcome
            finally:
                if pending:  # interrupted: start nothing more, kill the kernels running now
                    for future in pending:
                        future.cancel()
                    runner.stop()


