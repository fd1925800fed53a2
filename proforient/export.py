"""Writing result tables to CSV or Excel, safely.

Text that came from input files (organisation names, typed specialty names) may start with
``=``, ``+``, ``-`` or ``@``; Excel would run it as a formula (formula injection). Every such text
cell is prefixed with an apostrophe, in both CSV and XLSX. Numbers stay numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from proforient.problems import InputError, Problem

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
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
            risky = text.str.startswith(_DANGEROUS).fillna(False).astype(bool)
            if risky.any():
                out[col] = values.astype(object).where(~risky, "'" + text.astype(object))
    return out


def _booleans_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "true", False: "false"}).astype("string")
    return out


def write_table(frame: pd.DataFrame, path: str | Path,
                sheets: dict[str, pd.DataFrame] | None = None) -> Path:
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
            main.to_csv(path, index=False, lineterminator="\n")
        else:
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
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
                                  f"не удалось записать файл: {exc.strerror}")]) from None
    return path
