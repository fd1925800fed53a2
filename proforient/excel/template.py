"""Excel templates for collecting a year's data from the organisations
(docs/data-contract.md, «Сбор данных в Excel»).

One workbook per organisation, prefilled from the dataset, so that a school corrects rather than
retypes. The layout is a contract shared with :mod:`proforient.excel.collect`, which reads the
workbooks back; it is defined once here (sheet names, header rows, columns).

Workbook layout
---------------
``Инструкция``
    What to fill and how, in Russian: the measures, the accepted names of profiles,
    destinations and ЕГЭ subjects, the protection.
``Показатели``
    A grid: one row per measure (grouped under section rows: численность, участники,
    мероприятия, да/нет), columns ``A`` measure code, ``B`` Russian label, ``C`` unit,
    ``D``–``N`` grades 1–11, ``O`` «Всего» (a total not split by grade). Row 4 holds the
    headers, measures start in row 5. White cells are for input: the grades the roadmap uses
    for the measure, or «Всего» for a measure counted as a total; a cell that already holds a
    value in the dataset is white too, whatever its column. An empty cell means "not reported",
    0 means zero.
``Выпускники`` (schools only)
    One row per graduate of grades 9 and 11 from row 4 on (row 3: headers): graduate code,
    grade (drop-down 9/11), profile (drop-down), destination (drop-down), institution,
    specialty code and name, study region, then one column per ЕГЭ subject («ЕГЭ: физика»…,
    drop-down «да»; empty = not chosen). Columns rather than a typed list: nothing to misspell,
    and a drop-down per subject.
``Сведения``
    Whose workbook it is: organisation id (``B3``), name, kind, academic year (``B6``) and the
    form version (``B7``). Collect identifies the workbook by this sheet, not by its file name.
``Списки`` (hidden)
    The values of the drop-down lists.

Every sheet is protected without a password (Рецензирование → Снять защиту листа), input cells
are unlocked; the workbook structure is protected too, so that sheets are not renamed. Text
taken from the dataset that starts with ``= + - @`` or an apostrophe gets a leading apostrophe
(formula injection); :func:`unescape_text` strips it back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from proforient.dataset import load_dataset
from proforient.excel.layout import (
    CODE_COL,
    FIRST_GRADE_COL,
    FORM_VERSION,
    GRADUATE_FIELDS,
    GRADUATES_FIRST_ROW,
    GRADUATES_HEADER_ROW,
    INFO_ROWS,
    LABEL_COL,
    MEASURES_FIRST_ROW,
    MEASURES_HEADER_ROW,
    MEASURES_HEADERS,
    MIN_GRADUATE_ROWS,
    SECTIONS,
    SHEET_GRADUATES,
    SHEET_INFO,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    SHEET_MEASURES,
    SPARE_GRADUATE_ROWS,
    SUBJECT_HEADERS,
    SUBJECT_MARK,
    TOTAL_COL,
    UNIT_COL,
    UNITS,
    escape_text,
    grade_column,
)
from proforient.names import short_name
from proforient.parameters import DistrictParameters
from proforient.parameters.measures import Measure, MeasureCatalogue
from proforient.parameters.roadmap import Roadmap
from proforient.parameters.rules import Rules
from proforient.problems import InputError, Problem, os_error_reason
from proforient.vocab import DESTINATIONS, GRADES, GRADUATE_GRADES, KINDS, SUBJECTS

_GREY = PatternFill("solid", fgColor="D9D9D9")
_HEADER = PatternFill("solid", fgColor="DDEBF7")
_SECTION = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_OPEN = Protection(locked=False)


def workbook_file_name(org_id: str, name: str) -> str:
    """File name of an organisation's workbook: its id and a short readable name.

    Parameters
    ----------
    org_id : str
        The organisation id (``sch-07``).
    name : str
        Its full name (``МБОУ Малолуговская СОШ``).

    Returns
    -------
    str
        E.g. ``sch-07_Малолуговская_СОШ.xlsx``: the legal form (МБОУ, МБДОУ, МБУ ДО…) dropped,
        punctuation and quotes replaced by ``_``, at most 40 characters of name, nothing a file
        system refuses.
    """
    safe_id = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFC", org_id)).strip("._") or "org"
    short = short_name(unicodedata.normalize("NFC", name))
    words = re.sub(r"[^\w]+", " ", short).split()
    kept: list[str] = []
    for word in words:
        if len("_".join([*kept, word])) > 40:
            break
        kept.append(word)
    return f"{safe_id}_{'_'.join(kept)}.xlsx" if kept else f"{safe_id}.xlsx"


@dataclass(frozen=True)
class MeasureSlots:
    """Where a measure is typed: the grades the roadmap sums it over, and/or a total."""

    grades: frozenset[int]
    total: bool


def measure_slots(roadmap: Roadmap, kind: str, catalogue: MeasureCatalogue
                  ) -> dict[str, MeasureSlots]:
    """The measures an organisation of ``kind`` reports, derived from the roadmap.

    Parameters
    ----------
    roadmap : Roadmap
        The year's roadmap.
    kind : str
        Canonical organisation kind (``school``, ``preschool``…).
    catalogue : MeasureCatalogue
        The district's measures (their order).

    Returns
    -------
    dict
        Measure code → :class:`MeasureSlots`, in the catalogue's order: every numerator and
        denominator measure of the indicators that apply to ``kind``; by grade over the union of
        the grade ranges that use it, as a total where an indicator uses it without grades.
    """
    grades: dict[str, set[int]] = {}
    total: dict[str, bool] = {}
    for ind in roadmap.indicators:
        if kind not in ind.applies_to or ind.source != "measures":
            continue
        for operand in (ind.numerator, ind.denominator):
            if operand is None:
                continue
            grades.setdefault(operand.measure, set())
            total.setdefault(operand.measure, False)
            if operand.grades is None:
                total[operand.measure] = True
            else:
                lo, hi = operand.grades
                grades[operand.measure] |= set(range(lo, hi + 1))
    return {m: MeasureSlots(frozenset(grades[m]), total[m]) for m in catalogue if m in grades}


# --------------------------------------------------------------------------------------------
# Writing one workbook


def _cell_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _style_header(cell) -> None:
    cell.font = Font(bold=True)
    cell.fill = _HEADER
    cell.border = _BOX
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _protect(ws: Worksheet) -> None:
    """Protect a sheet without a password; columns may still be widened."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _write_lists(wb: Workbook, rules: Rules) -> dict[str, str]:
    """The hidden sheet with the drop-down values; return field → range reference."""
    ws = wb.create_sheet(SHEET_LISTS)
    columns = {
        "profile": ("Профиль", [p.label for p in rules.profiles.values()]),
        "destination": ("Куда поступил", [t.label for t in DESTINATIONS]),
        "grade": ("Класс", list(GRADUATE_GRADES)),
    }
    refs: dict[str, str] = {}
    for col, (field, (title, values)) in enumerate(columns.items(), start=1):
        letter = get_column_letter(col)
        ws.cell(1, col, title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            ws.cell(row, col, value)
        ws.column_dimensions[letter].width = 32
        refs[field] = f"'{SHEET_LISTS}'!${letter}$2:${letter}${len(values) + 1}"
    _protect(ws)
    ws.sheet_state = "hidden"
    return refs


def _write_info(wb: Workbook, org: pd.Series, year: str) -> None:
    ws = wb.create_sheet(SHEET_INFO)
    ws["A1"] = "Сведения о книге"
    ws["A1"].font = Font(bold=True, size=13)
    values = {"org_id": org["org_id"], "name": org["name"], "kind": KINDS.label(org["kind"]),
              "year": year, "version": FORM_VERSION}
    for field, (row, label) in INFO_ROWS.items():
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.cell(row, 2, escape_text(str(values[field]) if pd.notna(values[field]) else ""))
    ws.cell(9, 1, "Не меняйте этот лист: по нему программа узнаёт, чья это книга и за какой год.")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 70
    _protect(ws)


def _write_measures(wb: Workbook, org: pd.Series, year: str, slots: dict[str, MeasureSlots],
                    values: pd.DataFrame, catalogue: MeasureCatalogue) -> None:
    """The grid: measures × grades 1–11 and «Всего», prefilled with ``values``."""
    ws = wb.create_sheet(SHEET_MEASURES)
    ws["A1"] = f"Показатели профориентационной работы: {escape_text(str(org['name']))}, " \
               f"{year} учебный год"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = ("Вводите числа в белые ячейки. Пустая ячейка — «нет данных», 0 — «ноль». "
                "Подробно — на листе «Инструкция».")
    ws["A2"].font = Font(italic=True)
    ws.merge_cells(start_row=3, start_column=FIRST_GRADE_COL, end_row=3,
                   end_column=TOTAL_COL - 1)
    _style_header(ws.cell(3, FIRST_GRADE_COL, "Классы"))
    for col, text in MEASURES_HEADERS.items():
        _style_header(ws.cell(MEASURES_HEADER_ROW, col, text))

    known = {(m, None if pd.isna(g) else int(g)): v
             for m, g, v in values[["measure", "grade", "value"]].itertuples(index=False)}
    present: dict[str, MeasureSlots] = dict(slots)
    for measure, grade in known:  # a value in the data always gets its cell
        old = present.get(measure, MeasureSlots(frozenset(), False))
        present[measure] = MeasureSlots(old.grades | ({grade} if grade else set()),
                                        old.total or grade is None)
    ordered = [m for m in catalogue if m in present]

    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, showErrorMessage=True, errorTitle="Нужно число",
                            error="Введите целое число не меньше 0 или оставьте ячейку пустой.")
    flags = DataValidation(type="list", formula1='"0,1"', allow_blank=True,
                           showErrorMessage=True, errorTitle="Нужно 1 или 0",
                           error="Введите 1 (да) или 0 (нет) или оставьте ячейку пустой.")
    ws.add_data_validation(counts)
    ws.add_data_validation(flags)
    choices: dict[str, DataValidation] = {}

    row = MEASURES_FIRST_ROW
    section = None
    for measure in ordered:
        spec = catalogue[measure]
        if spec.group != section:
            section = spec.group
            cell = ws.cell(row, LABEL_COL, SECTIONS.get(section, section))
            cell.font = Font(bold=True)
            for col in range(CODE_COL, TOTAL_COL + 1):
                ws.cell(row, col).fill = _SECTION
            row += 1
        ws.cell(row, CODE_COL, measure).font = Font(color="808080", size=9)
        ws.cell(row, LABEL_COL, spec.label).alignment = Alignment(wrap_text=True,
                                                                   vertical="center")
        ws.cell(row, UNIT_COL, UNITS.get(spec.group, ""))
        slot = present[measure]
        for col, grade in [*((grade_column(g), g) for g in GRADES), (TOTAL_COL, None)]:
            cell = ws.cell(row, col)
            cell.border = _BOX
            cell.alignment = Alignment(horizontal="center")
            is_input = slot.total if grade is None else grade in slot.grades
            if (measure, grade) in known:
                number = known[(measure, grade)]
                cell.value = (spec.category_label(number) if spec.group == "category"
                              else _cell_number(number))
            if is_input:
                cell.protection = _OPEN
                if spec.group == "category":
                    _category_validation(ws, choices, spec).add(cell.coordinate)
                else:
                    (flags if spec.group == "flag" else counts).add(cell.coordinate)
            else:
                cell.fill = _GREY
        row += 1
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 58
    ws.column_dimensions["C"].width = 15
    for col in range(FIRST_GRADE_COL, TOTAL_COL + 1):
        ws.column_dimensions[get_column_letter(col)].width = 7
    ws.column_dimensions[get_column_letter(TOTAL_COL)].width = 9
    ws.freeze_panes = ws.cell(MEASURES_FIRST_ROW, FIRST_GRADE_COL)
    _protect(ws)


