"""Every organisation's shares over the years, each change tested against the year before."""

from __future__ import annotations

import pandas as pd

from proforient.compute.series import SeriesMap
from proforient.compute.stats import trend_table

#: Columns of :func:`trends`.
COLUMNS = ["org_id", "indicator_id", "year", "numerator", "denominator", "value", "prev_year",
           "prev_value", "change", "p_value", "significant", "district_value", "series_id",
           "year_indicator_id", "break_year", "break_change"]


def trends(indicators: pd.DataFrame, year: str, series: SeriesMap | None = None
           ) -> pd.DataFrame:
    """The share indicators of every organisation for every year up to ``year``.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table of every year.
    year : str
        The report's year (later years are left out).
    series : SeriesMap, optional
        How the roadmaps' indicators continue each other
        (:func:`proforient.compute.series.series_map`); without it every id is its own series
        and no definition changes.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: the change of each year against the previous year present, with
        Fisher's exact test (:func:`proforient.compute.stats.trend_table`), and the district's
        value of that year. A share above its denominator (a data error the pipeline refuses
        for the report's year) is left out rather than tested.

        The years of a series are joined under ``indicator_id``, the id of its latest year
        here (its latest title); ``year_indicator_id`` is the id the year itself was computed
        and published under, ``series_id`` the earliest id of the chain. The first year after
        a change of definition has ``break_year`` (the roadmap year of the change) and
        ``break_change`` (what changed, may be empty) and no comparison with the year before
        it: ``prev_year`` is NA and ``prev_value``, ``change``, ``p_value`` NaN. Years with the
        same definition are compared as before.
    """
    rows = indicators[(indicators["kind"] == "share") & (indicators["year"] <= year)]
    orgs = rows[(rows["scope"] == "org") & ~(rows["numerator"] > rows["denominator"])]
    if orgs.empty:
        return pd.DataFrame(columns=COLUMNS)
    work = orgs[["org_id", "indicator_id", "year", "numerator", "denominator", "value"]]
    work = work.assign(org_id=work["org_id"].astype(str)).reset_index(drop=True)
    pairs = list(zip(work["year"], work["indicator_id"], strict=True))
    sids = [series.series_id(y, i) if series else i for y, i in pairs]
    work = work.assign(series_id=sids, _segment=[
        series.segment(s, y) if series else 0 for s, (y, _) in zip(sids, pairs, strict=True)])
    out = trend_table(work, group_cols=["org_id", "series_id", "_segment"])
    district = rows[rows["scope"] == "district"][["year", "indicator_id", "value"]]
    out = out.merge(district.rename(columns={"value": "district_value"}),
                    on=["year", "indicator_id"], how="left")
    out = _mark_breaks(out, series)
    latest = (out.sort_values("year", kind="stable").groupby("series_id")["indicator_id"]
              .last())
    out = out.assign(year_indicator_id=out["indicator_id"],
                     indicator_id=out["series_id"].map(latest))
    return out[COLUMNS].sort_values(["org_id", "indicator_id", "year"]).reset_index(drop=True)


def _mark_breaks(out: pd.DataFrame, series: SeriesMap | None) -> pd.DataFrame:
    """``break_year`` and ``break_change`` of each row whose previous year present in its
    organisation's series was computed by another definition."""
    out = out.sort_values(["org_id", "series_id", "year"], kind="stable")
    before = out.groupby(["org_id", "series_id"], sort=False)["year"].shift()
    found = [series.break_between(s, b, y) if series is not None and isinstance(b, str)
             else None for s, b, y in zip(out["series_id"], before, out["year"], strict=True)]
    return out.assign(break_year=[b.year if b else pd.NA for b in found],
                      break_change=[b.change if b else pd.NA for b in found])
