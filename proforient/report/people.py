"""The people the reports count, as microdata for disclosure control (:mod:`.publish`).

Each frame has one row per group of people who share every attribute a published count can
select on, and their number in ``n``; attribute values are text (``"na"`` for missing), so that
a cell's key (:func:`proforient.report.publish.count_key`) is its definition.

- :func:`graduate_people` — domain ``g``: graduates of grades 9 and 11;
- :func:`ovz_people` — domain ``o``: pupils with disabilities (ОВЗ) and whether they took part in
  career-guidance events.

These frames hold personal data (a group may be one person): they stay in the analyst's files.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from proforient.compute.alignment import classify_study_region
from proforient.parameters.classifier import normalise_name
from proforient.parameters.rules import Rules
from proforient.vocab import ADMITTED_DESTINATIONS

#: Attributes of :func:`graduate_people`.
GRADUATE_ATTRIBUTES: tuple[str, ...] = (
    "year", "org_id", "grade", "destination", "profile", "checked", "resolved",
    "profile_aligned", "ege_aligned", "no_ege", "in_demand", "territory", "on_district",
    "on_republic", "ugs", "location", "review",
)


def _flag(values: pd.Series) -> pd.Series:
    """Booleans (nullable) as ``"1"``, ``"0"``, ``"na"``."""
    out = pd.Series("na", index=values.index, dtype=object)
    known = values.notna()
    out[known] = np.where(values[known].astype(bool), "1", "0")
    return out


def graduate_people(aligned: pd.DataFrame, graduates: pd.DataFrame, rules: Rules
                    ) -> pd.DataFrame:
    """Graduates grouped by every attribute the reports count them by.

    Parameters
    ----------
    aligned : DataFrame
        The per-graduate alignment (:func:`proforient.compute.alignment.align_graduates`).
    graduates : DataFrame
        The dataset's graduates (for the ЕГЭ subjects), same index as ``aligned``.
    rules : Rules
        Which profiles are checked; the district's study-region place names.

    Returns
    -------
    DataFrame
        :data:`GRADUATE_ATTRIBUTES` and ``n``. ``checked`` — the profile is one the roadmap
        checks; ``resolved`` — the specialty has a code; ``no_ege`` — a grade-11 graduate of a
        checked profile with no ЕГЭ subjects recorded; ``territory`` — the demand list that
        matched best, ``on_district`` / ``on_republic`` — whether each list on its own names
        the specialty; ``ugs`` — the group of the specialty for a college or university entrant;
        ``location`` — where such an entrant studies; ``review`` — the normalised typed name of
        an entrant whose specialty needs the analyst's review.
    """
    a = aligned
    checked_codes = {c for c, p in rules.profiles.items() if p.checked}
    admitted = a["destination"].isin(ADMITTED_DESTINATIONS).fillna(False).astype(bool)
    checked = a["profile"].isin(checked_codes).fillna(False).astype(bool)
    grade11 = (a["grade"] == 11).fillna(False).astype(bool)
    subjects = graduates["ege_subjects"].reindex(a.index)
    location = classify_study_region(a["study_region"], rules.study_region_places)
    review = a["needs_review"].fillna(False).astype(bool)
    typed = a["specialty_name"].astype("object")
    frame = pd.DataFrame({
        "year": a["year"].astype(str),
        "org_id": a["org_id"].astype(str),
        "grade": a["grade"].astype("Int64").astype(str),
        "destination": a["destination"].astype(str),
        "profile": a["profile"].astype("object").fillna("na").astype(str),
        "checked": np.where(checked, "1", "0"),
        "resolved": np.where(a["specialty_code"].notna(), "1", "0"),
        "profile_aligned": _flag(a["profile_aligned"]),
        "ege_aligned": _flag(a["ege_aligned"]),
        "no_ege": np.where(grade11 & checked & subjects.isna(), "1", "0"),
        "in_demand": _flag(a["in_demand"]),
        "territory": a["demand_territory"].astype("object").fillna("na").astype(str),
        "on_district": _flag(a["on_district_list"]),
        "on_republic": _flag(a["on_republic_list"]),
        "ugs": a["ugs_code"].astype("object").where(admitted & a["specialty_code"].notna())
               .fillna("na").astype(str),
        "location": location.replace("unrecognised", "unknown").where(admitted, "na")
                    .astype(str),
        "review": [normalise_name(t) or "none" if r else "na"
                   for t, r in zip(typed, review, strict=True)],
    }, index=a.index)
    return (frame.groupby(list(GRADUATE_ATTRIBUTES), sort=True).size().rename("n")
            .reset_index())


def ovz_people(indicators: pd.DataFrame, indicator_ids: Iterable[str]) -> pd.DataFrame:
    """Pupils with disabilities of every organisation and year, split by whether they took part.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table; the rows of ``indicator_ids`` — the shares that read a sensitive
        measure of the catalogue (numerator: pupils with disabilities who took part,
        denominator: pupils with disabilities). A year's roadmap has at most one such share per
        organisation (a second one of the same year would count the same people twice).

    Returns
    -------
    DataFrame
        ``year, org_id, took_part`` (``"1"``, ``"0"``, or ``"na"`` when the participants are
        not reported) and ``n``.
    """
    rows = indicators[(indicators["scope"] == "org")
                      & indicators["indicator_id"].isin(list(indicator_ids))
                      & (indicators["kind"] == "share") & indicators["denominator"].notna()]
    rows = rows.drop_duplicates(["year", "org_id"])
    out = []
    for year, org, num, den in zip(rows["year"], rows["org_id"], rows["numerator"],
                                   rows["denominator"], strict=True):
        if np.isnan(num):
            out.append((str(year), str(org), "na", int(den)))
        else:
            out += [(str(year), str(org), "1", int(num)), (str(year), str(org), "0",
                                                           int(den - num))]
    frame = pd.DataFrame(out, columns=["year", "org_id", "took_part", "n"])
    return frame[frame["n"] > 0].reset_index(drop=True)
