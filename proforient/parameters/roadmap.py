"""The roadmap (дорожная карта) as data: activities and their indicator definitions.

Read from ``parameters/roadmap-YYYY-YYYY.yaml``. Loading checks the file (unique ids, known
kinds, measures and organisation kinds, grade ranges, targets) and reports every problem in
Russian with the activity it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from proforient.parameters.files import read_yaml
from proforient.parameters.measures import MeasureCatalogue
from proforient.problems import InputError, Problem
from proforient.vocab import (
    ACADEMIC_YEAR_HINT,
    GRADES,
    GRADUATE_INDICATORS,
    INDICATOR_KINDS,
    KINDS,
    is_academic_year,
)


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
    """An indicator of the roadmap (docs/data-contract.md, «roadmap-ГГГГ-ГГГГ.yaml»).

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
    #: a ``category`` indicator: the values an organisation should have (names from the
    #: catalogue) and their positions in the measure's list (the stored values)
    target_values: tuple[str, ...] = ()
    target_positions: tuple[int, ...] = ()
    #: the id of the previous roadmap's indicator this one continues (``continues:``); ``None``
    #: when it continues the indicator of the same id, if there is one
    continues: str | None = None
    #: what changed in the definition against the previous roadmap (``change:``), in Russian
    change: str = ""

    def definition(self) -> tuple:
        """What the indicator counts: kind, source, numerator and denominator (measures and
        grades). Two years whose definitions differ are not compared as if nothing changed."""
        return (self.kind, self.source, self.numerator, self.denominator)


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
    #: the year of the roadmap whose targets judge this one; ``None`` for a year before the
    #: first roadmap (computed by the first roadmap's definitions, without targets)
    targets_from: str | None = ""

    def __post_init__(self) -> None:
        if self.targets_from == "":
            object.__setattr__(self, "targets_from", self.year)

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


def _term(raw, where: str, problems: list[Problem], name: str,
          measures: MeasureCatalogue) -> Operand | None:
    if not isinstance(raw, dict) or "measure" not in raw:
        problems.append(Problem(name, None, where, "ожидалось {measure: …, grades: [с, по]}"))
        return None
    measure = str(raw["measure"])
    spec = measures.get(measure)
    if spec is None:
        problems.append(Problem(name, None, where, measures.unknown_message(measure)))
    grades = raw.get("grades")
    if grades is None:
        return Operand(measure)
    if spec is not None and not spec.by_grade:
        problems.append(Problem(name, None, where,
                                f"показатель «{measure}» собирается итогом (by: total в "
                                f"{measures.file}): grades к нему не указываются"))
        return None
    ok = (isinstance(grades, list) and len(grades) == 2
          and all(isinstance(g, int) and g in GRADES for g in grades) and grades[0] <= grades[1])
    if not ok:
        problems.append(Problem(name, None, where,
                                f"grades должно быть [с, по] с классами 1–11, а указано {grades}"))
        return None
    return Operand(measure, (grades[0], grades[1]))


def _indicator(raw, where: str, problems: list[Problem], name: str,
               measures: MeasureCatalogue) -> Indicator | None:
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
        problems.append(Problem(name, None, where,
                                f"kind «{kind}»: допустимо {', '.join(INDICATOR_KINDS.codes)}"))
    applies = tuple(str(k) for k in raw.get("applies_to") or [])
    unknown = [k for k in applies if k not in KINDS]
    if not applies or unknown:
        problems.append(Problem(name, None, where,
                                f"applies_to {list(applies)}: допустимо {KINDS.codes}"))
    target = raw.get("target")
    if target is not None and (not isinstance(target, int | float) or target < 0
                               or (kind in ("share", "flag", "category") and target > 1)):
        problems.append(Problem(name, None, where,
                                f"target {target!r}: для долей, флагов и уровней — дробь от 0 "
                                "до 1, для количеств — неотрицательное число, или null"))
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
        if ind_id not in GRADUATE_INDICATORS:
            # the graduate shares are calculations of the product, named by their ids: another
            # id would be computed by nothing and stay «нет данных» in every report
            problems.append(Problem(
                name, None, where + ", id",
                f"id «{ind_id}» с source: graduates: по таблице выпускников считаются только "
                + "; ".join(f"{t.code} ({t.label})" for t in GRADUATE_INDICATORS)
                + ". Название (title) и цель можно менять, id — нет"))
    elif source == "measures":
        numerator = _term(raw.get("numerator"), where + ", numerator", problems, name, measures)
        if kind == "share":
            denominator = _term(raw.get("denominator"), where + ", denominator", problems, name,
                                measures)
        elif raw.get("denominator") is not None:
            problems.append(Problem(name, None, where, "знаменатель бывает только у долей"))
    else:
        problems.append(Problem(name, None, where, f"source «{source}»: measures или graduates"))
    values, positions = _target_values(raw, kind, numerator, where, problems, name, measures)
    continues = raw.get("continues")
    if continues is not None and (not isinstance(continues, str)
                                  or not re.fullmatch(r"[a-z][a-z0-9_]*", continues)):
        problems.append(Problem(name, None, where + ", continues",
                                f"continues {continues!r}: нужен id показателя прошлой дорожной "
                                "карты (латиница, цифры и _), например diagnostics_share"))
    change = raw.get("change")
    if change is not None and (not isinstance(change, str) or not change.strip()):
        problems.append(Problem(name, None, where + ", change",
                                f"change {change!r}: нужен текст — что изменилось в расчёте "
                                "показателя, например «считается по онлайн-диагностике "
                                "„Билет в будущее“, 6–11 классы»"))
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
        target_values=values, target_positions=positions,
        continues=continues, change=change.strip() if change else "",
    )


