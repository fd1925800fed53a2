"""The output folder: checks before the run, the lock, staging and swapping into place, the
backup of a replaced set, what a run keeps of the previous one.

Next to an output folder ``outputs/2021-2022`` a run may create, and always removes:

- ``.2021-2022.lock`` — the lock held while the run writes (:func:`folder_lock`);
- ``.2021-2022.tmp-XXXX`` — the staging folder the reports are written to;
- ``.2021-2022.old-XXXX`` — the previous folder between the swap and its removal.

A run killed outright (power cut, ``kill -9``) may leave the last two behind: the next run of the
same folder removes them once it holds the lock. Visible folders a run may leave on purpose:
``2021-2022.failed`` (a run that published nothing) and ``2021-2022.previous-ДАТА`` (the reports
of another dataset or year that this run replaced).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import socket
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from proforient.batch.jobs import JobResult
from proforient.paths import output_problem
from proforient.problems import InputError, Problem, os_error_reason

FAILED_SUFFIX = ".failed"
BACKUP_SUFFIX = ".previous-"
MANIFEST = "manifest.json"
INDEX = "index.html"
STAGING_PREFIX = ".{name}.tmp-"
OLD_PREFIX = ".{name}.old-"
LOCK_NAME = ".{name}.lock"


# --------------------------------------------------------------------------------------------
# Before the run: can the folder be used


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a report folder written by this command, or ``None``."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("generator") == "proforient report" else None


def check_target(out_dir: Path) -> None:
    """Refuse an output folder this run could not fill and swap into place (InputError).

    A file, a folder under a file or a system folder, a folder (or its parent) without write
    permission, a non-empty folder that is not a report folder: all are refused before any
    work is done, with the folder named.
    """
    for folder in (out_dir, out_dir.parent):
        reason = output_problem(folder, folder=True)
        if reason:
            raise InputError([Problem(str(folder), None, None, reason)])
    if out_dir.is_dir() and any(out_dir.iterdir()) and read_manifest(out_dir) is None:
        raise InputError([Problem(str(out_dir), None, None,
                                  "папка не пуста и не похожа на папку отчётов proforient "
                                  f"(нет {MANIFEST}); её содержимое было бы заменено — "
                                  "укажите пустую или новую папку")])


def published(manifest: dict | None) -> bool:
    """Whether a report folder's manifest lists at least one published report."""
    return bool(manifest) and any(isinstance(e, dict) and e.get("status") == "ok"
                                  for e in manifest.get("notebooks", []))


def dataset_id(dataset_path: str) -> str:
    """What the published manifest says of the dataset folder: a fingerprint of its path, so
    that a re-run knows its own reports without the path (an analyst's user name, their
    folders) leaving the analyst's machine.

    >>> dataset_id("/home/analyst/data") == dataset_id("/home/analyst/data") != dataset_id("/d")
    True
    """
    return hashlib.sha256(dataset_path.encode("utf-8")).hexdigest()[:16]


def same_data(manifest: dict | None, dataset_path: str, year: str) -> bool:
    """Whether a report folder was built from this dataset folder and year (by its manifest's
    fingerprint; a manifest of an earlier version names the path itself)."""
    if not manifest or manifest.get("year") != year:
        return False
    return manifest.get("dataset_id", "") == dataset_id(dataset_path) \
        or manifest.get("dataset") == dataset_path


def backup_path(out_dir: Path, now: datetime) -> Path:
    """A free, visible name next to ``out_dir`` for the reports a run replaces."""
    base = f"{out_dir.name}{BACKUP_SUFFIX}{now:%Y%m%d-%H%M%S}"
    candidate, n = out_dir.with_name(base), 1
    while candidate.exists():
        n += 1
        candidate = out_dir.with_name(f"{base}-{n}")
    return candidate


# --------------------------------------------------------------------------------------------
# The lock


