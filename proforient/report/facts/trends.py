"""Every organisation's shares over the years, each change tested against the year before."""

from __future__ import annotations

import pandas as pd

from proforient.compute.stats import trend_table

#: Columns of :func:`trends`.
COLUMNS = ["org_id", "indicator_id", "year", "numerator", "denominator", "value", "prev_year",
           "prev_value", "change", "p_value", "significant", "district_value"]


def trends(indicators: pd.DataFrame, year: str) -> pd.DataFrame:
    """The share indicators of every organisation for every year up to ``year``.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table of every year.
    year : str
        The report's year (later years are left out).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: the change of each year against the previous year present, with
        Fisher's exact test (:func:`proforient.compute.stats.trend_table`), and the district's
        value of that year. A share above its denominator (a data error the pipeline refuses
        for the report's year) is left out rather than tested.
    """
    rows = indicators[(indicators["kind"] == "share") & (indicators["year"] <= year)]
    orgs = rows[(rows["scope"] == "org") & ~(rows["numerator"] > rows["denominator"])]
    if orgs.empty:
        return pd.DataFrame(columns=COLUMNS)
    work = orgs[["org_id", "indicator_id", "year", "numerator", "denominator", "value"]]
    work = work.assign(org_id=work["org_id"].astype(str)).reset_index(drop=True)
    out = trend_table(work, group_cols=["org_id", "indicator_id"])
    district = rows[rows["scope"] == "district"][["year", "indicator_id", "value"]]
    out = out.merge(district.rename(columns={"value": "district_value"}),
                    on=["year", "indicator_id"], how="left")
    return out[COLUMNS].sort_values(["org_id", "indicator_id", "year"]).reset_index(drop=True)
