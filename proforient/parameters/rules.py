"""The district's rules as data: study profiles with their УГС groups and ЕГЭ rules, settings,
the measure catalogue.

Read from ``parameters/profiles.yaml``, ``parameters/settings.yaml`` and
``parameters/measures.yaml``. A new profile or measure is a new entry in the YAML file; nothing
here names a profile or a measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from proforient.parameters.files import read_yaml
from proforient.parameters.measures import MeasureCatalogue, load_measures
from proforient.problems import InputError, Problem
from proforient.vocab import SUBJECTS, Term, Vocabulary


@dataclass(frozen=True)
class Profile:
    """A study profile and what counts as matching it."""

    code: str
    label: str
    aliases: tuple[str, ...]
    checked: bool
    ugs_groups: frozenset[str]
    ege_all_of: frozenset[str]
    ege_any_of: frozenset[str]

    def ege_matches(self, subjects: frozenset[str]) -> bool:
        """Whether a set of canonical ЕГЭ subject codes satisfies this profile's rule."""
        if not self.ege_all_of <= subjects:
            return False
        return not self.ege_any_of or bool(self.ege_any_of & subjects)


@dataclass(frozen=True)
class Rules:
    """Everything the district configures: profiles, settings and the measure catalogue
    (``measures``: empty for rules built by hand, so that every measure is unknown)."""

    profiles: dict[str, Profile]
    suppression_threshold: int = 3
    fuzzy_accept: float = 90.0
    fuzzy_review: float = 80.0
    study_region_places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    measures: MeasureCatalogue = field(default_factory=MeasureCatalogue)

    @property
    def profile_vocabulary(self) -> Vocabulary:
        """The profiles as a :class:`~proforient.vocab.Vocabulary` (for aliases)."""
        return Vocabulary(
            "профиль обучения",
            [Term(p.code, p.label, p.aliases) for p in self.profiles.values()],
        )


def load_rules(folder: Path, measures: MeasureCatalogue | None = None) -> Rules:
    """Read and check the district's profiles and settings.

    Parameters
    ----------
    folder : Path
        The parameters folder (``profiles.yaml``, ``measures.yaml`` and the optional
        ``settings.yaml``).
    measures : MeasureCatalogue, optional
        The catalogue when the caller has read it already (its problems are the caller's);
        by default ``measures.yaml`` of ``folder`` is read here.

    Returns
    -------
    Rules

    Raises
    ------
    InputError
        With every problem found (unknown ЕГЭ subject, malformed group, missing key).
    """
    folder = Path(folder)
    raw = read_yaml(folder / "profiles.yaml")
    problems: list[Problem] = []
    profiles: dict[str, Profile] = {}
    for code, entry in (raw.get("profiles") or {}).items():
        where = f"профиль «{code}»"
        if not isinstance(entry, dict):
            problems.append(Problem("profiles.yaml", None, where, "ожидался словарь"))
            continue
        groups = [str(g).zfill(2) for g in entry.get("ugs_groups") or []]
        bad = [g for g in groups if not (len(g) == 2 and g.isdigit())]
        if bad:
            problems.append(Problem("profiles.yaml", None, where,
                                    f"группа УГС должна быть двумя цифрами: {bad}"))
        rule = entry.get("ege_rule") or {}
        subjects = {k: frozenset(rule.get(k) or []) for k in ("all_of", "any_of")}
        for key, values in subjects.items():
            unknown = sorted(v for v in values if v not in SUBJECTS)
            if unknown:
                problems.append(Problem("profiles.yaml", None, where,
                                        f"неизвестные предметы ЕГЭ в {key}: {unknown}"))
        profiles[str(code)] = Profile(
            code=str(code),
            label=str(entry.get("label", code)),
            aliases=tuple(str(a) for a in entry.get("aliases") or []),
            checked=bool(entry.get("checked", True)),
            ugs_groups=frozenset(groups),
            ege_all_of=subjects["all_of"],
            ege_any_of=subjects["any_of"],
        )
    if not profiles:
        problems.append(Problem("profiles.yaml", None, "profiles", "не задано ни одного профиля"))
    settings_path = folder / "settings.yaml"
    settings = read_yaml(settings_path) if settings_path.exists() else {}
    places = settings.get("study_region_places") or {}
    if not isinstance(places, dict) or set(places) - {"district", "republic", "elsewhere"}:
        problems.append(Problem("settings.yaml", None, "study_region_places",
                                "ожидались ключи district, republic, elsewhere со списками"))
        places = {}
    threshold = _setting(settings, "suppression_threshold", 3, 1, 100, problems, whole=True)
    accept = _setting(settings, "fuzzy_accept", 90.0, 0, 100, problems)
    review = _setting(settings, "fuzzy_review", 80.0, 0, 100, problems)
    if review > accept:
        problems.append(Problem("settings.yaml", None, "fuzzy_review",
                                f"fuzzy_review ({review:g}) не может быть больше fuzzy_accept "
                                f"({accept:g})"))
    if measures is None:
        measures = MeasureCatalogue()
        try:
            measures = load_measures(folder)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return Rules(
        profiles=profiles,
        suppression_threshold=int(threshold),
        fuzzy_accept=accept,
        fuzzy_review=review,
        study_region_places={k: tuple(str(x) for x in v or []) for k, v in places.items()},
        measures=measures,
    )


def _setting(settings: dict, key: str, default: float, low: float, high: float,
             problems: list[Problem], *, whole: bool = False) -> float:
    """A number of ``settings.yaml`` within [low, high] (the default when absent)."""
    value = settings.get(key, default)
    ok = (isinstance(value, int | float) and not isinstance(value, bool)
          and low <= value <= high and (not whole or float(value).is_integer()))
    if not ok:
        kind = "целое число" if whole else "число"
        problems.append(Problem("settings.yaml", None, key,
                                f"«{value}»: нужно {kind} от {low:g} до {high:g}"))
        return default
    return float(value)
