"""Merging collected rows into the dataset's CSV files, every other row kept byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from proforient.problems import InputError, Problem
from proforient.vocab import MEASURES

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


def measure_rows(frame: pd.DataFrame) -> list[dict]:
    """Canonical measures → CSV rows in the stable order (catalogue, total first, grades)."""
    order = {m: i for i, m in enumerate(MEASURES)}
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


def write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)




def write_tables(data_dir: Path, raw: dict[str, bytes | None],
                 blocks: dict[str, dict[tuple[str, str], list[dict]]], now: dt.datetime
                 ) -> tuple[list[Path], Path | None]:
    """Render the changed tables, back the old files up and write the new ones.

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
    written: list[Path] = []
    if not pending:
        return written, None
    try:
        backup = None
        for path, _ in pending:
            if path.exists():
                backup = backup or backup_dir(data_dir, now)
                backup.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, backup / path.name)
        for path, data in pending:
            write_atomically(path, data)
            written.append(path)
    except OSError as exc:
        raise InputError([Problem(str(data_dir), None, None,
                                  f"не удалось записать данные: {exc.strerror}")]) from None
    return written, backup


