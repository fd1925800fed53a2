"""Collecting the filled workbooks back into the dataset (SPEC §9).

:func:`collect` reads every ``.xlsx`` of a folder (the layout is :mod:`proforient.template`'s),
checks each workbook with workbook-specific checks (sheets, headers, identity, cell types,
participants above enrolment) and then with the dataset's own rules
(:func:`proforient.dataset.check_dataset` run on the collected rows together with the dataset's
organisations), and writes the good workbooks into the dataset folder:

- only the rows of the organisations and years collected are replaced (``measures.csv``, and
  ``graduates.csv`` for workbooks with a graduates sheet); an organisation whose collected data
  equal what the dataset already holds is left untouched, so an unchanged round trip and a second
  identical run rewrite nothing;
- every other row is kept byte for byte; replaced rows are written in canonical codes, in a
  stable order (catalogue order of measures, total first then grades; graduates in the sheet's
  order), where the organisation's old rows were (or after the last row of the same year);
- the file keeps its separator, BOM and line endings;
- every file changed is first copied to ``DATA_DIR/_backup/<timestamp>/``.

A broken workbook is reported with its file, sheet, cell and reason
(:class:`WorkbookProblem`) and left out; the good ones are still collected.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from proforient.dataset import YEAR_RE, Dataset, check_dataset
from proforient.problems import InputError, Problem, errors_of
from proforient.rules import Rules, load_rules
from proforient.template import (
    CODE_COL,
    FIRST_GRADE_COL,
    FORM_VERSION,
    GRADUATE_FIELDS,
    GRADUATES_FIRST_ROW,
    GRADUATES_HEADER_ROW,
    INFO_ROWS,
    INFO_VALUE_COLUMN,
    MEASURES_FIRST_ROW,
    MEASURES_HEADER_ROW,
    MEASURES_HEADERS,
    SHEET_GRADUATES,
    SHEET_INFO,
    SHEET_MEASURES,
    SUBJECT_HEADERS,
    SUBJECT_MARK,
    SUBJECT_MARKS_ACCEPTED,
    SUBJECT_MARKS_EMPTY,
    TOTAL_COL,
    make_templates,
    unescape_text,
)
from proforient.vocab import DESTINATIONS, GRADES, MEASURES, PARTICIPANT_BASE

BACKUP_DIR = "_backup"
_SENTINEL_YEAR = "1900-1901"  # a row that keeps check_dataset going when nothing was collected
_TABLES = ("measures", "graduates")
_TABLE_RU = {"measures": "показатели", "graduates": "выпускники"}
#: Columns of a table collect creates, in the order of SPEC §3.
_NEW_FILE_COLUMNS = {
    "measures": ["year", "org_id", "measure", "grade", "value"],
    "graduates": ["year", "org_id", "graduate_id", "grade", "profile", "ege_subjects",
                  "destination", "institution", "specialty_code", "specialty_name",
                  "study_region"],
}


@dataclass(frozen=True)
class WorkbookProblem(Problem):
    """A problem in a workbook: ``file`` is the workbook, ``sheet`` the sheet, ``column`` the
    cell address (``D5``) and ``line`` its row; printed as
    ``sch-07_Малолуговская_СОШ.xlsx, лист «Показатели», ячейка D5: ошибка: …``."""

    sheet: str | None = None

    def where(self) -> list[str]:
        """Workbook, sheet, then the cell (or the row when no cell is known)."""
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"лист «{self.sheet}»")
        if self.column is not None:
            parts.append(f"ячейка {self.column}")
        elif self.line is not None:
            parts.append(f"строка {self.line}")
        return parts


@dataclass(frozen=True)
class Replacement:
    """What collect changed for one organisation, year and table.

    ``changed``/``added``/``removed`` count keys: (measure, grade) for measures, the graduate
    code for graduates.
    """

    org_id: str
    year: str
    table: str
    rows_before: int
    rows_after: int
    changed: int
    added: int
    removed: int
    file: str

    def __str__(self) -> str:
        return (f"{self.org_id}, {self.year}, {_TABLE_RU[self.table]}: изменено {self.changed}, "
                f"добавлено {self.added}, удалено {self.removed} (было строк "
                f"{self.rows_before}, стало {self.rows_after}) — {self.file}")


@dataclass(frozen=True)
class CollectedWorkbook:
    """A workbook that passed every check."""

    file: str
    org_id: str
    year: str
    measures: int
    graduates: int | None  # None: the workbook has no graduates sheet
    changed: bool


@dataclass
class CollectResult:
    """The outcome of :func:`collect`.

    Attributes
    ----------
    data_dir : Path
        The dataset folder written.
    collected : list of CollectedWorkbook
        Workbooks that passed (whether or not they changed anything).
    failed : list of str
        Workbook files left out because of errors.
    skipped : list of str
        Empty workbooks (nothing typed), left out with a warning.
    problems : list of Problem
        Every error and warning (:class:`WorkbookProblem` for workbook cells).
    replaced : list of Replacement
        What was replaced, per organisation, year and table.
    written : list of Path
        Dataset files rewritten (empty: nothing changed, or a dry run).
    backup_dir : Path or None
        Where the previous versions of the written files were copied.
    dry_run : bool
        Nothing was written on purpose.
    """

    data_dir: Path
    collected: list[CollectedWorkbook] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    replaced: list[Replacement] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    backup_dir: Path | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """No workbook was rejected."""
        return not self.failed

    @property
    def changed(self) -> bool:
        """Some organisation's data differ from what the dataset held."""
        return bool(self.replaced)

    def report_lines(self) -> list[str]:
        """The summary in Russian, one line each (what the CLI prints)."""
        total = len(self.collected) + len(self.failed) + len(self.skipped)
        lines = [f"Книг: {total}; принято: {len(self.collected)}, с ошибками: "
                 f"{len(self.failed)}, пустых: {len(self.skipped)}."]
        if self.failed:
            lines.append("Не приняты (исправьте и пришлите снова): " + ", ".join(self.failed))
        if not self.replaced:
            lines.append(f"Изменений нет: {self.data_dir} не изменён.")
            return lines
        verb = "Будет заменено" if self.dry_run else "Заменено"
        lines.append(f"{verb} в {self.data_dir}:")
        lines += [f"  {r}" for r in self.replaced]
        if self.dry_run:
            lines.append("Пробный запуск: ничего не записано.")
        elif self.backup_dir is not None:
            lines.append(f"Прежние версии файлов сохранены в {self.backup_dir}")
        return lines


