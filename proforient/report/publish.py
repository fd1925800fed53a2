"""Disclosure control: which counts of a shared report a reader may see.

One module owns the publication rules; every report applies them at one step, between its
analysis frames and its page. No section decides suppression by itself.

What is protected
-----------------
Counts of *people* the reports publish about small groups: graduates (where they went, their
profile, ЕГЭ and specialty) and pupils with disabilities (ОВЗ — health data, a special category
of personal data). Pupil counts by grade and counts of events are aggregates of a school and are
shown as they are.

The method
----------
1. **Primary suppression.** A count from 1 to ``threshold - 1`` (``suppression_threshold`` in
   ``parameters/settings.yaml``, 3 by default) is hidden, and shown as «×» like every hidden
   cell — not as «<3», which says «1 or 2» (see :meth:`Published.mark`). Zero stays visible:
   it describes nobody.
2. **Secondary suppression by audit.** A report declares every count and share it publishes as a
   :class:`Count` or :class:`Share` whose key *is its definition* (a conjunction of attribute
   values over the microdata, see :func:`parse_key`). The report's cells are linked: the parts of a
   column add up to its total, «a из b» relates two cells, a district row is the sum of its
   schools, a share with its denominator gives its numerator. For every hidden count we compute
   the range of values consistent with everything the report publishes, by linear programming
   over the *atoms* (the groups of people that no published cell tells apart), as the audit of
   the statistical offices' τ-ARGUS does (Hundepool et al., *Statistical Disclosure Control*,
   Wiley 2012, §4.3, "linear programming approach"). A hidden count whose range holds a single
   value is exposed; we then hide one more cell — the smallest visible count sharing people with
   it, a total only when nothing else works — and audit again, until no hidden count is exposed.
   The audit takes a small count as 1 or 2 (a reader who knows more than the page's «×»): when
   two of them add up to a third, hiding more cells cannot help, and for one of the small
   counts the audit drops that knowledge (it is a «×» on the page anyway).
   This is the greedy form of the LP approach: it chooses fewer and smaller complements than the
   hypercube method (which hides whole rectangles) and, unlike a fixed rule («hide the next
   smallest cell of the row»), it sees the links *between* tables of the report.
   Greedy steps leave complements that later steps made needless (a cell hidden for a target
   that cells hidden afterwards protect anyway), so the decision ends as the statistical
   offices' do, by removing redundant suppressions: each complement it chose, the largest
   first, is shown again when the audit of every hidden count still finds none exposed.
3. **Shares.** A share is shown only when both its counts may be; a share shown without its
   counts additionally needs at least ``threshold`` people in the denominator and neither the
   people counted nor the rest a small count (1 of 6 = 16,7 % would give the count away, 5 of 6
   singles out the one who did not), nor 0 % or 100 % of fewer than twice ``threshold`` people
   (it says the same of each of them) — :func:`share_visible`. A visible share enters the audit
   as the two inequalities its rounding allows.

The audit's reader knows which hidden cell is a primary one (1…2), though the page does not say;
of a complement's value it knows nothing. Nothing is said about part of a group too small to
count: when a cell is a primary one, every cell inside it (its parts, zeros included) is hidden
as «×» too — «0 из ×» would tell that none of those one or two people took part.
The LP relaxation gives a range that contains every integer solution; a range is counted as a
single value when it holds one integer. The programs are solved with HiGHS (``highspy``), the
solver behind SciPy's ``linprog``, kept warm between the many objectives of one audit.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

__all__ = [
    "HIDDEN_MARK",
    "MISSING",
    "mark_explained",
    "mark_legend",
    "Count",
    "Disclosure",
    "Published",
    "Share",
    "count_key",
    "parse_key",
    "share_visible",
]

#: What a missing value looks like.
MISSING = "—"

#: What every hidden cell looks like: a small count, its complements, a withdrawn cell printed.
HIDDEN_MARK = "×"

#: Absolute rounding of a displayed share (percent with one decimal).
SHARE_ROUNDING = 0.0005
#: Candidates tried for each exposed cell before the first one is taken anyway.
TRIALS = 20

#: A cell's status in the publication ledger (:mod:`proforient.report.ledger`): shown, hidden as
#: a small count, hidden otherwise (both «×»), taken off the page — in this order, each hides more.
VISIBLE, SMALL, HIDDEN, WITHDRAWN = "visible", "small", "hidden", "withdrawn"
STATUS_RANK = {VISIBLE: 0, SMALL: 1, HIDDEN: 2, WITHDRAWN: 3}
#: Added to a ledger status when the cell's table was withheld (printed as a sentence):
#: ``"hidden+withheld"``, ``"withdrawn+withheld"``.
WITHHELD = "+withheld"


def ledger_status(status: str) -> tuple[str, bool]:
    """A ledger status split into the cell's own (a key of :data:`STATUS_RANK`, or the text
    as given when it is none) and whether its table was withheld.

    >>> ledger_status("withdrawn+withheld")
    ('withdrawn', True)
    >>> ledger_status("small")
    ('small', False)
    """
    own, flag, rest = status.partition(WITHHELD)
    return own, bool(flag) and not rest


# --------------------------------------------------------------------------------------------
# Keys: a cell's key is its definition


def count_key(domain: str, **where: Any) -> str:
    """The key of a count: the domain and the attribute values that select its people.

    Parameters
    ----------
    domain : {"g", "o"}
        ``g`` — graduates (one row per graduate), ``o`` — pupils with disabilities.
    **where
        ``column=value`` or ``column=(value, value…)`` (any of the values). Values are written
        as text; ``None`` means missing.

    Returns
    -------
    str
        E.g. ``g|org_id=sch-01|year=2021-2022|grade=9|destination=spo`` — stable, readable, and
        parsed back by :func:`parse_key`.

    Examples
    --------
    >>> count_key("g", org_id="sch-01", destination=("spo", "vo"))
    'g|destination=spo,vo|org_id=sch-01'
    """
    parts = [domain]
    for column in sorted(where):
        value = where[column]
        values = value if isinstance(value, tuple | list | set | frozenset) else (value,)
        text = ",".join(quote(_text(v), safe="-._ ") for v in sorted(values, key=_text))
        parts.append(f"{column}={text}")
    return "|".join(parts)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "na"
    return str(value)


@functools.lru_cache(maxsize=65536)
def parse_key(key: str) -> tuple[str, Mapping[str, frozenset[str]]]:
    """The domain and the conditions of a key written by :func:`count_key`.

    >>> domain, where = parse_key("g|grade=9|destination=spo,vo")
    >>> domain, sorted(where["destination"])
    ('g', ['spo', 'vo'])
    """
    domain, *parts = key.split("|")
    where = {}
    for part in parts:
        column, _, values = part.partition("=")
        where[column] = frozenset(unquote(v) for v in values.split(","))
    return domain, MappingProxyType(where)  # read-only: the result is cached


def inside(key: str, group: str) -> bool:
    """Whether the people of ``key`` are, by definition, part of those of ``group``: the same
    domain, and every condition of ``group`` implied by a condition of ``key``.

    >>> inside("g|grade=9|org_id=a|took=1", "g|grade=9|org_id=a"), inside("g|grade=9", "g|grade=11")
    (True, False)
    """
    if key == group:
        return False
    domain, where = parse_key(key)
    group_domain, group_where = parse_key(group)
    return domain == group_domain and all(
        column in where and where[column] <= values for column, values in group_where.items())


# --------------------------------------------------------------------------------------------
# What a report declares


@dataclass(frozen=True)
class Count:
    """A published count of people: its key (= its definition) and how the page uses it.

    A ``total`` (a margin of a table) is hidden as a complement only when nothing else
    protects. An ``optional`` count (a detail in a sentence, a breakdown) may be *withdrawn* —
    left out of the page altogether — when hiding cells cannot protect: two «<3» that add up to
    a third «<3» give themselves away whatever else is hidden. A count not ``printed`` is never
    shown, not even as «<3»: it is declared so that the cells that would give it away are
    protected, and the reader knows nothing of it but what those cells tell.
    """

    key: str
    total: bool = False
    optional: bool = False
    printed: bool = True


@dataclass(frozen=True)
class Share:
    """A published share of two counts (keys of :func:`count_key`).

    ``with_counts``: the report shows the counts next to it (a share shown alone also needs
    :func:`share_visible`). ``complement``: whether it may be hidden to protect another cell
    (``False`` for a reference figure every page prints, such as the district's share beside
    each school's table: hiding it there would hide it on every page, so other cells are
    hidden instead; it is still hidden when its own rules require).
    """

    key: str
    numerator: str
    denominator: str
    with_counts: bool = True
    complement: bool = True


def share_visible(numerator: Any, denominator: Any, threshold: int) -> bool:
    """Whether a share shown *without its counts* may be published.

    ``False`` when the denominator is missing or below ``threshold``, when the people counted
    or the rest are from 1 to ``threshold - 1``, and when the share is 0 % or 100 % of fewer than
    twice ``threshold`` people: «0,0 % of 3 pupils with disabilities took part» tells something
    about each of the three (attribute disclosure), however the count itself is protected.

    >>> [share_visible(k, 6, 3) for k in (1, 5, 3, 0, 6)]
    [False, False, True, True, True]
    >>> [share_visible(k, 4, 3) for k in (0, 4)]
    [False, False]
    """
    try:
        num, den = float(numerator), float(denominator)
    except (TypeError, ValueError):
        return False
    if math.isnan(num) or math.isnan(den) or den < threshold:
        return False
    if (num == 0 or num == den) and den < 2 * threshold:
        return False
    return not (0 < num < threshold or 0 < den - num < threshold)


# --------------------------------------------------------------------------------------------
# The decision


@dataclass
class Published:
    """What a report may show: every declared count and share, visible or hidden.

    Attributes
    ----------
    threshold : int
    values : dict
        Key → the true value (counts: int; shares: float or NaN). Private: for the page only
        where :meth:`visible` says so.
    hidden : dict
        Key → ``"primary"`` (a small count), ``"secondary"`` (a complement, or a part of a group
        too small to count) — both shown «×»; visible keys are absent.
    """

    threshold: int
    values: dict[str, float] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)
    withdrawn: set[str] = field(default_factory=set)
    items: dict[str, Count | Share] = field(default_factory=dict)
    #: cells no complement could protect, whose whole table is hidden → why (in Russian)
    withheld: dict[str, str] = field(default_factory=dict)
    #: of those, the cells that what other reports publish pins even so → the visible cells
    #: of other reports tied to them, school cells and smallest first (the caller decides the
    #: publication again with more hidden there)
    pinned_elsewhere: dict[str, list[str]] = field(default_factory=dict)

    def withholds(self, keys: Iterable[str]) -> bool:
        """Whether a table of these cells is withheld (the page prints a sentence instead)."""
        return any(k in self.withheld for k in keys)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def shown(self, key: str) -> bool:
        """Whether the page shows the cell at all (visible or as a mark): not withdrawn."""
        self._check(key)
        return key not in self.withdrawn

    def visible(self, key: str) -> bool:
        """Whether the cell's value may be shown (declared, neither hidden nor withdrawn)."""
        self._check(key)
        return key not in self.hidden and key not in self.withdrawn

    def hides(self, key: str) -> bool:
        """Whether the cell is declared here and hidden or withdrawn (an undeclared key is
        not this report's to hide)."""
        return key in self.values and not self.visible(key)

    def number(self, key: str) -> float:
        """The value for a chart: NaN (no point, no bar) when hidden or not declared here."""
        return float(self.values[key]) if key in self.values and self.visible(key) \
            else math.nan

    def mark(self, key: str) -> str:
        """What stands in place of a hidden cell: «×» (``""`` when visible) — for a small count
        too, and for a withdrawn cell printed even so (a cell of a withheld table).

        A small count is not printed as «<3»: that says «1 or 2», and a reader who writes
        every «<3» of a publication as whole numbers from 1 to 2 pins some of them where the
        linear audit sees two values (on a generated district, 21 counts over three years).
        One mark for every hidden cell, as statistical offices print it, says nothing of the
        value; the audit still takes a small count as 1 or 2 (:meth:`_Model._bounds`), so it
        protects against a reader who knows more than the page says."""
        self._check(key)
        if key in self.withdrawn or key in self.hidden:
            return HIDDEN_MARK
        return ""

    def small(self, key: str) -> bool:
        """Whether the cell is hidden as a count below the threshold (its mark is «×», like
        any hidden cell's; the audit knows it as 1 or 2)."""
        self._check(key)
        return key not in self.withdrawn and self.hidden.get(key) == "primary"

    def _check(self, key: str) -> None:
        if key not in self.values:
            raise KeyError(f"undeclared cell {key!r}: declare it before publishing")


