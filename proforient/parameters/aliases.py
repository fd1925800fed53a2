"""The district's alias table: typed specialty names → ОКСО codes (``specialty_aliases.csv``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from proforient.parameters.classifier import Classifier, normalise_name
from proforient.problems import InputError, Problem

ALIASES_FILE = "specialty_aliases.csv"


def load_aliases(path: Path | str, classifier: Classifier) -> pd.DataFrame:
    """Read and check the district's alias table.

    Parameters
    ----------
    path : Path
        A CSV with columns ``alias, code, comment`` (UTF-8, with or without BOM, ``,`` or ``;``),
        the district's ``parameters/specialty_aliases.csv``.
    classifier : Classifier
        Every code must be one of its codes.

    Returns
    -------
    DataFrame
        ``alias, code, comment, key`` where ``key`` is :func:`normalise_name` of ``alias``; one
        row per key.

    Raises
    ------
    InputError
        Naming the file, line and column of each problem: a missing column, an empty alias, a
        code that is not in the classifier, one alias with two different codes.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig") as fh:
            header = fh.readline()
    except FileNotFoundError:
        raise InputError([Problem(path.name, None, None, "файл не найден")]) from None
    sep = ";" if header.count(";") > header.count(",") else ","
    raw = pd.read_csv(path, dtype="str", keep_default_na=False, sep=sep, encoding="utf-8-sig")
    raw.columns = [str(c).strip().casefold() for c in raw.columns]
    return check_aliases(raw, classifier, file=path.name)


def check_aliases(
    aliases: pd.DataFrame, classifier: Classifier, *, file: str = ALIASES_FILE
) -> pd.DataFrame:
    """Check an alias table given as a frame (see :func:`load_aliases`) and add its ``key``.

    Line numbers in problems assume row 0 is line 2 of the file (header = line 1).
    """
    missing = [c for c in ("alias", "code") if c not in aliases.columns]
    if missing:
        raise InputError([Problem(file, 1, c, "нет обязательного столбца") for c in missing])
    a = aliases.reset_index(drop=True)
    comment = a["comment"] if "comment" in a.columns else pd.Series("", index=a.index)
    a = pd.DataFrame(
        {
            "alias": a["alias"].astype("str").str.strip(),
            "code": a["code"].astype("str").str.strip(),
            "comment": comment.astype("str").fillna(""),
        }
    )
    a["key"] = [normalise_name(x) for x in a["alias"]]
    problems: list[Problem] = []
    for i, row in enumerate(a.itertuples(index=False), start=2):
        if not row.key:
            problems.append(Problem(file, i, "alias", "пустое название"))
        if not isinstance(row.code, str) or row.code not in classifier:
            problems.append(
                Problem(file, i, "code", f"код «{row.code}» не найден в классификаторе ОКСО")
            )
    dup = a[a["key"] != ""].groupby("key")["code"].nunique()
    for key in dup[dup > 1].index:
        lines = [str(i + 2) for i in a.index[a["key"] == key]]
        problems.append(
            Problem(
                file,
                int(lines[0]),
                "alias",
                f"название «{key}» указано с разными кодами (строки {', '.join(lines)})",
            )
        )
    if problems:
        raise InputError(problems)
    return a[a["key"] != ""].drop_duplicates("key").reset_index(drop=True)

