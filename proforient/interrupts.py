"""Ctrl+C (SIGINT) and SIGTERM in the commands that write: one mechanism for all of them.

Python turns Ctrl+C into a :class:`KeyboardInterrupt` raised wherever the main thread happens to
be. Raised inside a ``__del__`` (a ``ZipFile`` that openpyxl left to the garbage collector, a
kernel client's finaliser) it is only printed («Exception ignored … KeyboardInterrupt») and the
program goes on — and would go on to write. SIGTERM, by default, kills the process at once:
no Russian message, no cleanup, temporary files with personal data left behind.

:class:`Interrupts` handles both signals the same way: the first one raises :class:`Stopped`
(a :class:`KeyboardInterrupt`, so every ``except KeyboardInterrupt`` cleanup runs) *and is
remembered*, so that a swallowed one still stops the work at the next :meth:`Interrupts.check`
— every writing command calls it at its commit point, before anything is written and once more
after, while the write can still be undone. Later signals are ignored while the work cleans up.
Inside :meth:`Interrupts.deferred` a signal is only remembered (a block that must not stop
between two renames).

Nested ``with Interrupts()`` blocks share the outermost one (the command installs it, the
library function it calls uses the same), so a signal is remembered once, for everyone.
The handlers are installed only in the main thread (the only one Python delivers signals to)
and never over a signal that is ignored (``proforient report &`` ignores Ctrl+C).

Exit codes (:func:`exit_code`): 130 for Ctrl+C, 143 for SIGTERM — 128 plus the signal's number,
as a shell reports a process killed by it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The signals handled: Ctrl+C, and the polite «please stop» of ``kill``, systemd, a CI runner.
SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None)

_active: Interrupts | None = None


class Stopped(KeyboardInterrupt):
    """The work was stopped by a signal (:attr:`signum`: ``signal.SIGINT`` or ``SIGTERM``)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum


def signal_of(exc: BaseException) -> int:
    """The signal behind a :class:`KeyboardInterrupt` (a plain one is Ctrl+C)."""
    return getattr(exc, "signum", signal.SIGINT)


def exit_code(exc: BaseException) -> int:
    """128 + the signal's number: 130 for Ctrl+C, 143 for SIGTERM."""
    return 128 + int(signal_of(exc))


def how(exc: BaseException) -> str:
    """The signal in the user's words: «Ctrl+C» or «сигнал завершения SIGTERM»."""
    return "Ctrl+C" if signal_of(exc) == signal.SIGINT else "сигнал завершения SIGTERM"


class Interrupts:
    """Ctrl+C and SIGTERM during a command, handled so that they always end it and never
    half-way (see the module's docstring)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._defer = False
        self._previous: dict[int, Any] = {}
        self._outer: Interrupts | None = None

    @property
    def seen(self) -> bool:
        """A signal came (raised or swallowed)."""
        return self.signum is not None

    def __enter__(self) -> Interrupts:
        global _active
        if _active is not None:
            self._outer = _active
            return _active
        if threading.current_thread() is not threading.main_thread():
            return self
        for signum in SIGNALS:
            if signal.getsignal(signum) is not signal.SIG_IGN:
                self._previous[signum] = signal.signal(signum, self._handler)
        _active = self
        return self

    def __exit__(self, *exc_info: object) -> None:
        global _active
        if self._outer is not None:
            self._outer = None
            return
        for signum, previous in self._previous.items():
            # None: a handler not installed from Python; the default is the nearest
            signal.signal(signum, signal.SIG_DFL if previous is None else previous)
        self._previous = {}
        if _active is self:
            _active = None

    def _handler(self, signum: int, frame: object) -> None:
        if self.seen:
            return
        self.signum = signum
        if not self._defer:
            raise Stopped(signum)

    def check(self) -> None:
        """Raise :class:`Stopped` if a signal came, even if its exception was swallowed."""
        if self.signum is not None:
            raise Stopped(self.signum)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A block a signal does not cut: it is only remembered."""
        before, self._defer = self._defer, True
        try:
            yield
        finally:
            self._defer = before


def check() -> None:
    """:meth:`Interrupts.check` of the installed :class:`Interrupts`, if any."""
    if _active is not None:
        _active.check()