def mark_legend(threshold: int, whom: str, how: str = "") -> str:
    """The note under a table with «×» cells: what the mark means (``whom``: «человек»,
    «выпускников»; ``how``: from what such a number could be computed, or a closing clause)."""
    return (f"«{HIDDEN_MARK}» — число скрыто: оно меньше {threshold} {whom} или по нему можно "
            f"было бы вычислить такое число{how}.")


def mark_explained(threshold: int, whom: str, how: str) -> str:
    """The appendix's account of the «×» cells: which counts are hidden and why others are
    (``whom``: whose counts, «выпускников»; ``how``: from what they could be computed)."""
    return (f"Числа {whom} меньше {threshold} скрыты («{HIDDEN_MARK}»); чтобы их нельзя было "
            f"вычислить по {how}, скрыта и часть других чисел (тоже «{HIDDEN_MARK}»: по "
            "отметке не узнать, мало ли за ней людей), а доли из них не показываются.")


class Disclosure:
    """The publication rules applied to one report.

    Parameters
    ----------
    microdata : mapping of str to DataFrame
        Per domain (``"g"``, ``"o"``), one row per group of people with the attribute columns
        the keys use (text, ``"na"`` for missing) and their number in column ``n``.
    threshold : int
        The suppression threshold.

    Examples
    --------
    >>> g = pd.DataFrame({"dest": ["spo", "vo", "work"], "n": [2, 7, 5]})
    >>> d = Disclosure({"g": g}, 3)
    >>> for dest in ("spo", "vo", "work"):
    ...     d.add(Count(count_key("g", dest=dest)))
    >>> d.add(Count(count_key("g"), total=True))
    >>> p = d.protect()
    >>> p.hidden  # spo = 14 - 7 - 5 unless one more part of the column is hidden
    {'g|dest=spo': 'primary', 'g|dest=work': 'secondary'}
    """

    def __init__(self, microdata: Mapping[str, pd.DataFrame], threshold: int) -> None:
        self.microdata = {k: v.reset_index(drop=True) for k, v in microdata.items()}
        self.threshold = int(threshold)
        self.counts: dict[str, Count] = {}
        self.shares: dict[str, Share] = {}
        #: counts and shares another report already published: key → "visible" or the reason
        #: it is hidden. Their decision stands; this report's must agree with it.
        self.fixed: dict[str, str] = {}
        self.fixed_shares: dict[str, Share] = {}
        #: counts no page prints (:attr:`Count.printed`): small, they are not known to be small
        self.unprinted: set[str] = set()
        #: counts and shares hidden from the start whatever their value (a previous publication
        #: hid them, or they let other pages pin a count): shown as «×»
        self.forced: set[str] = set()
        #: forced counts an earlier publication showed as «×»: «×» again, even when small
        self.crossed: set[str] = set()
        #: counts an earlier publication took off its page: taken off again
        self.withdrawn_before: set[str] = set()
        #: counts whose table an earlier publication withheld: withheld again
        self.withheld_before: set[str] = set()

    def add_published(self, other: Published) -> None:
        """Take what another report of the same batch publishes as given.

        The reader can put the reports side by side: a cell both show keeps the other's
        decision, the other's visible cells constrain the audit and cannot be hidden here, and
        a count the other hides is hidden here too.
        """
        for key, item in other.items.items():
            if key in other.withdrawn:
                continue
            status = other.hidden.get(key, "visible")
            if isinstance(item, Share):
                if status == "visible":
                    self.fixed_shares[key] = item
                else:  # hidden there: shown here, it would be pointless there
                    self.forced.add(key)
            else:
                self.fixed[key] = status
                if not item.printed:
                    self.unprinted.add(key)

    def add_ledger(self, ledger: Mapping[str, str]) -> None:
        """Take what earlier batches published as given (see :mod:`proforient.report.ledger`):
        a declared cell they hid is hidden here too, whatever its value — a «×» of theirs a
        «×» here, even if small; a declared count they showed is known to the reader, so it is
        shown again (hiding it would protect nothing, and the audit must not count on it); the
        counts they showed on both sides of a share declared here are known too. Call after
        declaring."""
        for key, entry in ledger.items():
            status, withheld = ledger_status(entry)
            if withheld and key in self.counts and key not in self.fixed:
                self.withheld_before.add(key)
            if status in (HIDDEN, SMALL) and (key in self.counts or key in self.shares):
                self.forced.add(key)
                if status == HIDDEN and key in self.counts:
                    self.crossed.add(key)
            elif status == VISIBLE and key in self.counts and key not in self.fixed:
                self.fixed[key] = "visible"
            elif status == WITHDRAWN and key in self.counts and key not in self.fixed:
                self.withdrawn_before.add(key)
        sides = {k for share in self.shares.values() for k in (share.numerator,
                                                                share.denominator)}
        for key in sides - set(self.counts) - set(self.fixed):
            if ledger.get(key) == VISIBLE:
                self.fixed[key] = "visible"

    def add(self, item: Count | Share) -> None:
        """Declare a count or share the report publishes (declaring twice is harmless).

        A share shown with its counts needs them declared as counts too; those of a share
        shown alone are only used to state the share's rounding in the audit.
        """
        if isinstance(item, Share):
            self.shares[item.key] = item
        else:
            previous = self.counts.get(item.key)
            if previous is not None:  # a cell shown twice: a total if either says so, and
                # optional only if both say so (a table cell cannot be withdrawn)
                item = Count(item.key, item.total or previous.total,
                             item.optional and previous.optional,
                             item.printed or previous.printed)
            self.counts[item.key] = item
            if item.printed:
                self.unprinted.discard(item.key)
            elif item.key not in self.fixed:  # (printed by another report: known there)
                self.unprinted.add(item.key)

    def add_all(self, items: Iterable[Count | Share]) -> None:
        """Declare several cells."""
        for item in items:
            self.add(item)

    # -- evaluation -------------------------------------------------------------------------

    def needed_keys(self) -> list[str]:
        """Every count key the model needs: the published counts (here and elsewhere) and the
        shares' sides."""
        keys = dict.fromkeys([*self.counts, *self.fixed])
        for share in [*self.shares.values(), *self.fixed_shares.values()]:
            keys.update(dict.fromkeys((share.numerator, share.denominator)))
        return list(keys)

    def _mask(self, key: str) -> tuple[str, np.ndarray]:
        domain, where = parse_key(key)
        frame = self.microdata.get(domain)
        if frame is None:
            raise KeyError(f"no microdata for domain {domain!r} ({key})")
        mask = np.ones(len(frame), dtype=bool)
        for column, values in where.items():
            mask &= self._condition(domain, column, values, key)
        return domain, mask

    def _condition(self, domain: str, column: str, values: frozenset[str], key: str
                   ) -> np.ndarray:
        """The microdata rows whose ``column`` is one of ``values`` (kept: a report's keys
        repeat the same few conditions — its year, its school — a thousand times)."""
        cache = self.__dict__.setdefault("_conditions", {})
        if (domain, column, values) not in cache:
            cache[domain, column, values] = np.isin(self._column(domain, column, key),
                                                    list(values))
        return cache[domain, column, values]

    def _column(self, domain: str, column: str, key: str) -> np.ndarray:
        """A microdata column as text (kept: every key of the report reads the same ones)."""
        cache = self.__dict__.setdefault("_columns", {})
        if (domain, column) not in cache:
            frame = self.microdata[domain]
            if column not in frame:
                raise KeyError(f"microdata {domain!r} has no column {column!r} ({key})")
            cache[domain, column] = frame[column].astype(str).to_numpy(dtype=str)
        return cache[domain, column]

    def protect(self) -> Published:
        """Decide what is hidden: primary small counts, then complements (or withdrawals of
        optional cells) until the audit finds no hidden count whose value can be recovered."""
        model = _Model(self)
        out = Published(self.threshold, items={**self.counts, **self.shares})
        for key in self.counts:
            out.values[key] = model.count_values[key]
        for key, share in self.shares.items():
            den = model.count_values[share.denominator]
            num = model.count_values[share.numerator]
            out.values[key] = num / den if den else math.nan
        t = self.threshold
        state = _State(hidden={k: "primary" for k in self.counts
                               if 0 < model.count_values[k] < t})
        state.hidden.update({k: r for k, r in self.fixed.items() if r != "visible"})
        state.hidden.update({k: "secondary" for k in self.forced
                             if k in self.counts and (k not in state.hidden or k in self.crossed)
                             and self.fixed.get(k) != "visible"})
        state.shares_hidden |= self._forced_shares()
        state.withdrawn |= self.withdrawn_before
        for key in self.withdrawn_before:
            state.hidden.pop(key, None)
        state.withheld.update({k: WITHHELD_BEFORE for k in self.withheld_before})
        # nothing is said about part of a group that is too small to count: «0 из <3» would
        # tell that none of those one or two people took part
        for small in [k for k, r in state.hidden.items() if r == "primary"
                      or (k in self.crossed and 0 < model.count_values[k] < t)]:
            for key in self.counts:
                if key not in state.hidden and key not in state.withdrawn \
                        and self.fixed.get(key) != "visible" and inside(key, small):
                    state.hidden[key] = "secondary"
        self._settle_shares(state, model.count_values)
        # Hiding or withdrawing a cell only removes what an attacker knows, so a hidden cell
        # found protected stays protected: each round audits only the cells not yet cleared.
        # The cells another report hides are audited here too when what this report shows is
        # tied to them (a district share spans every school of the grade): that report's audit
        # cleared them before this page existed, and this page's cells, with the share, can
        # pin them. Cells about people nothing here is tied to cannot change.
        def audited() -> set[str]:
            return {k for k in state.hidden if k not in state.given_up
                    and not model.about_others(k)}

        self._settle(state, model, audited())
        self._prune(state, model)
        out.hidden = {k: r for k, r in state.hidden.items() if k in self.counts}
        out.withdrawn = set(state.withdrawn)
        out.withheld = dict(state.withheld)
        out.pinned_elsewhere = dict(state.pinned_elsewhere)
        for key in state.shares_hidden:
            if key in self.shares and key not in self.fixed_shares:  # shown there: shown here
                out.hidden[key] = "secondary"
        return out

    def _settle(self, state: _State, model: _Model, pending: set[str]) -> None:
        """Hide complements (or withdraw optional cells) until no hidden count of ``pending``
        and of what each step hides can be recovered; withhold the table of a count nothing
        protects."""
        for _ in range(2 * len(self.counts) + 1):
            exposed = model.exposed(state, pending)
            if not exposed:
                break
            pending = set()
            stepped = False  # until a step is taken, the audit's verdicts stand
            for target in exposed:
                if target not in state.hidden or (stepped and not model.single(target, state)):
                    continue  # withdrawn, or protected by a step taken for another cell
                stepped = True
                step = model.complement(target, state)
                if step is None:  # nothing left to hide near it: the table goes, not the run
                    pending |= self._withhold(target, state, model)
                    continue
                kind, key = step
                if kind in ("count", "mask"):
                    state.hidden[key] = "secondary"
                    pending.add(key)
                elif kind == "share":
                    state.shares_hidden.add(key)
                    state.share_steps.add(key)
                else:
                    state.withdrawn.add(key)
                    state.hidden.pop(key, None)
                self._settle_shares(state, model.count_values)
                pending.add(target)
            pending &= set(state.hidden)
            pending -= state.given_up
        else:  # the greedy steps did not settle: withhold what is still exposed
            for target in model.exposed(state, {k for k in state.hidden
                                                if k not in state.given_up
                                                and not model.about_others(k)}):
                self._withhold(target, state, model)

    def _prune(self, state: _State, model: _Model) -> None:
        """Show again the complements that protect nothing: each complement this decision
        chose (not small, not hidden by another report or an earlier publication, not a cell
        of a withheld table), the largest first, is shown when the audit of every hidden count
        still finds none recoverable without it.

        The greedy steps hide one cell at a time for one target, and a cell hidden early for
        a target that later steps protected anyway stays hidden: on seed 20's 2020-2021 one
        count of 2 in the profile × specialty table hid, step by step, every school's total
        of graduates. Showing a cell adds what the reader knows, so each is audited against
        everything hidden at that moment — the same audit that ends the decision.
        """
        held = {k for target in state.withheld for k in self.table_of(target)}
        candidates = sorted((k for k, r in state.hidden.items()
                             if r == "secondary" and k in self.counts and k not in self.fixed
                             and k not in self.forced and k not in held
                             and model.count_values[k] >= self.threshold
                             and not model.about_others(k)),
                            key=lambda k: (-model.count_values[k], k))
        base = self._forced_shares()
        for key in candidates:
            trial = state.copy()
            del trial.hidden[key]
            trial.shares_hidden = base | trial.share_steps
            self._settle_shares(trial, model.count_values)
            audited = {k for k in trial.hidden if k not in trial.given_up
                       and not model.about_others(k)}
            # most candidates pin a cell of their own row or column: those are audited first
            # (the same verdict, a fraction of the programs), everything when they hold
            near = [k for k in audited if inside(k, key) or inside(key, k)
                    or _conditions_apart(k, key) == 1]
            if near and model.exposed(trial, near):
                continue
            if not model.exposed(trial, audited):
                del state.hidden[key]
                state.shares_hidden = trial.shares_hidden

    def _forced_shares(self) -> set[str]:
        """This report's shares hidden from the start, whatever their counts (:attr:`forced`)."""
        return {k for k in self.forced if k in self.shares and k not in self.fixed_shares}

    def table_of(self, key: str) -> list[str]:
        """The declared counts of ``key``'s table: those of the same domain with the same
        conditions but at most one (the other cells of its row or column), and the groups that
        hold it (its totals)."""
        domain = parse_key(key)[0]
        out = []
        for other in self.counts:
            if parse_key(other)[0] != domain:
                continue
            apart = _conditions_apart(key, other)
            if (apart is not None and apart <= 1) or inside(key, other):
                out.append(other)
        return out

    def _withhold(self, target: str, state: _State, model: _Model) -> set[str]:
        """Withhold the table of ``target`` when no complement protects it: every cell of the
        table this report may still hide is hidden (the page prints a sentence instead of the
        table). Should the cells another report shows pin the target even then, the target is
        withdrawn from this page and the decision goes on. Never raises: one school's table
        must not stop the district's publication.

        Returns the cells newly hidden (to be audited in turn).
        """
        newly = set()
        for key in self.table_of(target):
            if self.fixed.get(key) == "visible" or key in state.withdrawn:
                continue
            if key not in state.hidden:
                newly.add(key)
            state.hidden[key] = "secondary"  # not even «<3»: the table is not printed
        reason = "по таблице можно было бы вычислить малые числа"
        state.withheld[target] = reason
        self._settle_shares(state, model.count_values)
        if target in state.hidden and model.single(target, state):
            state.withdrawn.add(target)
            state.hidden.pop(target, None)
            state.withheld[target] = ("таблица скрыта целиком, и само число снято со страницы: "
                                      "вместе с другими отчётами иначе его можно было бы "
                                      "вычислить")
            state.pinned_elsewhere[target] = self._tied_elsewhere(target, model)
        state.given_up.add(target)
        return newly - state.given_up

    def _tied_elsewhere(self, target: str, model: _Model) -> list[str]:
        """What another report could hide to free ``target``, best first: the same cell of
        another school that another report shows (the district's total less the other
        schools' pins it), smallest first; then the counts other reports show that count some
        of its people, a school's before the district's, smallest first."""
        domain, where = parse_key(target)
        shown = [k for k, status in self.fixed.items() if status == "visible"
                 and k not in self.counts and model.count_values[k] > 0]

        def other_school(key: str) -> bool:  # the same conditions but the school
            d, w = parse_key(key)
            return d == domain and "org_id" in where and _conditions_apart(key, target) == 1 \
                and w["org_id"] != where["org_id"]

        own = model.rows[target] > 0
        same = sorted((k for k in shown if other_school(k)),
                      key=lambda k: (model.count_values[k], k))
        tied = sorted((k for k in shown if (model.rows[k][own] > 0).any()),
                      key=lambda k: ("org_id" not in parse_key(k)[1], model.count_values[k], k))
        return same + tied

    def _settle_shares(self, state: _State, values: Mapping[str, float]) -> None:
        state.shares_hidden = self._shares_to_hide(state, values)

    def _shares_to_hide(self, state: _State, values: Mapping[str, float]) -> set[str]:
        """Shares that must go with the hidden counts, and shares too small to show alone."""
        out = set(state.shares_hidden)
        gone = set(state.hidden) | state.withdrawn
        for key, share in self.shares.items():
            num, den = values[share.numerator], values[share.denominator]
            with_hidden_count = share.numerator in gone or share.denominator in gone
            too_small_alone = not share.with_counts and not share_visible(num, den,
                                                                          self.threshold)
            if with_hidden_count or too_small_alone:
                out.add(key)
        return out


