"""Where the graduates went: every school's graduates by grade and destination, and the district.

«District» here is every school of the district, this one included — the same definition as the
district's share in the scorecard. Whether a school's share of graduates entering a college or
university differs from the district is tested against the *other* schools (Fisher's exact test:
a school compared with a total that contains it would partly be compared with itself); the
report shows the district share, which lies on the same side of the school as the rest does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proforient.compute.stats import change_test
from proforient.vocab import ADMITTED_DESTINATIONS, DESTINATIONS


def destinations(graduates: pd.DataFrame, year: str) -> pd.DataFrame:
    """Graduates of every school by grade and destination, with the district's counts.

    Returns
    -------
    DataFrame
        ``org_id, grade, destination, graduates, total, district_graduates, district_total,
        district_share`` for every school with graduates of ``year``, every grade it has
        graduates in and every destination of the vocabulary (zeros included).
    """
    g = graduates[graduates["year"] == year]
    cols = ["org_id", "grade", "destination", "graduates", "total", "district_graduates",
            "district_total", "district_share"]
    if g.empty:
        return pd.DataFrame(columns=cols)
    counts = (g.assign(org_id=g["org_id"].astype(str), grade=g["grade"].astype(int))
              .groupby(["org_id", "grade", "destination"]).size().rename("graduates"))
    pairs = counts.reset_index()[["org_id", "grade"]].drop_duplicates()
    grid = pairs.merge(pd.DataFrame({"destination": DESTINATIONS.codes}), how="cross")
    out = grid.merge(counts.reset_index(), on=["org_id", "grade", "destination"], how="left")
    out["graduates"] = out["graduates"].fillna(0).astype(int)
    out["total"] = out.groupby(["org_id", "grade"])["graduates"].transform("sum")
    district = out.groupby(["grade", "destination"])["graduates"].sum().rename(
        "district_graduates")
    out = out.merge(district.reset_index(), on=["grade", "destination"], how="left")
    out["district_total"] = out.groupby(["org_id", "grade"])["district_graduates"].transform(
        "sum")
    out["district_share"] = out["district_graduates"] / out["district_total"]
    order = {d: i for i, d in enumerate(DESTINATIONS.codes)}
    out = out.assign(_d=out["destination"].map(order)).sort_values(["org_id", "grade", "_d"])
    return out[cols].reset_index(drop=True)


def admitted_tests(table: pd.DataFrame) -> pd.DataFrame:
    """Whether each school's share entering a college or university (grade 9: colleges only)
    differs from the other schools of the district.

    Returns
    -------
    DataFrame
        ``org_id, grade, admitted, total, district_admitted_share, p_value, direction``
        (``lower``, ``higher`` or ``none`` when p ≥ 0.05).
    """
    rows = []
    for (org, grade), part in table.groupby(["org_id", "grade"], sort=False):
        keys = list(ADMITTED_DESTINATIONS) if grade == 11 else ["spo"]
        mine = part[part["destination"].isin(keys)]
        n, total = int(mine["graduates"].sum()), int(part["total"].iloc[0])
        dn, dt = int(mine["district_graduates"].sum()), int(part["district_total"].iloc[0])
        test = change_test(dn - n, dt - total, n, total)
        direction = ("none" if not test["significant"] else
                     "higher" if test["difference"] > 0 else "lower")
        rows.append({"org_id": org, "grade": int(grade), "admitted": n, "total": total,
                     "district_admitted_share": dn / dt if dt else np.nan,
                     "p_value": test["p_value"], "direction": direction})
    return pd.DataFrame(rows, columns=["org_id", "grade", "admitted", "total",
                                       "district_admitted_share", "p_value", "direction"])
