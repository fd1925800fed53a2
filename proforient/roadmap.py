"""The roadmap (дорожная карта) as data: activities and their indicator definitions.

Read from ``parameters/roadmap-YYYY-YYYY.yaml``. Loading checks the file (unique ids, known
kinds, measures and organisation kinds, grade ranges, targets) and reports every problem in
Russian with the activity it concerns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from proforient.paths import parameters_dir
from proforient.problems import InputError, Problem
from proforient.vocab import GRADES, INDICATOR_KINDS, KINDS, MEASURES


@dataclass(frozen=True)
class Operand:
    """One side of an indicator: a measure summed over an inclusive grade range (or a total)."""

    measure: str
    grades: tuple[int, int] | None = None

    def covers(self, grade: int) -> bool:
        """Whether ``grade`` falls into this term's range (always true without a range)."""
        return self.grades is None or self.grades[0] <= grade <= self.grades[1]


@dataclass(frozen=True)
class Indicator:
    """An indicator of the roadmap (SPEC §4).

    ``source`` is ``measures`` (computed from measures.csv) or ``graduates`` (from the
    per-graduate alignment; then ``numerator``/``denominator`` are ``None`` and the counts come
    from :func:`proforient.alignment.graduate_indicator_counts`).
    """

    id: str
    title: str
    kind: str
    applies_to: tuple[str, ...]
    target: float | None
    source: str = "measures"
    numerator: Operand | None = None
    denominator: Operand | None = None
    numerator_text: str = ""
    denominator_text: str = ""
    for_grades: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Activity:
    """An activity of the roadmap with its Russian wording and its indicator."""

    number: int
    goal: str
    activity: str
    deadline: str
    expected_result: str
    executors: tuple[str, ...]
    indicator: Indicator
    note: str = ""


@dataclass(frozen=True)
class Roadmap:
    """The whole roadmap of one academic year."""

    year: str
    title: str
    activities: tuple[Activity, ...]

    @property
    def indicators(self) -> list[Indicator]:
        """Indicators in the roadmap's order."""
        return [a.indicator for a in self.activities]

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator with this id (``KeyError`` if absent)."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)


def _term(raw, where: str, problems: list[Problem], name: str) -> Operand | None:
    if not isinstance(raw, dict) or "measure" not in raw:
        problems.append(Problem(name, None, where, "ожидалось {measure: …, grades: [с, по]}"))
        return None
    measure = str(raw["measure"])
    if measure not in MEASURES:
        problems.append(Problem(name, None, where, f"неизвестный показатель «{measure}»"))
    grades = raw.get("grades")
    if grades is None:
        return Operand(measure)
    ok = (isinstance(grades, list) and len(grades) == 2
          and all(isinstance(g, int) and g in GRADES for g in grades) and grades[0] <= grades[1])
    if not ok:
        problems.append(Problem(name, None, where,
                                f"grades должно быть [с, по] с классами 1–11, а указано {grades}"))
        return None
    return Operand(measure, (grades[0], grades[1]))


