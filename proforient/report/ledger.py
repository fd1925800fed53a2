"""The publication ledger: what earlier batches published and what they hid.

A reader keeps every year's reports. Next year's «Как менялись показатели» shows last year's
shares again, and a school's page regenerated for an old year shows that year's cells again:
if either showed what the first publication hid («×»), putting the two side by side would
give the hidden counts back. So every batch records, cell by cell, what it published — the
*ledger*, kept in the analyst's folder next to the reports (never in the published folder) —
and every later batch of the same dataset takes it as given:

* a cell an earlier batch hid stays hidden, whatever its value now (printed «×»); the audit
  takes it as 1 or 2 only where every batch hid it as a small count (``"small"``: printed «<3»
  by versions before 2026-12, «×» since);
* a table an earlier batch withheld (printed as a sentence: no complement protected it) is
  withheld again;
* a cell an earlier batch showed is known to the reader: the audit counts it as published, and
  the page shows it again (hiding it would protect nothing).

Regenerating a year already published therefore never shows more than before, unless the
analyst asks for a fresh decision (``proforient report --replace-publication``), which drops
that year's own entries (those of other years still stand).

The ledger holds keys (definitions of cells, see :func:`~proforient.report.publish.count_key`)
and their status, never a value.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from proforient.report.publish import (
    HIDDEN,
    SMALL,
    STATUS_RANK,
    VISIBLE,
    WITHDRAWN,
    WITHHELD,
    Published,
    ledger_status,
    parse_key,
)

__all__ = ["LEDGER_FILE", "entries", "merge", "read_ledger", "write_ledger"]

LEDGER_FILE = "ledger.json"


def _stricter(old: str | None, new: str) -> str:
    """Of two statuses of one cell, the one that hides more (a cell hidden once stays
    hidden, and a «×» stays a «×»), withheld if either says so (a table printed as a sentence
    is a sentence again).

    >>> _stricter("withdrawn", "hidden+withheld")
    'withdrawn+withheld'
    """
    if old is None:
        return new
    (own_old, held_old), (own_new, held_new) = ledger_status(old), ledger_status(new)
    own = own_new if STATUS_RANK[own_new] > STATUS_RANK[own_old] else own_old
    return own + (WITHHELD if held_old or held_new else "")


def _valid(status: object) -> bool:
    """Whether a ledger entry's status is one :func:`entries` writes: a key of
    :data:`STATUS_RANK`, with or without :data:`WITHHELD`.

    >>> [_valid(s) for s in ("hidden", "withdrawn+withheld", "hiden", "hidden+withheldX", 2)]
    [True, True, False, False, False]
    """
    return isinstance(status, str) and status.removesuffix(WITHHELD) in STATUS_RANK


def entries(publications: Iterable[Published]) -> dict[str, str]:
    """Each cell of the publications → ``"visible"``, ``"small"`` (a count below the threshold,
    shown «×»), ``"hidden"`` (another hidden count, shown «×») or ``"withdrawn"`` (taken off
    the page: a later batch takes it off too), with
    ``"+withheld"`` when its table was printed as a sentence (a later batch withholds it too);
    a cell of several gets the status that hides most.

    >>> from proforient.report.publish import Published
    >>> p = Published(3, values={"g|a=1": 2, "g|a=2": 5, "g|a=3": 4, "g|a=4": 7},
    ...               hidden={"g|a=1": "primary", "g|a=4": "secondary"}, withdrawn={"g|a=3"},
    ...               withheld={"g|a=3": "…"})
    >>> entries([p])
    {'g|a=1': 'small', 'g|a=2': 'visible', 'g|a=3': 'withdrawn+withheld', 'g|a=4': 'hidden'}
    """
    out: dict[str, str] = {}
    for published in publications:
        for key in published.values:
            status = WITHDRAWN if key in published.withdrawn else \
                VISIBLE if published.visible(key) else \
                SMALL if published.small(key) else HIDDEN
            if key in published.withheld:
                status += WITHHELD
            out[key] = _stricter(out.get(key), status)
    return out


def year_of(key: str) -> str | None:
    """The year a cell (or both sides of a share) is about, ``None`` when it names none.

    >>> year_of("share:g|org_id=a|year=2020-2021/g|year=2020-2021")
    '2020-2021'
    """
    if key.startswith("share:"):
        key = key[len("share:"):].split("/")[0]
    years = parse_key(key)[1].get("year")
    return next(iter(years)) if years and len(years) == 1 else None


def merge(old: Mapping[str, str], new: Mapping[str, str], replace_year: str | None = None
          ) -> dict[str, str]:
    """The ledger after a batch: a cell hidden once stays hidden; ``replace_year`` drops the
    old entries of that year first (a fresh decision the analyst asked for).

    >>> merge({"g|year=1": "hidden", "g|year=2": "visible"}, {"g|year=1": "visible"})
    {'g|year=1': 'hidden', 'g|year=2': 'visible'}
    >>> merge({"g|year=1": "small"}, {"g|year=1": "hidden"})
    {'g|year=1': 'hidden'}
    >>> merge({"g|year=1": "hidden"}, {"g|year=1": "visible"}, replace_year="1")
    {'g|year=1': 'visible'}
    """
    out = {k: v for k, v in old.items() if replace_year is None or year_of(k) != replace_year}
    for key, status in new.items():
        out[key] = _stricter(out.get(key), status)
    return out


def read_ledger(path: Path, dataset: str) -> dict[str, str]:
    """The ledger of ``dataset`` (its folder, resolved) in the file ``path``; empty when there
    is none. A damaged file is an error: silently starting afresh would publish what earlier
    batches hid — and so is an entry of unknown status (a hand edit, «hiden»): skipped, it
    would let a cell an earlier batch hid be shown."""
    if not path.is_file():
        return {}
    from proforient.problems import InputError, Problem

    damaged = ("журнал публикаций повреждён, а без него нельзя проверить, что отчёт не откроет "
               "скрытое в прежних отчётах; восстановите файл из резервной копии")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cells = data["datasets"].get(dataset, {})
        unknown = [(k, v) for k, v in cells.items() if not _valid(v)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError([Problem(str(path), None, None, damaged)]) from exc
    if unknown:
        key, status = unknown[0]
        raise InputError([Problem(str(path), None, None, (
            f"{damaged} (у записи «{key}» неизвестное состояние «{status}»; "
            f"бывают {', '.join(STATUS_RANK)}, с пометкой {WITHHELD} или без; "
            f"таких записей: {len(unknown)})"))])
    return {str(k): v for k, v in cells.items()}


def write_ledger(path: Path, dataset: str, cells: Mapping[str, str]) -> None:
    """Store the ledger of ``dataset`` (the others' stay), atomically: a failed write leaves
    the previous file whole."""
    data: dict = {"version": 1, "datasets": {}}
    if path.is_file():  # read_ledger has checked it: damaged, it would have stopped the run
        data = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("datasets", {})[dataset] = dict(sorted(cells.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
