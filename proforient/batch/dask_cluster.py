"""Each notebook a task on a Dask cluster (``proforient report --scheduler`` / ``--executor dask``).

- The context (validated dataset, indicators, alignment) is built **once** on the client, as for
  a local run. Its snapshot (a pickle) is sent to the workers once with
  ``client.scatter(..., broadcast=True)``; each task gets it as an argument, writes it to a file
  in its worker's local directory the first time (cached by its SHA-256, so every later task of
  the worker reuses the file) and passes that file as the notebook's ``snapshot`` parameter.
  The data folder therefore need not be visible to the workers. When the workers do share a
  file system with the client, ``shared_dir`` (``--shared-dir``) writes the snapshot there once
  instead, and the tasks receive only its path. The snapshot holds personal data: the copies are
  deleted at the end of the run (and the workers' local directories when they stop).
- The notebook's JSON text travels with the task (≈10 KB), so the workers need no copy of
  ``notebooks/``; they need the same versions of Python, pandas and proforient as the client
  (checked before anything is submitted: the snapshot is a pickle).
- On the worker the task runs papermill (a kernel of the worker's environment, IPC sockets in a
  private temporary folder, a kernel that fails to start retried once) and renders the HTML with
  a per-thread exporter; it returns the page, the executed notebook's text and the timings. A
  Markdown image with a relative path cannot be embedded there (the notebook's folder is not on
  the worker): such a page fails the "images embedded" check, as it would if the file were
  missing locally.
- Infrastructure failures are retried, notebook errors never: the scheduler itself reruns the
  task of a worker that died (up to ``distributed.scheduler.allowed-failures`` times); a task
  that then ends with ``KilledWorker``, a closed connection or a lost / cancelled future is
  resubmitted by the client up to :data:`INFRASTRUCTURE_RETRIES` times. A job is handed to the
  batch once, so a rerun never duplicates a report, and only the client writes files.
- Ctrl+C is the client's: the processes of a local cluster are started with it ignored (no
  traceback from each worker), and the interrupted client cancels the tasks and kills, on every
  worker, the kernels still running this batch's notebooks (cancelling a task does not stop it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import signal
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from proforient import __version__
from proforient.batch.jobs import BatchSetup, Job, Outcome, default_jobs
from proforient.batch.kernel import (
    Runner,
    crash_outcome,
    ensure_kernel,
    render_outcome,
    stop_runners,
)
from proforient.batch.render import make_exporter
from proforient.problems import InputError, Problem, exception_text

log = logging.getLogger(__name__)

#: Times the client resubmits a job whose worker was lost (after the scheduler's own reruns).
INFRASTRUCTURE_RETRIES = 2
#: Seconds to wait for the scheduler to answer and for a first worker to be there.
CONNECT_TIMEOUT = 30


# --------------------------------------------------------------------------------------------
# Dask


def is_infrastructure_failure(exc: BaseException) -> bool:
    """Whether a task's failure is the cluster's (worth resubmitting), not the notebook's.

    A worker that died (``KilledWorker`` once the scheduler gave up rerunning it), a connection
    closed or timed out, a future cancelled or lost with its worker.
    """
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    return isinstance(exc, KilledWorker | CommClosedError | CancelledError | TimeoutError)


class DaskExecutor:
    """Each notebook a task on a Dask cluster; results gathered here as they finish.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:8786``). Without it (and without
        ``client``) a :class:`distributed.LocalCluster` of ``workers`` processes with one thread
        each is started on this machine (loopback only) and stopped at the end.
    workers : int, optional
        Workers of the local cluster; one per CPU core (at most one per job) when omitted.
    shared_dir : str or Path, optional
        A folder the workers see at the same path: the snapshot is written there once instead
        of being scattered to every worker.
    client : distributed.Client, optional
        Use this client (and its cluster) as it is; it is not closed.
    connect_timeout : float
        Seconds to wait for the scheduler and for a first worker.
    retries : int
        Resubmissions of a job whose worker was lost (:func:`is_infrastructure_failure`).
    """

    description = "Отчёты (Dask)"

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 shared_dir: str | Path | None = None, client=None,
                 connect_timeout: float = CONNECT_TIMEOUT,
                 retries: int = INFRASTRUCTURE_RETRIES) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self.shared_dir = Path(shared_dir).resolve() if shared_dir else None
        self.connect_timeout = connect_timeout
        self.retries = retries
        self._client = client
        self._own_client = client is None
        self._cluster = None
        self.jobs = 0
        self.n_workers = 0
        self.kernels: set[str] = set()
        self._snapshot_data: bytes | None = None
        self._snapshot_future = None

    @property
    def client(self):
        """The :class:`distributed.Client` (after :meth:`start`)."""
        return self._client

    # -- start and stop ----------------------------------------------------------------------

    def start(self, n_jobs: int) -> None:
        where = self.scheduler or "--executor dask"
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise InputError([Problem(where, None, None,
                                      "не установлен пакет distributed (Dask): "
                                      f"pip install 'dask[distributed]' ({exc})")]) from exc
        if self._client is None:
            if self.scheduler:
                try:
                    self._client = Client(self.scheduler, timeout=self.connect_timeout,
                                          set_as_default=False)
                except (OSError, ValueError) as exc:  # refused, timed out, bad address
                    raise InputError([Problem(
                        self.scheduler, None, None,
                        f"не удалось подключиться к планировщику Dask: {exc}. Запущен ли "
                        "«dask scheduler» и верен ли адрес (tcp://HOST:8786)?")]) from exc
            else:
                n = default_jobs(self.workers, n_jobs)
                # Loopback only, no dashboard, the scheduler's HTTP endpoint on a free port
                # (8787 may belong to another cluster: no "port in use" warning then).
                with _ctrl_c_not_inherited():
                    self._cluster = LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None, silence_logs=logging.ERROR,
                        scheduler_kwargs={"dashboard": False,
                                          "dashboard_address": "127.0.0.1:0"})
                self._client = Client(self._cluster, set_as_default=False)
        try:
            self._client.wait_for_workers(1, timeout=self.connect_timeout)
        except TimeoutError as exc:
            self.close()
            raise InputError([Problem(where, None, None,
                                      f"к планировщику Dask не подключён ни один воркер за "
                                      f"{self.connect_timeout:.0f} с: запустите «dask worker "
                                      f"{self.scheduler or 'АДРЕС'}» на машинах с "
                                      "установленным proforient")]) from exc
        self._check_workers(where)
        nthreads = self._client.nthreads()
        self.n_workers, self.jobs = len(nthreads), sum(nthreads.values())

    def _check_workers(self, where: str) -> None:
        """Every worker must unpickle our snapshot: same proforient, Python and pandas."""
        info = self._client.run(_worker_info, on_error="return")
        mine = _worker_info()
        problems = []
        for address, theirs in sorted(info.items()):
            if isinstance(theirs, BaseException):
                problems.append(Problem(where, None, None,
                                        f"воркер {address}: proforient не запускается "
                                        f"({exception_text(theirs)}); установите "
                                        f"proforient {__version__} в окружение воркера"))
                continue
            differs = [f"{name} {theirs.get(name)} (здесь {value})"
                       for name, value in mine.items()
                       if name != "host" and theirs.get(name) != value]
            if differs:
                problems.append(Problem(where, None, None,
                                        f"воркер {address} ({theirs.get('host')}): другие "
                                        "версии: " + ", ".join(differs) + "; нужны те же, что "
                                        "у клиента (снимок данных передаётся как pickle)"))
        if problems:
            self.close()
            raise InputError(problems)

    def describe(self) -> dict[str, Any]:
        executor = {"kind": "dask", "scheduler": self.scheduler or "local",
                    "workers": self.n_workers}
        if self.shared_dir:
            executor["shared_dir"] = str(self.shared_dir)
        return {"executor": executor, "jobs": self.jobs,
                "kernel": ", ".join(sorted(self.kernels)) or None}

    def close(self) -> None:
        if self._own_client and self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    # -- the snapshot --------------------------------------------------------------------------

    def _snapshot_argument(self, digest: str):
        """The scattered snapshot (scattered again if it was lost), or its path on shared
        storage."""
        if self.shared_dir is not None:
            return str(self.shared_dir / _snapshot_name(digest))
        future = self._snapshot_future
        if future is None or future.status != "finished":
            self._snapshot_future = self._client.scatter(self._snapshot_data, broadcast=True,
                                                         hash=False)
        return self._snapshot_future

    def _publish_snapshot(self, snapshot: Path) -> str:
        data = snapshot.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if self.shared_dir is not None:
            self.shared_dir.mkdir(parents=True, exist_ok=True)
            _write_private(self.shared_dir / _snapshot_name(digest), data)
        else:
            self._snapshot_data = data
        return digest

    def _drop_snapshot(self, digest: str) -> None:
        if self.shared_dir is not None:
            (self.shared_dir / _snapshot_name(digest)).unlink(missing_ok=True)
            return
        if self._snapshot_future is not None:
            self._snapshot_future.release()
            self._snapshot_future = None
        self._snapshot_data = None
        if self._client is not None:
            try:
                self._client.run(_drop_worker_snapshot, digest, on_error="ignore")
            except Exception as exc:  # noqa: BLE001 — the workers' directories go when they stop
                log.warning("could not remove the snapshot from the workers: %s", exc)

    # -- running -------------------------------------------------------------------------------

    def run_jobs(self, jobs: list[Job], batch: BatchSetup) -> Iterator[Outcome]:
        from distributed import as_completed

        client = self._client
        digest = self._publish_snapshot(batch.snapshot)
        texts: dict[Path, str] = {}

        def submit(job: Job):
            if job.notebook not in texts:
                texts[job.notebook] = job.notebook.read_text(encoding="utf-8")
            return client.submit(
                _run_on_worker, job, texts[job.notebook], self._snapshot_argument(digest),
                digest, batch.timeout, key=f"proforient-report-{job.name}-{uuid.uuid4().hex}",
                pure=False, priority=1 if job.kind != "school" else 0)

        futures = {}
        try:
            for job in jobs:
                futures[submit(job)] = (job, 0)
            finished = as_completed(list(futures), loop=client.loop)
            for future in finished:
                job, resubmitted = futures.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 — the task's or the cluster's failure
                    if is_infrastructure_failure(exc) and resubmitted < self.retries:
                        log.warning("%s: %s: %s; resubmitted", job.name, type(exc).__name__, exc)
                        new = submit(job)
                        futures[new] = (job, resubmitted + 1)
                        finished.add(new)
                        continue
                    if is_infrastructure_failure(exc):
                        outcome = Outcome(
                            job.name, attempts=resubmitted + 1,
                            error=f"воркер Dask потерян, попыток: {resubmitted + 1} "
                                  f"({exception_text(exc)})")
                    else:
                        outcome = crash_outcome(job, exc, resubmitted + 1)
                else:
                    outcome.attempts += resubmitted
                    if outcome.kernel:
                        self.kernels.add(outcome.kernel)
                finally:
                    future.release()
                yield outcome
        finally:
            if futures:  # interrupted: cancelling a task does not stop its notebook
                client.cancel(list(futures))
                self._stop_kernels(digest)
            self._drop_snapshot(digest)

    def _stop_kernels(self, digest: str) -> None:
        """Kill, on every worker, the kernels still running this batch's notebooks."""
        try:
            self._client.run(stop_runners, digest, on_error="ignore")
        except Exception as exc:  # noqa: BLE001 — the notebooks then run to their end
            log.warning("could not stop the kernels on the workers: %s", exc)


