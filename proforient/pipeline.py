"""One pipeline from the district's folders to every computed table.

``proforient report``, ``indicators``, ``validate`` and ``alignment``, the report notebooks and
the analyst's :mod:`proforient.explore` all go through here::

    parameters/ ──load_parameters──▶ DistrictParameters ─┐
    data folder ──load_dataset─────▶ Dataset ────────────┴─compute──▶ Results

:func:`compute` is pure: the dataset and the parameters in, the tables out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from proforient.compute.alignment import align_graduates, graduate_indicator_counts
from proforient.compute.indicators import compute_indicators, overflow_problems
from proforient.dataset import Dataset, check_dataset, load_dataset
from proforient.parameters import DistrictParameters, load_parameters
from proforient.problems import InputError, Problem, errors_of

__all__ = ["Results", "check", "compute", "run"]


@dataclass
class Results:
    """Everything computed from one dataset with the district's parameters.

    Attributes
    ----------
    dataset : Dataset
        The validated dataset (its warnings in ``dataset.problems``).
    params : DistrictParameters
        The rules, roadmaps, aliases and classifier used.
    aligned : DataFrame
        One row per graduate of every computed year (:func:`~proforient.compute.alignment.
        align_graduates`). Personal data: for the analyst's files only, never displayed.
    graduate_counts : DataFrame
        Numerators and denominators of the graduate indicators per school and year.
    indicators : DataFrame
        The indicator table of every year, each judged by its own roadmap.
    """

    dataset: Dataset
    params: DistrictParameters
    aligned: pd.DataFrame
    graduate_counts: pd.DataFrame
    indicators: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def compute(dataset: Dataset, params: DistrictParameters,
            years: Iterable[str] | None = None) -> Results:
    """Align the graduates and compute every indicator.

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset.
    params : DistrictParameters
        The district's parameters.
    years : iterable of str, optional
        Compute only these years — the graduates' alignment, the indicator table and its check
        (default: every year in the data). A command that writes one year pays for one.

    Returns
    -------
    Results

    Raises
    ------
    InputError
        When a share's numerator exceeds its denominator (a data error, named with the
        organisation).
    """
    graduates = dataset.graduates
    if years is not None:
        years = sorted(set(years))
        graduates = graduates[graduates["year"].isin(years).to_numpy(dtype=bool)]
    aligned = align_graduates(graduates, dataset.demand, params.rules, params.classifier,
                              params.aliases)
    counts = graduate_indicator_counts(aligned, params.rules)
    indicators = compute_indicators(dataset, params.roadmaps, years, graduate_counts=counts)
    overflow = overflow_problems(indicators, dataset, params.roadmaps)
    if overflow:
        raise InputError(overflow)
    return Results(dataset=dataset, params=params, aligned=aligned, graduate_counts=counts,
                   indicators=indicators, problems=list(dataset.problems))


def run(data_dir: str | Path, params: DistrictParameters | None = None,
        years: Iterable[str] | None = None) -> Results:
    """Load the parameters (unless given) and the dataset, then :func:`compute`.

    Raises
    ------
    InputError
        With every problem of the parameters or the data.
    """
    params = params if params is not None else load_parameters()
    return compute(load_dataset(data_dir, params.rules), params, years)


def check(data_dir: str | Path, params: DistrictParameters | None = None
          ) -> tuple[Results | None, list[Problem]]:
    """Everything ``proforient validate`` reports: the dataset's problems, then those the
    computation finds (a share above its denominator), without raising for bad data.

    Returns
    -------
    results : Results or None
        ``None`` when the data have errors.
    problems : list of Problem
        Errors and warnings, files in order.
    """
    params = params if params is not None else load_parameters()
    dataset, problems = check_dataset(data_dir, params.rules)
    if dataset is None or errors_of(problems):
        return None, problems
    try:
        return compute(dataset, params), problems
    except InputError as exc:
        return None, problems + exc.problems
