"""Checking the collected rows with the dataset's own rules, the problems mapped back to cells."""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl.utils import column_index_from_string, get_column_letter

from proforient.dataset import Dataset, check_dataset
from proforient.excel.layout import (
    GRADUATE_FIELDS,
    INFO_ROWS,
    INFO_VALUE_COLUMN,
    SHEET_GRADUATES,
    SHEET_INFO,
    SHEET_MEASURES,
)
from proforient.excel.merge import NEW_FILE_COLUMNS
from proforient.excel.workbook import Workbook
from proforient.parameters.rules import Rules
from proforient.problems import Problem
from proforient.vocab import DESTINATIONS

SENTINEL_YEAR = "1900-1901"  # a row that keeps check_dataset going when nothing was collected


# --------------------------------------------------------------------------------------------
# Validating with the dataset's rules


def _csv_text(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def _has_rows(raw: bytes | None) -> bool:
    if raw is None:
        return False
    lines = raw.decode("utf-8", errors="replace").splitlines()
    return any(line.strip(" ,;\t\ufeff") for line in lines[1:])


def organizations_file(data_dir: Path) -> Path | None:
    for name in ("organizations.csv", "organizations.parquet"):
        if (data_dir / name).exists():
            return data_dir / name
    return None


def check_tables(orgs_file: Path, measures: bytes | None, graduates: bytes | None,
                  sentinel_org: str, rules: Rules) -> tuple[Dataset | None, list[Problem]]:
    """Run :func:`check_dataset` on a temporary folder holding these tables.

    When ``measures`` has no data rows a sentinel row (year 1900-1901) is added, because the
    dataset requires measures; it is dropped from the result.
    """
    with tempfile.TemporaryDirectory(prefix="proforient-collect-") as tmp:
        folder = Path(tmp)
        shutil.copyfile(orgs_file, folder / orgs_file.name)
        if not _has_rows(measures):
            measures = _csv_text(NEW_FILE_COLUMNS["measures"],
                                 [[SENTINEL_YEAR, sentinel_org, "students", "", "0"]]
                                 ).encode("utf-8")
        (folder / "measures.csv").write_bytes(measures)
        if graduates is not None:
            (folder / "graduates.csv").write_bytes(graduates)
        dataset, problems = check_dataset(folder, rules)
    if dataset is not None:
        dataset.path = orgs_file.parent
        dataset.measures = dataset.measures[dataset.measures["year"] != SENTINEL_YEAR]
    return dataset, problems


_MEASURE_COLUMNS = ("year", "org_id", "measure", "value", "grade")  # COLUMNS order


def check_against_dataset(books: list[Workbook], orgs_file: Path, sentinel_org: str,
              rules: Rules) -> Dataset | None:
    """Check the collected rows of ``books`` with the dataset's rules; add the problems to
    the workbooks (mapped to their cells) and return the canonical tables."""
    m_rows, m_map, g_rows, g_map = [], {}, [], {}
    for book in books:
        for rec in book.measures:
            m_map[len(m_rows) + 2] = (book, rec)
            m_rows.append([book.year, book.org_id, rec["measure"], rec["value"], rec["grade"]])
        for rec in book.graduates or []:
            g_map[len(g_rows) + 2] = (book, rec)
            g_rows.append([book.year, book.org_id, *(rec[f] for f in GRADUATE_FIELDS),
                           rec["ege_subjects"]])
    g_columns = ["year", "org_id", *GRADUATE_FIELDS, "ege_subjects"]
    dataset, problems = check_tables(
        orgs_file, _csv_text(_MEASURE_COLUMNS, m_rows).encode("utf-8") if m_rows else None,
        _csv_text(g_columns, g_rows).encode("utf-8"), sentinel_org, rules)
    info_cell = {f: f"{INFO_VALUE_COLUMN}{row}" for f, (row, _) in INFO_ROWS.items()}
    for problem in problems:
        if problem.file == "measures.csv" and problem.line in m_map:
            book, rec = m_map[problem.line]
            sheet = SHEET_MEASURES
            coord = rec["_code"] if problem.column == "measure" else rec["_cell"]
        elif problem.file == "graduates.csv" and problem.line in g_map:
            book, rec = g_map[problem.line]
            sheet = SHEET_GRADUATES
            if problem.column == "ege_subjects":
                coord = rec["_ege_cell"]
            else:
                col = list(GRADUATE_FIELDS).index(problem.column) + 1 \
                    if problem.column in GRADUATE_FIELDS else 1
                coord = f"{get_column_letter(col)}{rec['_row']}"
        else:
            continue  # the organisations' own problems are reported from the dataset
        if problem.column in ("year", "org_id"):
            sheet, coord = SHEET_INFO, info_cell[problem.column]
        if problem.severity == "error" and any(
                p.severity == "error" and p.sheet == sheet and p.column == coord
                for p in book.problems):
            continue  # one error per cell: the workbook check already said it in its words
        book.error(sheet, coord, _in_words(problem, rules), problem.severity)
    return dataset


def _in_words(problem: Problem, rules: Rules) -> str:
    """The dataset's message in a school's words: Russian labels instead of codes."""
    if problem.column in ("profile", "destination") and \
            problem.message.startswith("неизвестное значение"):
        labels = ([p.label for p in rules.profiles.values()] if problem.column == "profile"
                  else [t.label for t in DESTINATIONS])
        found = problem.message.split("»", 1)[0] + "»"
        return f"{found}: выберите из списка ({'; '.join(labels)})"
    return re.sub(r"«([a-z0-9_]+)»",
                  lambda m: f"«{rules.measures.label(m.group(1))}»"
                  if m.group(1) in rules.measures else m.group(0), problem.message)


_SHEET_ORDER = {None: 0, SHEET_INFO: 1, SHEET_MEASURES: 2, SHEET_GRADUATES: 3}


def reading_order(problem: Problem) -> tuple:
    """Workbook problems by sheet, row, column — the order a school walks through them."""
    sheet = getattr(problem, "sheet", None)
    letters = re.sub(r"\d", "", problem.column or "")
    return (problem.file, _SHEET_ORDER.get(sheet, 4), problem.line or 0,
            column_index_from_string(letters) if letters else 0)