#: Why a table an earlier publication withheld is withheld again (its cells, hidden there, are
#: hidden here too).
WITHHELD_BEFORE = ("таблица скрыта, как и в прежних отчётах: по ней можно было бы вычислить "
                   "малые числа")


def _conditions_apart(key: str, other: str) -> int | None:
    """In how many conditions two keys on the same columns differ (``None`` when their columns
    differ): 0 is the same cell, 1 another cell of its row or column.

    >>> _conditions_apart("g|dest=spo|grade=9", "g|dest=army|grade=9")
    1
    >>> _conditions_apart("g|dest=spo|grade=9", "g|grade=9") is None
    True
    """
    where, other_where = parse_key(key)[1], parse_key(other)[1]
    if set(where) != set(other_where):
        return None
    return sum(where[c] != other_where[c] for c in where)


@dataclass
class _State:
    """What is hidden so far: counts (with the reason), shares, and withdrawn counts."""

    hidden: dict[str, str] = field(default_factory=dict)
    shares_hidden: set[str] = field(default_factory=set)
    withdrawn: set[str] = field(default_factory=set)
    #: cells whose table was withheld (nothing else protected them) → why
    withheld: dict[str, str] = field(default_factory=dict)
    given_up: set[str] = field(default_factory=set)
    pinned_elsewhere: dict[str, list[str]] = field(default_factory=dict)
    #: shares hidden as complements (the others follow from the counts: :meth:`Disclosure.
    #: _shares_to_hide`)
    share_steps: set[str] = field(default_factory=set)

    def copy(self) -> _State:
        return _State(dict(self.hidden), set(self.shares_hidden), set(self.withdrawn),
                      dict(self.withheld), set(self.given_up), dict(self.pinned_elsewhere),
                      set(self.share_steps))


