"""The dataset: its tables, their columns, and the loaded :class:`Dataset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from proforient.problems import Problem

COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "organizations": (("org_id", "name", "kind"), ("settlement",)),
    "measures": (("year", "org_id", "measure", "value"), ("grade",)),
    "graduates": (
        ("year", "org_id", "graduate_id", "grade", "destination"),
        ("profile", "ege_subjects", "institution", "specialty_code", "specialty_name",
         "study_region"),
    ),
    "demand": (("territory", "code"), ("title", "year", "vacancies", "source")),
}
REQUIRED_TABLES = ("organizations", "measures")
OPTIONAL_TABLES = ("graduates", "demand")

_LINE = "_line"


@dataclass
class Dataset:
    """A validated dataset: canonical tables plus the warnings found while loading.

    Attributes
    ----------
    path : Path
        The dataset folder.
    organizations, measures, graduates, demand : pandas.DataFrame
        Canonical tables (see the module docstring). ``graduates`` and ``demand`` are empty
        frames with the right columns when the files are absent.
    problems : list of Problem
        Warnings (a loaded dataset has no errors).
    meta : dict
        The contents of ``dataset.yaml`` (``name``, ``synthetic``…), empty when absent.
    lines : dict of str to pandas.Series
        For ``measures`` and ``graduates``: the line of each row in its file, as an editor
        shows it (header = line 1; a Parquet file's rows count from 1), indexed like the table,
        so that a problem found later names the line. Empty for a dataset built by hand.
    files : dict of str to str
        The file each table was read from (``measures.csv`` or ``measures.parquet``).
    """

    path: Path
    organizations: pd.DataFrame
    measures: pd.DataFrame
    graduates: pd.DataFrame
    demand: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    lines: dict[str, pd.Series] = field(default_factory=dict, repr=False)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Human name of the dataset (from ``dataset.yaml``, else the folder name)."""
        return str(self.meta.get("name") or self.path.name)

    @property
    def district(self) -> str | None:
        """The district's name as ``dataset.yaml`` gives it (``name``), for the reports' readers;
        ``None`` when absent — a folder name is the analyst's, not the department's."""
        name = self.meta.get("name")
        return str(name) if name else None

    @property
    def synthetic(self) -> bool:
        """Whether the data are synthetic (the demo): reports then carry a banner."""
        return bool(self.meta.get("synthetic", False))

    @property
    def years(self) -> list[str]:
        """Academic years present in measures or graduates, sorted."""
        years = set(self.measures["year"].dropna().unique())
        years |= set(self.graduates["year"].dropna().unique())
        return sorted(str(y) for y in years)

    @property
    def latest_year(self) -> str | None:
        """The latest academic year in the data, or ``None`` for an empty dataset."""
        return self.years[-1] if self.years else None




def empty_table(stem: str) -> pd.DataFrame:
    required, optional = COLUMNS[stem]
    frame = pd.DataFrame({c: pd.Series(dtype="string") for c in (*required, *optional)})
    if "grade" in frame:
        frame["grade"] = frame["grade"].astype("Int64")
    if "vacancies" in frame:
        frame["vacancies"] = frame["vacancies"].astype("Int64")
    if "value" in frame:
        frame["value"] = frame["value"].astype(float)
    return frame


