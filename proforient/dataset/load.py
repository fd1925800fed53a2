"""Loading and validating a dataset directory (docs/data-contract.md).

A dataset is a folder with ``organizations``, ``measures``, ``graduates`` and ``demand`` tables,
each a CSV file (UTF-8 with or without BOM, ``,`` or ``;`` separated) or a Parquet file with the
same stem, and an optional ``dataset.yaml`` (name, ``synthetic: true`` for the demo).

Every problem is collected with its file, line (as an editor shows it: the header is line 1),
column and reason in Russian; errors and warnings are told apart. :func:`load_dataset` raises
:class:`~proforient.problems.InputError` when there are errors, :func:`check_dataset` returns the
problems and the dataset (``None`` when the dataset cannot be used).

The tables come out tidy and canonical:

- ``organizations``: ``org_id, name, kind, settlement``;
- ``measures``: ``year, org_id, measure, grade`` (``Int64``, ``<NA>`` = a total), ``value``
  (float);
- ``graduates``: ``year, org_id, graduate_id, grade`` (``Int64``), ``profile`` (canonical code or
  ``<NA>``), ``ege_subjects`` (canonical codes sorted and joined by ``;`` or ``<NA>``),
  ``destination`` (canonical; empty → ``unknown``), ``institution``, ``specialty_code``,
  ``specialty_name``, ``study_region``;
- ``demand``: ``territory, code, title, year`` (``<NA>`` = every year), ``vacancies``
  (``Int64``), ``source``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from proforient.dataset.checks import (
    check_demand,
    check_graduates,
    check_graduates_within_enrolment,
    check_measures,
    check_organizations,
)
from proforient.dataset.model import _LINE, OPTIONAL_TABLES, REQUIRED_TABLES, Dataset, empty_table
from proforient.dataset.read import read_meta, read_table
from proforient.parameters.rules import Rules
from proforient.paths import find_data_dir
from proforient.problems import InputError, Problem, errors_of


def check_dataset(path: str | Path, rules: Rules) -> tuple[Dataset | None, list[Problem]]:
    """Read and validate a dataset folder, collecting every problem.

    Parameters
    ----------
    path : str or Path
        The dataset folder: a relative one is looked for under the working folder, then under
        the project's (:func:`proforient.paths.find_data_dir`).
    rules : Rules
        The district's rules (the profiles' aliases, the measure catalogue).

    Returns
    -------
    dataset : Dataset or None
        The canonical tables with the bad rows left out; ``None`` when a required table cannot
        be read at all.
    problems : list of Problem
        Errors and warnings, in the order of the files and lines.
    """
    folder, missing = find_data_dir(path)
    problems: list[Problem] = []
    if folder is None:
        return None, [Problem(str(path), None, None, missing)]
    meta = read_meta(folder, problems)
    tables: dict[str, pd.DataFrame | None] = {}
    names: dict[str, str] = {}
    for stem in (*REQUIRED_TABLES, *OPTIONAL_TABLES):
        names[stem], tables[stem] = read_table(folder, stem, stem in REQUIRED_TABLES, problems)

    org_ids = None
    if tables["organizations"] is not None:
        # the other tables are checked against every listed id, usable or not: an id that
        # cannot name a file is reported once, in organizations, not in each of its rows
        org_ids = set(tables["organizations"]["org_id"]) - {""}
        tables["organizations"] = check_organizations(names["organizations"],
                                                       tables["organizations"], problems)
    if tables["measures"] is not None:
        tables["measures"] = check_measures(names["measures"], tables["measures"], org_ids,
                                             rules.measures, problems)
    if tables["graduates"] is not None:
        tables["graduates"] = check_graduates(names["graduates"], tables["graduates"], org_ids,
                                               rules, problems)
    if tables["measures"] is not None and tables["graduates"] is not None:
        check_graduates_within_enrolment(names["graduates"], tables["graduates"],
                                         tables["measures"], problems)
    if tables["demand"] is not None:
        tables["demand"] = check_demand(names["demand"], tables["demand"], problems)
    if tables["organizations"] is None or tables["measures"] is None:
        return None, problems
    lines = {stem: tables[stem][_LINE] for stem in ("measures", "graduates")
             if tables[stem] is not None}
    dataset = Dataset(
        path=folder,
        organizations=tables["organizations"],
        measures=tables["measures"].drop(columns=_LINE),
        graduates=_or_empty(_without_lines(tables["graduates"]), "graduates"),
        demand=_or_empty(tables["demand"], "demand"),
        problems=[p for p in problems if p.severity == "warning"],
        meta=meta,
        lines=lines,
        files=names,
    )
    return dataset, problems


def _without_lines(table: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if table is None else table.drop(columns=_LINE)


def _or_empty(table: pd.DataFrame | None, stem: str) -> pd.DataFrame:
    return table if table is not None else empty_table(stem)


def load_dataset(path: str | Path, rules: Rules) -> Dataset:
    """Load a dataset folder, refusing it when it has errors.

    Parameters
    ----------
    path : str or Path
        The dataset folder.
    rules : Rules
        The district's rules.

    Returns
    -------
    Dataset
        With its warnings in ``problems``.

    Raises
    ------
    InputError
        Listing every error (and warning) found.
    """
    dataset, problems = check_dataset(path, rules)
    if dataset is None or errors_of(problems):
        raise InputError(problems)
    return dataset