@contextlib.contextmanager
def _ctrl_c_not_inherited() -> Iterator[None]:
    """Start the local cluster's processes with Ctrl+C ignored (they inherit that, not a
    handler): a Ctrl+C in the terminal then reaches this process only, which stops the run and
    closes the cluster, instead of each worker printing its own traceback. A press during the
    few seconds of the start is ignored with them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# --------------------------------------------------------------------------------------------
# What runs on a worker

_lock = threading.Lock()
_kernel: str | None = None
_snapshots: dict[str, Path] = {}
_local = threading.local()


def _worker_info() -> dict[str, str]:
    import platform

    import pandas

    return {"proforient": __version__, "python": ".".join(platform.python_version_tuple()[:2]),
            "pandas": pandas.__version__, "host": platform.node()}


def _snapshot_name(digest: str) -> str:
    return f"proforient-context-{digest[:32]}.pickle"


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by the owner only (personal data)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _worker_folder(dask_worker=None) -> Path:
    """A private folder in the worker's local directory (removed when the worker stops)."""
    if dask_worker is None:
        from distributed import get_worker

        try:
            dask_worker = get_worker()
        except ValueError:  # not on a worker (called directly, e.g. in a test)
            dask_worker = None
    base = Path(dask_worker.local_directory) if dask_worker is not None else Path(
        tempfile.gettempdir())
    folder = base / f"proforient-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def worker_snapshot(data: bytes, digest: str) -> Path:
    """Write the scattered snapshot to this worker's folder once; return the file.

    Later tasks with the same ``digest`` reuse the file (a worker keeps one copy per batch).
    """
    with _lock:
        path = _snapshots.get(digest)
        if path is not None and path.is_file():
            return path
        if hashlib.sha256(data).hexdigest() != digest:
            raise RuntimeError("снимок данных повреждён при передаче на воркер")
        path = _worker_folder() / _snapshot_name(digest)
        _write_private(path, data)
        _snapshots[digest] = path
        return path