def _indicator(raw, where: str, problems: list[Problem], name: str) -> Indicator | None:
    if not isinstance(raw, dict):
        problems.append(Problem(name, None, where, "нет описания показателя (indicator)"))
        return None
    before = len(problems)
    ind_id = str(raw.get("id", ""))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", ind_id):
        problems.append(Problem(name, None, where,
                                f"id показателя «{ind_id}» — латиница, цифры и _"))
    kind = raw.get("kind")
    if kind not in INDICATOR_KINDS:
        problems.append(Problem(name, None, where, f"kind «{kind}»: допустимо share, flag, count"))
    applies = tuple(str(k) for k in raw.get("applies_to") or [])
    unknown = [k for k in applies if k not in KINDS]
    if not applies or unknown:
        problems.append(Problem(name, None, where,
                                f"applies_to {list(applies)}: допустимо {KINDS.codes}"))
    target = raw.get("target")
    if target is not None and (not isinstance(target, int | float) or target < 0
                               or (kind in ("share", "flag") and target > 1)):
        problems.append(Problem(name, None, where,
                                f"target {target!r}: для долей и флагов — дробь от 0 до 1, для "
                                "количеств — неотрицательное число, или null"))
    for_grades = raw.get("for_grades")
    if for_grades is not None and (not isinstance(for_grades, list) or not for_grades
                                   or not all(isinstance(g, int) and g in GRADES
                                              for g in for_grades)):
        problems.append(Problem(name, None, where,
                                f"for_grades должно быть списком классов 1–11, а указано "
                                f"{for_grades!r}"))
    source = str(raw.get("source", "measures"))
    numerator = denominator = None
    if source == "graduates":
        if kind != "share":
            problems.append(Problem(name, None, where, "source: graduates бывает только у долей"))
    elif source == "measures":
        numerator = _term(raw.get("numerator"), where + ", numerator", problems, name)
        if kind == "share":
            denominator = _term(raw.get("denominator"), where + ", denominator", problems, name)
        elif raw.get("denominator") is not None:
            problems.append(Problem(name, None, where, "знаменатель бывает только у долей"))
    else:
        problems.append(Problem(name, None, where, f"source «{source}»: measures или graduates"))
    if len(problems) > before:
        return None

    def text(side: str) -> str:
        value = raw.get(side) or {}
        return str(value.get("description", "")) if isinstance(value, dict) else ""

    return Indicator(
        id=ind_id, title=str(raw.get("title") or ind_id), kind=str(kind), applies_to=applies,
        target=None if target is None else float(target), source=source,
        numerator=numerator, denominator=denominator,
        numerator_text=text("numerator"), denominator_text=text("denominator"),
        for_grades=tuple(for_grades) if for_grades else None,
    )


def load_roadmap(path: str | Path | None = None, year: str | None = None) -> Roadmap:
    """Read and check a roadmap file.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file. When omitted, ``parameters/roadmap-<year>.yaml`` if it exists, else the
        latest ``roadmap-*.yaml`` in the parameters folder not after ``year`` (a district that has
        not yet written next year's roadmap keeps last year's indicators).
    year : str, optional
        The academic year the roadmap is wanted for.

    Returns
    -------
    Roadmap

    Raises
    ------
    InputError
        With every problem found in the file.
    """
    path = Path(path) if path is not None else find_roadmap(year)
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(name, None, None, "файл дорожной карты не найден")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError([Problem(name, None if mark is None else mark.line + 1, None,
                                  f"файл не читается как YAML: {getattr(exc, 'problem', '')}")]
                         ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("activities"), list):
        raise InputError([Problem(name, None, None, "нет списка activities")])
    problems: list[Problem] = []
    activities: list[Activity] = []
    seen: set[str] = set()
    for i, act in enumerate(raw["activities"], start=1):
        where = f"мероприятие {act.get('number', i) if isinstance(act, dict) else i}"
        if not isinstance(act, dict):
            problems.append(Problem(name, None, where, "ожидался словарь"))
            continue
        ind = _indicator(act.get("indicator"), where, problems, name)
        if ind is None:
            continue
        if ind.id in seen:
            problems.append(Problem(name, None, where, f"id «{ind.id}» повторяется"))
        seen.add(ind.id)
        activities.append(Activity(
            number=int(act.get("number", i)), goal=str(act.get("goal", "")),
            activity=str(act.get("activity", "")), deadline=str(act.get("deadline", "")),
            expected_result=str(act.get("expected_result", "")),
            executors=tuple(str(e) for e in act.get("executors") or []), indicator=ind,
            note=str(act.get("note", "") or ""),
        ))
    if problems:
        raise InputError(problems)
    return Roadmap(year=str(raw.get("year", "")), title=str(raw.get("title", "")),
                   activities=tuple(activities))


def find_roadmap(year: str | None = None, folder: Path | None = None) -> Path:
    """Return the roadmap file for ``year`` (or the latest one not after it)."""
    folder = folder or parameters_dir()
    files = sorted(folder.glob("roadmap-*.yaml"))
    if year is not None:
        exact = folder / f"roadmap-{year}.yaml"
        if exact.exists():
            return exact
        earlier = [f for f in files if f.stem.removeprefix("roadmap-") <= year]
        files = earlier or files
    if not files:
        raise InputError([Problem(str(folder), None, None,
                                  "в папке parameters нет файла roadmap-ГГГГ-ГГГГ.yaml")])
    return files[-1]
