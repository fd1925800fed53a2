"""Writing result tables to CSV or Excel, safely, and the Russian view of the indicator table.

Text that came from input files (organisation names, typed specialty names) may start with
``=``, ``+``, ``-`` or ``@``; Excel would run it as a formula (formula injection). Every such text
cell is prefixed with an apostrophe, in both CSV and XLSX. Numbers stay numbers.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from proforient.dataset import Dataset
from proforient.excel.layout import FORMULA_STARTS
from proforient.parameters.roadmap import Roadmaps
from proforient.problems import InputError, Problem, os_error_reason
from proforient.vocab import INDICATOR_KINDS, STATUSES

SUFFIXES = (".csv", ".xlsx")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where text cells starting with ``= + - @`` (or tab/CR) get a leading ``'``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; only object/string columns are touched.

    Returns
    -------
    pandas.DataFrame
        A new frame; the input is not modified.
    """
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            values = out[col]
            text = values.astype("string")
            risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
            if risky.any():
                out[col] = values.astype(object).where(~risky, "'" + text.astype(object))
    return out


def _booleans_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "true", False: "false"}).astype("string")
    return out


#: Characters after which pandas quotes a CSV field (and pyarrow, writing without quotes,
#: refuses the table).
_QUOTED = (",", '"', "\n", "\r")


def _csv_bytes(frame: pd.DataFrame) -> bytes | None:
    """The bytes ``frame.to_csv(index=False, lineterminator="\\n")`` writes, written by pyarrow;
    ``None`` when pandas must write it: a field that needs quotes, or a column of another kind
    than text, whole numbers (nullable or not) and floats.

    Floats are formatted by numpy as pandas formats them (``1.0``, ``83.33333333333333``,
    ``1e-05``; missing as empty): pyarrow's own formatting writes ``1`` and ``0.00001``. A
    region's indicator table, 80,000 rows: pandas 0.26 s, this 0.11 s (a float column has
    some 20,000 distinct numbers: each is formatted once)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [str(c) for c in frame.columns]
    if any(ch in name for name in names for ch in _QUOTED) or len(names) < 2:
        return None  # (a single column's empty field is written «""» by pandas)
    columns = {}
    for name, column in zip(names, frame.columns, strict=True):
        array = _arrow_column(frame[column])
        if array is None:
            return None
        columns[name] = array
    buffer = io.BytesIO()
    buffer.write((",".join(names) + "\n").encode("utf-8"))
    try:
        pacsv.write_csv(pa.table(columns), buffer,
                        pacsv.WriteOptions(include_header=False, quoting_style="none"))
    except pa.ArrowInvalid:  # pandas writes «a,b» in quotes; pyarrow, told not to, refuses it
        return None
    return buffer.getvalue()


def _arrow_column(values: pd.Series):
    """A column as the pyarrow array :func:`_csv_bytes` writes, or ``None`` for another kind."""
    import numpy as np
    import pyarrow as pa

    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        numbers = values.to_numpy()
        # each distinct number (by its bits: 0.0 and -0.0 are written apart) formatted once
        _, first, where = np.unique(numbers.view(f"i{numbers.itemsize}"), return_index=True,
                                    return_inverse=True)
        text = numbers[first].astype(str)[where.reshape(-1)]
        return pa.array(text, pa.string(), mask=np.isnan(numbers))
    whole = isinstance(dtype, np.dtype) and dtype.kind in "iu"
    if whole or isinstance(dtype, pd.Int64Dtype | pd.Int32Dtype | pd.StringDtype):
        return pa.array(values, from_pandas=True)
    if isinstance(dtype, np.dtype) and dtype.kind == "O" and pd.api.types.infer_dtype(
            values, skipna=True) in ("string", "empty"):
        return pa.array(values, pa.string(), from_pandas=True)
    return None


#: The first sheet of a workbook that holds small counts of people.
NOTICE_SHEET = "Не для публикации"

#: What the indicator table and the alignment table are (sheet, stderr).
ANALYST_ONLY = ("Таблица только для аналитика управления образования: в ней числа выпускников "
                "и учеников с ОВЗ по каждой школе, в том числе меньше 3 — по ним можно узнать "
                "сведения о конкретных детях. Не публикуйте и не пересылайте её; для рассылки "
                "есть отчёты proforient report, где такие числа скрыты.")


def write_table(frame: pd.DataFrame, path: str | Path,
                sheets: dict[str, pd.DataFrame] | None = None, notice: str | None = None
                ) -> Path:
    """Write ``frame`` to ``path``: CSV (UTF-8, comma) or XLSX by the file's suffix.

    Parameters
    ----------
    frame : pandas.DataFrame
        The machine-readable table (canonical column names). Booleans are written as
        ``true``/``false``, missing values as empty cells.
    path : str or Path
        ``.csv`` or ``.xlsx``.
    sheets : dict, optional
        For XLSX: extra sheets written *before* the main one, e.g. a Russian-headed view
        (``{"Показатели": russian_frame}``); the main table goes to a sheet named ``data``.
    notice : str, optional
        For XLSX: written on a first sheet :data:`NOTICE_SHEET`, in front of everything (a CSV
        has no place for it: the command says it on stderr).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    InputError
        When the suffix is not supported or the file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError([Problem(str(path), None, None,
                                  "формат файла определяется расширением: .csv или .xlsx")])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        main = neutralise_formulas(_booleans_as_text(frame))
        if suffix == ".csv":
            fast = _csv_bytes(main)
            if fast is None:
                main.to_csv(path, index=False, lineterminator="\n")
            else:
                path.write_bytes(fast)
        else:
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                if notice:
                    pd.DataFrame({"Внимание": [notice]}).to_excel(
                        writer, sheet_name=NOTICE_SHEET, index=False)
                for name, sheet in (sheets or {}).items():
                    neutralise_formulas(_booleans_as_text(sheet)).to_excel(
                        writer, sheet_name=name, index=False)
                main.to_excel(writer, sheet_name="data", index=False)
                for ws in writer.sheets.values():
                    ws.freeze_panes = "A2"
                    for column in ws.columns:
                        width = max(len(str(c.value or "")) for c in column[:200])
                        ws.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    except OSError as exc:
        raise InputError([Problem(str(path), None, None,
                                  f"не удалось записать файл: {os_error_reason(exc)}")]) from None
    return path


