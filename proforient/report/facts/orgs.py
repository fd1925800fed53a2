"""The organisations of the district as the reports see them: names, kind, size, peer group."""

from __future__ import annotations

import pandas as pd

from proforient.compute.indicators import operand_values
from proforient.compute.stats import peer_groups
from proforient.names import short_name
from proforient.parameters.roadmap import Operand
from proforient.pipeline import Results
from proforient.vocab import GRADUATE_GRADES


def organisations(results: Results, year: str) -> pd.DataFrame:
    """Every organisation of the dataset with what the reports need to know about it.

    Parameters
    ----------
    results : Results
        The pipeline's results.
    year : str
        The report's year (sizes and grades of that year).

    Returns
    -------
    DataFrame
        One row per organisation, in the order of ``organizations``: ``org_id, name, short,
        kind``; ``students`` (pupils of all grades, NaN when not reported); ``grades`` (tuple
        of the grades with pupils); ``has_graduates`` (graduates of 9 or 11 in the data, or
        pupils in grade 9 or 11); for schools ``school_type``, ``peer_basis`` (``type`` /
        ``size`` / NA), ``peer_group`` (the type, or the size band), ``peers`` (tuple of the
        other schools of the group).
    """
    dataset = results.dataset
    orgs = dataset.organizations[["org_id", "name", "kind"]].astype(str).reset_index(drop=True)
    measures = dataset.measures
    students = operand_values(measures, Operand("students"), years=[year])
    students = students.droplevel("year") if len(students) else pd.Series(dtype=float)
    pupils = measures[(measures["year"] == year) & (measures["measure"] == "students")
                      & measures["grade"].notna() & (measures["value"] > 0)]
    grades = pupils.groupby("org_id", observed=True)["grade"].agg(
        lambda g: tuple(sorted(int(x) for x in g)))
    graduates = dataset.graduates
    with_graduates = set(graduates.loc[graduates["year"] == year, "org_id"].astype(str))
    out = orgs.assign(
        short=[short_name(n) for n in orgs["name"]],
        students=orgs["org_id"].map(students).astype(float),
        grades=[grades.get(o, ()) for o in orgs["org_id"]],
    )
    out["has_graduates"] = [
        o in with_graduates or bool(set(g) & set(GRADUATE_GRADES))
        for o, g in zip(out["org_id"], out["grades"], strict=True)]
    groups = peer_groups(orgs, students).set_index("org_id")
    out["school_type"] = out["org_id"].map(groups["school_type"])
    out["peer_basis"] = out["org_id"].map(groups["basis"])
    out["peer_group"] = out["org_id"].map(groups["group"])
    out["peers"] = [groups["peers"].get(o, ()) for o in out["org_id"]]
    return out