def _graduate_cells(row: pd.Series, rules: Rules) -> dict[str, object]:
    """One canonical graduate → the cell values of the sheet (Russian labels)."""
    def text(value) -> str:
        return "" if pd.isna(value) else escape_text(str(value))

    profile = row["profile"]
    chosen = set() if pd.isna(row["ege_subjects"]) else set(str(row["ege_subjects"]).split(";"))
    return {
        "graduate_id": text(row["graduate_id"]),
        "grade": None if pd.isna(row["grade"]) else int(row["grade"]),
        "profile": "" if pd.isna(profile) else rules.profiles[profile].label,
        "destination": DESTINATIONS.label(row["destination"]),
        "institution": text(row["institution"]),
        "specialty_code": text(row["specialty_code"]),
        "specialty_name": text(row["specialty_name"]),
        "study_region": text(row["study_region"]),
        **{f"ege:{code}": SUBJECT_MARK if code in chosen else "" for code in SUBJECT_HEADERS},
    }


def _write_graduates(wb: Workbook, org: pd.Series, year: str, graduates: pd.DataFrame,
                     rules: Rules, lists: dict[str, str]) -> None:
    ws = wb.create_sheet(SHEET_GRADUATES)
    ws["A1"] = f"Выпускники 9 и 11 классов {year} учебного года: {escape_text(str(org['name']))}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = ("Одна строка — один выпускник. Код выпускника — условный (например, 9-01), "
                "не фамилия. Подробно — на листе «Инструкция».")
    ws["A2"].font = Font(italic=True)
    fields = [*GRADUATE_FIELDS, *(f"ege:{code}" for code in SUBJECT_HEADERS)]
    headers = [*GRADUATE_FIELDS.values(), *SUBJECT_HEADERS.values()]
    for col, header in enumerate(headers, start=1):
        _style_header(ws.cell(GRADUATES_HEADER_ROW, col, header))
    ws.row_dimensions[GRADUATES_HEADER_ROW].height = 45
    n_rows = max(len(graduates) + SPARE_GRADUATE_ROWS, MIN_GRADUATE_ROWS)
    last = GRADUATES_FIRST_ROW + n_rows - 1
    for offset, (_, grad) in enumerate(graduates.iterrows()):
        for col, value in enumerate(_graduate_cells(grad, rules).values(), start=1):
            if value not in ("", None):
                ws.cell(GRADUATES_FIRST_ROW + offset, col, value)
    for col, field in enumerate(fields, start=1):
        for row in range(GRADUATES_FIRST_ROW, last + 1):
            cell = ws.cell(row, col)
            cell.protection = _OPEN
            cell.border = _BOX
            if field != "grade":
                cell.number_format = "@"  # codes like 15.02.16 or 9-01 must stay text
            if field.startswith("ege:"):
                cell.alignment = Alignment(horizontal="center")
    for field, title in (("grade", "Класс выпуска"), ("profile", "Профиль"),
                         ("destination", "Куда поступил")):
        letter = get_column_letter(fields.index(field) + 1)
        dv = DataValidation(type="list", formula1=lists[field], allow_blank=True,
                            showErrorMessage=True, errorTitle=title,
                            error="Выберите значение из списка (стрелка справа от ячейки).")
        ws.add_data_validation(dv)
        dv.add(f"{letter}{GRADUATES_FIRST_ROW}:{letter}{last}")
    first, end = get_column_letter(len(GRADUATE_FIELDS) + 1), get_column_letter(len(fields))
    marks = DataValidation(type="list", formula1=f'"{SUBJECT_MARK}"', allow_blank=True,
                           showErrorMessage=True, errorTitle="Предмет ЕГЭ",
                           error=f"Выберите «{SUBJECT_MARK}», если выпускник сдавал этот "
                                 "предмет, или оставьте ячейку пустой.")
    ws.add_data_validation(marks)
    marks.add(f"{first}{GRADUATES_FIRST_ROW}:{end}{last}")
    widths = [16, 10, 26, 26, 40, 16, 44, 20] + [12] * len(SUBJECT_HEADERS)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(GRADUATES_FIRST_ROW, 1)
    _protect(ws)