def _unique_rows(pattern: np.ndarray) -> np.ndarray:
    """``np.unique(pattern, axis=0)`` of a boolean matrix, in the same order, with each row
    packed into bytes first (sorting bytes, not booleans, is what makes the atoms of a large
    report cheap to find)."""
    if not pattern.size:
        return np.unique(pattern, axis=0)
    packed = np.ascontiguousarray(np.packbits(pattern, axis=1))
    rows = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first = np.unique(rows, return_index=True)
    return pattern[first]


def _beyond(reached: float | np.ndarray, value: float | np.ndarray, maximise: bool
            ) -> bool | np.ndarray:
    """Whether a count that can reach ``reached`` (at most, or at least) holds a whole person
    more (or fewer) than its true ``value`` — the test of every audit verdict (cell by cell
    for arrays)."""
    return reached >= value + 1 - 1e-6 if maximise else reached <= value - 1 + 1e-6


class _Model:
    """The linear model of one report: atoms (groups of people no published cell tells apart)
    and, for every cell, which atoms it adds up."""

    def __init__(self, rules: Disclosure) -> None:
        self.rules = rules
        masks: dict[str, tuple[str, np.ndarray]] = {k: rules._mask(k) for k in rules.needed_keys()}
        self.count_values: dict[str, int] = {}
        # atoms: per domain, rows of the microdata grouped by their membership pattern
        columns: list[np.ndarray] = []
        for domain, frame in rules.microdata.items():
            keys = [k for k, (d, _) in masks.items() if d == domain]
            n = frame["n"].to_numpy(dtype=float)
            for key in keys:
                self.count_values[key] = int(n[masks[key][1]].sum())
            if not keys or not len(frame):
                continue
            pattern = np.column_stack([masks[k][1] for k in keys])
            used = pattern.any(axis=1)
            uniq = _unique_rows(pattern[used])
            columns.append((domain, keys, uniq))
        # incidence: cell key → vector over all atoms
        offsets, start = {}, 0
        for domain, keys, uniq in columns:
            offsets[domain] = (start, keys, uniq)
            start += len(uniq)
        self.n_atoms = start
        self.rows: dict[str, np.ndarray] = {}
        for first, keys, uniq in offsets.values():
            for j, key in enumerate(keys):
                vec = np.zeros(self.n_atoms)
                vec[first:first + len(uniq)] = uniq[:, j]
                self.rows[key] = vec
        for key in masks:
            self.rows.setdefault(key, np.zeros(self.n_atoms))
        self._keep_linked()
        self._find_twins()
        self._build()

    def _find_twins(self) -> None:
        """Cells that count exactly the same people under two definitions (the entrants of a
        group and those of them on a list the whole group is on…): :attr:`twins` maps each to
        the others. Hiding one of them while another shows hides nothing."""
        same: dict[bytes, list[str]] = {}
        for key, row in self.rows.items():
            if row.any():
                same.setdefault((row > 0).tobytes(), []).append(key)
        self.twins = {k: [o for o in group if o != k]
                      for group in same.values() if len(group) > 1 for k in group}

    def _keep_linked(self) -> None:
        """Keep only the atoms linked to this report's people (:attr:`own`): those of its
        counts and of its shares' sides, and every atom a published cell ties to them, in
        turn. The cells other pages publish about other people only (another school's
        graduates of another year…) form programs of their own, which this audit cannot
        change and which their pages' audits cleared: left out, they cost nothing. A cell left
        with no atom is about no one here (:meth:`about_others`)."""
        rules = self.rules
        own_keys = [*rules.counts, *(k for name, sh in rules.shares.items()
                                     if name not in rules.fixed_shares
                                     for k in (sh.numerator, sh.denominator))]
        own = np.zeros(self.n_atoms, dtype=bool)
        for key in own_keys:
            own |= self.rows[key] > 0
        links = [self.rows[k] > 0 for k in self.rows]
        links += [(self.rows[sh.numerator] > 0) | (self.rows[sh.denominator] > 0)
                  for sh in [*rules.shares.values(), *rules.fixed_shares.values()]]
        incidence = np.array(links).reshape(len(links), self.n_atoms)
        linked = own.copy()
        while True:
            touched = incidence[incidence[:, linked].any(axis=1)].any(axis=0) | linked
            if (touched == linked).all():
                break
            linked = touched
        self.others = {k for k, r in self.rows.items() if (r > 0).any() and not r[linked].any()}
        self.rows = {k: r[linked] for k, r in self.rows.items()}
        self.n_atoms = int(linked.sum())
        self.own = own[linked]

    def about_others(self, key: str) -> bool:
        """Whether a cell counts only people this report's cells are not linked to."""
        return key in self.others

    # -- the attacker's linear program ------------------------------------------------------

    def _build(self) -> None:
        """One row per count and two per share (its rounding): the matrix never changes, only
        the bounds do as cells are hidden, so one warm program serves the whole audit."""
        rows, self.count_row, self.share_rows = [], {}, {}
        for key in dict.fromkeys([*self.rules.counts, *self.rules.fixed]):
            if key in self.others:
                continue
            self.count_row[key] = len(rows)
            rows.append(self.rows[key])
        self.share_shown = {}
        for key, share in {**self.rules.fixed_shares, **self.rules.shares}.items():
            if share.numerator in self.others or share.denominator in self.others:
                continue
            num, den = self.count_values[share.numerator], self.count_values[share.denominator]
            shown = round(num / den, 3) if den else 0.0  # as displayed: one decimal of a percent
            a, b = self.rows[share.numerator], self.rows[share.denominator]
            self.share_rows[key] = (len(rows), len(rows) + 1)
            self.share_shown[key] = den > 0
            rows += [a - (shown + SHARE_ROUNDING) * b, a - (shown - SHARE_ROUNDING) * b]
        self.program = _Program(np.array(rows).reshape(len(rows), self.n_atoms))
        # every count shown, and every share shown with its rounding: the bounds of a state
        # are these, changed where the state hides or withdraws (:meth:`_bounds`)
        n = len(rows)
        self._shown_low, self._shown_high = np.full(n, -np.inf), np.full(n, np.inf)
        for key, row in self.count_row.items():
            self._shown_low[row] = self._shown_high[row] = self.count_values[key]
        for key, (upper, lower) in self.share_rows.items():
            if self.share_shown[key]:
                self._shown_high[upper] = self._shown_low[lower] = 0.0

    def _bounds(self, state: _State) -> tuple[np.ndarray, np.ndarray]:
        """Each row's bounds under ``state``: a count shown is its value, a «<3» 1 to
        threshold − 1, a «×» at least 0, a withdrawn count anything; a share shown lies within
        its rounding, a hidden one anywhere. Only the cells the state hides or withdraws are
        looked at (a school's report is audited against some thousand cells of the pages
        before it, and a state hides a few hundred)."""
        t = self.rules.threshold
        low, high = self._shown_low.copy(), self._shown_high.copy()
        for key, reason in state.hidden.items():
            row = self.count_row.get(key)
            if row is None:
                continue
            if reason == "primary" and key not in self.rules.unprinted:
                low[row], high[row] = 1, t - 1
            else:  # «×»: the reader learns nothing of its value
                low[row], high[row] = 0, np.inf
        for key in state.withdrawn:
            row = self.count_row.get(key)
            if row is not None:
                low[row], high[row] = -np.inf, np.inf
        for key in state.shares_hidden:
            rows = self.share_rows.get(key)
            if rows is not None and key not in self.rules.fixed_shares:
                high[rows[0]], low[rows[1]] = np.inf, -np.inf
        return low, high

    def single(self, key: str, state: _State) -> bool:
        """Whether the count's range holds a single whole value."""
        self.program.set_bounds(*self._bounds(state))
        return self._single(key)

    def _single(self, key: str) -> bool:
        """:meth:`single` under the bounds already set."""
        return self._single_points(key)[0]

    def _single_points(self, key: str) -> tuple[bool, list[np.ndarray]]:
        """Whether the count's range holds a single whole value under the bounds already set,
        and the solutions its programs found. The true value is feasible, so the range holds
        another whole value when the maximum reaches one more or the minimum one less (the
        maximum is tried first: most hidden cells are protected upwards)."""
        value, objective = self.count_values[key], self.rows[key]
        points: list[np.ndarray] = []
        for maximise in (True, False):
            x = self.program.point(objective, maximise)
            if x is None:  # unbounded that way
                return False, points
            points.append(x)
            if _beyond(float(objective @ x), value, maximise):
                return False, points
        return True, points

    def exposed(self, state: _State, keys: Iterable[str] | None = None) -> list[str]:
        """Hidden counts (of ``keys``, default all) whose range holds a single whole value,
        smallest first.

        A hidden zero is not audited: it is hidden only so as not to describe a group smaller
        than the threshold (that group's own size is audited), and the model, which knows
        only the groups of people that exist, cannot tell "none" from "no such people".
        """
        keys = [k for k in (state.hidden if keys is None else keys)
                if k in state.hidden and self.count_values[k] > 0]
        if not keys:
            return []
        self.program.set_bounds(*self._bounds(state))
        keys = sorted(self._moved_together(keys), key=lambda k: (self.count_values[k], k))
        if not keys:
            return []
        # every program's solution gives each cell a value the reader cannot rule out: one that
        # takes a cell still to be solved a whole person off its value shows it to hold two
        # values, as its own programs would — the same verdicts, a fifth fewer programs
        rows = np.array([self.rows[k] for k in keys])
        values = np.array([self.count_values[k] for k in keys], dtype=float)
        open_ = np.ones(len(keys), dtype=bool)
        out = []
        for i, key in enumerate(keys):
            if not open_[i]:
                continue
            single, points = self._single_points(key)
            if single:
                out.append(key)
            for x in points:
                reached = rows @ x
                open_ &= ~(_beyond(reached, values, maximise=True)
                           | _beyond(reached, values, maximise=False))
        return out

    def _moved_together(self, keys: list[str]) -> list[str]:
        """The keys not yet shown to hold two values, under the bounds already set.

        One program proves many cells at once: a solution that takes several hidden counts a
        whole person above (or below) their values shows each of them to hold two values, as
        its own program would. So the sum of the open cells is pushed up, then down, while
        that moves any of them; the cells left are solved one by one (:meth:`_single`). The
        same verdicts, a fraction of the programs.
        """
        open_ = list(keys)
        for maximise in (True, False):
            while len(open_) > 1:
                objective = np.sum([self.rows[k] for k in open_], axis=0)
                x = self.program.point(objective, maximise)
                if x is None:  # unbounded: no single point to read; one by one
                    break
                moved = {k for k in open_ if _beyond(float(self.rows[k] @ x),
                                                     self.count_values[k], maximise)}
                if not moved:
                    break
                open_ = [k for k in open_ if k not in moved]
        return open_

    def _near(self, key: str, target: str) -> bool:
        """Whether a cell is of the same table as the target: the same conditions but one (a
        part of the same row or column)."""
        return _conditions_apart(key, target) == 1

    def complement(self, target: str, state: _State) -> tuple[str, str] | None:
        """The next step that protects ``target``: hide a share or a count, or withdraw an
        optional count.

        Candidates are the cells that pin the target and their neighbours: visible cells that
        share people with a visible cell sharing people with the target (the other parts of its
        column, its total…). First visible shares shown without their counts, then optional
        cells to withdraw (the target itself first: a detail of a sentence is worth less than a
        cell of a table), then visible counts of at least the threshold — not totals first,
        smallest first — and the zeros of the target's own column («×» says nothing of its
        value, so a hidden zero hides how the rest adds up). The first step after which the
        target's range holds two values wins; failing that, the first hide, so that the next
        round can add another; when nothing near is left to hide, any visible count of the
        report, if one of them protects it alone; ``None`` when nothing does (the caller then
        withholds the target's table).
        """
        own = self.rows[target] > 0
        gone = set(state.hidden) | state.withdrawn
        visible = [k for k in self.rules.counts
                   if k not in gone and self.rules.fixed.get(k) != "visible"]
        # the support: the target's people and those of every visible cell sharing people with
        # it — cells another report publishes included (they link this report's tables: the
        # school's 16 graduates tie grade 9 to grade 11), though only this report's may be hidden
        linked = visible + [k for k, r in self.rules.fixed.items()
                            if r == "visible" and k not in self.rules.counts]
        linked += [k for k in self.rules.counts if self.rules.fixed.get(k) == "visible"]
        support = own.copy()
        for key in linked:
            if ((self.rows[key] > 0) & own).any():
                support |= self.rows[key] > 0
        t = self.rules.threshold
        shares = [("share", k) for k, s in self.rules.shares.items()
                  if k not in state.shares_hidden and not s.with_counts and s.complement
                  and k not in self.rules.fixed_shares
                  and ((self.rows[s.numerator] > 0) & support).any()]
        counts = [("count", k) for k in visible
                  if (self.count_values[k] >= t and ((self.rows[k] > 0) & support).any())
                  or (self.count_values[k] == 0 and self._near(k, target))]
        # non-zero parts first (smallest first), then zeros of the same table, totals last
        counts.sort(key=lambda kc: (self.rules.counts[kc[1]].total,
                                    self.count_values[kc[1]] == 0, self.count_values[kc[1]],
                                    kc[1]))
        optional = [k for k, c in self.rules.counts.items()
                    if c.optional and k not in state.withdrawn and k not in self.rules.fixed
                    and ((self.rows[k] > 0) & support).any()]
        optional.sort(key=lambda k: (k != target, self.count_values[k], k))
        withdrawals = [("withdraw", k) for k in optional]
        # «<3» says 1 or 2: two of them adding up to a third give all three away; shown as «×»
        # instead, a small count says nothing of its value (not a cell another report shows)
        masks = [("mask", k) for k, r in state.hidden.items()
                 if r == "primary" and k in self.rules.counts and k not in self.rules.fixed
                 and ((self.rows[k] > 0) & support).any()]
        masks.sort(key=lambda kc: (-self.count_values[kc[1]], kc[1] != target, kc[1]))
        parts = [c for c in counts if not self.rules.counts[c[1]].total]
        totals = [c for c in counts if self.rules.counts[c[1]].total]
        # a cell whose twin stays visible protects nothing hidden alone: the target's own
        # visible twins go first (nothing else protects it while one of them shows it), and the
        # others' twins are left out
        shown, hideable = set(linked), set(visible)
        own_twins = [("count", k) for k in self.twins.get(target, ()) if k in hideable]
        ordered = [c for c in parts + masks + totals if c not in own_twins and not any(
            t in shown for t in self.twins.get(c[1], ()))]
        # the target's own table first (the other cells of its row or column, small ones
        # included): a cell far away shares people with it only through a total, and hiding
        # it rarely helps — tried first, far cells would use up the trials and be hidden anyway
        near = [c for c in ordered if self._near(c[1], target)]
        counts = own_twins + near + [c for c in ordered if c not in near]
        trials = (shares + withdrawals + counts)[:TRIALS]
        # Every step only takes something from what the reader knows, so when all of them
        # together leave the target pinned, none of them alone frees it: one program instead
        # of up to TRIALS (a third of the demo's trials), the same step chosen
        if self.single(target, self._after(state, trials)):
            trials = [step for step in trials if step == ("withdraw", target)]
        for kind, key in trials:
            if key == target and kind == "withdraw":
                return kind, key
            if not self.single(target, self._after(state, [(kind, key)])):
                return kind, key
        hides = shares + counts
        if not hides and not withdrawals:
            # nothing near the target is left to hide: any visible count of the report will do
            # (hiding every one of them leaves the target at least the range of its mark)
            domain = parse_key(target)[0]
            hides = sorted((("count", k) for k in visible
                            if parse_key(k)[0] == domain and self.count_values[k] != 0),
                           key=lambda kc: (self.rules.counts[kc[1]].total,
                                           self.count_values[kc[1]], kc[1]))
            hides += sorted((("mask", k) for k, r in state.hidden.items()
                             if r == "primary" and k in self.rules.counts
                             and k not in self.rules.fixed and parse_key(k)[0] == domain),
                            key=lambda kc: (-self.count_values[kc[1]], kc[1]))
            if not self.single(target, self._after(state, hides[:TRIALS])):
                for kind, key in hides[:TRIALS]:
                    if not self.single(target, self._after(state, [(kind, key)])):
                        return kind, key
            return None  # far cells that do not help alone: withhold the table instead
        return hides[0] if hides else withdrawals[0] if withdrawals else None

    def _after(self, state: _State, steps: Iterable[tuple[str, str]]) -> _State:
        """A copy of ``state`` with ``steps`` taken (see :meth:`complement`): a count or a
        «<3» hidden as «×» (with the shares it is a side of), a share hidden, a count
        withdrawn."""
        trial = state.copy()
        for kind, key in steps:
            if kind in ("count", "mask"):
                trial.hidden[key] = "secondary"
                trial.shares_hidden |= {s for s, sh in self.rules.shares.items()
                                        if key in (sh.numerator, sh.denominator)}
            elif kind == "share":
                trial.shares_hidden.add(key)
            else:
                trial.withdrawn.add(key)
                trial.hidden.pop(key, None)
        return trial


