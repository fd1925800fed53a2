"""What an organisation's Russian name tells: its short form and the type of school.

One copy of each rule, used by the reports, the peer groups and the workbooks' file names.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from proforient.vocab import normalise_key

__all__ = ["OTHER_TYPE", "SCHOOL_TYPES", "school_type", "short_name"]

#: Legal-form prefixes (МБОУ, МАОУ, МКОУ, МОУ, МБДОУ, МДОУ, МБУ ДО, МАУДО, ГБОУ, ЧОУ…) that the
#: short form of a name drops: «МБОУ Ильинская СОШ» → «Ильинская СОШ».
LEGAL_FORMS = re.compile(r"^(?:[МГ][БАК]?(?:Д?ОУ|У)(?:\s*ДО)?|ЧОУ|НОУ|АНО)\s+", re.IGNORECASE)

#: School types recognised in an organisation's name, tried in this order: (label, pattern).
#: The specific types (гимназия, лицей) come first, so "Лицей — СОШ №3" is a лицей. Patterns
#: are matched against the name's normalised key (lower case, ё→е).
SCHOOL_TYPES: tuple[tuple[str, str], ...] = (
    ("гимназия", r"гимнази"),
    ("лицей", r"лице[йя]"),
    ("СОШ", r"\bсош\b|средн\w* общеобразовательн\w* школ"),
    ("ООШ", r"\bоош\b|основн\w* общеобразовательн\w* школ"),
    ("НОШ", r"\bнош\b|начальн\w* (?:общеобразовательн\w* )?школ"),
)
#: Label of a school whose name matches none of :data:`SCHOOL_TYPES`.
OTHER_TYPE = "другая"

_TYPE_PATTERNS = tuple((label, re.compile(pattern)) for label, pattern in SCHOOL_TYPES)


def _missing(name: Any) -> bool:
    return name is None or name is pd.NA or (isinstance(name, float) and math.isnan(name))


def short_name(name: Any) -> str:
    """The name without its legal form: «МБОУ Ильинская СОШ» → «Ильинская СОШ».

    >>> short_name("МБДОУ Детский сад «Солнышко»"), short_name("МБУ ДО Районный ЦДТ")
    ('Детский сад «Солнышко»', 'Районный ЦДТ')
    """
    if _missing(name):
        return ""
    text = str(name).strip()
    return LEGAL_FORMS.sub("", text) or text


def school_type(name: Any) -> str:
    """Return the school type read from an organisation's Russian name.

    The first of :data:`SCHOOL_TYPES` whose pattern occurs in the name wins (гимназия, лицей,
    СОШ, ООШ, НОШ — abbreviations or the words they stand for, any case, ё = е); otherwise
    :data:`OTHER_TYPE` (``"другая"``), which is also the answer for a missing name.
    """
    if _missing(name):
        return OTHER_TYPE
    key = normalise_key(str(name))
    for label, pattern in _TYPE_PATTERNS:
        if pattern.search(key):
            return label
    return OTHER_TYPE
