"""Controlled vocabularies: canonical codes with their Russian labels and accepted aliases.

Everything else in the package refers to these objects; nothing re-spells a code or a label.
The study profiles and the measures are not here: they are district data
(``parameters/profiles.yaml``, ``parameters/measures.yaml``, read by
:mod:`proforient.parameters.rules` and :mod:`proforient.parameters.measures`), because a new
ФГОС profile or a new federal measure must not need a code change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_SPACES = re.compile(r"\s+")


def normalise_key(text: str) -> str:
    """Return the comparison key of a typed value: case-folded, ё→е, single spaces, trimmed.

    Parameters
    ----------
    text : str
        A value as a user typed it.

    Returns
    -------
    str
        The key used to look the value up among aliases. Punctuation is kept: ``инф.`` and
        ``инф`` are both listed as aliases where both are expected.
    """
    return _SPACES.sub(" ", str(text).replace("\u00a0", " ")).strip().casefold().replace("ё", "е")


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: the canonical ``code``, its Russian ``label`` and aliases."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of terms that accepts the code, the label or any alias, case-insensitively.

    Parameters
    ----------
    name : str
        Russian name of the vocabulary, used in error messages ("вид организации").
    terms : iterable of Term
        The entries; codes, labels and aliases must not collide between entries.
    """

    name: str
    terms: tuple[Term, ...]
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __init__(self, name: str, terms: Iterable[Term]) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "terms", tuple(terms))
        lookup: dict[str, str] = {}
        for term in self.terms:
            for alias in (term.code, term.label, *term.aliases):
                key = normalise_key(alias)
                if lookup.get(key, term.code) != term.code:
                    raise ValueError(f"alias {alias!r} names two terms of {name}")
                lookup[key] = term.code
        object.__setattr__(self, "_lookup", lookup)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, code: object) -> bool:
        return any(term.code == code for term in self.terms)

    @property
    def codes(self) -> list[str]:
        """Canonical codes in their declared order."""
        return [term.code for term in self.terms]

    @property
    def labels(self) -> dict[str, str]:
        """Mapping code → Russian label."""
        return {term.code: term.label for term in self.terms}

    def normalise(self, value: object) -> str | None:
        """Return the canonical code for a typed value, or ``None`` when it is not recognised."""
        if value is None:
            return None
        return self._lookup.get(normalise_key(str(value)))

    def label(self, code: str) -> str:
        """Return the Russian label of ``code`` (the code itself if unknown)."""
        return self.labels.get(code, code)


KINDS = Vocabulary(
    "вид организации",
    [
        Term("school", "общеобразовательная организация", ("ОО", "школа", "СОШ", "ООШ", "НОШ")),
        Term("preschool", "дошкольная организация", ("ДОУ", "детский сад", "МДОУ", "МБДОУ")),
        Term("additional", "организация дополнительного образования", ("УДО", "ОДО", "ДО")),
        Term("department", "управление образования", ("УО",)),
    ],
)

DESTINATIONS = Vocabulary(
    "куда поступил выпускник",
    [
        Term("spo", "СПО (колледж, техникум)", ("ПОО", "СПО", "колледж", "техникум")),
        Term("vo", "высшее образование", ("ВО", "ВУЗ", "ОО ВО")),
        Term("school", "10 класс", ("10 класс", "школа", "10 кл", "10 кл.")),
        Term("work", "работа", ("работа", "трудоустройство", "трудоустроен")),
        Term("army", "армия", ("армия", "служба в армии", "служба в рядах ВС")),
        Term("other", "другое", ("другое", "прочее")),
        Term("unknown", "неизвестно", ("не известно", "неизвестно", "нет данных")),
    ],
)

#: Destinations that count as "entered a college or university" (docs/indicators.md,
#: «Выпускники»).
ADMITTED_DESTINATIONS: tuple[str, ...] = ("spo", "vo")

SUBJECTS = Vocabulary(
    "предмет ЕГЭ",
    [
        Term("russian", "русский язык", ("русский", "рус. яз.", "рус.яз.", "рус. язык", "рус")),
        Term(
            "math_profile",
            "математика профильная",
            (
                "математика (профиль)",
                "математика (профильная)",
                "математика профиль",
                "мат. профиль",
                "мат.профиль",
                "мат профиль",
                "профильная математика",
                "математика (профильный уровень)",
                "мат. (профиль)",
            ),
        ),
        Term(
            "math_base",
            "математика базовая",
            (
                "математика (база)",
                "математика (базовая)",
                "математика база",
                "мат. база",
                "мат.база",
                "мат база",
                "базовая математика",
                "математика (базовый уровень)",
                "мат. (база)",
            ),
        ),
        Term("physics", "физика", ("физ.", "физ")),
        Term("chemistry", "химия", ("хим.", "хим")),
        Term("biology", "биология", ("био", "биол.", "биол")),
        Term("informatics", "информатика", ("инф.", "инф", "информатика и икт", "икт")),
        Term("history", "история", ("ист.", "ист")),
        Term("social_studies", "обществознание", ("общество", "общ.", "общ")),
        Term("geography", "география", ("геогр.", "геогр", "гео")),
        Term("literature", "литература", ("лит.", "лит")),
        Term(
            "foreign_language",
            "иностранный язык",
            (
                "ин. яз.",
                "ин.яз.",
                "иностранный",
                "английский язык",
                "английский",
                "англ. яз.",
                "немецкий язык",
                "французский язык",
                "китайский язык",
                "испанский язык",
            ),
        ),
    ],
)

