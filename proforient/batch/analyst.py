"""What a batch leaves for the analyst only (the folder ``НЕ_ДЛЯ_ПУБЛИКАЦИИ/<год>/`` beside the
reports): the full list of typed specialty names
to review, and the advice the shared reports do not carry (file names, columns, commands)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from proforient.excel.export import write_table
from proforient.report.context import ReportContext

__all__ = ["REVIEW_FILE", "write_analyst_files"]

#: The full review list of typed specialty names, in the analyst folder.
REVIEW_FILE = "specialty-review.csv"

_REVIEW_HEADERS = {
    "specialty_name": "Как написано",
    "graduates": "Выпускников",
    "resolved_by": "Как распознано",
    "match_score": "Сходство, %",
    "candidate_code": "Возможный код",
    "candidate_name": "Возможная специальность",
    "unknown_codes": "Коды, которых нет в классификаторе",
}


def write_analyst_files(ctx: ReportContext, work: Path) -> list[str]:
    """Write the analyst's files of a batch into ``work`` and say what needs their attention.

    Parameters
    ----------
    ctx : ReportContext
        The batch's context (its facts are computed if they were not yet).
    work : Path
        The run's folder of analyst files.

    Returns
    -------
    list of str
        Sentences for the run summary (Russian), empty when nothing needs attention.
    """
    review: pd.DataFrame = ctx.facts.review
    notes = []
    if len(review):
        write_table(review.rename(columns=_REVIEW_HEADERS), work / REVIEW_FILE)
        n = int(review["graduates"].sum())
        notes.append(
            f"Названий специальностей на проверку: {len(review)} (у {n} выпускников) — полный "
            f"список в НЕ_ДЛЯ_ПУБЛИКАЦИИ/{ctx.year}/{REVIEW_FILE} рядом с папкой отчётов. "
            "Распознанные по смыслу названия добавьте в "
            "parameters/specialty_aliases.csv (столбцы alias, code, comment) и запустите "
            "отчёты снова.")
    unknown = ctx.aligned[(ctx.aligned["year"] == ctx.year)]
    region = unknown["destination"].isin(["spo", "vo"]) & unknown["study_region"].isna()
    if region.any():
        notes.append(f"Не указано, где учатся, у {int(region.sum())} поступивших: заполните "
                     "столбец study_region в graduates.csv.")
    return notes