def _category_validation(ws: Worksheet, choices: dict[str, DataValidation],
                         spec: Measure) -> DataValidation:
    """The drop-down of a category measure's values (one per measure, made on first use)."""
    if spec.code not in choices:
        listed = ",".join(v.replace('"', "'").replace(",", " ") for v in spec.values)
        choices[spec.code] = DataValidation(
            type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True,
            errorTitle="Выберите из списка",
            error="Выберите значение из списка (стрелка справа от ячейки): "
                  + ", ".join(spec.values) + ".")
        ws.add_data_validation(choices[spec.code])
    return choices[spec.code]


def _instruction_lines(org: pd.Series, year: str, slots: dict[str, MeasureSlots],
                       rules: Rules, school: bool) -> list[tuple[str, str]]:
    """(style, text) lines of the instructions sheet; style is ``title``, ``head`` or ``text``."""
    lines: list[tuple[str, str]] = [
        ("title", f"Сбор данных по профориентации за {year} учебный год"),
        ("text", f"Организация: {org['name']} (код {org['org_id']})."),
        ("text", "Книга уже заполнена тем, что есть у Управления образования: проверьте, "
                 "исправьте и дополните. Сохраните книгу в формате .xlsx и верните её."),
        ("head", f"Лист «{SHEET_MEASURES}»"),
        ("text", "Строки — показатели, столбцы — классы с 1 по 11 и «Всего» (итог, не "
                 "разделённый по классам). Вводите числа только в белые ячейки: это классы, по "
                 "которым считается показатель дорожной карты; серые ячейки не нужны."),
        ("text", "Пустая ячейка значит «нет данных», 0 — «ноль». Не ставьте 0 вместо "
                 "неизвестного числа: показатель будет посчитан неверно."
                 + (" Классов, которых в школе нет, не заполняйте."
                    if any(slot.grades for slot in slots.values()) else "")),
        ("text", "Участники — это число разных детей (один ребёнок на трёх мероприятиях "
                 "считается один раз). Участников не может быть больше, чем всего обучающихся "
                 "(воспитанников) — в каждом классе и в итоге."),
        ("text", "Да/нет: 1 — да, 0 — нет. Мероприятия — количество проведённых, целым числом."),
        ("text", "Показатели этой книги:"),
    ]
    for measure, slot in slots.items():
        spec = rules.measures[measure]
        where = []
        if slot.grades:
            lo, hi = min(slot.grades), max(slot.grades)
            where.append(f"по классам {lo}–{hi}" if len(slot.grades) == hi - lo + 1
                         else "по классам " + ", ".join(map(str, sorted(slot.grades))))
        if slot.total:
            where.append("итогом в столбце «Всего»")
        choose = (f"; выберите из списка: {', '.join(spec.values)}"
                  if spec.group == "category" else "")
        lines.append(("text", f"    • {spec.label} ({UNITS.get(spec.group, '')}) — "
                              f"{' и '.join(where)}{choose}"))
    if school:
        lines += [
            ("head", f"Лист «{SHEET_GRADUATES}»"),
            ("text", "Одна строка — один выпускник 9 или 11 класса этого учебного года. Код "
                     "выпускника — любой условный код, единственный в школе (например, 9-01, "
                     "11-05); фамилии и имена не вписывайте."),
            ("text", "Класс, профиль и «Куда поступил» выбираются из списка (стрелка справа от "
                     "ячейки). Профиль 9 класса — предпрофильная группа; если профиля нет, "
                     "оставьте пустым."),
            ("text", "Профили: " + "; ".join(p.label for p in rules.profiles.values()) + "."),
            ("text", "Куда поступил: " + "; ".join(t.label for t in DESTINATIONS)
                     + ". Пусто — «неизвестно»."),
            ("text", f"Предметы ЕГЭ (только 11 класс): в столбцах «ЕГЭ: …» выберите "
                     f"«{SUBJECT_MARK}» у каждого предмета, который выпускник сдавал; остальные "
                     "оставьте пустыми. Столбцы: "
                     + "; ".join(t.label for t in SUBJECTS) + "."),
            ("text", "Код специальности — по ОКСО, вида 15.02.16. Если кода нет, впишите "
                     "название специальности или профессии, как в документах учебного "
                     "заведения."),
            ("text", f"Пустые строки не учитываются. Если строк не хватает, снимите защиту "
                     f"листа и добавьте строки в конце таблицы, не сдвигая заголовки "
                     f"(строка {GRADUATES_HEADER_ROW})."),
        ]
    lines += [
        ("head", "Что не менять"),
        ("text", "Не переименовывайте и не удаляйте листы, не переставляйте строки и столбцы, "
                 f"не меняйте лист «{SHEET_INFO}»: по нему программа узнаёт организацию и год. "
                 "Заголовки и коды заблокированы, чтобы их нельзя было сдвинуть случайно."),
        ("text", "Защита листов без пароля: если её нужно снять, «Рецензирование» → «Снять "
                 "защиту листа» (пароль не нужен). После правки поставьте защиту обратно."),
        ("text", "Если при сборе найдутся ошибки, Управление образования сообщит лист, ячейку "
                 "и причину; исправьте их в этой же книге и пришлите её снова."),
    ]
    return lines