STATUSES = Vocabulary(
    "статус",
    [
        Term("met", "достигнуто"),
        Term("not_met", "не достигнуто"),
        Term("monitored", "мониторинг (без цели)"),
        Term("no_data", "нет данных"),
        Term("not_applicable", "не относится"),
    ],
)

INDICATOR_KINDS = Vocabulary(
    "вид показателя",
    [
        Term("share", "доля"),
        Term("flag", "да/нет"),
        Term("count", "количество"),
        Term("category", "уровень (выбор из списка)"),
    ],
)


GRADES: tuple[int, ...] = tuple(range(1, 12))

#: An ОКСО code ``NN.NN.NN`` (``NN.00.00`` is an enlarged group, УГС).
OKSO_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}")

#: An academic year as the data write it: ``2021-2022``.
ACADEMIC_YEAR = re.compile(r"(\d{4})-(\d{4})")
#: What a user is told when a year is malformed (after the offending text).
ACADEMIC_YEAR_HINT = ("должен быть вида ГГГГ-ГГГГ, второй год на единицу больше первого "
                      "(например, 2021-2022)")


def is_academic_year(text: object) -> bool:
    """Whether ``text`` is an academic year ``YYYY-YYYY`` whose second year follows the first.

    >>> is_academic_year("2021-2022"), is_academic_year("2021-2023"), is_academic_year("2021")
    (True, False, False)
    """
    match = ACADEMIC_YEAR.fullmatch(str(text).strip())
    return match is not None and int(match.group(2)) == int(match.group(1)) + 1
GRADUATE_GRADES: tuple[int, ...] = (9, 11)

#: The graduate indicators the product computes from ``graduates.csv``
#: (:func:`proforient.compute.alignment.graduate_indicator_counts`; docs/indicators.md,
#: «Три показателя выпускников»). A roadmap's ``source: graduates`` indicator has one of these
#: ids: they name a calculation in code, the one exception to «reports name no roadmap id».
GRADUATE_INDICATORS = Vocabulary(
    "показатель выпускников",
    [
        Term("admitted_by_profile_share", "доля поступивших в ПОО и ОО ВО по профилю обучения"),
        Term("ege_profile_match_share", "доля выпускников 11 классов, выбравших предметы ЕГЭ по "
             "профилю"),
        Term("in_demand_choice_share", "доля выпускников, выбравших востребованные в районе и "
             "республике специальности"),
    ],
)

TERRITORIES = Vocabulary(
    "территория спроса",
    [
        Term("district", "район", ("муниципальный район", "муниципалитет", "МО")),
        Term("republic", "республика", ("регион", "субъект", "субъект РФ", "УР")),
    ],
)

#: A number as the data write it: ASCII digits with an optional decimal comma or point. No
#: exponent (``1e308``), no digit groups (``1_000``), no other scripts' digits (``１２``), no
#: ``inf``/``nan``. A leading minus is read, so that a negative value gets its own message.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
#: The largest count the data may hold (pupils, participants, events, vacancies of one
#: organisation or territory): a bigger number is a typo, never a real school.
MAX_COUNT = 1_000_000
#: How :data:`MAX_COUNT` is written in messages.
MAX_COUNT_TEXT = "1 000 000"
#: What a user is told when a number is not written plainly (after the offending text).
PLAIN_NUMBER_HINT = ("нужно число в обычной записи: цифры 0–9 и, для дробей, запятая или "
                     "точка (без «e», «_», пробелов, «inf»)")

#: The longest organisation id: it becomes part of file names (reports, workbooks).
ORG_ID_MAX_LENGTH = 64
#: Device names Windows reserves: no file may be called so, in any case, with any extension
#: (``con.html``, ``Lpt1.xlsx``).
WINDOWS_RESERVED_NAMES: frozenset[str] = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
     *(f"lpt{i}" for i in range(1, 10))})
#: Names of the report folder's own files and folders (``index.html``, ``manifest.json``,
#: ``district.html``, ``graduates.html``, ``_work/``): a school's report may not take them
#: (compared case-insensitively).
BATCH_RESERVED_NAMES: frozenset[str] = frozenset(
    {"index", "manifest", "district", "graduates", "_work"})
#: Punctuation an organisation id may hold besides Latin and Cyrillic letters and digits 0–9.
ORG_ID_PUNCTUATION = "-_."
