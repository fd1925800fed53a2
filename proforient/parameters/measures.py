"""The measure catalogue as data: what every row of ``measures.csv`` may be.

Read from ``parameters/measures.yaml``. Each measure has a Russian label, a group (enrolment,
participants, events, flag, hours or category), whether it is collected by grade or as a total,
the enrolment measure that bounds it, whether it counts sensitive people (pupils with
disabilities) and the years it is collected. Nothing in the package names a measure: checks,
roadmaps, the Excel forms and the reports take the catalogue as an argument.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from proforient.parameters.files import read_yaml
from proforient.problems import InputError, Problem
from proforient.vocab import ACADEMIC_YEAR_HINT, Term, Vocabulary, is_academic_year, normalise_key

#: The catalogue's file in the parameters folder.
MEASURES_FILE = "measures.yaml"

#: What a measure's number is (``group`` in ``measures.yaml``).
GROUPS = Vocabulary(
    "группа показателя",
    [
        Term("enrolment", "численность"),
        Term("participants", "участники"),
        Term("events", "мероприятия"),
        Term("flag", "да/нет"),
        Term("hours", "часы"),
        Term("category", "категория"),
    ],
)

#: Groups whose numbers are counts of people or things (whole, non-negative).
COUNT_GROUPS = frozenset({"enrolment", "participants", "events", "hours"})


@dataclass(frozen=True)
class Measure:
    """A measure of the catalogue.

    Attributes
    ----------
    code, label : str
        The code ``measures.csv`` uses and its Russian label.
    group : str
        One of :data:`GROUPS`.
    by_grade : bool
        Collected by grade (a total is accepted too) or only as a total.
    bounded_by : str or None
        The enrolment measure the participants cannot exceed.
    sensitive : bool
        Counts pupils of a vulnerable group (ОВЗ): indicators reading it are published with
        small-count protection.
    values : tuple of str
        The allowed values of a category, lowest first; a category's value in the data is the
        1-based position in this list.
    first_year, last_year : str or None
        The first and last academic year it is collected (``None``: open).
    who : str or None
        (Enrolment) whom it counts in the genitive plural, as a report says «из 40 …»:
        «обучающихся с ОВЗ».
    action : str or None
        (Flag) what to do when it is «нет», as a school's step says it: «утвердить план …».
    """

    code: str
    label: str
    group: str
    by_grade: bool = True
    bounded_by: str | None = None
    sensitive: bool = False
    values: tuple[str, ...] = ()
    first_year: str | None = None
    last_year: str | None = None
    who: str | None = None
    action: str | None = None

    def collected_in(self, year: str) -> bool:
        """Whether the measure is collected in ``year``.

        >>> Measure("x", "X", "events", first_year="2023-2024").collected_in("2022-2023")
        False
        """
        return ((self.first_year is None or self.first_year <= year)
                and (self.last_year is None or year <= self.last_year))

    def category_position(self, text: str) -> int | None:
        """The 1-based position of a category value typed as its name or its number.

        >>> m = Measure("lvl", "уровень", "category", values=("базовый", "основной"))
        >>> m.category_position("Основной"), m.category_position("1"), m.category_position("x")
        (2, 1, None)
        """
        key = normalise_key(text)
        for i, value in enumerate(self.values, start=1):
            if key in (normalise_key(value), str(i), f"{i}.0", f"{i},0"):
                return i
        return None

    def category_label(self, value: float) -> str | None:
        """The name of a category value stored as its position (``None`` when out of range)."""
        if value != value or not float(value).is_integer() or not 1 <= value <= len(self.values):
            return None
        return self.values[int(value) - 1]


@dataclass(frozen=True)
class MeasureCatalogue:
    """The district's measures in the file's order; reads like a mapping code → :class:`Measure`.

    Parameters
    ----------
    measures : mapping of str to Measure
        In the order of ``measures.yaml``.
    file : str
        Where the catalogue came from (named in messages).
    """

    measures: Mapping[str, Measure] = field(default_factory=dict)
    file: str = f"parameters/{MEASURES_FILE}"

    def __contains__(self, code: object) -> bool:
        return code in self.measures

    def __getitem__(self, code: str) -> Measure:
        return self.measures[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def get(self, code: str) -> Measure | None:
        """The measure ``code`` or ``None``."""
        return self.measures.get(code)

    @property
    def codes(self) -> list[str]:
        """The codes in the catalogue's order."""
        return list(self.measures)

    def label(self, code: str) -> str:
        """The Russian label of ``code`` (the code itself if unknown)."""
        measure = self.measures.get(code)
        return measure.label if measure else code

    @property
    def bases(self) -> dict[str, str]:
        """Participants measure → the enrolment measure it cannot exceed."""
        return {m.code: m.bounded_by for m in self.measures.values() if m.bounded_by}

    @property
    def sensitive(self) -> frozenset[str]:
        """Codes of the measures that count sensitive people."""
        return frozenset(m.code for m in self.measures.values() if m.sensitive)

    def unknown_message(self, code: str) -> str:
        """What a user is told about a measure not in the catalogue."""
        return (f"неизвестный показатель «{code}»: его нет в каталоге показателей {self.file}; "
                "добавьте его туда или исправьте название")


