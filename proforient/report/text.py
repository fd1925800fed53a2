"""How numbers, dates and lists read in a Russian report: one copy of every format.

Non-breaking spaces keep «85,7 %», «+3,8 п. п.», «12 345» and «1 декабря 2026 г.» on one line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from proforient.report.publish import MISSING
from proforient.vocab import STATUSES

__all__ = [
    "NBSP",
    "STATUS_SYMBOLS",
    "capital",
    "count",
    "date_ru",
    "is_missing",
    "join_words",
    "of_organisations",
    "percent",
    "percent_points",
    "plural",
    "status_text",
    "target_text",
    "value_text",
]

NBSP = "\u00a0"
#: Status → symbol, so that a status reads without colour (black-and-white print).
STATUS_SYMBOLS: dict[str, str] = {"met": "✓", "not_met": "✗", "monitored": "○", "no_data": "?",
                                  "not_applicable": "–"}
#: Short status words for tables.
STATUS_WORDS: dict[str, str] = {**STATUSES.labels, "monitored": "без цели"}

_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря")


def is_missing(value: Any) -> bool:
    """``None``, ``pd.NA`` and NaN are missing."""
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _decimal(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def percent(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.857 → "85,7 %"``; missing → ``"—"``."""
    if is_missing(value):
        return MISSING
    return _decimal(float(value) * 100, digits) + NBSP + "%"


def percent_points(change: Any, digits: int = 1) -> str:
    """A change of a share in percentage points: ``0.038 → "+3,8 п. п."`` (a true minus sign).

    >>> percent_points(-0.0125).replace("\\u00a0", " ")
    '−1,2 п. п.'
    """
    if is_missing(change):
        return MISSING
    text = _decimal(abs(float(change)) * 100, digits)
    sign = "+" if change > 0 else "−" if change < 0 else ""
    if text == _decimal(0, digits):
        sign = ""
    return f"{sign}{text}{NBSP}п.{NBSP}п."


def count(value: Any) -> str:
    """A whole count with a non-breaking space between thousands: ``12345 → "12 345"``."""
    if is_missing(value):
        return MISSING
    v = float(value)
    if not v.is_integer():
        return _decimal(v, 1)
    return f"{int(v):,}".replace(",", NBSP)


def date_ru(moment: date | datetime) -> str:
    """A date as a Russian reader writes it: «1 декабря 2026 г.»."""
    return f"{moment.day}{NBSP}{_MONTHS[moment.month - 1]} {moment.year}{NBSP}г."


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for ``n``: ``plural(21, "школа", "школы", "школ") → "школа"``."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def of_organisations(part: Any, whole: Any) -> str:
    """«N из M организаций» in the right case («из 21 организации»); without the noun when
    ``whole`` is unknown.

    >>> of_organisations(20, 21), of_organisations(18, 20), of_organisations(3, float("nan"))
    ('20 из 21 организации', '18 из 20 организаций', '3 из —')
    """
    text = f"{count(part)} из {count(whole)}"
    if is_missing(whole) or not float(whole).is_integer():
        return text
    return f"{text} {plural(int(whole), 'организации', 'организаций', 'организаций')}"


def join_words(items: Sequence[str], last: str = " и ") -> str:
    """``["а", "б", "в"] → "а, б и в"``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def capital(text: str) -> str:
    """The text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def value_text(value: Any, kind: str, *, scope: str = "org",
               labels: Sequence[str] = ()) -> str:
    """An indicator's value: shares in percent; an organisation's flag «да»/«нет»; counts.

    A ``category`` (the level an organisation chose, stored as its position in the catalogue's
    list ``labels``) is its word for an organisation and, for the district, the share of
    organisations at a targeted level.

    >>> value_text(2.0, "category", labels=("базовый", "основной", "продвинутый"))
    'основной'
    >>> value_text(0.4, "category", scope="district")
    '40,0\xa0%'
    """
    if is_missing(value):
        return MISSING
    if kind == "flag" and scope == "org":
        return "да" if float(value) >= 0.5 else "нет"
    if kind == "category":
        if scope != "org":
            return percent(value)
        position = float(value)
        if position.is_integer() and 1 <= position <= len(labels):
            return labels[int(position) - 1]
        return count(value)  # no list to read the word from: its number
    if kind in ("share", "flag"):
        return percent(value)
    return count(value)


def target_text(target: Any, kind: str, *, scope: str = "org",
                values: Sequence[str] = ()) -> str:
    """A target: «не менее 80 %», «да» (an organisation's flag), «не менее 1»; none → «—»
    (the status says «без цели»).

    A ``category``'s target is, for an organisation, the levels that count as reached
    («основной или продвинутый»: ``values``, the roadmap's ``target_values``) and, for the
    district, the share of organisations at such a level («не менее 60 % ОО»).

    >>> target_text(float("nan"), "category", values=("основной", "продвинутый"))
    'основной или продвинутый'
    >>> target_text(0.6, "category", scope="district")
    'не менее\xa060\xa0% ОО'
    """
    if kind == "category" and scope == "org":
        return join_words(list(values), " или ") if values else MISSING
    if is_missing(target):
        return MISSING
    if kind == "flag" and scope == "org":
        return "да"
    if kind == "category":
        return f"не менее{NBSP}{percent(target, digits=0)} ОО"
    if kind in ("share", "flag"):
        return f"не менее{NBSP}{percent(target, digits=0)}"
    return f"не менее{NBSP}{count(target)}"


def status_text(status: Any) -> str:
    """«✓ достигнуто», «✗ не достигнуто», «○ без цели», «? нет данных»."""
    if is_missing(status):
        return MISSING
    return f"{STATUS_SYMBOLS.get(status, '')} {STATUS_WORDS.get(status, status)}".strip()


def p_value_text(p: Any) -> str:
    """A p-value for the appendix: «0,024» or «меньше 0,001»."""
    if is_missing(p):
        return MISSING
    return "меньше 0,001" if p < 0.001 else _decimal(p, 3)


def year_label(year: str) -> str:
    """An academic year for a table header, not broken across lines: «2021–2022» (an en dash
    joined to the next year)."""
    return str(year).replace("-", "–\u2060")


_RANGE = re.compile(r"(?<=\d)-(?=\d)")
_TAG = re.compile(r"(<[^>]*>)")


def typography(text: str) -> str:
    """Russian typography of a sentence: quotes inside quotes as „…“, ranges of numbers with an
    en dash («5–11 классов»). Markup tags are left as they are (their attributes hold keys).

    >>> typography("«Доля 5-11 классов, участвовавших в «Проектории»»")
    '«Доля 5–11 классов, участвовавших в „Проектории“»'
    """
    depth = 0
    out = []
    for part in _TAG.split(str(text)):
        if part.startswith("<") and part.endswith(">"):
            out.append(part)
            continue
        chars = []
        for ch in _RANGE.sub("–", part):
            if ch == "«":
                chars.append("«" if depth == 0 else "„")
                depth += 1
            elif ch == "»" and depth > 0:
                depth -= 1
                chars.append("»" if depth == 0 else "“")
            else:
                chars.append(ch)
        out.append("".join(chars))
    return "".join(out)

