"""Participation by grade: each school's participants of every grade against its pupils."""

from __future__ import annotations

import pandas as pd

from proforient.parameters.measures import MeasureCatalogue
from proforient.parameters.roadmap import Roadmap

#: The enrolment the participation section compares participants with, grade by grade.
PUPILS = "students"


def pupil_measures(catalogue: MeasureCatalogue) -> tuple[str, ...]:
    """Participants measures of pupils counted by grade (bounded by :data:`PUPILS`), in the
    catalogue's order; sensitive measures are left out (their counts are published only as the
    disclosure rules decide)."""
    return tuple(m.code for m in (catalogue[c] for c in catalogue)
                 if m.bounded_by == PUPILS and m.by_grade and not m.sensitive)


def participation(measures: pd.DataFrame, roadmap: Roadmap, year: str,
                  catalogue: MeasureCatalogue) -> pd.DataFrame:
    """Participants per grade against pupils per grade, for every school and the district.

    Parameters
    ----------
    measures : DataFrame
        The dataset's measures.
    roadmap : Roadmap
        The roadmap of ``year`` (the target of the indicator that counts each measure and its
        grades).
    year : str
    catalogue : MeasureCatalogue
        The district's measures: which are participants of pupils (:func:`pupil_measures`).

    Returns
    -------
    DataFrame
        ``org_id, measure, grade, participants, students, share, district_participants,
        district_students, district_share, target, in_range`` — one row per school, participants
        measure and grade the school reports both numbers for (pupils > 0). The district share of
        a grade is pooled over every school that reports both numbers for it. ``target`` and
        ``in_range`` (the grade is among the indicator's grades) come from the roadmap
        indicator whose numerator is the measure.
    """
    pupil = pupil_measures(catalogue)
    m = measures[(measures["year"] == year) & measures["grade"].notna()]
    students = m[m["measure"] == PUPILS][["org_id", "grade", "value"]].rename(
        columns={"value": "students"})
    parts = m[m["measure"].isin(pupil)][["org_id", "measure", "grade", "value"]].rename(
        columns={"value": "participants"})
    both = parts.merge(students, on=["org_id", "grade"], how="inner")
    both = both[both["students"] > 0].astype({"org_id": str, "measure": str})
    district = (both.groupby(["measure", "grade"])[["participants", "students"]].sum()
                .rename(columns=lambda c: f"district_{c}").reset_index())
    out = both.merge(district, on=["measure", "grade"], how="left")
    out["share"] = out["participants"] / out["students"]
    out["district_share"] = out["district_participants"] / out["district_students"]
    targets, ranges = {}, {}
    for ind in roadmap.indicators:
        if (ind.kind == "share" and ind.numerator is not None and ind.denominator is not None
                and ind.denominator.measure == PUPILS):
            targets.setdefault(ind.numerator.measure, ind.target)
            ranges.setdefault(ind.numerator.measure, ind.numerator.grades or (1, 11))
    out["target"] = out["measure"].map(targets).astype(float)
    out["grade"] = out["grade"].astype(int)
    out["in_range"] = [ranges.get(ms, (1, 11))[0] <= g <= ranges.get(ms, (1, 11))[1]
                       for ms, g in zip(out["measure"], out["grade"], strict=True)]
    order = {k: i for i, k in enumerate(pupil)}
    out = out.assign(_m=out["measure"].map(order)).sort_values(["org_id", "_m", "grade"])
    return out[["org_id", "measure", "grade", "participants", "students", "share",
                "district_participants", "district_students", "district_share", "target",
                "in_range"]].reset_index(drop=True)