def _target_values(raw: dict, kind, numerator: Operand | None, where: str,
                   problems: list[Problem], name: str, measures: MeasureCatalogue
                   ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The checked ``target_values`` of a ``category`` indicator (names and positions)."""
    wanted = raw.get("target_values")
    if kind != "category":
        if wanted is not None:
            problems.append(Problem(name, None, where,
                                    "target_values бывает только у уровней (kind: category)"))
        return (), ()
    spec = measures.get(numerator.measure) if numerator is not None else None
    if spec is None:
        return (), ()
    if spec.group != "category":
        problems.append(Problem(name, None, where,
                                f"kind: category читает показатель-выбор (group: category в "
                                f"{measures.file}), а «{spec.code}» — {spec.group}"))
        return (), ()
    if wanted is None:
        if raw.get("target") is not None:
            problems.append(Problem(name, None, where,
                                    "у уровня с target нужен и target_values: какие значения "
                                    "считаются достигнутыми"))
        return (), ()
    if not isinstance(wanted, list) or not wanted:
        problems.append(Problem(name, None, where,
                                "target_values — список значений, например [основной, "
                                "продвинутый]"))
        return (), ()
    positions = [spec.category_position(str(v)) for v in wanted]
    unknown = [str(v) for v, p in zip(wanted, positions, strict=True) if p is None]
    if unknown:
        problems.append(Problem(name, None, where,
                                f"target_values {unknown}: у «{spec.code}» допустимо "
                                f"{', '.join(spec.values)}"))
        return (), ()
    ordered = sorted(set(positions))
    return tuple(spec.values[p - 1] for p in ordered), tuple(ordered)


def load_roadmap(path: str | Path, measures: MeasureCatalogue) -> Roadmap:
    """Read and check a roadmap file.

    Parameters
    ----------
    path : str or Path
        The YAML file (``parameters/roadmap-2021-2022.yaml``).
    measures : MeasureCatalogue
        The district's measures: an indicator may read only these, and only in years they are
        collected.

    Returns
    -------
    Roadmap

    Raises
    ------
    InputError
        With every problem found in the file.
    """
    path = Path(path)
    name = path.name
    raw = read_yaml(path, what="файл дорожной карты")
    if not isinstance(raw.get("activities"), list):
        raise InputError([Problem(name, None, None, "нет списка activities")])
    problems: list[Problem] = []
    activities: list[Activity] = []
    seen: set[str] = set()
    for i, act in enumerate(raw["activities"], start=1):
        where = f"мероприятие {act.get('number', i) if isinstance(act, dict) else i}"
        if not isinstance(act, dict):
            problems.append(Problem(name, None, where, "ожидался словарь"))
            continue
        ind = _indicator(act.get("indicator"), where, problems, name, measures)
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
    year = str(raw.get("year", "")) or path.stem.removeprefix("roadmap-")
    for act in activities:
        for operand in (act.indicator.numerator, act.indicator.denominator):
            spec = None if operand is None else measures.get(operand.measure)
            if spec is not None and is_academic_year(year) and not spec.collected_in(year):
                problems.append(Problem(
                    name, None, f"мероприятие {act.number}",
                    f"показатель «{spec.code}» не собирается в {year} году (from/to в "
                    f"{measures.file})"))
    if problems:
        raise InputError(problems)
    return Roadmap(year=str(raw.get("year", "")), title=str(raw.get("title", "")),
                   activities=tuple(activities))


@dataclass(frozen=True)
class Roadmaps:
    """The district's roadmaps, one per academic year a roadmap file was written for.

    A year is judged by its own roadmap or, when the district did not write one for it, by the
    latest earlier one (last year's targets still hold). A year before the first roadmap has no
    targets: a later roadmap never judges an earlier year.
    """

    by_year: Mapping[str, Roadmap]

    def __post_init__(self) -> None:
        if not self.by_year:
            raise ValueError("at least one roadmap is needed")

    @property
    def first(self) -> Roadmap:
        """The earliest roadmap."""
        return self.by_year[min(self.by_year)]

    def for_year(self, year: str) -> Roadmap | None:
        """The roadmap that judges ``year``: its own or the latest earlier one; ``None`` if none.

        >>> r = Roadmaps({"2021-2022": Roadmap("2021-2022", "", ())})
        >>> r.for_year("2022-2023").year, r.for_year("2020-2021")
        ('2021-2022', None)
        """
        earlier = [y for y in self.by_year if y <= year]
        return self.by_year[max(earlier)] if earlier else None

    def definitions_for(self, year: str) -> Roadmap:
        """The roadmap whose indicator *definitions* compute ``year``: the judging one, or for a
        year before the first roadmap the first one (so that trends have earlier values)."""
        return self.for_year(year) or self.first

    def judging(self, year: str) -> Roadmap:
        """The roadmap a report of ``year`` is read against: the one that judges the year, or —
        for a year before the first roadmap — the first roadmap's definitions *without targets*
        (docs/indicators.md, «Дорожная карта и год»): the year is computed and shown, but judged
        by no target that was set after it.

        >>> first = Roadmap("2021-2022", "Карта", (Activity(1, "", "", "", "", (), Indicator(
        ...     "x", "X", "share", ("school",), 0.8)),))
        >>> early = Roadmaps({"2021-2022": first}).judging("2019-2020")
        >>> early.year, early.indicators[0].target, early.targets_from
        ('2019-2020', None, None)
        """
        judged = self.for_year(year)
        if judged is not None:
            return judged
        first = self.first
        untargeted = tuple(replace(a, indicator=replace(a.indicator, target=None,
                                                        target_positions=()))
                           for a in first.activities)
        return Roadmap(year=year, title=first.title, activities=untargeted, targets_from=None)


def load_roadmaps(folder: Path, measures: MeasureCatalogue) -> Roadmaps:
    """Read every ``roadmap-YYYY-YYYY.yaml`` of the parameters folder, checking the measures
    its indicators read against the catalogue ``measures``.

    Raises
    ------
    InputError
        When there is no roadmap file, a file name is not ``roadmap-<academic year>.yaml``, the
        year inside a file differs from its name, or a file has problems.
    """
    files = sorted(Path(folder).glob("roadmap-*.yaml"))
    if not files:
        raise InputError([Problem(str(Path(folder).name), None, None,
                                  "в папке параметров нет файла дорожной карты "
                                  "roadmap-ГГГГ-ГГГГ.yaml")])
    problems: list[Problem] = []
    by_year: dict[str, Roadmap] = {}
    for path in files:
        year = path.stem.removeprefix("roadmap-")
        if not is_academic_year(year):
            problems.append(Problem(path.name, None, None,
                                    f"имя файла: после «roadmap-» нужен учебный год, «{year}» "
                                    f"{ACADEMIC_YEAR_HINT}"))
            continue
        try:
            roadmap = load_roadmap(path, measures)
        except InputError as exc:
            problems += exc.problems
            continue
        if roadmap.year and roadmap.year != year:
            problems.append(Problem(path.name, None, "year",
                                    f"в файле указан год {roadmap.year}, а в имени файла {year}"))
            continue
        by_year[year] = Roadmap(year=year, title=roadmap.title, activities=roadmap.activities)
    if not problems:
        problems += _continuity_problems(by_year)
    if problems:
        raise InputError(problems)
    return Roadmaps(by_year)


def predecessor(indicator: Indicator, earlier: Sequence[Roadmap]) -> tuple[str, str] | None:
    """The (roadmap year, id) of the earlier indicator that ``indicator`` continues, or ``None``
    for a new one.

    ``earlier`` are the roadmaps before the indicator's own, oldest first. With ``continues``
    the indicator continues the named id in the latest of them that has it (a series may skip
    years in which the roadmap dropped it); without, the indicator of the same id in the
    previous roadmap only. An id that an older roadmap had and the previous one dropped is not
    joined to its old series silently: :func:`load_roadmaps` asks for ``continues``.

    >>> def rm(year, *ids):
    ...     return Roadmap(year, "", tuple(Activity(1, "", "", "", "", (), Indicator(
    ...         i, i, "flag", ("school",), 1.0)) for i in ids))
    >>> old, gap = rm("2021-2022", "a"), rm("2022-2023", "c")
    >>> predecessor(Indicator("a", "A", "flag", ("school",), 1.0), [old])
    ('2021-2022', 'a')
    >>> predecessor(Indicator("b", "B", "flag", ("school",), 1.0, continues="a"), [old])
    ('2021-2022', 'a')
    >>> predecessor(Indicator("b", "B", "flag", ("school",), 1.0), [old]) is None
    True
    >>> predecessor(Indicator("a", "A", "flag", ("school",), 1.0), [old, gap]) is None
    True
    >>> predecessor(Indicator("a", "A", "flag", ("school",), 1.0, continues="a"), [old, gap])
    ('2021-2022', 'a')
    """
    wanted = indicator.continues or indicator.id
    searched = earlier if indicator.continues is not None else earlier[-1:]
    for roadmap in reversed(searched):
        if any(i.id == wanted for i in roadmap.indicators):
            return roadmap.year, wanted
    return None


def _continuity_problems(by_year: Mapping[str, Roadmap]) -> list[Problem]:
    """Check ``continues`` and ``change`` across the roadmaps (docs/indicators.md, «Ряды по
    годам»): ``continues`` names an indicator of an earlier roadmap that nothing else continues,
    an id the previous roadmap dropped comes back only with ``continues``, and a changed
    definition (another id, measure, grades, kind) says what changed."""
    problems: list[Problem] = []
    earlier: list[Roadmap] = []
    #: (roadmap year, id) of each continued indicator → (year, id) of what continues it
    claimed: dict[tuple[str, str], tuple[str, str]] = {}
    for year in sorted(by_year):
        roadmap = by_year[year]
        name = f"roadmap-{year}.yaml"
        previous = earlier[-1] if earlier else None
        before = {i.id: i for i in previous.indicators} if previous is not None else {}
        here = {i.id for i in roadmap.indicators}
        for act in roadmap.activities:
            ind = act.indicator
            where = f"мероприятие {act.number}"
            found = predecessor(ind, earlier)
            if ind.continues is not None:
                if previous is None:
                    problems.append(Problem(
                        name, None, where + ", continues",
                        f"continues: {ind.continues} — это первая дорожная карта, продолжать "
                        "нечего: уберите continues"))
                    continue
                if found is None:
                    problems.append(Problem(
                        name, None, where + ", continues",
                        f"continues: {ind.continues} — ни в дорожной карте {previous.year} "
                        f"(roadmap-{previous.year}.yaml), ни в более ранних нет показателя с "
                        f"таким id; в {previous.year} есть: {', '.join(before)}"))
                    continue
                if ind.continues != ind.id and ind.continues in here:
                    problems.append(Problem(
                        name, None, where + ", continues",
                        f"continues: {ind.continues} — показатель «{ind.continues}» есть и в "
                        "этой дорожной карте: он сам продолжает свой ряд"))
                    continue
            if found is None:
                dropped = next((r for r in reversed(earlier)
                                if any(i.id == ind.id for i in r.indicators)), None)
                if dropped is not None:
                    problems.append(Problem(
                        name, None, where + ", continues",
                        f"показатель «{ind.id}» был в дорожной карте {dropped.year}, а в "
                        f"{previous.year} его нет: если это тот же ряд, укажите continues: "
                        f"{ind.id} (годы без показателя останутся пустыми; если расчёт "
                        "изменился — и change), если новый показатель — дайте ему другой id"))
                elif ind.change:
                    problems.append(Problem(
                        name, None, where + ", change",
                        f"change говорит, что изменилось по сравнению с прошлым годом, а "
                        f"показателя «{ind.id}» в "
                        + (f"дорожной карте {previous.year} нет: укажите continues: <id "
                           "прошлого года> или уберите change" if previous is not None else
                           "прошлых дорожных картах нет: это первая, уберите change")))
                continue
            pred_year, pred = found
            if found in claimed:
                successor_year, successor = claimed[found]
                problems.append(Problem(
                    name, None, where + ", continues",
                    f"показатель «{pred}» дорожной карты {pred_year} уже продолжает «{successor}»"
                    + ("" if successor_year == year else f" (дорожная карта {successor_year})")
                    + ": у ряда одно продолжение"))
                continue
            claimed[found] = (year, ind.id)
            old = by_year[pred_year].indicator(pred)
            reasons = []
            if pred != ind.id:
                reasons.append(f"id другой («{pred}» → «{ind.id}»)")
            if old.definition() != ind.definition():
                reasons.append("расчёт другой (kind, source, measure или grades числителя и "
                               "знаменателя)")
            if reasons and not ind.change:
                problems.append(Problem(
                    name, None, where + ", change",
                    f"показатель «{ind.id}» продолжает «{pred}» из дорожной карты "
                    f"{pred_year}, но {' и '.join(reasons)}: укажите change — что "
                    "изменилось, например change: \"считается по онлайн-диагностике „Билет в "
                    "будущее“, 6–11 классы\"; отчёты не сравнивают годы до и после изменения"))
        earlier.append(roadmap)
    return problems