class _Program:
    """The attacker's linear program over the atoms: ``low <= rows x <= high``, ``x >= 0``.

    Built once per report and solved for many bounds (as cells are hidden) and many objectives
    (the range of each hidden cell) with HiGHS, warm-started from the previous solution.
    """

    def __init__(self, rows: np.ndarray) -> None:
        import highspy
        from scipy import sparse

        self.n = rows.shape[1]
        self.m = rows.shape[0]
        self.highs = _solver()
        inf = highspy.kHighsInf
        self.inf = inf
        matrix = sparse.csc_matrix(rows)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, self.m
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = np.full(self.n, inf)
        lp.row_lower_ = np.full(self.m, -inf)
        lp.row_upper_ = np.full(self.m, inf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        if self.n:
            self.highs.passModel(lp)
        self.columns = np.arange(self.n, dtype=np.int32)
        self.row_index = np.arange(self.m, dtype=np.int32)

    def set_bounds(self, low: np.ndarray, high: np.ndarray) -> None:
        """Set every row's bounds (``±inf`` for none)."""
        if self.n and self.m:
            self.highs.changeRowsBounds(self.m, self.row_index,
                                        np.where(np.isfinite(low), low, -self.inf),
                                        np.where(np.isfinite(high), high, self.inf))

    def point(self, objective: np.ndarray, maximise: bool) -> np.ndarray | None:
        """A solution that makes ``objective · x`` largest (or smallest); ``None`` when the
        program is unbounded in that direction."""
        value = self.optimum(objective, maximise)
        if not np.isfinite(value):
            return None
        return np.asarray(self.highs.getSolution().col_value)

    def optimum(self, objective: np.ndarray, maximise: bool) -> float:
        """The largest (or smallest) value of ``objective · x`` (``±inf`` when unbounded)."""
        import highspy

        if not self.n:
            return 0.0
        h = self.highs
        h.changeColsCost(self.n, self.columns, objective.astype(float))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise
                               else highspy.ObjSense.kMinimize)
        status = self._solve()
        if status == highspy.HighsModelStatus.kOptimal:
            return h.getInfo().objective_function_value
        if status in (highspy.HighsModelStatus.kUnbounded,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return np.inf if maximise else -np.inf
        # the published cells are true counts: the program is always feasible
        raise RuntimeError(f"disclosure audit failed: {h.modelStatusToString(status)}")

    def _solve(self):
        """Run HiGHS and return the model status. A warm start HiGHS gives up on (status
        «Unknown»: numerical trouble with the basis carried over from the programs before — CI
        met it once, deciding the demo's three latest years after other tests had used the same
        solver) is solved again from scratch, and then by dual simplex, before the audit fails.
        A failed program is never read as an answer: it would say nothing of a cell."""
        import highspy

        answered = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded,
                    highspy.HighsModelStatus.kUnboundedOrInfeasible)
        h = self.highs
        h.run()
        for strategy in (PRIMAL_SIMPLEX, DUAL_SIMPLEX):  # from scratch: primal, then dual
            if h.getModelStatus() in answered:
                break
            h.clearSolver()
            h.setOptionValue("simplex_strategy", strategy)
            try:
                h.run()
            finally:
                h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        return h.getModelStatus()


_local = threading.local()

#: HiGHS's ``simplex_strategy`` for the audit's programs (see :func:`_solver`), and the one
#: a program is solved by when primal simplex gave up on it from scratch too.
PRIMAL_SIMPLEX, DUAL_SIMPLEX = 4, 1


def _solver():
    """This thread's HiGHS instance, created once with its banner kept off the terminal (HiGHS
    prints a copyright line when an instance is created, before any option can be set)."""
    import highspy

    solver = getattr(_local, "solver", None)
    if solver is None:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.close(devnull)
            solver = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("presolve", "off")  # warm starts pay only without presolve
        # The audit changes the objective far more often than the bounds (every hidden cell's
        # range under the same bounds): the last basis stays primal feasible when only the
        # objective changes, so primal simplex goes on from it, where dual simplex starts over
        # (the demo's latest year: 26 s instead of 68 s, the same decisions)
        solver.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        _local.solver = solver
    return solver
