"""Tables for people: the API's tidy frames in the department's language, and a CSV for Excel.

The analyst's API (:mod:`proforient.explore`) returns tidy frames — English column codes,
shares as fractions, statuses as codes — so that code can filter and join them. The same frames
shown to the department go through :func:`russian`: Russian headers, shares as percentages
(«71,2 %»), changes in percentage points, statuses, funnel positions and yes/no in words, the
code columns replaced by their labels. :func:`to_excel_csv` writes a frame as a CSV file that
Russian Excel opens as it is (``;`` between columns, a decimal comma, UTF-8 with BOM).

::

    from proforient.display import russian, to_excel_csv

    russian(district.funnel("diagnostics_share"))        # as a cell's last line
    to_excel_csv(district.graduates_by_school(), "выпускники.csv")
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from proforient.compute.alignment import Analysis
from proforient.excel.export import INDICATOR_HEADERS, SCOPE_LABELS, neutralise_formulas
from proforient.problems import InputError, Problem, os_error_reason
from proforient.vocab import INDICATOR_KINDS, STATUSES

__all__ = ["HEADERS", "POSITION_LABELS", "russian", "to_excel_csv"]

#: Where a school lies in a funnel plot (:meth:`proforient.explore.District.funnel`), in words
#: (the school report's wording).
POSITION_LABELS: dict[str, str] = {
    "far_below": "намного ниже района",
    "below": "ниже района",
    "inside": "в пределах обычного разброса",
    "above": "выше района",
    "far_above": "намного выше района",
}

SEVERITY_LABELS = {"error": "ошибка", "warning": "предупреждение"}

#: Russian headers of every column the analyst's API returns.
HEADERS: dict[str, str] = {
    **INDICATOR_HEADERS,
    "value": "Значение",
    "target": "Цель",
    "ci_low": "95% интервал: от",
    "ci_high": "95% интервал: до",
    "orgs_met": "Организаций достигли цели",
    "roadmap": "Дорожная карта",
    # trends and funnels
    "prev_year": "Прошлый год",
    "prev_value": "Значение в прошлом году",
    "change": "Изменение к прошлому году",
    "p_value": "p (точный тест Фишера)",
    "significant": "Изменение значимо",
    "district_value": "Район в целом",
    "series_id": "Ряд (первый id показателя)",
    "year_indicator_id": "Id показателя в этом году",
    "break_year": "Считается по-другому с",
    "break_change": "Что изменилось в расчёте",
    "share": "Доля",
    "p0": "Доля района",
    "position": "Положение в воронке",
    # graduates
    "grade": "Класс",
    "graduates": "Выпускники",
    "admitted": "Поступили в СПО или вуз",
    "admitted_checked": "Поступившие с проверяемым профилем",
    "admitted_by_profile": "Из них по профилю",
    "admitted_by_profile_share": "Поступили по профилю",
    "grade11_checked": "Выпускники 11 кл. с проверяемым профилем",
    "ege_match": "Из них с ЕГЭ по профилю",
    "ege_match_share": "ЕГЭ по профилю",
    "in_demand": "Поступили на востребованные специальности",
    "in_demand_share": "Доля поступивших на востребованные",
    # supply and demand, profile flows, study location, samples
    "territory": "Территория",
    "ugs_code": "Код УГС",
    "ugs_name": "Укрупнённая группа специальностей",
    "demand_entries": "Строк в списке востребованных",
    "vacancies": "Вакансии",
    "entries_without_vacancies": "Строк без числа вакансий",
    "graduates_entered": "Поступили в группу",
    "graduates_on_list": "Поступили на специальности списка",
    "gap": "Разрыв (вакансии минус поступившие)",
    "profile": "Профиль",
    "by_profile": "По профилю",
    "location": "Где учатся",
    "label": "Описание",
    "reason": "Группа выпускников",
    "included": "Учтены",
    # organisations
    "name": "Полное название",
    "short": "Краткое название",
    "students": "Обучающиеся",
    "grades": "Классы",
    "has_graduates": "Есть выпускники",
    "school_type": "Тип школы",
    "peer_basis": "Основа сравнения",
    "peer_group": "Группа похожих школ",
    "peers": "Похожие школы",
    # the roadmap
    "number": "№",
    "goal": "Задача",
    "activity": "Мероприятие",
    "deadline": "Срок",
    "expected_result": "Ожидаемый результат",
    "executors": "Исполнители",
    "applies_to": "Для кого",
    "source": "Источник",
    # problems and the specialty review
    "file": "Файл",
    "line": "Строка",
    "column": "Столбец",
    "severity": "Важность",
    "message": "Сообщение",
    "specialty_name": "Специальность (как записала школа)",
    "resolved_by": "Как распознана",
    "match_score": "Сходство",
    "candidate_code": "Код-кандидат",
    "candidate_name": "Специальность-кандидат",
    "unknown_codes": "Неизвестные коды",
}

#: A code column → the column that holds its Russian label (the code column is dropped).
_LABELLED = {"status": "status_label", "kind": "kind_label", "territory": "territory_label",
             "profile": "profile_label", "location": "label", "reason": "label"}

#: Fractions whatever the row (shares of every kind of table).
_FRACTIONS = {"share", "p0", "district_value", "prev_value"}
#: Fractions only in rows of a share or a flag (a count stays a number) when the frame says the
#: kind of each row; a frame without ``kind`` (trends, funnels) holds shares only.
_BY_KIND = ("value", "target", "ci_low", "ci_high")
#: Changes of a share, in percentage points.
_POINTS = {"change"}

NO_VALUE = "—"


def russian(frame: pd.DataFrame | Analysis, *, numbers: bool = False) -> pd.DataFrame:
    """Return a table of the analyst's API as the department reads it.

    Parameters
    ----------
    frame : DataFrame or Analysis
        A frame of :mod:`proforient.explore` (any subset of its columns), or an analysis
        (its ``table``).
    numbers : bool, default False
        ``False`` — text for the screen: «71,2 %», «+3,5 п. п.», «да», «—» for no value.
        ``True`` — numbers for a spreadsheet: shares in percent rounded to 0.1 (the header
        says «, %»), changes in percentage points, missing values empty.

    Returns
    -------
    DataFrame
        A new frame: Russian headers (:data:`HEADERS`; an unknown column keeps its name),
        the code columns that have a label column (``status`` / ``status_label``…) replaced
        by the label, statuses, funnel positions, territories and levels in words, booleans
        as «да»/«нет». ``value`` and ``target`` are percentages in the rows of a share or a
        flag and numbers in the rows of a count. The index is kept.

    Examples
    --------
    >>> russian(pd.DataFrame({"share": [0.711538], "position": ["far_below"]}))
         Доля  Положение в воронке
    0  71,2 %  намного ниже района
    """
    if isinstance(frame, Analysis):
        frame = frame.table
    out = frame.copy()
    org_kinds = "kind_label" in out
    for code, label in _LABELLED.items():
        if code in out and label in out:
            out[code] = out[label]
            out = out.drop(columns=label)
    kind = out["kind"].astype("object") if "kind" in out else None
    fraction_rows = (kind.isin(["share", "flag"]).to_numpy() if kind is not None
                     and kind.isin(INDICATOR_KINDS.codes).all() else None)
    # one organisation's flag is yes or no; the district's is the share of organisations
    yes_no = (kind.eq("flag").to_numpy() & (out["scope"].astype("object") == "org").to_numpy()
              if fraction_rows is not None and "scope" in out else None)
    headers = {}
    for col in out.columns:
        header = "Вид организации" if col == "kind" and org_kinds else HEADERS.get(col, col)
        if col.endswith("_label") and col not in HEADERS:  # a label without its code column
            header = HEADERS.get(col.removesuffix("_label"), col)
        values = out[col]
        if col in _FRACTIONS or col.endswith("_share") or col in _BY_KIND:
            rows = (fraction_rows if col in _BY_KIND and fraction_rows is not None
                    else pd.Series(True, index=out.index).to_numpy())
            out[col] = _percent(values, rows, yes_no if col in _BY_KIND else None, numbers)
            if numbers:
                mixed = col in _BY_KIND and fraction_rows is not None
                header += " (доли — в %)" if mixed else ", %"
        elif col in _POINTS:
            out[col] = _points(values, numbers)
            if numbers:
                header += ", п. п."
        elif col == "p_value":
            out[col] = values if numbers else values.map(_p_value)
        elif col == "position":
            out[col] = values.astype("object").map(POSITION_LABELS).fillna(values)
        elif col == "status":
            out[col] = values.astype("object").map(STATUSES.labels).fillna(values)
        elif col == "kind" and fraction_rows is not None:
            out[col] = values.astype("object").map(INDICATOR_KINDS.labels)
        elif col == "scope":
            out[col] = values.astype("object").map(SCOPE_LABELS).fillna(values)
        elif col == "severity":
            out[col] = values.astype("object").map(SEVERITY_LABELS).fillna(values)
        elif pd.api.types.is_bool_dtype(values) or _booleans(values):
            out[col] = values.astype("object").map({True: "да", False: "нет"})
        elif values.map(lambda v: isinstance(v, tuple)).any():
            out[col] = values.map(lambda v: ", ".join(map(str, v)) if isinstance(v, tuple)
                                  else v)
        elif pd.api.types.is_float_dtype(values):
            whole = values.dropna()
            if len(whole) and (whole == whole.round()).all():
                out[col] = values.round().astype("Int64")
            elif not numbers:
                out[col] = values.map(lambda v: _decimal(v, 2))
        headers[col] = header
    out = out.rename(columns=headers)
    if not numbers:
        out = out.astype("object").where(out.notna(), NO_VALUE)
    return out


def to_excel_csv(frame: pd.DataFrame | Analysis, path: str | Path, *,
                 as_is: bool = False) -> Path:
    """Write a table as a CSV file that Russian Excel opens by a double click.

    ``;`` between columns, a decimal comma, UTF-8 with a BOM (so Cyrillic is read right), and
    text that Excel would run as a formula (``=…``) neutralised with a leading apostrophe.

    Parameters
    ----------
    frame : DataFrame or Analysis
        A table of the analyst's API (or any frame).
    path : str or Path
        The file to write (a relative path is relative to the working folder — a notebook's
        folder in JupyterLab); its folder is created.
    as_is : bool, default False
        ``False`` — the :func:`russian` form with ``numbers=True`` (Russian headers, shares in
        percent, statuses in words); ``True`` — the columns and codes as they are.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        When the file cannot be written (the reason in Russian).
    """
    if isinstance(frame, Analysis):
        frame = frame.table
    table = frame if as_is else russian(frame, numbers=True)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        neutralise_formulas(table).to_csv(path, sep=";", decimal=",", index=False,
                                          encoding="utf-8-sig", lineterminator="\r\n")
    except OSError as exc:
        raise InputError([Problem(str(path), None, None,
                                  f"не удалось записать файл: {os_error_reason(exc)}")]) from None
    return path


def _booleans(values: pd.Series) -> bool:
    """Whether an object or nullable column holds only ``True``/``False`` (and missing)."""
    if not (pd.api.types.is_object_dtype(values) or str(values.dtype) == "boolean"):
        return False
    present = values.dropna()
    return len(present) > 0 and present.map(lambda v: isinstance(v, bool)).all()


def _decimal(value, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return NO_VALUE
    return f"{value:.{digits}f}".replace(".", ",")


def _percent(values: pd.Series, rows, yes_no, numbers: bool) -> pd.Series:
    """Fractions as percentages where ``rows``; numbers elsewhere; yes/no where ``yes_no``."""
    numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    out = []
    for i, v in enumerate(numeric):
        if math.isnan(v):
            out.append(None)
        elif yes_no is not None and yes_no[i]:
            out.append("да" if v >= 1 else "нет")
        elif rows[i]:
            out.append(round(v * 100, 1) if numbers else _decimal(v * 100, 1) + " %")
        else:
            out.append(v if numbers else (str(int(v)) if v == int(v) else _decimal(v, 1)))
    if numbers:
        if not any(isinstance(v, str) for v in out):
            return pd.Series(out, index=values.index, dtype="float64")
        # yes/no among the numbers: the numbers written as Russian Excel reads them
        out = [_decimal(v, 1) if isinstance(v, float) else v for v in out]
    return pd.Series(out, index=values.index, dtype="object")


def _points(values: pd.Series, numbers: bool) -> pd.Series:
    numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    if numbers:
        return (numeric * 100).round(1)
    return numeric.map(lambda v: None if math.isnan(v) else
                       f"{v * 100:+.1f}".replace(".", ",").replace("-", "−") + " п. п.")


def _p_value(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return f"{value:.3f}".replace(".", ",") if value >= 0.001 else "< 0,001"
