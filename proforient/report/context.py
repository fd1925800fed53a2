"""Everything a report needs, computed once: the pipeline's results for the report's year.

A notebook calls :func:`get_context`. In JupyterLab it computes the context from the data folder;
in a batch (``proforient report``) the batch computes it once, saves a snapshot with
:func:`save_context`, and every notebook loads that snapshot instead of recomputing it.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from proforient import __version__, pipeline
from proforient.dataset import Dataset
from proforient.parameters import DistrictParameters, load_parameters
from proforient.parameters.roadmap import Roadmap
from proforient.parameters.rules import Rules
from proforient.paths import DEMO_DATA_DIR
from proforient.problems import InputError, Problem
from proforient.report.facts import DistrictFacts, compute_facts
from proforient.report.publish import Published


@dataclass
class ReportContext:
    """The shared inputs of every report of one batch.

    Attributes
    ----------
    results : pipeline.Results
        The dataset, the parameters, the per-graduate alignment (personal data: never display
        its rows) and the indicator table of every year.
    year : str
        The report's academic year.
    generated : datetime
        When the batch ran; the same for every report of a batch.
    version : str
        The package version.
    publications : dict
        What each report may show (:mod:`proforient.report.publish`), by report
        (``"school:sch-01"``, ``"district"``, ``"graduates"``); the batch decides them all
        before the notebooks run.
    ledger : dict
        What earlier batches of the same dataset published, cell by cell
        (:mod:`proforient.report.ledger`): every decision takes it as given.
    """

    results: pipeline.Results
    year: str
    generated: datetime
    version: str = __version__
    publications: dict[str, Published] = field(default_factory=dict)
    ledger: dict[str, str] = field(default_factory=dict)
    _facts: DistrictFacts | None = field(default=None, repr=False)

    @property
    def facts(self) -> DistrictFacts:
        """The district's facts of the report's year (computed once, then kept)."""
        if self._facts is None:
            self._facts = compute_facts(self.results, self.year)
        return self._facts

    @property
    def dataset(self) -> Dataset:
        """The validated dataset."""
        return self.results.dataset

    @property
    def params(self) -> DistrictParameters:
        """The district's parameters."""
        return self.results.params

    @property
    def rules(self) -> Rules:
        """Profiles and thresholds."""
        return self.results.params.rules

    @property
    def roadmap(self) -> Roadmap:
        """The roadmap that judges the report's year."""
        return self.results.params.roadmap(self.year)

    @property
    def indicators(self) -> pd.DataFrame:
        """The indicator table of every year."""
        return self.results.indicators

    @property
    def aligned(self) -> pd.DataFrame:
        """The per-graduate alignment of every year (personal data)."""
        return self.results.aligned


def build_context(data_dir: str | Path | None = None, year: str | None = None,
                  params: DistrictParameters | None = None) -> ReportContext:
    """Load, validate and compute everything the reports need.

    Parameters
    ----------
    data_dir : str or Path, optional
        The dataset folder; the demo district when omitted.
    year : str, optional
        The report's year; the latest in the data when omitted.
    params : DistrictParameters, optional
        The district's parameters; read from the parameters folder when omitted.

    Returns
    -------
    ReportContext

    Raises
    ------
    InputError
        When the data have errors, the year is absent, or a share exceeds its denominator.
    """
    params = params if params is not None else load_parameters()
    results = pipeline.run(Path(data_dir) if data_dir else DEMO_DATA_DIR, params)
    dataset = results.dataset
    year = year or dataset.latest_year
    if year not in dataset.years:
        raise InputError([Problem(dataset.path.name, None, None,
                                  f"года {year} нет в данных; есть: {', '.join(dataset.years)}")])
    return ReportContext(results=results, year=year, generated=datetime.now())


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
