"""Kernels started, and the report stack imported in them, while the batch prepares.

The publication's decisions are made once, serially, before any notebook can run (they go into
the context snapshot every notebook reads); one core works, the others wait. Meanwhile a thread
starts kernels the way :class:`proforient.batch.kernel.Runner` would and imports in each what
every report notebook imports first, so that a notebook taking a warm kernel pays neither the
start nor the imports (issue 20: a batch's fixed cost overlapped with its work). When the
preparation ends the pool starts no more: from then on a kernel started early would only take
a core from a notebook.

A warm kernel serves one notebook and is killed after it, like a fresh one. Kernels not taken
are killed when the batch ends, however it ends; their connection files live in the run's
private folder, removed with it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
import threading
from pathlib import Path
from typing import Any

from proforient.batch.kernel import KERNEL_ARGUMENTS, kernel_config, kill_kernel

log = logging.getLogger(__name__)

#: What every report notebook imports in its first cell (and what it pulls in: pandas,
#: matplotlib's inline backend, the report modules).
WARM_CODE = """\
import warnings
import matplotlib.pyplot
import pandas
import proforient.report.context
import proforient.report.district
import proforient.report.graduates
import proforient.report.school
"""

#: Seconds a kernel may take to start and import, after which the pool gives up on it.
WARM_TIMEOUT = 120
#: Seconds :meth:`WarmKernels.close` waits for the filling thread (its kernels are killed
#: before, so it ends at once; a daemon, it cannot hold the process up anyway).
CLOSE_WAIT = 5


class WarmKernels:
    """A pool of started, warmed kernels, filled by a background thread.

    Parameters
    ----------
    kernel : str
        The kernelspec name (the batch's).
    private : Path
        The run's private folder: connection files and IPC sockets.
    count : int
        How many kernels to start, at most.
    """

    def __init__(self, kernel: str, private: Path, count: int) -> None:
        self.kernel = kernel
        self.private = private
        self.count = count
        self._ready: queue.SimpleQueue = queue.SimpleQueue()
        self._started: list[Any] = []  # every manager this pool started (for close)
        self._taken: set[Any] = set()  # handed to a notebook: its runner kills it
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._enough = threading.Event()
        self._thread = threading.Thread(target=self._fill, name="warm-kernels", daemon=True)

    def start(self) -> WarmKernels:
        """Start filling the pool in the background; returns the pool."""
        self._thread.start()
        return self

    def take(self):
        """A warm kernel's manager, alive and no longer the pool's; ``None`` when none is
        ready now (the notebook then starts its own)."""
        while True:
            try:
                manager = self._ready.get_nowait()
            except queue.Empty:
                return None
            with self._lock:
                if self._closed.is_set():
                    return None
                self._taken.add(manager)
            if _alive(manager):
                return manager
            manager.retire()  # died while waiting: try the next

    def enough(self) -> None:
        """Start no more kernels (the one starting now is still handed out): called when the
        preparation ends, from when on a kernel started here would only compete with the
        notebooks for the cores."""
        self._enough.set()

    def close(self) -> None:
        """Start no more kernels and kill those not taken, at once (called however the batch
        ends: a Ctrl+C does not wait for a kernel still warming up)."""
        self._closed.set()
        self._retire_untaken()
        self._thread.join(timeout=CLOSE_WAIT)
        self._retire_untaken()  # (one the thread was launching meanwhile kills itself too)

    def _retire_untaken(self) -> None:
        with self._lock:
            left = [m for m in self._started if m not in self._taken]
        for manager in left:
            manager.retire()

    def _fill(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            for index in range(self.count):
                if self._closed.is_set() or self._enough.is_set():
                    break
                try:
                    manager = loop.run_until_complete(asyncio.wait_for(
                        self._warm(f"w{index}"), WARM_TIMEOUT))
                # a kernel killed by close() while warming up ends in CancelledError (not an
                # Exception): uncaught, it printed a traceback on the terminal at Ctrl+C
                except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 — the
                    # notebooks start their own
                    if not self._closed.is_set():
                        log.warning("warm kernel %s not started: %r", index, exc)
                    break
                self._ready.put(manager)
        finally:
            loop.close()

    async def _warm(self, name: str):
        manager = _manager_class()(kernel_name=self.kernel,
                                   config=kernel_config(self.private, name))
        with self._lock:
            if self._closed.is_set():
                raise RuntimeError("closed")
            self._started.append(manager)  # before it starts: close() kills it whatever
        await manager.start_kernel(extra_arguments=KERNEL_ARGUMENTS)
        if self._closed.is_set():  # closed while launching: close() may have found no process
            manager.retire()
            raise RuntimeError("closed")
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=WARM_TIMEOUT)
            # silent and out of the history: the notebook's cells keep their numbers [1], [2]…
            reply = await client.execute_interactive(WARM_CODE, silent=True,
                                                     store_history=False,
                                                     timeout=WARM_TIMEOUT)
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"warm-up failed: {reply['content'].get('evalue')}")
        finally:
            client.stop_channels()
        return manager


def _alive(manager) -> bool:
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    return process is not None and process.poll() is None


@functools.cache
def _manager_class():
    """jupyter_client's asynchronous kernel manager that keeps the clients made from it, so that
    whoever retires the kernel closes them too (the notebook's client is nbclient's, which
    leaves a kernel it did not start running, its client's channels open)."""
    from jupyter_client import AsyncKernelManager

    class WarmKernelManager(AsyncKernelManager):
        def client(self, **kw: Any):
            made = super().client(**kw)
            self.__dict__.setdefault("made_clients", []).append(made)
            return made

        def retire(self) -> None:
            """Close the clients' channels (then their sockets go quietly) and kill the
            kernel."""
            for made in self.__dict__.get("made_clients", []):
                if made.channels_running:
                    made.stop_channels()
            kill_kernel(self)

    return WarmKernelManager