@contextmanager
def folder_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the lock of ``out_dir`` while the block runs; refuse when another run holds it.

    The lock is the operating system's lock on the file ``.<name>.lock`` next to the folder,
    taken without waiting. The system releases it when the holder ends, however it ends, so the
    file left by a run that died (a stale lock, whatever pid it names) blocks nobody: the next
    run simply takes the lock. The file says who holds it (pid, computer, start) for the
    refusal message and is removed at the end.

    Raises
    ------
    InputError
        Another live run holds the lock, or the lock file cannot be created.
    """
    path = out_dir.parent / LOCK_NAME.format(name=out_dir.name)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(path, out_dir)
    except OSError as exc:
        raise InputError([Problem(str(exc.filename or path), None, None,
                                  "не удалось создать файл блокировки папки отчётов: "
                                  f"{os_error_reason(exc)}")]) from None
    try:
        yield path
    finally:
        _release(fd, path)


def _acquire(path: Path, out_dir: Path) -> int:
    for _ in range(10):  # the holder may remove the file between our open and our lock
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd):
                raise InputError([Problem(str(out_dir), None, None, _busy(path))])
            if _same_file(fd, path):
                holder = {"pid": os.getpid(), "host": socket.gethostname(),
                          "started": datetime.now().isoformat(timespec="seconds")}
                os.ftruncate(fd, 0)
                os.write(fd, json.dumps(holder).encode("utf-8"))
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise InputError([Problem(str(out_dir), None, None, _busy(path))])


def _try_lock(fd: int) -> bool:
    """Take the system lock on ``fd`` without waiting; ``False`` when another process has it."""
    try:
        if os.name == "posix":
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            return True  # a file system without locks: run unlocked rather than never
        if os.name != "posix" and exc.errno in (errno.EACCES, errno.EDEADLK):
            return False
        raise
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _busy(path: Path) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        who = (f" (процесс {int(holder['pid'])} на компьютере {holder['host']}, "
               f"начат {str(holder['started']).replace('T', ' ')})")
    except (OSError, ValueError, KeyError, TypeError):
        who = ""
    return (f"в эту папку сейчас пишет другой запуск proforient report{who}; дождитесь его "
            "окончания или укажите другую папку (--out)")


def _release(fd: int, path: Path) -> None:
    try:
        if _same_file(fd, path):
            path.unlink()  # while still locked: nobody takes a lock on a file being removed
    except OSError:
        pass  # Windows: another run has it open; the file stays, unlocked
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------
# Staging, swapping, leftovers


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Remove staging and old folders of ``out_dir`` that runs killed outright left behind.

    Call only while holding :func:`folder_lock`: no other run is writing them then. Returns the
    folders that could not be removed.
    """
    prefixes = tuple(p.format(name=out_dir.name) for p in (STAGING_PREFIX, OLD_PREFIX))
    try:
        found = [p for p in out_dir.parent.iterdir() if p.name.startswith(prefixes)]
    except OSError:
        return []
    return [p for p in found if not remove_tree(p)]


def remove_tree(path: Path) -> bool:
    """Remove a folder tree, write-protected parts included; whether it is gone."""
    if os.path.islink(path):
        with suppress(OSError):
            os.unlink(path)
        return not os.path.lexists(path)
    shutil.rmtree(path, ignore_errors=True)
    if not os.path.lexists(path):
        return True
    # A write-protected folder keeps its entries: make ours writable (never through a link),
    # each before os.walk lists it.
    with suppress(OSError):
        os.chmod(path, stat.S_IRWXU)
    for top, names, _ in os.walk(path):
        for name in names:
            folder = os.path.join(top, name)
            if not os.path.islink(folder):
                with suppress(OSError):
                    os.chmod(folder, stat.S_IRWXU)
    shutil.rmtree(path, ignore_errors=True)
    return not os.path.lexists(path)


def swap(staging: Path, target: Path, keep_as: Path | None = None) -> Path | None:
    """Put ``staging`` in place of ``target``.

    The old folder is moved aside first and removed only afterwards — or kept as ``keep_as``.
    Returns the old folder when it could not be removed (to be named to the user), else
    ``None``.
    """
    old = None
    if target.exists():
        old = keep_as or target.with_name(OLD_PREFIX.format(name=target.name)
                                          + uuid.uuid4().hex[:8])
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is None or keep_as is not None:
        return None
    return None if remove_tree(old) else old


# --------------------------------------------------------------------------------------------
# What a run keeps of the previous one


def _reused(entry: dict, result_name: str, kind: str, title: str, **extra) -> JobResult:
    return JobResult(
        name=result_name, kind=kind, title=title, parameters=entry.get("parameters", {}),
        status=entry.get("status", "failed"), output=entry.get("output"),
        seconds=entry.get("seconds", 0.0), attempts=entry.get("attempts", 0),
        error=entry.get("error"), cell=entry.get("cell"), generated=entry.get("generated", ""),
        reused=True, **extra)


def _page_kept(entry: dict, name: str, old_dir: Path) -> bool:
    """Whether the previous run published ``name`` and its page is still there."""
    output = entry.get("output")
    return (entry.get("status") == "ok" and output == f"{name}.html"
            and (old_dir / output).is_file())


def kept_entries(previous: dict | None, dataset_path: str, year: str, rerun: set[str],
                 schools: dict[str, str], old_dir: Path) -> list[JobResult]:
    """Previous school entries a restricted run keeps (same dataset and year only)."""
    if not same_data(previous, dataset_path, year):
        return []
    kept = []
    for entry in previous.get("notebooks", []):
        name = entry.get("name")
        if entry.get("kind") != "school" or name in rerun or name not in schools:
            continue
        result = _reused(entry, name, "school", schools[name])
        if result.ok and not _page_kept(entry, name, old_dir):
            continue  # its file is gone: nothing to keep
        kept.append(result)
    return kept


def keep_published(previous: dict | None, results: list[JobResult],
                   old_dir: Path) -> list[JobResult]:
    """``results`` with each failed report replaced by the previous run's published one.

    A failed notebook never removes a published report: when this run's report failed and the
    previous run (``previous``, already known to be of the same dataset and year) published a
    report of the same name whose page is still in ``old_dir``, that report is kept, marked
    as from the previous run, with this run's error in ``failed_rerun``.
    """
    entries = {e.get("name"): e for e in (previous or {}).get("notebooks", [])
               if isinstance(e, dict)}
    kept = []
    for result in results:
        entry = entries.get(result.name)
        if result.ok or entry is None or not _page_kept(entry, result.name, old_dir):
            kept.append(result)
            continue
        kept.append(_reused(entry, result.name, result.kind, result.title,
                            failed_rerun=result.error))
    return kept
