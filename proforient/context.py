"""Everything a report needs, computed once: the loaded dataset, rules, roadmap, indicator table
for every year and the per-graduate alignment.

A notebook calls :func:`get_context`. In JupyterLab it computes the context from the data folder;
in a batch (``proforient report``) the batch computes it once, saves a snapshot with
:func:`save_context`, and every notebook loads that snapshot instead of recomputing it.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from proforient import __version__
from proforient.alignment import align_graduates, graduate_indicator_counts
from proforient.dataset import Dataset, load_dataset
from proforient.indicators import compute_indicators, overflow_problems
from proforient.paths import DEMO_DATA_DIR, ROOT
from proforient.problems import InputError
from proforient.roadmap import Roadmap, load_roadmap
from proforient.rules import Rules, load_rules


@dataclass
class ReportContext:
    """The shared inputs of every report of one batch.

    Attributes
    ----------
    dataset : Dataset
        The validated dataset (with its warnings in ``dataset.problems``).
    rules : Rules
        Profiles, thresholds.
    roadmap : Roadmap
        The roadmap of ``year``.
    year : str
        The report's academic year.
    indicators : pandas.DataFrame
        The indicator table for *every* year in the data (for trends).
    aligned : pandas.DataFrame
        The per-graduate alignment for every year. Personal data: never display its rows.
    generated : str
        Generation timestamp (``ГГГГ-ММ-ДД ЧЧ:ММ``), the same for every report of a batch.
    version : str
        The package version.
    """

    dataset: Dataset
    rules: Rules
    roadmap: Roadmap
    year: str
    indicators: pd.DataFrame
    aligned: pd.DataFrame
    generated: str
    version: str = __version__

    @property
    def data_label(self) -> str:
        """The dataset's folder as a reader should see it (relative to the project if inside)."""
        path = Path(self.dataset.path).resolve()
        try:
            return str(path.relative_to(ROOT))
        except ValueError:
            return str(path)


def build_context(data_dir: str | Path | None = None, year: str | None = None) -> ReportContext:
    """Load, validate and compute everything the reports need.

    Parameters
    ----------
    data_dir : str or Path, optional
        The dataset folder; the demo district when omitted.
    year : str, optional
        The report's year; the latest in the data when omitted.

    Returns
    -------
    ReportContext

    Raises
    ------
    InputError
        When the data have errors, the year is absent, or a share exceeds its denominator.
    """
    rules = load_rules()
    dataset = load_dataset(Path(data_dir) if data_dir else DEMO_DATA_DIR, rules)
    year = year or dataset.latest_year
    if year not in dataset.years:
        from proforient.problems import Problem

        raise InputError([Problem(str(dataset.path), None, None,
                                  f"года {year} нет в данных; есть: {', '.join(dataset.years)}")])
    roadmap = load_roadmap(year=year)
    aligned = align_graduates(dataset.graduates, dataset.demand, rules)
    counts = graduate_indicator_counts(aligned, rules)
    indicators = compute_indicators(dataset, roadmap, graduate_counts=counts)
    overflow = overflow_problems(indicators, dataset, roadmap)
    if overflow:
        raise InputError(overflow)
    return ReportContext(dataset=dataset, rules=rules, roadmap=roadmap, year=year,
                         indicators=indicators, aligned=aligned,
                         generated=datetime.now().strftime("%Y-%m-%d %H:%M"))


def save_context(context: ReportContext, path: str | Path) -> Path:
    """Write a snapshot of the context for the notebooks of one batch (same package version)."""
    path = Path(path)
    with path.open("wb") as fh:
        pickle.dump(context, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def get_context(data_dir: str | Path | None = None, year: str | None = None,
                snapshot: str | Path | None = None) -> ReportContext:
    """Return the report context: from the batch's snapshot if given, else computed.

    Parameters
    ----------
    data_dir, year
        As for :func:`build_context`.
    snapshot : str or Path, optional
        A file written by :func:`save_context` in the same batch.
    """
    if snapshot:
        with Path(snapshot).open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 — our own file, written by this batch
    return build_context(data_dir, year)
