"""The output folder: staging, swapping into place, what a restricted run keeps."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

from proforient.batch.jobs import JobResult
from proforient.problems import InputError, Problem

FAILED_SUFFIX = ".failed"
MANIFEST = "manifest.json"
INDEX = "index.html"
STAGING_PREFIX = ".{name}.tmp-"


# --------------------------------------------------------------------------------------------
# Output folder: staging, merge, swap


def read_manifest(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("generator") == "proforient report" else None


def check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError([Problem(str(out_dir), None, None, "это файл, а нужна папка для отчётов")])
    if out_dir.is_dir() and any(out_dir.iterdir()) and read_manifest(out_dir) is None:
        raise InputError([Problem(str(out_dir), None, None,
                                  "папка не пуста и не похожа на папку отчётов proforient "
                                  f"(нет {MANIFEST}); её содержимое было бы заменено — "
                                  "укажите пустую или новую папку")])


def swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target``; the old folder is removed only afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def kept_entries(previous: dict | None, dataset_path: str, year: str, rerun: set[str],
                  schools: dict[str, str], old_dir: Path) -> list[JobResult]:
    """Previous school entries a restricted run keeps (same dataset and year only)."""
    if not previous or previous.get("dataset") != dataset_path or previous.get("year") != year:
        return []
    kept = []
    for entry in previous.get("notebooks", []):
        name = entry.get("name")
        if entry.get("kind") != "school" or name in rerun or name not in schools:
            continue
        result = JobResult(
            name=name, kind="school", title=schools[name],
            parameters=entry.get("parameters", {}), status=entry.get("status", "failed"),
            output=entry.get("output"), seconds=entry.get("seconds", 0.0),
            attempts=entry.get("attempts", 0), error=entry.get("error"),
            cell=entry.get("cell"), generated=entry.get("generated", ""), reused=True)
        if result.ok and not (result.output and (old_dir / result.output).is_file()):
            continue  # its file is gone: nothing to keep
        kept.append(result)
    return kept