#: Russian headers of the indicator table's columns.
INDICATOR_HEADERS: dict[str, str] = {
    "year": "Учебный год",
    "scope": "Уровень",
    "org_id": "Код организации",
    "org_name": "Организация",
    "indicator_id": "Код показателя",
    "title": "Показатель",
    "kind": "Вид показателя",
    "numerator": "Числитель",
    "denominator": "Знаменатель",
    "value": "Значение (доли — в %)",
    "target": "Цель (доли — в %)",
    "status": "Статус",
    "ci_low": "95% интервал, %: от",
    "ci_high": "95% интервал, %: до",
    "orgs_reporting": "Организаций с данными",
    "orgs_total": "Организаций всего",
}

SCOPE_LABELS = {"org": "организация", "district": "район"}


def indicators_russian(table: pd.DataFrame, dataset: Dataset, roadmaps: Roadmaps
                       ) -> pd.DataFrame:
    """Return the indicator table for people: Russian headers, names, titles and statuses.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`proforient.indicators.compute_indicators`.
    dataset : Dataset
        For organisation names.
    roadmaps : Roadmaps
        For indicator titles (of the roadmap that computed each year).

    Returns
    -------
    pandas.DataFrame
        A new frame: shares and flags in percent (rounded to 0.1), counts as they are.
    """
    names = dataset.organizations.set_index("org_id")["name"]
    titles = {(year, ind.id): ind.title for year in table["year"].unique()
              for ind in roadmaps.definitions_for(year).indicators}
    out = table.copy()
    fraction = out["kind"].isin(["share", "flag"])
    for col in ("value", "target", "ci_low", "ci_high"):
        out[col] = out[col].where(~fraction, (out[col] * 100).round(1))
    for col in ("numerator", "denominator"):
        out[col] = out[col].round().astype("Int64")
    out.insert(out.columns.get_loc("org_id") + 1, "org_name",
               out["org_id"].map(names).where(out["scope"] == "org", "Район в целом"))
    out.insert(out.columns.get_loc("indicator_id") + 1, "title",
               [titles.get(key) for key in zip(out["year"], out["indicator_id"], strict=True)])
    out["scope"] = out["scope"].map(SCOPE_LABELS)
    out["kind"] = out["kind"].map(INDICATOR_KINDS.labels)
    out["status"] = out["status"].map(STATUSES.labels)
    return out.rename(columns=INDICATOR_HEADERS)