def _write_instructions(wb: Workbook, lines: list[tuple[str, str]]) -> None:
    ws = wb.active
    ws.title = SHEET_INSTRUCTIONS
    ws.column_dimensions["A"].width = 120
    for row, (style, text) in enumerate(lines, start=1):
        cell = ws.cell(row, 1, escape_text(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style == "title":
            cell.font = Font(bold=True, size=14)
        elif style == "head":
            cell.font = Font(bold=True, size=12)
    _protect(ws)


def build_workbook(org: pd.Series, year: str, roadmap: Roadmap, measures: pd.DataFrame,
                   graduates: pd.DataFrame, rules: Rules) -> Workbook:
    """Build the workbook of one organisation.

    Parameters
    ----------
    org : pandas.Series
        A row of the canonical ``organizations`` table.
    year : str
        The academic year.
    roadmap : Roadmap
        The year's roadmap (which measures the organisation's kind reports, by which grades).
    measures, graduates : pandas.DataFrame
        The canonical rows of this organisation and year (prefilled); may be empty.
    rules : Rules
        The district's profiles (labels of the drop-down list).

    Returns
    -------
    openpyxl.Workbook
        Not saved. A graduates sheet only for schools (or where the data hold graduates).
    """
    slots = measure_slots(roadmap, org["kind"], rules.measures)
    school = org["kind"] == "school" or len(graduates) > 0
    wb = Workbook()
    _write_instructions(wb, _instruction_lines(org, year, slots, rules, school))
    _write_measures(wb, org, year, slots, measures, rules.measures)
    lists = _write_lists(wb, rules)
    if school:
        _write_graduates(wb, org, year, graduates, rules, lists)
    _write_info(wb, org, year)
    wb.move_sheet(SHEET_LISTS, offset=len(wb.sheetnames))
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0
    return wb


def make_templates(data_dir: str | Path, year: str, out_dir: str | Path,
                   params: DistrictParameters, org_ids: Iterable[str] | None = None
                   ) -> list[Path]:
    """Write one prefilled collection workbook per organisation.

    Parameters
    ----------
    data_dir : str or Path
        The dataset the templates are prefilled from (its ``organizations`` say who gets one).
    year : str
        The academic year to collect, ``YYYY-YYYY``. A year absent from the data gives empty
        templates (a new year).
    out_dir : str or Path
        Where to write the workbooks (created if needed; existing files of the same name are
        replaced).
    params : DistrictParameters
        The district's rules and roadmaps: the roadmap that judges ``year`` (or, for a year
        before the first roadmap, the first one) says which measures each workbook asks for.
    org_ids : iterable of str, optional
        Only these organisations (default: all of them).

    Returns
    -------
    list of Path
        The written workbooks, in the order of ``organizations``.

    Raises
    ------
    InputError
        When the dataset has errors (a template must not silently drop rows), an org id is
        unknown or the folder cannot be written.
    """
    rules = params.rules
    dataset = load_dataset(data_dir, rules)
    roadmap = params.roadmaps.definitions_for(year)
    orgs = dataset.organizations
    if org_ids is not None:
        wanted = list(dict.fromkeys(org_ids))
        unknown = sorted(set(wanted) - set(orgs["org_id"]))
        if unknown:
            raise InputError([Problem("organizations.csv", None, "org_id",
                                      f"нет организаций: {', '.join(unknown)}")])
        orgs = orgs[orgs["org_id"].isin(wanted)]
    measures = dataset.measures[dataset.measures["year"] == year]
    graduates = dataset.graduates[dataset.graduates["year"] == year]
    out = Path(out_dir)
    written: list[Path] = []
    names: set[str] = set()
    try:
        out.mkdir(parents=True, exist_ok=True)
        for _, org in orgs.iterrows():
            wb = build_workbook(org, year, roadmap,
                                measures[measures["org_id"] == org["org_id"]],
                                graduates[graduates["org_id"] == org["org_id"]], rules)
            name = workbook_file_name(org["org_id"], org["name"])
            while name.casefold() in names:  # two ids that sanitise alike
                name = name.removesuffix(".xlsx") + "_.xlsx"
            names.add(name.casefold())
            path = out / name
            wb.save(path)
            written.append(path)
    except OSError as exc:
        reason = f"не удалось записать шаблоны: {os_error_reason(exc)}"
        raise InputError([Problem(str(out), None, None, reason)]) from None
    return written
