"""The one ranking of the schools every «Главное» reads: which school lags, by how much, and
whom the department meets first.

The rule (the reports state it in «Как считалось», :data:`RULE`):

- a school **отстаёт от района сильнее, чем объясняется её размером** on a share of pupils when
  its share lies below the outer (99,8 %) limit of the district's funnel plot (position
  ``far_below`` of :func:`proforient.report.facts.funnels.funnels`, the shares the reports
  compare: :func:`~proforient.report.facts.funnels.compared`); by how much — the district's
  share minus the school's, in percentage points;
- a school **не достигла трети своих целей** when at least two of its targets and at least a
  third of the targets that apply to it are not reached (as published: a status the school
  report hides is counted as neither);
- the department meets **first** every school that lags on at least one share or missed a
  third of its targets; the schools are ranked by the number of shares they lag on, then by
  the targets not reached, then by the widest lag.

One function, one frame: the district's «Главное» (and the index, which repeats it), its
section «Школы по всем показателям» and each school's «Главное» read the same rows.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["RULE", "concerns", "ranking"]

#: The rule in the reader's words (for «Как считалось» of every page that reads the ranking).
RULE = ("Отстающие школы и с кем встретиться в первую очередь — одно правило для всех "
        "отчётов. Школа «отстаёт от района сильнее, чем объясняется её размером», если её доля "
        "ниже внешней границы воронки (99,8 случая из 100); на сколько — разница с долей района "
        "в процентных пунктах. Школа «не достигла трети своих целей», если не достигнуты хотя "
        "бы две цели и не меньше трети целей, которые к ней относятся (скрытые статусы не "
        "считаются). В первую очередь управление образования встречается с каждой школой, "
        "которая отстаёт хотя бы по одной доле или не достигла трети своих целей; порядок — "
        "по числу долей, по которым школа отстаёт, затем по числу недостигнутых целей.")

#: Columns of :func:`concerns`.
CONCERN_COLUMNS = ["org_id", "number", "indicator_id", "kind", "status", "numerator",
                   "denominator", "value", "target", "gap", "district_value", "position",
                   "lagging", "lag_points"]

#: Columns of :func:`ranking`.
RANKING_COLUMNS = ["org_id", "rank", "lagging", "lag_points", "targets", "not_met",
                   "missed_third", "first"]


def concerns(card: pd.DataFrame, statuses: pd.DataFrame, funnels: pd.DataFrame
             ) -> pd.DataFrame:
    """Every school's indicator as the ranking reads it.

    Parameters
    ----------
    card : DataFrame
        The scorecard rows of the schools (:func:`proforient.report.facts.scorecard.scorecard`).
    statuses : DataFrame
        ``org_id, indicator_id, status`` as published (``hidden`` where the school report
        hides the share the status is judged on).
    funnels : DataFrame
        The compared funnel rows (:func:`proforient.report.facts.funnels.compared`).

    Returns
    -------
    DataFrame
        :data:`CONCERN_COLUMNS`, one row per row of ``card``: ``status`` as published,
        ``position`` the funnel position or empty, ``lagging`` true when it is ``far_below``,
        ``lag_points`` the district's share minus the school's, in percentage points (NaN
        unless lagging).
    """
    out = card[["org_id", "number", "indicator_id", "kind", "numerator", "denominator",
                "value", "target", "gap", "district_value"]].copy()
    published = dict(zip(zip(statuses["org_id"], statuses["indicator_id"], strict=True),
                         statuses["status"], strict=True))
    out["status"] = [published.get((o, i), s) for o, i, s in
                     zip(card["org_id"], card["indicator_id"], card["status"], strict=True)]
    where = dict(zip(zip(funnels["org_id"], funnels["indicator_id"], strict=True),
                     funnels["position"], strict=True))
    out["position"] = [where.get((o, i)) for o, i in
                       zip(out["org_id"], out["indicator_id"], strict=True)]
    out["lagging"] = out["position"] == "far_below"
    out["lag_points"] = [100 * (d - v) if lag else math.nan for d, v, lag in
                         zip(out["district_value"], out["value"], out["lagging"], strict=True)]
    return out[CONCERN_COLUMNS].reset_index(drop=True)


def ranking(concern: pd.DataFrame) -> pd.DataFrame:
    """The schools in the order the department meets them, with why.

    Parameters
    ----------
    concern : DataFrame
        :func:`concerns`.

    Returns
    -------
    DataFrame
        :data:`RANKING_COLUMNS`, one row per school, ``rank`` 1 first: ``lagging`` the
        indicator ids the school lags on (widest lag first), ``lag_points`` the widest lag,
        ``targets`` the targets that apply to it (``not_applicable`` excluded), ``not_met``
        those not reached as published, ``missed_third`` and ``first`` as in the module's rule.

    >>> c = pd.DataFrame({"org_id": ["a", "a", "a", "b", "b"], "number": [1, 2, 3, 1, 2],
    ...     "indicator_id": ["x", "y", "z", "x", "y"], "status": ["not_met"] * 2 + ["met"] * 3,
    ...     "target": [1.0] * 5, "lagging": [False] * 4 + [True],
    ...     "lag_points": [math.nan] * 4 + [9.5]})
    >>> ranking(c)[["org_id", "rank", "lagging", "not_met", "missed_third", "first"]]
      org_id  rank lagging  not_met  missed_third  first
    0      b     1    (y,)        0         False   True
    1      a     2      ()        2          True   True
    """
    rows = []
    order = list(dict.fromkeys(concern["org_id"]))
    for org in order:
        part = concern[concern["org_id"] == org]
        with_target = part[part["target"].notna() & (part["status"] != "not_applicable")]
        not_met = int((with_target["status"] == "not_met").sum())
        lag = part[part["lagging"]].sort_values(["lag_points", "number"],
                                                ascending=[False, True])
        missed = not_met >= 2 and 3 * not_met >= len(with_target)
        rows.append({"org_id": org, "lagging": tuple(lag["indicator_id"]),
                     "lag_points": float(lag["lag_points"].max()) if len(lag) else math.nan,
                     "targets": len(with_target), "not_met": not_met,
                     "missed_third": bool(missed), "first": bool(len(lag) or missed),
                     "_order": order.index(org)})
    out = pd.DataFrame(rows, columns=[*RANKING_COLUMNS[:1], *RANKING_COLUMNS[2:], "_order"])
    if out.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    out["_n"] = out["lagging"].map(len)
    out = out.sort_values(["_n", "not_met", "lag_points", "_order"],
                          ascending=[False, False, False, True], na_position="last")
    out["rank"] = range(1, len(out) + 1)
    return out[RANKING_COLUMNS].reset_index(drop=True)