def _drop_worker_snapshot(digest: str, dask_worker=None) -> None:
    with _lock:
        _snapshots.pop(digest, None)
        (_worker_folder(dask_worker) / _snapshot_name(digest)).unlink(missing_ok=True)


def _worker_kernel() -> str:
    global _kernel
    with _lock:
        if _kernel is None:
            _kernel = ensure_kernel()
            # What nbclient logs through papermill's logger ("Kernel died while waiting…")
            # reaches the client as the report's error; not the worker's terminal in English.
            papermill_log = logging.getLogger("papermill")
            if not papermill_log.handlers:
                papermill_log.addHandler(logging.NullHandler())
        return _kernel


def _worker_exporter():
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        exporter = _local.exporter = make_exporter()
    return exporter


def _run_on_worker(job: Job, notebook_text: str, snapshot: bytes | str, digest: str,
                   timeout: int) -> Outcome:
    """The task: run one notebook with papermill on this worker and render its HTML.

    Parameters
    ----------
    job : Job
        The job; its ``notebook`` path is the client's and is not used here.
    notebook_text : str
        The notebook's JSON.
    snapshot : bytes or str
        The context snapshot's bytes (scattered), or its path on shared storage.
    digest : str
        SHA-256 of the snapshot.
    timeout : int
        Seconds one cell may run.

    Returns
    -------
    Outcome
        Never raises for the notebook's own failures; the executed notebook's text is included
        for ``_work/``.
    """
    kernel = None
    try:
        kernel = _worker_kernel()
        path = worker_snapshot(snapshot, digest) if isinstance(snapshot, bytes) else snapshot
        with tempfile.TemporaryDirectory(prefix="pfo-") as tmp:  # short: IPC socket paths
            tmp = Path(tmp)
            notebook = tmp / "notebook" / job.notebook.name
            notebook.parent.mkdir()
            notebook.write_text(notebook_text, encoding="utf-8")
            job = dataclasses.replace(job, notebook=notebook,
                                      parameters={**job.parameters, "snapshot": str(path)})
            executed = Runner(kernel, timeout, tmp, tmp, batch=digest).execute(job)
            outcome = render_outcome(job, executed, _worker_exporter(), notebook.parent,
                                     timeout)
            output = tmp / f"{job.name}.ipynb"
            if output.is_file():
                outcome.executed = output.read_text(encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 — reported as this job's failure
        outcome = crash_outcome(job, exc)
    outcome.kernel = kernel
    return outcome
