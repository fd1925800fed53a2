"""Running one notebook in a kernel of this environment (papermill) — a fresh one, or one the
pool warmed while the publication was decided (:mod:`proforient.batch.warm`) — and what its
failure means in Russian."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
import weakref
from pathlib import Path
from typing import Any

from proforient.batch.jobs import Job, Outcome
from proforient.batch.render import render_html
from proforient.problems import error_text, exception_text

log = logging.getLogger(__name__)

#: Name of the kernelspec installed into this environment when none runs this Python.
KERNEL_NAME = "proforient"


# --------------------------------------------------------------------------------------------
# The kernel of this environment


def _is_this_python(command: str) -> bool:
    """Whether a kernelspec's ``argv[0]`` runs this interpreter (its environment, that is)."""
    # jupyter_client replaces these bare names with sys.executable (format_kernel_cmd).
    if command in {"python", f"python{sys.version_info[0]}",
                   "python{}.{}".format(*sys.version_info[:2])}:
        return True
    # Compare directories without resolving symlinks: a venv's python is a symlink to the base
    # interpreter, which is another environment.
    here = Path(os.path.abspath(sys.executable)).parent
    return Path(os.path.abspath(command)).parent == here


def ensure_kernel() -> str:
    """Return the name of a Jupyter kernel that runs this very Python environment.

    Prefers ``python3``; otherwise any spec whose interpreter is this one; otherwise installs a
    ``proforient`` kernelspec into ``sys.prefix`` (the virtual environment) with ipykernel.

    Returns
    -------
    str
        The kernel name to pass to papermill.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().get_all_specs()
    names = sorted(specs, key=lambda n: (n != "python3", n != KERNEL_NAME, n))
    for name in names:
        argv = specs[name].get("spec", {}).get("argv") or [""]
        if specs[name]["spec"].get("language", "python") == "python" and _is_this_python(argv[0]):
            return name
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL_NAME, display_name=f"Python (proforient, {sys.prefix})",
            prefix=sys.prefix)
    log.info("installed kernelspec %s into %s", KERNEL_NAME, sys.prefix)
    return KERNEL_NAME


#: Arguments every batch kernel starts with: the batch's code stays out of the user's IPython
#: history (parallel kernels, one sqlite file).
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


def kernel_config(private: Path, name: str):
    """The traitlets configuration of the batch kernel called ``name``: its connection file (the
    kernel's keys and addresses) in the run's private folder, removed with it, rather than a
    tmpXXXX.json of jupyter_client's in the system's temp folder; and, on POSIX, IPC sockets,
    one private path per kernel: no TCP port races between parallel kernels and no "running over
    TCP without encryption" warning on the terminal."""
    from traitlets.config import Config

    config = Config()
    config.KernelManager.connection_file = str(private / f"{name}.json")
    if os.name == "posix":
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(private / name)
    return config


def crash_outcome(job: Job, exc: BaseException, attempts: int = 0) -> Outcome:
    """The outcome of a job the batch itself failed to run (a programming or set-up error)."""
    log.error("%s: %s", job.name, "".join(traceback.format_exception(exc)))
    return Outcome(job.name, attempts=attempts,
                    error=f"сбой пакетного запуска: {exception_text(exc)}",
                    crash="".join(traceback.format_exception(exc)))


def render_outcome(job: Job, executed: tuple[Any, int, BaseException | None, float], exporter,
                   notebook_dir: Path, timeout: int) -> Outcome:
    """Turn what :meth:`Runner.execute` returned into an outcome, rendering the HTML page.

    Runs where the notebook ran: in the calling thread of the local executor, in the task on a
    Dask worker. A failure to render is the batch's, recorded as a crash, not raised.
    """
    nb, attempts, exc, seconds = executed
    started = time.perf_counter()
    try:
        if exc is not None:
            error, cell = _failure_reason(exc, timeout, attempts)
            outcome = Outcome(job.name, attempts=attempts, error=error, cell=cell)
        else:
            page = render_html(exporter, nb, job.page_title or job.title, notebook_dir)
            outcome = Outcome(job.name, page=page, attempts=attempts)
    except Exception as render_exc:  # noqa: BLE001 — a programming error fails this report
        outcome = crash_outcome(job, render_exc, attempts)
    outcome.seconds = seconds + time.perf_counter() - started
    return outcome


def _is_start_failure(exc: BaseException) -> bool:
    """Kernel-start failures worth one retry (never a notebook's own error, a cell timeout or a
    kernel that started and then died while running the notebook)."""
    import zmq
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError | CellTimeoutError | DeadKernelError):
        return False
    if isinstance(exc, zmq.ZMQError):
        return True
    if isinstance(exc, RuntimeError) and "Kernel died" in str(exc):  # before kernel_info
        return True
    return isinstance(exc, TimeoutError)