def _year(raw: object, key: str, where: str, problems: list[Problem]) -> str | None:
    if raw is None:
        return None
    if not is_academic_year(raw):
        problems.append(Problem(MEASURES_FILE, None, where,
                                f"{key}: «{raw}» {ACADEMIC_YEAR_HINT}"))
        return None
    return str(raw)


_KEYS = {"label", "group", "by", "bounded_by", "sensitive", "values", "from", "to", "who",
         "action"}

#: The key that only a measure of one group may have.
_GROUP_KEYS = {"who": "enrolment", "action": "flag"}


def load_measures(folder: Path) -> MeasureCatalogue:
    """Read and check the measure catalogue ``measures.yaml`` of the parameters folder.

    Parameters
    ----------
    folder : Path
        The parameters folder.

    Returns
    -------
    MeasureCatalogue

    Raises
    ------
    InputError
        With every problem found, each naming ``measures.yaml`` and the measure: a code that is
        not Latin, an unknown group or key, ``bounded_by`` that is not an enrolment measure of
        the catalogue, a category without values, a malformed year.
    """
    path = Path(folder) / MEASURES_FILE
    raw = read_yaml(path, what="каталог показателей")
    entries = raw.get("measures")
    if not isinstance(entries, dict) or not entries:
        raise InputError([Problem(MEASURES_FILE, None, "measures",
                                  "нет словаря measures: код показателя → его описание")])
    problems: list[Problem] = []
    measures: dict[str, Measure] = {}
    for code, entry in entries.items():
        code = str(code)
        where = f"measures, {code}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            problems.append(Problem(MEASURES_FILE, None, where,
                                    f"код показателя «{code}» — строчная латиница, цифры и _"))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(MEASURES_FILE, None, where, "ожидался словарь (label, group…)"))
            continue
        extra = sorted(str(k) for k in set(entry) - _KEYS)
        if extra:
            problems.append(Problem(MEASURES_FILE, None, where,
                                    f"неизвестные ключи {extra}; допустимо: {sorted(_KEYS)}"))
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(Problem(MEASURES_FILE, None, where + ", label",
                                    "нет названия показателя по-русски (label)"))
            label = code
        group = entry.get("group")
        if group not in GROUPS:
            problems.append(Problem(MEASURES_FILE, None, where + ", group",
                                    f"group «{group}»: допустимо {', '.join(GROUPS.codes)}"))
        by = entry.get("by", "grade")
        if by not in ("grade", "total"):
            problems.append(Problem(MEASURES_FILE, None, where + ", by",
                                    f"by «{by}»: допустимо grade (по классам) или total (итогом)"))
        sensitive = entry.get("sensitive", False)
        if not isinstance(sensitive, bool):
            problems.append(Problem(MEASURES_FILE, None, where + ", sensitive",
                                    f"sensitive «{sensitive}»: допустимо true или false"))
            sensitive = True  # when in doubt, protect
        values = entry.get("values")
        if group == "category":
            if (not isinstance(values, list) or not values
                    or not all(isinstance(v, str) and v.strip() for v in values)
                    or len({normalise_key(v) for v in values}) != len(values)):
                problems.append(Problem(MEASURES_FILE, None, where + ", values",
                                        "у категории нужен список разных значений (values), "
                                        "например [базовый, основной, продвинутый]"))
                values = []
            if by != "total":
                problems.append(Problem(MEASURES_FILE, None, where + ", by",
                                        "выбор из списка (group: category) собирается итогом "
                                        "по организации: by: total"))
        elif values is not None:
            problems.append(Problem(MEASURES_FILE, None, where + ", values",
                                    "values бывает только у показателей group: category"))
            values = []
        first = _year(entry.get("from"), "from", where, problems)
        last = _year(entry.get("to"), "to", where, problems)
        if first and last and first > last:
            problems.append(Problem(MEASURES_FILE, None, where,
                                    f"from {first} позже, чем to {last}"))
        words = {}
        for key, only in _GROUP_KEYS.items():
            text = entry.get(key)
            if text is None:
                continue
            if group != only or not isinstance(text, str) or not text.strip():
                problems.append(Problem(MEASURES_FILE, None, f"{where}, {key}",
                                        f"{key} — текст, и только у показателей group: {only}"))
                continue
            words[key] = text.strip()
        bound = entry.get("bounded_by")
        measures[code] = Measure(
            code=code, label=str(label), group=str(group), by_grade=by != "total",
            bounded_by=None if bound is None else str(bound), sensitive=bool(sensitive),
            values=tuple(str(v) for v in values or ()), first_year=first, last_year=last,
            **words)
    for m in measures.values():
        if m.bounded_by is None:
            continue
        base = measures.get(m.bounded_by)
        if m.group != "participants":
            problems.append(Problem(MEASURES_FILE, None, f"measures, {m.code}, bounded_by",
                                    "bounded_by бывает только у участников (group: participants)"))
        elif base is None or base.group != "enrolment":
            problems.append(Problem(MEASURES_FILE, None, f"measures, {m.code}, bounded_by",
                                    f"«{m.bounded_by}» — не показатель численности (group: "
                                    "enrolment) этого каталога"))
    if problems:
        raise InputError(problems)
    return MeasureCatalogue(measures)
