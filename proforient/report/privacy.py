"""Privacy rules of the shared reports (SPEC §10): small counts, shares, escaping, leak checks.

The rules every report applies to figures about *graduates* (pupil counts from ``measures`` are
aggregate statistics of a school and are shown as they are):

1. **Small counts.** A count of graduates from 1 to ``threshold - 1`` (``threshold`` is
   ``suppression_threshold`` in ``parameters/settings.yaml``, 3 by default) is shown as
   ``<3``. Zero is shown as ``0``: it describes nobody. A missing count is shown as ``—``.
2. **Complementary suppression.** Where a table shows the parts of a total next to the total
   (the destinations of one grade), a single hidden part could be recovered by subtraction, so
   the smallest other non-zero part of the same total is hidden too
   (:func:`complementary_mask`).
3. **Shares.** A share of graduates is shown only when its denominator is at least
   ``threshold`` and neither the graduates counted nor the rest are a small count; otherwise
   ``—``. With the denominator known, 1 of 6 (16,7 %) would give the count away, and 5 of 6
   would single out the one graduate who is not counted (:func:`share_visible`). The same rule
   keeps a school out of a funnel plot of a graduate indicator.
4. **No individual rows.** No report shows a ``graduate_id`` or any row about one graduate:
   the reports show aggregates only. :func:`leaked_identifiers` lets tests and the batch check
   rendered HTML for identifiers.
5. **Escaping.** Every text that came from input (organisation names, typed specialty names,
   problem messages) is HTML-escaped before it reaches a report (:func:`escape`). A typed name
   starting with ``=`` is shown as text; Excel exports neutralise it separately
   (:func:`proforient.export.neutralise_formulas`).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = [
    "MISSING",
    "complementary_mask",
    "escape",
    "format_count",
    "is_small",
    "leaked_identifiers",
    "share_visible",
    "suppress_counts",
    "suppressed_label",
]

#: What a hidden share or a missing value looks like.
MISSING = "—"


def suppressed_label(threshold: int) -> str:
    """The text shown instead of a small count: ``"<3"`` for the default threshold."""
    return f"<{int(threshold)}"


def _number(value: Any) -> float:
    if value is None or value is pd.NA:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def is_small(value: Any, threshold: int) -> bool:
    """Whether ``value`` is a count that must be hidden: ``0 < value < threshold``."""
    v = _number(value)
    return not math.isnan(v) and 0 < v < threshold


def format_count(value: Any, threshold: int, *, hide: bool = False) -> str:
    """Format one count of graduates under rule 1.

    Parameters
    ----------
    value : number or missing
        The count.
    threshold : int
        The suppression threshold.
    hide : bool, default False
        Hide the count even when it is not small (complementary suppression): shown as
        ``<threshold`` too when small, else as ``MISSING``.

    Returns
    -------
    str
        ``"—"`` when missing, ``"<3"`` when small, ``"0"`` for zero, else the whole number with
        a space between thousands (``"12 345"``).
    """
    v = _number(value)
    if math.isnan(v):
        return MISSING
    if 0 < v < threshold:
        return suppressed_label(threshold)
    if hide and v > 0:
        return MISSING
    n = int(round(v))
    return f"{n:,}".replace(",", " ") if n >= 10_000 else str(n)


def complementary_mask(counts: pd.Series, threshold: int) -> pd.Series:
    """Cells to hide so that a small count cannot be recovered from the total.

    Parameters
    ----------
    counts : pandas.Series
        The parts of one total (e.g. the destinations of grade 9), shown next to the total.
    threshold : int
        The suppression threshold.

    Returns
    -------
    pandas.Series of bool
        Same index: ``True`` for small counts (rule 1) and, when exactly one count is small,
        also for the smallest other non-zero count (ties: the first).
    """
    values = pd.to_numeric(counts, errors="coerce").astype(float)
    small = (values > 0) & (values < threshold)
    mask = small.copy()
    if int(small.sum()) == 1:
        others = values[~small & (values > 0)]
        if len(others):
            mask[others.idxmin()] = True
    return mask.astype(bool)


def suppress_counts(values: Any, threshold: int, *, complementary: bool = False) -> Any:
    """Format graduate counts for a shared report, hiding small ones.

    Parameters
    ----------
    values : pandas.Series, pandas.DataFrame or scalar
        Counts of graduates (missing values allowed).
    threshold : int
        The suppression threshold (``ctx.rules.suppression_threshold``).
    complementary : bool, default False
        Also hide a second count where exactly one is small, per Series or per *column* of a
        DataFrame (rule 2) — use it when the total of those counts is shown.

    Returns
    -------
    Same type as ``values``
        Strings: ``"<3"`` for counts from 1 to ``threshold - 1``, ``"—"`` for missing values
        and complementary-hidden counts, the number otherwise. The input is not modified.

    Examples
    --------
    >>> suppress_counts(pd.Series([0, 2, 3, 40]), 3).tolist()
    ['0', '<3', '3', '40']
    """
    if isinstance(values, pd.DataFrame):
        return values.apply(lambda col: suppress_counts(col, threshold,
                                                        complementary=complementary))
    if isinstance(values, pd.Series):
        hide = (complementary_mask(values, threshold) if complementary
                else pd.Series(False, index=values.index))
        out = [format_count(v, threshold, hide=bool(h))
               for v, h in zip(values.to_numpy(dtype=object), hide.to_numpy(), strict=True)]
        return pd.Series(out, index=values.index, name=values.name, dtype=object)
    return format_count(values, threshold)


def share_visible(denominator: Any, threshold: int, count: Any = None) -> bool:
    """Whether a share of graduates may be shown (rule 3).

    Parameters
    ----------
    denominator : number
        Graduates the share is computed from.
    threshold : int
        The suppression threshold.
    count : number, optional
        The numerator. When given, the share is hidden if the numerator *or* the rest
        (``denominator - count``) is a small count: with the denominator known, the share would
        give that count away (1 of 6 → 16,7 %; 5 of 6 → the one who did not).

    Returns
    -------
    bool
        ``False`` when the denominator is missing or below ``threshold``, or when ``count``
        or its complement is from 1 to ``threshold - 1``.
    """
    den = _number(denominator)
    if math.isnan(den) or den < threshold:
        return False
    if count is None:
        return True
    num = _number(count)
    if math.isnan(num):
        return True
    return not (is_small(num, threshold) or is_small(den - num, threshold))


def escape(text: Any) -> str:
    """HTML-escape a text that came from input (``<``, ``>``, ``&`` and both quotes).

    Missing values give ``""``.
    """
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=True)


def leaked_identifiers(text: str, identifiers: Iterable[Any], *, min_length: int = 4) -> list[str]:
    """Return the identifiers (e.g. ``graduate_id`` values) that occur in ``text``.

    Parameters
    ----------
    text : str
        Rendered output (HTML).
    identifiers : iterable
        The identifiers that must not appear.
    min_length : int, default 4
        Shorter identifiers are skipped: ``"7"`` occurs in any report by chance.

    Returns
    -------
    list of str
        The identifiers found, sorted.
    """
    ids = sorted({str(i) for i in identifiers
                  if i is not None and i is not pd.NA and len(str(i)) >= min_length},
                 key=len, reverse=True)
    found: set[str] = set()
    for start in range(0, len(ids), 500):  # one alternation per chunk keeps the regex small
        chunk = ids[start:start + 500]
        pattern = re.compile("|".join(re.escape(i) for i in chunk))
        found.update(m.group(0) for m in pattern.finditer(text))
    return sorted(found)