# --------------------------------------------------------------------------------------------
# Reading one workbook


@dataclass
class _Workbook:
    """What one workbook holds, with the cell of every value (for the messages)."""

    file: str
    org_id: str = ""
    year: str = ""
    measures: list[dict] = field(default_factory=list)  # measure, grade, value, _cell, _code
    graduates: list[dict] | None = None  # GRADUATE_FIELDS + _row
    problems: list[WorkbookProblem] = field(default_factory=list)
    identified: bool = False  # «Сведения» named a known organisation and a valid year
    duplicate: bool = False  # another workbook of the same organisation and year

    def error(self, sheet: str | None, coord: str | None, message: str,
              severity: str = "error") -> None:
        row = int(re.sub(r"\D", "", coord)) if coord else None
        self.problems.append(WorkbookProblem(self.file, row, coord, message, severity, sheet))

    @property
    def failed(self) -> bool:
        return bool(errors_of(self.problems))

    @property
    def empty(self) -> bool:
        return not self.measures and not self.graduates


def _text(value) -> str | None:
    """A text cell's value as the template wrote it (``None`` for a non-text value)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_text(value.replace("\u00a0", " ").strip())
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def _number_text(value) -> tuple[str | None, str | None]:
    """A number cell → (text for the CSV, reason it is not a number)."""
    if isinstance(value, bool):
        return None, f"логическое значение {'ИСТИНА' if value else 'ЛОЖЬ'}, а нужно число " \
                     "(для да/нет — 1 или 0)"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return None, "в ячейке дата, а нужно число: Excel принял введённое за дату; " \
                     "введите число заново в ячейку с числовым форматом"
    text = _text(value)
    if text is None:
        return None, f"значение «{value}» не является числом"
    try:
        float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        return None, f"в ячейке текст «{text}», а нужно число"
    return text.replace(" ", ""), None


def _header_mismatch(ws: Worksheet, row: int, expected: dict[int, str]) -> tuple[int, str] | None:
    """First header cell of ``row`` that differs from ``expected``: (column, found text)."""
    for col, text in expected.items():
        found = ws.cell(row, col).value
        if str(found if found is not None else "").strip() != text:
            return col, "" if found is None else str(found)
    return None


def _check_header(book: _Workbook, ws: Worksheet, row: int, expected: dict[int, str]) -> bool:
    """Report a moved or changed header; ``True`` when the header is where it must be."""
    mismatch = _header_mismatch(ws, row, expected)
    if mismatch is None:
        return True
    first = dict(list(expected.items())[:2])
    moved = next((r for r in range(1, min(ws.max_row, 40) + 1)
                  if r != row and _header_mismatch(ws, r, first) is None), None)
    if moved is not None:
        book.error(ws.title, f"A{moved}",
                   f"заголовки таблицы в строке {moved}, а должны быть в строке {row}: строки "
                   "сдвинуты; верните их на место или возьмите чистый шаблон")
        return False
    col, found = mismatch
    book.error(ws.title, f"{get_column_letter(col)}{row}",
               f"ожидался заголовок «{expected[col]}», а в ячейке "
               f"{'пусто' if found == '' else f'«{found}»'}: столбцы сдвинуты или заголовок "
               "изменён; верните как было или возьмите чистый шаблон")
    return False


def _read_info(book: _Workbook, wb, org_ids: set[str]) -> bool:
    if SHEET_INFO not in wb.sheetnames:
        book.error(None, None,
                   f"нет листа «{SHEET_INFO}» (в книге листы: {', '.join(wb.sheetnames)}): это "
                   "не шаблон proforient или лист переименован — по нему определяется "
                   "организация")
        return False
    ws = wb[SHEET_INFO]
    ok = True
    for row, label in INFO_ROWS.values():
        if str(ws.cell(row, 1).value or "").strip() != label:
            book.error(SHEET_INFO, f"A{row}", f"ожидалась подпись «{label}»: лист изменён")
            ok = False
    if not ok:
        return False
    cells = {f: f"{INFO_VALUE_COLUMN}{row}" for f, (row, _) in INFO_ROWS.items()}
    values = {f: _text(ws[c].value) or "" for f, c in cells.items()}
    if values["version"] != FORM_VERSION:
        book.error(SHEET_INFO, cells["version"],
                   f"версия формы «{values['version']}», а нужна «{FORM_VERSION}»: "
                   "заполните шаблон этого года")
        ok = False
    book.org_id, book.year = values["org_id"], values["year"]
    if book.org_id not in org_ids:
        book.error(SHEET_INFO, cells["org_id"],
                   f"организации «{book.org_id}» нет в organizations.csv набора данных: книга "
                   "чужого района или код изменён")
        ok = False
    match = re.fullmatch(YEAR_RE, book.year)
    if match is None or int(match.group(2)) != int(match.group(1)) + 1:
        book.error(SHEET_INFO, cells["year"],
                   f"учебный год «{book.year}» должен быть вида ГГГГ-ГГГГ (например, 2021-2022)")
        ok = False
    return ok


def _read_measures(book: _Workbook, wb) -> None:
    if SHEET_MEASURES not in wb.sheetnames:
        book.error(None, None, f"нет листа «{SHEET_MEASURES}» (в книге листы: "
                               f"{', '.join(wb.sheetnames)}): не переименовывайте листы")
        return
    ws = wb[SHEET_MEASURES]
    if not _check_header(book, ws, MEASURES_HEADER_ROW, MEASURES_HEADERS):
        return
    columns = [*((FIRST_GRADE_COL + g - 1, g) for g in GRADES), (TOTAL_COL, None)]
    numbers: dict[tuple[str, int | None], tuple[float, str]] = {}
    for row in range(MEASURES_FIRST_ROW, ws.max_row + 1):
        code = _text(ws.cell(row, CODE_COL).value) or ""
        code_cell = f"{get_column_letter(CODE_COL)}{row}"
        for col, grade in columns:
            cell = ws.cell(row, col)
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                continue
            if code == "":
                book.error(ws.title, cell.coordinate,
                           "значение в строке без кода показателя (столбец A пуст)")
                continue
            text, reason = _number_text(cell.value)
            if reason:
                book.error(ws.title, cell.coordinate, reason)
                continue
            book.measures.append({"measure": code, "grade": "" if grade is None else str(grade),
                                  "value": text, "_cell": cell.coordinate, "_code": code_cell})
            numbers[(code, grade)] = (float(text.replace(",", ".")), cell.coordinate)
    _check_participants(book, ws.title, numbers)


def _check_participants(book: _Workbook, sheet: str,
                        numbers: dict[tuple[str, int | None], tuple[float, str]]) -> None:
    """Participants of a grade (or of the total column) above the enrolment beside them."""
    for part, base in PARTICIPANT_BASE.items():
        for grade in (*GRADES, None):
            if (part, grade) not in numbers or (base, grade) not in numbers:
                continue
            (n_part, cell), (n_base, base_cell) = numbers[(part, grade)], numbers[(base, grade)]
            if n_part > n_base:
                where = "всего" if grade is None else f"{grade} класс"
                book.error(sheet, cell,
                           f"{where}: «{MEASURES[part].label}» — {n_part:g}, это больше, чем "
                           f"«{MEASURES[base].label}» — {n_base:g} (ячейка {base_cell}); "
                           "участников не может быть больше, чем обучающихся")


def _read_graduates(book: _Workbook, wb, required: bool) -> None:
    if SHEET_GRADUATES not in wb.sheetnames:
        if required:
            book.error(None, None, f"нет листа «{SHEET_GRADUATES}» (в книге листы: "
                                   f"{', '.join(wb.sheetnames)}): не переименовывайте листы")
        return
    ws = wb[SHEET_GRADUATES]
    fields = list(GRADUATE_FIELDS)
    expected = dict(enumerate([*GRADUATE_FIELDS.values(), *SUBJECT_HEADERS.values()], start=1))
    if not _check_header(book, ws, GRADUATES_HEADER_ROW, expected):
        return
    book.graduates = []
    for row in range(GRADUATES_FIRST_ROW, ws.max_row + 1):
        record: dict = {"_row": row}
        bad = False
        for col, name in enumerate(fields, start=1):
            cell = ws.cell(row, col)
            text = _text(cell.value)
            if text is None:
                book.error(ws.title, cell.coordinate,
                           "в ячейке дата или логическое значение, а нужен текст: введите "
                           "заново в ячейку с текстовым форматом")
                bad = True
                text = ""
            record[name] = text
        chosen, first_cell = [], None
        for col, code in enumerate(SUBJECT_HEADERS, start=len(fields) + 1):
            cell = ws.cell(row, col)
            mark = (_text(cell.value) or "").casefold()
            if mark in SUBJECT_MARKS_ACCEPTED:
                chosen.append(code)
                first_cell = first_cell or cell.coordinate
            elif mark not in SUBJECT_MARKS_EMPTY:
                book.error(ws.title, cell.coordinate,
                           f"«{cell.value}»: у предмета, который выпускник сдавал, выберите "
                           f"«{SUBJECT_MARK}», у остальных оставьте ячейку пустой")
                bad = True
        record["ege_subjects"] = ";".join(chosen)
        record["_ege_cell"] = first_cell or f"{get_column_letter(len(fields) + 1)}{row}"
        if bad or chosen or any(record[name] for name in fields):
            book.graduates.append(record)


def _read_workbook(path: Path, org_ids: set[str], school_ids: set[str]) -> _Workbook:
    """Read one workbook with the workbook-specific checks (no dataset rules yet).

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file.
    org_ids : set of str
        Organisations of the dataset.
    school_ids : set of str
        Those of kind ``school`` (their workbooks must have a graduates sheet).

    Returns
    -------
    _Workbook
        The values with their cells, and the problems found.
    """
    book = _Workbook(path.name)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken or foreign file
        book.error(None, None, f"книга не открывается ({type(exc).__name__}): файл повреждён "
                               "или это не книга Excel .xlsx")
        return book
    try:
        if _read_info(book, wb, org_ids):
            book.identified = True
            _read_measures(book, wb)
            _read_graduates(book, wb, required=book.org_id in school_ids)
    finally:
        wb.close()
    return book


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


def _organizations_file(data_dir: Path) -> Path | None:
    for name in ("organizations.csv", "organizations.parquet"):
        if (data_dir / name).exists():
            return data_dir / name
    return None


def _check_tables(orgs_file: Path, measures: bytes | None, graduates: bytes | None,
                  sentinel_org: str, rules: Rules) -> tuple[Dataset | None, list[Problem]]:
    """Run :func:`check_dataset` on a temporary folder holding these tables.

    When ``measures`` has no data rows a sentinel row (year 1900-1901) is added, because the
    dataset requires measures; it is dropped from the result.
    """
    with tempfile.TemporaryDirectory(prefix="proforient-collect-") as tmp:
        folder = Path(tmp)
        shutil.copyfile(orgs_file, folder / orgs_file.name)
        if not _has_rows(measures):
            measures = _csv_text(_NEW_FILE_COLUMNS["measures"],
                                 [[_SENTINEL_YEAR, sentinel_org, "students", "", "0"]]
                                 ).encode("utf-8")
        (folder / "measures.csv").write_bytes(measures)
        if graduates is not None:
            (folder / "graduates.csv").write_bytes(graduates)
        dataset, problems = check_dataset(folder, rules)
    if dataset is not None:
        dataset.path = orgs_file.parent
        dataset.measures = dataset.measures[dataset.measures["year"] != _SENTINEL_YEAR]
    return dataset, problems


_MEASURE_COLUMNS = ("year", "org_id", "measure", "value", "grade")  # COLUMNS order


def _validate(books: list[_Workbook], orgs_file: Path, sentinel_org: str,
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
    dataset, problems = _check_tables(
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
                  lambda m: f"«{MEASURES[m.group(1)].label}»" if m.group(1) in MEASURES
                  else m.group(0), problem.message)


_SHEET_ORDER = {None: 0, SHEET_INFO: 1, SHEET_MEASURES: 2, SHEET_GRADUATES: 3}


def _reading_order(problem: Problem) -> tuple:
    """Workbook problems by sheet, row, column — the order a school walks through them."""
    sheet = getattr(problem, "sheet", None)
    letters = re.sub(r"\d", "", problem.column or "")
    return (problem.file, _SHEET_ORDER.get(sheet, 4), problem.line or 0,
            column_index_from_string(letters) if letters else 0)


# --------------------------------------------------------------------------------------------
# Merging into the dataset's CSV files, keeping every other row byte for byte


@dataclass
class _RawTable:
    header: list[str]
    header_text: str
    records: list[tuple[list[str], str]]  # (fields, original text with its line ending)
    sep: str = ","
    bom: bool = False
    newline: str = "\n"


def _parse_raw(raw: bytes | None, stem: str) -> _RawTable:
    columns = _NEW_FILE_COLUMNS[stem]
    if raw is None or not raw.strip():
        return _RawTable(columns, ",".join(columns) + "\n", [])
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
    return _RawTable(header or columns, header_text, records, sep, bom, newline)


def _render(table: _RawTable, stem: str, blocks: dict[tuple[str, str], list[dict]]) -> bytes:
    """The table with the rows of each (year, org_id) in ``blocks`` replaced by the block."""
    header = list(table.header)
    wanted = _NEW_FILE_COLUMNS[stem]
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


def _measure_rows(frame: pd.DataFrame) -> list[dict]:
    """Canonical measures → CSV rows in the stable order (catalogue, total first, grades)."""
    order = {m: i for i, m in enumerate(MEASURES)}
    rows = [{"year": str(r.year), "org_id": str(r.org_id), "measure": str(r.measure),
             "grade": "" if pd.isna(r.grade) else str(int(r.grade)),
             "value": str(int(r.value)) if float(r.value).is_integer() else repr(float(r.value))}
            for r in frame.itertuples(index=False)]
    return sorted(rows, key=lambda r: (order.get(r["measure"], len(order)), r["measure"],
                                       int(r["grade"] or 0)))


def _graduate_rows(frame: pd.DataFrame) -> list[dict]:
    columns = _NEW_FILE_COLUMNS["graduates"]
    return [{c: "" if pd.isna(row[c]) else str(row[c]) for c in columns}
            for _, row in frame.iterrows()]


def _measure_keys(frame: pd.DataFrame) -> dict[tuple[str, int], float]:
    return {(str(m), -1 if pd.isna(g) else int(g)): float(v)
            for m, g, v in frame[["measure", "grade", "value"]].itertuples(index=False)}


def _graduate_keys(frame: pd.DataFrame) -> dict[str, tuple]:
    columns = [c for c in frame.columns if c not in ("year", "org_id", "graduate_id")]
    return {str(row["graduate_id"]): tuple(None if pd.isna(row[c]) else str(row[c])
                                           for c in columns)
            for _, row in frame.iterrows()}


def _diff(old: dict, new: dict) -> tuple[int, int, int]:
    changed = sum(1 for k in old.keys() & new.keys() if old[k] != new[k])
    return changed, len(new.keys() - old.keys()), len(old.keys() - new.keys())


def _backup_dir(data_dir: Path, now: dt.datetime) -> Path:
    base = data_dir / BACKUP_DIR / now.strftime("%Y-%m-%d_%H-%M-%S")
    path, n = base, 2
    while path.exists():
        path, n = base.with_name(f"{base.name}_{n}"), n + 1
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------
# The public function


def _workbook_files(in_dir: Path, result: CollectResult) -> list[Path]:
    files = []
    for path in sorted(in_dir.iterdir()):
        if path.name.startswith(("~$", ".")) or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            files.append(path)
        elif suffix in (".xls", ".ods", ".xlsm", ".xlsb"):
            result.failed.append(path.name)
            result.problems.append(WorkbookProblem(
                path.name, None, None, f"формат {suffix} не принимается: откройте книгу и "
                                       "сохраните как «Книга Excel (.xlsx)»"))
    return files


def _existing(data_dir: Path, orgs_file: Path, sentinel_org: str,
              rules: Rules) -> tuple[Dataset, list[Problem], dict[str, bytes | None]]:
    raw: dict[str, bytes | None] = {}
    for stem in _TABLES:
        if (data_dir / f"{stem}.parquet").exists() and not (data_dir / f"{stem}.csv").exists():
            raise InputError([Problem(f"{stem}.parquet", None, None,
                                      "collect записывает только CSV: сохраните таблицу как "
                                      f"{stem}.csv и запустите снова")])
        path = data_dir / f"{stem}.csv"
        raw[stem] = path.read_bytes() if path.exists() else None
    dataset, problems = _check_tables(orgs_file, raw["measures"], raw["graduates"],
                                      sentinel_org, rules)
    structural = [p for p in errors_of(problems) if p.line in (None, 1)]
    if dataset is None or structural:
        raise InputError(structural or errors_of(problems))
    for stem in _TABLES:
        table = _parse_raw(raw[stem], stem)
        if raw[stem] is not None and not {"year", "org_id"} <= set(table.header):
            raise InputError([Problem(f"{stem}.csv", 1, None, "нет столбцов year и org_id")])
    return dataset, problems, raw


def collect(in_dir: str | Path, data_dir: str | Path, *, rules: Rules | None = None,
            dry_run: bool = False, now: dt.datetime | None = None) -> CollectResult:
    """Collect the filled workbooks of ``in_dir`` into the dataset ``data_dir``.

    Parameters
    ----------
    in_dir : str or Path
        Folder with the workbooks (``*.xlsx``; Excel's ``~$`` lock files are ignored).
    data_dir : str or Path
        The dataset folder. It must exist and hold ``organizations.csv`` (or ``.parquet``):
        a workbook is accepted only for an organisation listed there.
    rules : Rules, optional
        The district's rules; read from ``parameters/`` if omitted.
    dry_run : bool, default False
        Check and report what would change, write nothing.
    now : datetime, optional
        Time stamp of the backup folder (default: now).

    Returns
    -------
    CollectResult
        What was collected, rejected and replaced. Rejected workbooks do not stop the others.

    Raises
    ------
    InputError
        When ``in_dir`` has no workbooks, ``data_dir`` or its organisations are missing or
        broken, or a file cannot be written. Nothing is written then.
    """
    in_dir, data_dir = Path(in_dir), Path(data_dir)
    rules = rules or load_rules()
    if not in_dir.is_dir():
        raise InputError([Problem(str(in_dir), None, None, "папка с книгами не найдена")])
    orgs_file = _organizations_file(data_dir) if data_dir.is_dir() else None
    if orgs_file is None:
        raise InputError([Problem(str(data_dir / "organizations.csv"), None, None,
                                  "нет справочника организаций: collect принимает книги только "
                                  "организаций из organizations.csv; создайте папку и положите "
                                  "в неё organizations.csv набора, по которому делались шаблоны")])
    result = CollectResult(data_dir=data_dir, dry_run=dry_run)
    files = _workbook_files(in_dir, result)
    if not files and not result.failed:
        raise InputError([Problem(str(in_dir), None, None, "в папке нет книг .xlsx")])

    first_org = _first_org(orgs_file)
    existing, existing_problems, raw = _existing(data_dir, orgs_file, first_org, rules)
    orgs = existing.organizations
    org_ids = set(orgs["org_id"])
    school_ids = set(orgs.loc[orgs["kind"] == "school", "org_id"])
    old_errors = errors_of(existing_problems)
    if old_errors:
        result.problems.append(Problem(
            str(data_dir), None, None,
            f"в наборе данных уже есть ошибки ({len(old_errors)}); строки с ними в расчёт не "
            f"идут, пока их не исправят: proforient validate {data_dir}", "warning"))

    books = [_read_workbook(path, org_ids, school_ids) for path in files]
    by_key: dict[tuple[str, str], list[_Workbook]] = {}
    for book in books:
        if book.identified:
            by_key.setdefault((book.year, book.org_id), []).append(book)
    info_org = f"{INFO_VALUE_COLUMN}{INFO_ROWS['org_id'][0]}"
    for (year, org_id), same in by_key.items():
        if len(same) > 1:
            for book in same:
                book.duplicate = True
                others = ", ".join(f"«{b.file}»" for b in same if b is not book)
                book.error(SHEET_INFO, info_org,
                           f"для {org_id} за {year} есть ещё книга {others}: какая верна, "
                           "неизвестно — оставьте в папке одну и запустите снова")
    for book in books:
        if not book.failed and book.empty:
            book.error(None, None, "книга пуста: ничего не заполнено, данные организации не "
                                   "изменены", "warning")
    # the dataset's rules run on every identified workbook, broken or not, so that a school
    # learns all its problems at once
    candidates = [b for b in books if b.identified and not b.duplicate and not b.empty]
    incoming = _validate(candidates, orgs_file, first_org, rules) if candidates else None
    for book in books:
        result.problems += sorted(book.problems, key=_reading_order)
        if book.failed:
            result.failed.append(book.file)
        elif book.empty:
            result.skipped.append(book.file)
    good = [b for b in candidates if not b.failed]
    if not good:
        return result

    org_order = {o: i for i, o in enumerate(orgs["org_id"])}
    good.sort(key=lambda b: (b.year, org_order.get(b.org_id, len(org_order))))
    blocks: dict[str, dict[tuple[str, str], list[dict]]] = {t: {} for t in _TABLES}
    for book in good:
        key = (book.year, book.org_id)
        changed = False
        for stem in _TABLES:
            if stem == "graduates" and book.graduates is None:
                continue
            new = _rows_of(getattr(incoming, stem), key)
            old = _rows_of(getattr(existing, stem), key)
            keys = _measure_keys if stem == "measures" else _graduate_keys
            if keys(new) == keys(old) and len(new) == len(old):
                continue
            changed = True
            rows = _measure_rows(new) if stem == "measures" else _graduate_rows(new)
            blocks[stem][key] = rows
            result.replaced.append(Replacement(book.org_id, book.year, stem, len(old), len(new),
                                               *_diff(keys(old), keys(new)), f"{stem}.csv"))
        result.collected.append(CollectedWorkbook(
            book.file, book.org_id, book.year, len(book.measures),
            None if book.graduates is None else len(book.graduates), changed))
    if dry_run:
        return result
    _write(result, data_dir, raw, blocks, now or dt.datetime.now())
    return result


def _first_org(orgs_file: Path) -> str:
    """Any organisation id, for the sentinel row (check_dataset reports the file if broken)."""
    try:
        if orgs_file.suffix == ".parquet":
            return str(pd.read_parquet(orgs_file)["org_id"].iloc[0]).strip()
        frame = pd.read_csv(orgs_file, sep=None, engine="python", dtype=str,
                            encoding="utf-8-sig", nrows=1)
        frame.columns = [str(c).strip() for c in frame.columns]
        return str(frame["org_id"].iloc[0]).strip()
    except Exception:  # any failure is reported properly by check_dataset
        return "?"


def _rows_of(frame: pd.DataFrame, key: tuple[str, str]) -> pd.DataFrame:
    year, org_id = key
    return frame[((frame["year"] == year) & (frame["org_id"] == org_id)).to_numpy()]


def _write(result: CollectResult, data_dir: Path, raw: dict[str, bytes | None],
           blocks: dict[str, dict[tuple[str, str], list[dict]]], now: dt.datetime) -> None:
    """Render the changed tables, back the old files up and write the new ones."""
    pending: list[tuple[Path, bytes]] = []
    for stem in _TABLES:
        if not blocks[stem]:
            continue
        data = _render(_parse_raw(raw[stem], stem), stem, blocks[stem])
        if data != raw[stem]:
            pending.append((data_dir / f"{stem}.csv", data))
    if not pending:
        return
    try:
        backup = None
        for path, _ in pending:
            if path.exists():
                backup = backup or _backup_dir(data_dir, now)
                backup.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, backup / path.name)
        for path, data in pending:
            _write_atomically(path, data)
            result.written.append(path)
    except OSError as exc:
        raise InputError([Problem(str(data_dir), None, None,
                                  f"не удалось записать данные: {exc.strerror}")]) from None
    result.backup_dir = backup


# --------------------------------------------------------------------------------------------
# Command line (wired by proforient.cli)


def _year_arg(text: str) -> str:
    match = re.fullmatch(YEAR_RE, text.strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise argparse.ArgumentTypeError(
            f"учебный год «{text}» должен быть вида ГГГГ-ГГГГ, например 2021-2022")
    return text.strip()


def cmd_template(args: argparse.Namespace) -> int:
    """``proforient template DATA_DIR --year YEAR --out DIR``: write the workbooks."""
    orgs = [o.strip() for o in args.orgs.split(",") if o.strip()] if args.orgs else None
    paths = make_templates(args.data_dir, args.year, args.out, org_ids=orgs)
    print(f"Шаблоны за {args.year} → {args.out} (книг Excel: {len(paths)})")
    print("Разошлите каждой организации её книгу; заполненные соберите в одну папку и "
          f"выполните: proforient collect ПАПКА --out {args.data_dir}")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    """``proforient collect DIR --out DATA_DIR``: read the workbooks into the dataset.

    Prints every problem (stderr) and the summary (stdout); returns 1 when a workbook was
    rejected, even though the good ones were collected.
    """
    result = collect(args.in_dir, args.out, dry_run=args.dry_run)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    for line in result.report_lines():
        print(line)
    return 0 if result.ok else 1


def add_parsers(subparsers, parser_class: type | None = None) -> None:
    """Add the ``template`` and ``collect`` subcommands to the CLI's subparsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From ``parser.add_subparsers(...)``; its ``parser_class`` makes the subcommand parsers
        (the CLI's Russian, exit-2 parser).
    parser_class : type, optional
        Accepted for symmetry with the CLI; argparse builds subcommand parsers with the class
        given to ``add_subparsers``, so pass the same class there.
    """
    del parser_class  # see the docstring
    p = subparsers.add_parser("template", help="сделать книги Excel для сбора данных от "
                                               "организаций")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR",
                   help="папка с данными (из неё — список организаций и прошлые значения)")
    p.add_argument("--year", type=_year_arg, required=True,
                   help="учебный год сбора, например 2021-2022")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="куда записать книги (по одной на организацию)")
    p.add_argument("--orgs", metavar="ID,...",
                   help="только эти организации, через запятую (по умолчанию — все)")
    p.set_defaults(func=cmd_template)

    p = subparsers.add_parser("collect", help="собрать заполненные книги Excel в набор данных")
    p.add_argument("in_dir", type=Path, metavar="DIR", help="папка с заполненными книгами")
    p.add_argument("--out", type=Path, required=True, metavar="DATA_DIR",
                   help="папка набора данных (в ней должен быть organizations.csv)")
    p.add_argument("--dry-run", action="store_true",
                   help="только проверить книги и показать, что изменится; ничего не записывать")
    p.set_defaults(func=cmd_collect)