def _failure_reason(exc: BaseException, timeout: int,
                    attempts: int = 1) -> tuple[str, int | None]:
    """Why a notebook failed, in Russian, saying what really happened; and the failing cell's
    execution count when a cell failed."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return (f"ошибка в ячейке [{exc.exec_count}]: {error_text(exc.ename, exc.evalue)}",
                exc.exec_count)
    if isinstance(exc, CellExecutionError):  # nbclient's, without the cell's number
        return f"ошибка в ячейке: {error_text(exc.ename, exc.evalue)}", None
    if isinstance(exc, CellTimeoutError):
        preview = re.search(r"-{5,}\n(.*?)\n", str(exc))  # nbclient quotes the cell's source
        where = f" (ячейка «{preview.group(1)[:60]}»)" if preview else ""
        return f"ячейка выполнялась дольше {timeout} с и была остановлена{where}", None
    if isinstance(exc, DeadKernelError):
        return ("ядро Python запустилось, но завершилось во время выполнения блокнота: его "
                "процесс остановлен (например, не хватило памяти или его завершили извне); "
                "блокнот до этого места — в папке _work"), None
    if _is_start_failure(exc):
        tries = "ни с одной из двух попыток" if attempts > 1 else "с первой попытки"
        return f"ядро Python не запустилось {tries}: {exception_text(exc)}", None
    return f"сбой пакетного запуска: {exception_text(exc)}", None


def _cancel_leftover_tasks() -> None:
    """Cancel the asyncio tasks an aborted execution left in this thread's event loop.

    After a cell timeout nbclient leaves its output-polling task pending; the thread's loop is
    reused by the next notebook, and at exit asyncio would print "Task was destroyed but it is
    pending".
    """
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


#: The runners alive in this process (a Dask worker runs one per task).
_runners: weakref.WeakSet = weakref.WeakSet()


def stop_runners(batch: str) -> int:
    """Stop every runner of ``batch`` in this process (on a Dask worker, when the client was
    interrupted); return how many there were."""
    runners = [r for r in list(_runners) if r.batch == batch]
    for runner in runners:
        runner.stop()
    return len(runners)


class RunStopped(RuntimeError):
    """Raised in a worker thread that was about to start a kernel after the run was stopped."""


class Runner:
    """Executes jobs (in worker threads) and renders them (in the calling thread).

    Every kernel it starts is known to it, so that :meth:`stop` (the run was interrupted) can
    kill the kernels running at that moment: their notebooks end at once instead of running
    to the end in the background.
    """

    def __init__(self, kernel: str, timeout: int, private: Path, work: Path,
                 batch: str | None = None, warm=None) -> None:
        self.kernel = kernel
        self.warm = warm  # a pool of warm kernels (:class:`proforient.batch.warm.WarmKernels`)
        self.timeout = timeout
        self.private = private  # short private folder: IPC sockets
        self.work = work
        self.batch = batch  # on a Dask worker: which run's notebook (see stop_runners)
        self._lock = threading.Lock()
        self._kernels: weakref.WeakSet = weakref.WeakSet()
        self._stopped = False
        self._manager_class = None
        _runners.add(self)

    def stop(self) -> None:
        """Kill the kernels running now and start no more (called from any thread)."""
        with self._lock:
            self._stopped = True
            kernels = list(self._kernels)
        for manager in kernels:
            kill_kernel(manager)

    def _before_start(self) -> None:
        if self._stopped:
            raise RunStopped("запуск остановлен")

    def _started(self, manager) -> None:
        with self._lock:
            if not self._stopped:
                self._kernels.add(manager)
                return
        kill_kernel(manager)  # stopped while this kernel was starting

    def _managers(self):
        """The kernel-manager class of this runner: nbclient's, which reports its kernels."""
        if self._manager_class is None:
            self._manager_class = _tracked_manager_class(self)
        return self._manager_class

    def _kernel(self, attempt: int) -> dict[str, Any]:
        """How papermill gets this attempt's kernel: a warm one of :attr:`warm` (the first
        attempt only), tracked like any other; else started by the tracked manager class."""
        manager = self.warm.take() if self.warm is not None and attempt == 1 else None
        if manager is None:
            return {"kernel_manager_class": self._managers()}
        self._started(manager)  # (killed at once if the run was stopped meanwhile)
        self._before_start()
        return {"km": manager}

    def execute(self, job: Job) -> tuple[Any, int, BaseException | None, float]:
        """Run one notebook; return (executed notebook or None, attempts, exception or None,
        seconds)."""
        import papermill

        output = self.work / f"{job.name}.ipynb"
        started = time.perf_counter()
        for attempt in (1, 2):
            kernel: dict[str, Any] = {}
            try:
                kernel = self._kernel(attempt)
                nb = papermill.execute_notebook(
                    str(job.notebook), str(output), parameters=job.parameters,
                    kernel_name=self.kernel, language="python",
                    execution_timeout=self.timeout, shutdown_kernel="immediate",
                    progress_bar=False, log_output=False,
                    config=kernel_config(self.private, f"k{job.index}-{attempt}"),
                    # Write the executed notebook once, at the end or on a cell error, not
                    # after every cell (≈10% of a report's time).
                    request_save_on_cell_execute=False,
                    extra_arguments=KERNEL_ARGUMENTS, **kernel)
                return nb, attempt, None, time.perf_counter() - started
            except Exception as exc:  # noqa: BLE001 — recorded as this job's failure
                _cancel_leftover_tasks()
                if attempt == 1 and _is_start_failure(exc) and not self._stopped:
                    log.warning("%s: kernel start failed (%s), retrying", job.name, exc)
                    continue
                return None, attempt, exc, time.perf_counter() - started
            finally:
                if "km" in kernel:  # a warm kernel is not papermill's to shut down
                    kernel["km"].retire()
        raise AssertionError("unreachable")


def _tracked_manager_class(runner: Runner):
    """A subclass of nbclient's kernel manager that tells ``runner`` about each kernel it
    starts, and starts none once the runner is stopped."""
    from jupyter_client import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: Any) -> None:
            runner._before_start()
            await super().start_kernel(**kw)
            runner._started(self)

    return TrackedKernelManager


def kill_kernel(manager) -> None:
    """Kill a kernel's process group at once (the kernel runs in a session of its own) and
    reap it."""
    provisioner = getattr(manager, "provisioner", None)
    process = getattr(provisioner, "process", None)
    if process is None or process.poll() is not None:  # not started, or already gone
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(getattr(provisioner, "pgid", None) or process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        pass  # it ended meanwhile, or the system reaps it later
