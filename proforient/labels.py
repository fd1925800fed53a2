"""Russian views of result tables: column headers, organisation names, indicator titles."""

from __future__ import annotations

import pandas as pd

from proforient.dataset import Dataset
from proforient.roadmap import Roadmap
from proforient.vocab import INDICATOR_KINDS, STATUSES

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


def indicators_russian(table: pd.DataFrame, dataset: Dataset, roadmap: Roadmap) -> pd.DataFrame:
    """Return the indicator table for people: Russian headers, names, titles and statuses.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`proforient.indicators.compute_indicators`.
    dataset : Dataset
        For organisation names.
    roadmap : Roadmap
        For indicator titles.

    Returns
    -------
    pandas.DataFrame
        A new frame: shares and flags in percent (rounded to 0.1), counts as they are.
    """
    names = dataset.organizations.set_index("org_id")["name"]
    titles = {ind.id: ind.title for ind in roadmap.indicators}
    out = table.copy()
    fraction = out["kind"].isin(["share", "flag"])
    for col in ("value", "target", "ci_low", "ci_high"):
        out[col] = out[col].where(~fraction, (out[col] * 100).round(1))
    for col in ("numerator", "denominator"):
        out[col] = out[col].round().astype("Int64")
    out.insert(out.columns.get_loc("org_id") + 1, "org_name",
               out["org_id"].map(names).where(out["scope"] == "org", "Район в целом"))
    out.insert(out.columns.get_loc("indicator_id") + 1, "title", out["indicator_id"].map(titles))
    out["scope"] = out["scope"].map(SCOPE_LABELS)
    out["kind"] = out["kind"].map(INDICATOR_KINDS.labels)
    out["status"] = out["status"].map(STATUSES.labels)
    return out.rename(columns=INDICATOR_HEADERS)
