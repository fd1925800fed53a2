"""Reading one filled workbook back, with workbook-specific checks (sheets, headers, identity,
cell types, participants above enrolment)."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from proforient.dataset.checks import looks_like_a_number, plain_number
from proforient.excel import scan as scanning
from proforient.excel.layout import (
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
    unescape_text,
)
from proforient.parameters.measures import MeasureCatalogue
from proforient.problems import Problem, errors_of
from proforient.vocab import (
    ACADEMIC_YEAR_HINT,
    GRADES,
    PLAIN_NUMBER_HINT,
    is_academic_year,
)


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




# --------------------------------------------------------------------------------------------
# Reading one workbook


@dataclass(frozen=True)
class _Cell:
    value: object
    coordinate: str


class _Sheet:
    """The values of one sheet up to its last filled row, read once.

    The workbook is opened in openpyxl's read-only mode (memory stays flat whatever the file),
    where random access to a cell re-reads the sheet; the rows are therefore read once, only
    the ``columns`` the layout uses, into a list of value tuples.
    """

    def __init__(self, ws, rows: int, columns: int) -> None:
        self.title = ws.title
        self._rows = ([tuple(r) for r in ws.iter_rows(min_row=1, max_row=rows, max_col=columns,
                                                      values_only=True)] if rows else [])
        self.max_row = len(self._rows)

    def cell(self, row: int, column: int) -> _Cell:
        values = self._rows[row - 1] if 1 <= row <= len(self._rows) else ()
        value = values[column - 1] if column <= len(values) else None
        return _Cell(value, f"{get_column_letter(column)}{row}")

    def __getitem__(self, coordinate: str) -> _Cell:
        column, row = coordinate_from_string(coordinate)
        return self.cell(row, column_index_from_string(column))


@dataclass
class Workbook:
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


#: Beyond this a number cell is refused outright (the dataset's bound is far lower; this only
#: keeps 1e308 from being written out as 309 digits).
_HUGE = 1e15
#: A number cell closer to zero than this (and not zero) is refused: no count or share is so
#: small, and 1e-320 written out in plain digits is 320 characters long.
_TINY = 1e-6


def _number_text(value) -> tuple[str | None, str | None]:
    """A number cell → (text for the CSV, reason it is not a number).

    The text is a plain decimal number (the dataset's rule, :func:`plain_number`): a number
    typed as text may have spaces between digit groups («1 000»), nothing else; the dataset's
    checks then say whether it is a sane count.
    """
    if isinstance(value, bool):
        return None, f"логическое значение {'ИСТИНА' if value else 'ЛОЖЬ'}, а нужно число " \
                     "(для да/нет — 1 или 0)"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return None, "в ячейке дата, а нужно число: Excel принял введённое за дату; " \
                     "введите число заново в ячейку с числовым форматом"
    if isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > _HUGE:
            return None, f"число {value:g} слишком большое: проверьте, нет ли лишних цифр"
        if value and abs(value) < _TINY:  # 1e-320 would be written out as 320 digits
            return None, (f"число {value:g} — почти ноль, но не ноль: в данных таких дробей не "
                          "бывает; введите 0 или верное число")
        if float(value).is_integer():
            return str(int(value)), None
        return format(Decimal(repr(float(value))), "f"), None  # 1e-05 → 0.00001
    text = _text(value)
    if text is None:
        return None, f"значение «{value}» не является числом"
    compact = text.replace(" ", "")
    if np.isnan(plain_number(compact)):
        if looks_like_a_number(compact):
            return None, f"в ячейке «{text}»: {PLAIN_NUMBER_HINT}"
        return None, f"в ячейке текст «{text}», а нужно число"
    return compact, None


def _header_mismatch(ws: _Sheet, row: int, expected: dict[int, str]) -> tuple[int, str] | None:
    """First header cell of ``row`` that differs from ``expected``: (column, found text)."""
    for col, text in expected.items():
        found = ws.cell(row, col).value
        if str(found if found is not None else "").strip() != text:
            return col, "" if found is None else str(found)
    return None


def _check_header(book: Workbook, ws: _Sheet, row: int, expected: dict[int, str]) -> bool:
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


def _read_info(book: Workbook, wb, sheets: dict[str, _Sheet], org_ids: set[str]) -> bool:
    if SHEET_INFO not in sheets:
        book.error(None, None,
                   f"нет листа «{SHEET_INFO}» (в книге листы: {', '.join(wb.sheetnames)}): это "
                   "не шаблон proforient или лист переименован — по нему определяется "
                   "организация")
        return False
    ws = sheets[SHEET_INFO]
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
    if not is_academic_year(book.year):
        book.error(SHEET_INFO, cells["year"], f"учебный год «{book.year}» {ACADEMIC_YEAR_HINT}")
        ok = False
    return ok


def _read_measures(book: Workbook, wb, sheets: dict[str, _Sheet],
                   catalogue: MeasureCatalogue) -> None:
    if SHEET_MEASURES not in sheets:
        book.error(None, None, f"нет листа «{SHEET_MEASURES}» (в книге листы: "
                               f"{', '.join(wb.sheetnames)}): не переименовывайте листы")
        return
    ws = sheets[SHEET_MEASURES]
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
            spec = catalogue.get(code)
            if spec is not None and spec.group == "category" and isinstance(cell.value, str):
                # a category is chosen from its list: the dataset's check reads the name
                text, reason = _text(cell.value).strip(), None
            else:
                text, reason = _number_text(cell.value)
            if reason:
                book.error(ws.title, cell.coordinate, reason)
                continue
            book.measures.append({"measure": code, "grade": "" if grade is None else str(grade),
                                  "value": text, "_cell": cell.coordinate, "_code": code_cell})
            if spec is None or spec.group != "category":
                numbers[(code, grade)] = (float(text.replace(",", ".")), cell.coordinate)
    _check_participants(book, ws.title, numbers, catalogue)


def _check_participants(book: Workbook, sheet: str,
                        numbers: dict[tuple[str, int | None], tuple[float, str]],
                        catalogue: MeasureCatalogue) -> None:
    """Participants of a grade (or of the total column) above the enrolment beside them
    (``bounded_by`` in the catalogue)."""
    for part, base in catalogue.bases.items():
        for grade in (*GRADES, None):
            if (part, grade) not in numbers or (base, grade) not in numbers:
                continue
            (n_part, cell), (n_base, base_cell) = numbers[(part, grade)], numbers[(base, grade)]
            if n_part > n_base:
                where = "всего" if grade is None else f"{grade} класс"
                book.error(sheet, cell,
                           f"{where}: «{catalogue.label(part)}» — {n_part:g}, это больше, чем "
                           f"«{catalogue.label(base)}» — {n_base:g} (ячейка {base_cell}); "
                           "участников не может быть больше, чем обучающихся")


def _read_graduates(book: Workbook, wb, sheets: dict[str, _Sheet], required: bool) -> None:
    if SHEET_GRADUATES not in sheets:
        if required:
            book.error(None, None, f"нет листа «{SHEET_GRADUATES}» (в книге листы: "
                                   f"{', '.join(wb.sheetnames)}): не переименовывайте листы")
        return
    ws = sheets[SHEET_GRADUATES]
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


#: The sheets collect reads, and how many columns of each.
_SHEET_COLUMNS = {
    SHEET_INFO: 2,
    SHEET_MEASURES: TOTAL_COL,
    SHEET_GRADUATES: len(GRADUATE_FIELDS) + len(SUBJECT_HEADERS),
}
FORMULA_WITHOUT_VALUE = ("в ячейке формула без вычисленного значения (книгу сохранила программа, "
                         "а не Excel): откройте книгу в Excel и сохраните её — Excel вычислит "
                         "формулы; или введите вместо формулы число")


def read_workbook(path: Path, org_ids: set[str], school_ids: set[str],
                  catalogue: MeasureCatalogue) -> Workbook:
    """Read one workbook with the workbook-specific checks (no dataset rules yet).

    The file is looked into first (:func:`~proforient.excel.scan.scan_workbook`): a file too big,
    or a sheet with values beyond :data:`~proforient.excel.scan.MAX_SHEET_ROWS` rows, is refused
    before it is loaded; a formula without a computed value is an error on its cell (the
    workbook is not collected: the cell would read as empty and delete the value it replaces).

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file.
    org_ids : set of str
        Organisations of the dataset.
    school_ids : set of str
        Those of kind ``school`` (their workbooks must have a graduates sheet).
    catalogue : MeasureCatalogue
        The district's measures (which are categories, which participants are bounded by
        which enrolment).

    Returns
    -------
    Workbook
        The values with their cells, and the problems found.
    """
    book = Workbook(path.name)
    scan = scanning.scan_workbook(path, tuple(_SHEET_COLUMNS))
    if scan.problem is not None:
        book.error(None, None, scan.problem)
        return book
    for sheet, seen in scan.sheets.items():
        if seen.problem is not None:
            book.error(sheet, None, seen.problem)
    if book.failed:
        return book
    try:
        if not scan.readable:
            raise zipfile.BadZipFile
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken or foreign file
        # what the file is (empty, password-protected, not a book), not Python's name for it
        book.error(None, None, f"книга не открывается: {scanning.unreadable_reason(path)}")
        return book
    try:
        # a sheet the look did not find (a part named unusually) is read up to the limit
        sheets = {name: _Sheet(wb[name], scan.sheets[name].last_row if name in scan.sheets
                               else scanning.MAX_SHEET_ROWS, columns)
                  for name, columns in _SHEET_COLUMNS.items() if name in wb.sheetnames}
        for name, seen in scan.sheets.items():
            for coord in seen.formulas:
                book.error(name, coord, FORMULA_WITHOUT_VALUE)
            if seen.formula_count > len(seen.formulas):
                book.error(name, None, f"и ещё {seen.formula_count - len(seen.formulas)} ячеек "
                                       "с формулами без вычисленного значения")
        if _read_info(book, wb, sheets, org_ids):
            book.identified = True
            _read_measures(book, wb, sheets, catalogue)
            _read_graduates(book, wb, sheets, required=book.org_id in school_ids)
    finally:
        wb.close()
    return book
