"""The district's parameters as data: rules, roadmaps, specialty aliases and the classifier.

:func:`load_parameters` reads everything a computation needs from the parameters folder (and the
classifier shipped with the package) once; calculations take the result as an argument and never
read a file themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from proforient.parameters.aliases import ALIASES_FILE, load_aliases
from proforient.parameters.classifier import Classifier, load_classifier
from proforient.parameters.measures import MeasureCatalogue, load_measures
from proforient.parameters.roadmap import Roadmap, Roadmaps, load_roadmaps
from proforient.parameters.rules import Rules, load_rules
from proforient.paths import parameters_dir
from proforient.problems import InputError, Problem

__all__ = ["DistrictParameters", "MeasureCatalogue", "load_parameters"]


@dataclass(frozen=True)
class DistrictParameters:
    """Everything the district configures, loaded and checked.

    Attributes
    ----------
    folder : Path
        Where the parameters were read from.
    rules : Rules
        Profiles, suppression threshold, fuzzy thresholds, study-region places, the measure
        catalogue (``rules.measures``, also :attr:`measures`).
    roadmaps : Roadmaps
        The roadmap of each year a file was written for.
    aliases : DataFrame
        The checked alias table (``alias, code, comment, key``).
    classifier : Classifier
        The ОКСО classifier with its crosswalk (shipped with the package).
    """

    folder: Path
    rules: Rules
    roadmaps: Roadmaps
    aliases: pd.DataFrame
    classifier: Classifier

    @property
    def measures(self) -> MeasureCatalogue:
        """The measure catalogue (``measures.yaml``)."""
        return self.rules.measures

    def roadmap(self, year: str) -> Roadmap:
        """The roadmap a report of ``year`` reads: its own or the latest earlier one; for a year
        before the first roadmap, the first one's definitions without targets
        (:meth:`~proforient.parameters.roadmap.Roadmaps.judging`)."""
        return self.roadmaps.judging(year)


def load_parameters(folder: str | Path | None = None) -> DistrictParameters:
    """Read and check the district's parameters.

    Parameters
    ----------
    folder : str or Path, optional
        The parameters folder; by default the project's ``parameters/`` (or the folder named by
        the environment variable ``PROFORIENT_PARAMETERS``).

    Returns
    -------
    DistrictParameters

    Raises
    ------
    InputError
        With every problem found, each naming its file.
    """
    folder = Path(folder) if folder is not None else parameters_dir()
    if not folder.is_dir():
        raise InputError([Problem(str(folder.name or folder), None, None,
                                  "папка параметров района не найдена")])
    problems: list[Problem] = []
    measures = MeasureCatalogue()
    try:
        measures = load_measures(folder)
    except InputError as exc:
        problems += exc.problems
    loaded = {}
    steps = [("rules", lambda: load_rules(folder, measures))]
    if not problems:  # without the catalogue every measure of a roadmap would be «unknown»
        steps.append(("roadmaps", lambda: load_roadmaps(folder, measures)))
    for key, load in steps:
        try:
            loaded[key] = load()
        except InputError as exc:
            problems += exc.problems
    classifier = load_classifier()
    try:
        aliases = load_aliases(folder / ALIASES_FILE, classifier)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    return DistrictParameters(folder=folder, rules=loaded["rules"], roadmaps=loaded["roadmaps"],
                              aliases=aliases, classifier=classifier)
