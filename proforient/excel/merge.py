"""Merging collected rows into the dataset's CSV files, every other row kept byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from proforient.problems import InputError, Problem, os_error_reason

BACKUP_DIR = "_backup"
TABLES = ("measures", "graduates")
#: Columns of a table collect creates, in the order of the data contract.
NEW_FILE_COLUMNS = {
    "measures": ["year", "org_id", "measure", "grade", "value"],
    "graduates": ["year", "org_id", "graduate_id", "grade", "profile", "ege_subjects",
                  "destination", "institution", "specialty_code", "specialty_name",
                  "study_region"],
}


# --------------------------------------------------------------------------------------------
# Merging into the dataset's CSV files, keeping every other row byte for byte


@dataclass
class RawTable:
    header: list[str]
    header_text: str
    records: list[tuple[list[str], str]]  # (fields, original text with its line ending)
    sep: str = ","
    bom: bool = False
    newline: str = "\n"


def parse_raw(raw: bytes | None, stem: str) -> RawTable:
    columns = NEW_FILE_COLUMNS[stem]
    if raw is None or not raw.strip():
        return RawTable(columns, ",".join(columns) + "\n", [])
    bom = raw.startswith(b"\xef\xbb\xbf")
    data = raw[3:] if bom else raw
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1251")  # check_dataset accepted it with a warning
    lines = text.splitlines(keepends=True)
    first = lines[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    newline = "\r\n" if first.endswith("\r\n") else "\n"
    consumed = [0]

    def feed():
        for line in lines:
            consumed[0] += 1
            yield line

    reader = csv.reader(feed(), delimiter=sep)
    records: list[tuple[list[str], str]] = []
    header: list[str] | None = None
    header_text, start = "", 0
    for fields in reader:
        chunk = "".join(lines[start:consumed[0]])
        start = consumed[0]
        if header is None:
            header = [f.strip().lstrip("\ufeff").strip() for f in fields]
            header_text = chunk
        else:
            records.append((fields, chunk))
    return RawTable(header or columns, header_text, records, sep, bom, newline)


def render_table(table: RawTable, stem: str, blocks: dict[tuple[str, str], list[dict]]) -> bytes:
    """The table with the rows of each (year, org_id) in ``blocks`` replaced by the block."""
    header = list(table.header)
    wanted = NEW_FILE_COLUMNS[stem]
    missing = [c for c in wanted if c not in header]
    rewrite_all = bool(missing)
    header += missing
    iy, io_ = header.index("year"), header.index("org_id")

    def line(values: Sequence[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=table.sep, lineterminator=table.newline).writerow(values)
        return buffer.getvalue()

    def block(key) -> str:
        return "".join(line([row.get(c, "") for c in header]) for row in blocks[key])

    def key_of(fields: list[str]) -> tuple[str, str] | None:
        if len(fields) <= max(iy, io_):
            return None
        return fields[iy].strip(), fields[io_].strip()

    keys = [key_of(fields) for fields, _ in table.records]
    present = set(keys)
    last_of_year: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key is not None:
            last_of_year[key[0]] = i
    inserts: dict[int, list[tuple[str, str]]] = {}
    for key in blocks:
        if key not in present:
            inserts.setdefault(last_of_year.get(key[0], len(keys) - 1) + 1, []).append(key)
    out = [line(header) if rewrite_all else table.header_text]
    if not out[0].endswith(("\n", "\r")):
        out[0] += table.newline
    done: set[tuple[str, str]] = set()
    for i in range(len(table.records) + 1):
        out += [block(key) for key in inserts.get(i, [])]
        if i == len(table.records):
            break
        fields, text = table.records[i]
        key = keys[i]
        if key in blocks:
            if key not in done:
                out.append(block(key))
                done.add(key)
            continue
        if rewrite_all and fields:
            text = line(fields + [""] * (len(header) - len(fields)))
        elif not text.endswith(("\n", "\r")):
            text += table.newline
        out.append(text)
    data = "".join(out).encode("utf-8")
    return b"\xef\xbb\xbf" + data if table.bom else data


def measure_rows(frame: pd.DataFrame, codes: Sequence[str]) -> list[dict]:
    """Canonical measures → CSV rows in the stable order (the catalogue's ``codes``, total
    first, grades)."""
    order = {m: i for i, m in enumerate(codes)}
    rows = [{"year": str(r.year), "org_id": str(r.org_id), "measure": str(r.measure),
             "grade": "" if pd.isna(r.grade) else str(int(r.grade)),
             "value": str(int(r.value)) if float(r.value).is_integer() else repr(float(r.value))}
            for r in frame.itertuples(index=False)]
    return sorted(rows, key=lambda r: (order.get(r["measure"], len(order)), r["measure"],
                                       int(r["grade"] or 0)))


def graduate_rows(frame: pd.DataFrame) -> list[dict]:
    columns = NEW_FILE_COLUMNS["graduates"]
    return [{c: "" if pd.isna(row[c]) else str(row[c]) for c in columns}
            for _, row in frame.iterrows()]


def measure_keys(frame: pd.DataFrame) -> dict[tuple[str, int], float]:
    return {(str(m), -1 if pd.isna(g) else int(g)): float(v)
            for m, g, v in frame[["measure", "grade", "value"]].itertuples(index=False)}


def graduate_keys(frame: pd.DataFrame) -> dict[str, tuple]:
    columns = [c for c in frame.columns if c not in ("year", "org_id", "graduate_id")]
    return {str(row["graduate_id"]): tuple(None if pd.isna(row[c]) else str(row[c])
                                           for c in columns)
            for _, row in frame.iterrows()}


def diff_keys(old: dict, new: dict) -> tuple[int, int, int]:
    changed = sum(1 for k in old.keys() & new.keys() if old[k] != new[k])
    return changed, len(new.keys() - old.keys()), len(old.keys() - new.keys())


def backup_dir(data_dir: Path, now: dt.datetime) -> Path:
    base = data_dir / BACKUP_DIR / now.strftime("%Y-%m-%d_%H-%M-%S")
    path, n = base, 2
    while path.exists():
        path, n = base.with_name(f"{base.name}_{n}"), n + 1
    return path


def _stage(tmp: Path, data: bytes, like: Path) -> None:
    """Write ``data`` into the new file ``tmp`` and flush it to disk; it gets the permissions
    of ``like`` when that exists. A partial file is removed."""
    try:
        with open(tmp, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if like.exists():
            shutil.copymode(like, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass
class _Swap:
    target: Path
    staged: Path
    aside: Path | None  # where the previous file waits until every table is in place


def _restore(done: list[_Swap]) -> None:
    """Undo the moves of ``done`` (latest first): every previous file back in its place."""
    for swap in reversed(done):
        if swap.aside is not None:
            if swap.aside.exists():  # else the previous file never left its place
                os.replace(swap.aside, swap.target)
        elif not swap.staged.exists():  # a new table was moved in: take it out
            swap.target.unlink(missing_ok=True)


def write_tables(data_dir: Path, raw: dict[str, bytes | None],
                 blocks: dict[str, dict[tuple[str, str], list[dict]]], now: dt.datetime,
                 check: Callable[[], None] | None = None) -> tuple[list[Path], Path | None]:
    """Render the changed tables, back the old files up and write the new ones, all or nothing.

    Every new table is first written beside its file (a hidden ``.NAME.*.tmp``), then the
    previous files are set aside and the new ones moved into place. When anything fails on the
    way (disk full, a file locked by Excel, Ctrl+C) every previous file is put back, the
    temporary files and this run's backup are removed and the error is raised: an
    :class:`InputError` in Russian for a file error, any other exception as it is. ``check``
    is called once every new table is in place, while the old ones can still be put back: an
    exception it raises (a Ctrl+C remembered on the way) undoes the write as well.

    Returns
    -------
    written : list of Path
        The files rewritten.
    backup : Path or None
        Where their previous versions were copied.
    """
    pending: list[tuple[Path, bytes]] = []
    for stem in TABLES:
        if not blocks[stem]:
            continue
        data = render_table(parse_raw(raw[stem], stem), stem, blocks[stem])
        if data != raw[stem]:
            pending.append((data_dir / f"{stem}.csv", data))
    if not pending:
        return [], None
    token = uuid.uuid4().hex[:8]
    backup = backup_dir(data_dir, now) if any(p.exists() for p, _ in pending) else None
    backup_root_existed = (data_dir / BACKUP_DIR).exists()
    swaps: list[_Swap] = []
    done: list[_Swap] = []
    current = pending[0][0]
    try:
        if backup is not None:
            backup.mkdir(parents=True)
            for path, _ in pending:
                current = path
                if path.exists():
                    shutil.copy2(path, backup / path.name)
        for path, data in pending:
            current = path
            swap = _Swap(path, path.with_name(f".{path.name}.{token}.tmp"),
                         path.with_name(f".{path.name}.{token}.old") if path.exists() else None)
            swaps.append(swap)
            _stage(swap.staged, data, like=path)
        for swap in swaps:
            current = swap.target
            done.append(swap)  # before the moves: an interrupt right after one is undone too
            if swap.aside is not None:
                os.replace(swap.target, swap.aside)
            os.replace(swap.staged, swap.target)
        if check is not None:
            check()
    except BaseException as exc:
        reason = os_error_reason(exc) if isinstance(exc, OSError) else "работа прервана"
        try:
            _restore(done)
        except OSError as again:
            raise InputError([Problem(current.name, None, None,
                                      f"не удалось записать данные ({reason}) и вернуть прежний "
                                      f"файл на место ({os_error_reason(again)}): прежние версии "
                                      f"таблиц — в {backup}")]) from None
        for swap in swaps:
            swap.staged.unlink(missing_ok=True)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
            if not backup_root_existed:
                shutil.rmtree(data_dir / BACKUP_DIR, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InputError([Problem(current.name, None, None,
                                      f"не удалось записать данные: {reason}; набор данных не "
                                      "изменён (ни одна таблица не записана)")]) from None
        raise
    for swap in swaps:
        if swap.aside is not None:
            swap.aside.unlink(missing_ok=True)
    return [path for path, _ in pending], backup
