"""The workbook layout: the contract between :mod:`~proforient.excel.template`, which writes
the workbooks, and :mod:`~proforient.excel.workbook`, which reads them back.

Text taken from the dataset that starts with ``= + - @`` (or an apostrophe) gets a leading
apostrophe in a cell so that Excel does not run it as a formula (:func:`escape_text`); the same
rule protects exported tables (:mod:`proforient.excel.export`).
"""

from __future__ import annotations

from proforient.vocab import GRADES, SUBJECTS

#: A text cell starting with one of these would be a formula (or break one) in Excel.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Version of the layout written into «Сведения»; collect refuses other versions.
FORM_VERSION = "proforient-1"

SHEET_INSTRUCTIONS = "Инструкция"
SHEET_MEASURES = "Показатели"
SHEET_GRADUATES = "Выпускники"
SHEET_INFO = "Сведения"
SHEET_LISTS = "Списки"

#: «Сведения»: field → (row, label in column A); values are in column B.
INFO_ROWS: dict[str, tuple[int, str]] = {
    "org_id": (3, "Код организации"),
    "name": (4, "Организация"),
    "kind": (5, "Вид организации"),
    "year": (6, "Учебный год"),
    "version": (7, "Версия формы"),
}
INFO_VALUE_COLUMN = "B"

#: «Показатели»: header row, first measure row and columns.
MEASURES_HEADER_ROW = 4
MEASURES_FIRST_ROW = 5
CODE_COL, LABEL_COL, UNIT_COL = 1, 2, 3
FIRST_GRADE_COL = 4  # grade g is in column FIRST_GRADE_COL + g - 1 (D = 1st grade … N = 11th)
TOTAL_COL = FIRST_GRADE_COL + len(GRADES)  # O
TOTAL_HEADER = "Всего"
MEASURES_HEADERS: dict[int, str] = {
    CODE_COL: "Код",
    LABEL_COL: "Показатель",
    UNIT_COL: "Единица",
    **{FIRST_GRADE_COL + g - 1: f"{g} кл." for g in GRADES},
    TOTAL_COL: TOTAL_HEADER,
}

#: «Выпускники»: header row, first data row and the columns (field → header), in order; the
#: ЕГЭ subjects follow, one column each (:data:`SUBJECT_HEADERS`).
GRADUATES_HEADER_ROW = 3
GRADUATES_FIRST_ROW = 4
GRADUATE_FIELDS: dict[str, str] = {
    "graduate_id": "Код выпускника (не ФИО)",
    "grade": "Класс (9 или 11)",
    "profile": "Профиль / предпрофильная группа",
    "destination": "Куда поступил",
    "institution": "Учебное заведение",
    "specialty_code": "Код специальности (ОКСО)",
    "specialty_name": "Специальность, профессия (как в документах)",
    "study_region": "Регион обучения",
}
#: ЕГЭ subject code → header of its column, after :data:`GRADUATE_FIELDS`.
SUBJECT_HEADERS: dict[str, str] = {t.code: f"ЕГЭ: {t.label}" for t in SUBJECTS}
#: What marks a chosen subject (the drop-down's only value); collect also accepts these.
SUBJECT_MARK = "да"
SUBJECT_MARKS_ACCEPTED = ("да", "1", "+", "x", "х", "v", "✓", "✔")
SUBJECT_MARKS_EMPTY = ("", "нет", "0", "-")
#: Empty graduate rows offered beyond the prefilled ones (and at least this many rows in all).
SPARE_GRADUATE_ROWS = 60
MIN_GRADUATE_ROWS = 150

SECTIONS: dict[str, str] = {
    "enrolment": "Численность",
    "participants": "Участники (число разных обучающихся, а не участий)",
    "events": "Проведено мероприятий",
    "hours": "Часы",
    "flag": "Да / нет",
    "category": "Выбор из списка",
}
UNITS: dict[str, str] = {
    "enrolment": "чел.",
    "participants": "чел.",
    "events": "ед.",
    "hours": "ч",
    "flag": "1 — да, 0 — нет",
    "category": "из списка",
}


def escape_text(text: str) -> str:
    """Return ``text`` safe for a cell: a leading ``'`` before ``= + - @`` (formula injection).

    A text already starting with an apostrophe gets one more, so that :func:`unescape_text`
    restores every value exactly.
    """
    return "'" + text if text.startswith((*FORMULA_STARTS, "'")) else text


def unescape_text(text: str) -> str:
    """Undo :func:`escape_text`: drop one leading ``'`` put there by the template."""
    if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_STARTS, "'"):
        return text[1:]
    return text


def grade_column(grade: int) -> int:
    """Column index (1-based) of ``grade`` on the «Показатели» sheet."""
    return FIRST_GRADE_COL + grade - 1
