"""An attacker of the shared reports, written apart from proforient.report.publish.

It reads a rendered page the way a curious reader with a spreadsheet would — every count of
graduates or pupils with disabilities it shows, hidden («<3», «×») or not, and every share — and
knows how those counts are defined (each is marked on the page with its definition, ``data-q``).
From the true microdata it builds the groups of people no published number tells apart, writes
everything published as linear equalities and inequalities over them, and bounds every hidden
count consistent with the pages: in fractions of people by linear programming, or in whole people
(a count between 0.4 and 1.6 of a group whose other counts are whole may still be pinned) by
integer programming. A range holding one whole value is a recovered count.

To show that a count is *not* recovered it is enough to find two solutions between whose values
for it lie two whole numbers; the solutions found for one count are kept and serve the
others, so only counts no kept solution moves are solved for.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from proforient.compute.alignment import ADMITTED_DESTINATIONS, classify_study_region
from proforient.parameters.classifier import normalise_name

ROUNDING = 0.0005  # a share is printed with one decimal of a percent


class _Quantities(HTMLParser):
    """Every ``<span data-q="…">text</span>`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._key: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        key = dict(attrs).get("data-q")
        if tag == "span" and key is not None:
            self._key, self._text = key, []

    def handle_endtag(self, tag):
        if tag == "span" and self._key is not None:
            self.found.append((self._key, "".join(self._text).replace("\u00a0", " ").strip()))
            self._key = None

    def handle_data(self, data):
        if self._key is not None:
            self._text.append(data)


def quantities(html: str) -> list[tuple[str, str]]:
    """(key, text) of every marked number of a page."""
    parser = _Quantities()
    parser.feed(html)
    return parser.found


def _conditions(key: str) -> tuple[str, dict[str, set[str]]]:
    domain, *parts = key.split("|")
    where = {}
    for part in parts:
        column, _, values = part.partition("=")
        where[column] = {unquote(v) for v in values.split(",")}
    return domain, where


def _flag(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "na" if pd.isna(v) else ("1" if bool(v) else "0"))


def truth(ctx) -> dict[str, pd.DataFrame]:
    """The people of the district, one row each, with every attribute a key may name."""
    a = ctx.aligned
    rules = ctx.rules
    checked = {c for c, p in rules.profiles.items() if p.checked}
    admitted = a["destination"].isin(ADMITTED_DESTINATIONS)
    subjects = ctx.dataset.graduates["ege_subjects"].reindex(a.index)
    location = classify_study_region(a["study_region"], rules.study_region_places)
    g = pd.DataFrame({
        "year": a["year"].astype(str), "org_id": a["org_id"].astype(str),
        "grade": a["grade"].astype(int).astype(str), "destination": a["destination"].astype(str),
        "profile": a["profile"].astype(object).where(a["profile"].notna(), "na").astype(str),
        "checked": np.where(a["profile"].isin(checked), "1", "0"),
        "resolved": np.where(a["specialty_code"].notna(), "1", "0"),
        "profile_aligned": _flag(a["profile_aligned"]), "ege_aligned": _flag(a["ege_aligned"]),
        "no_ege": np.where((a["grade"] == 11) & a["profile"].isin(checked) & subjects.isna(),
                           "1", "0"),
        "in_demand": _flag(a["in_demand"]),
        "territory": a["demand_territory"].astype(object).where(a["demand_territory"].notna(),
                                                                "na").astype(str),
        "on_district": _flag(a["on_district_list"]),
        "on_republic": _flag(a["on_republic_list"]),
        "ugs": np.where(admitted & a["specialty_code"].notna(), a["ugs_code"].astype(object),
                        "na").astype(str),
        "location": np.where(admitted, location.replace("unrecognised", "unknown"), "na"),
        "review": [(normalise_name(t) or "none") if r else "na" for t, r in
                   zip(a["specialty_name"], a["needs_review"].fillna(False), strict=True)],
    }).assign(n=1)
    rows = []
    ind = ctx.indicators
    ovz = ind[(ind["scope"] == "org") & (ind["indicator_id"] == "ovz_events_share")
              & ind["denominator"].notna()]
    for year, org, took, total in zip(ovz["year"], ovz["org_id"], ovz["numerator"],
                                      ovz["denominator"], strict=True):
        if np.isnan(took):
            rows.append((str(year), str(org), "na", int(total)))
        else:
            rows += [(str(year), str(org), "1", int(took)),
                     (str(year), str(org), "0", int(total - took))]
    o = pd.DataFrame(rows, columns=["year", "org_id", "took_part", "n"])
    return {"g": g, "o": o[o["n"] > 0]}


@dataclass
class Attack:
    """What the attacker found on one page."""

    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)
    small_visible: list[str] = field(default_factory=list)
    #: keys shown with different texts in different places
    contradictions: dict[str, set[str]] = field(default_factory=dict)

    @property
    def recovered(self) -> list[str]:
        """Hidden counts (of people that exist) whose range holds one whole value."""
        out = []
        for key, (lo, hi) in self.ranges.items():
            if self.values[key] > 0 and math.isfinite(hi) and \
                    math.floor(hi + 1e-6) - math.ceil(lo - 1e-6) < 1:
                out.append(key)
        return out


#: Branch-and-bound nodes per integer program (a node limit, not a time limit: the same result
#: on a busy machine).
MIP_NODES = 200


def attack(html: str, people: dict[str, pd.DataFrame], threshold: int,
           integer: bool = False, unprinted: tuple[str, ...] = ()) -> Attack:
    """Every hidden count's range given everything the page (or pages, concatenated) shows;
    also of the ``unprinted`` counts (cells no page prints, which the pages may still pin)."""
    found = quantities(html)
    counts: dict[str, str] = {}
    shares: dict[str, str] = {}
    seen: dict[str, set[str]] = {}
    for key, text in found:
        seen.setdefault(key, set()).add(text)
        if key.startswith(("g|", "o|")):
            counts[key] = text
        elif key.startswith("share:"):
            shares[key] = text
    keys = list(counts)
    for key in shares:
        keys += key.removeprefix("share:").split("/")
    keys = list(dict.fromkeys([*keys, *unprinted]))
    masks = {}
    for key in keys:
        domain, where = _conditions(key)
        frame = people[domain]
        mask = np.ones(len(frame), dtype=bool)
        for column, values in where.items():
            mask &= frame[column].isin(values).to_numpy()
        masks[key] = (domain, mask)
    # the groups of people that no marked number tells apart
    columns, weights = [], []
    for domain, frame in people.items():
        own = [k for k in keys if masks[k][0] == domain]
        if not own:
            continue
        pattern = np.column_stack([masks[k][1] for k in own])
        used = pattern.any(axis=1)
        uniq, inverse = np.unique(pattern[used], axis=0, return_inverse=True)
        weights.append(np.bincount(inverse.ravel(), weights=frame["n"].to_numpy()[used]))
        columns.append((domain, own, uniq))
    n_atoms = sum(len(u) for _, _, u in columns)
    rows = {}
    start = 0
    for _, own, uniq in columns:
        for j, k in enumerate(own):
            vec = np.zeros(n_atoms)
            vec[start:start + len(uniq)] = uniq[:, j]
            rows[k] = vec
        start += len(uniq)
    for k in keys:
        rows.setdefault(k, np.zeros(n_atoms))
    truth_values = {k: int(people[masks[k][0]]["n"].to_numpy()[masks[k][1]].sum()) for k in keys}
    result = Attack(values={k: truth_values[k] for k in [*counts, *unprinted]},
                    contradictions={k: v for k, v in seen.items() if len(v) > 1})
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    hidden = []
    for key, text in counts.items():
        if re.fullmatch(r"[\d \u00a0\u202f]+", text):
            value = int(re.sub(r"\D", "", text))
            if 0 < value < threshold:
                result.small_visible.append(key)
            a_eq.append(rows[key])
            b_eq.append(value)
        elif text == f"<{threshold}":
            a_ub += [rows[key], -rows[key]]
            b_ub += [threshold - 1, -1]
            hidden.append(key)
        else:
            hidden.append(key)  # «×» or «—»: nothing known but that it is a count
    for key, text in shares.items():
        match = re.fullmatch(r"(\d+),(\d)[ \u00a0\u202f]?%", text)
        if not match:
            continue
        p = int(match.group(1)) / 100 + int(match.group(2)) / 1000
        num, den = key.removeprefix("share:").split("/")
        a_ub += [rows[num] - (p + ROUNDING) * rows[den], -(rows[num] - (p - ROUNDING)
                                                            * rows[den])]
        b_ub += [0.0, 0.0]
    # the page shows true numbers: the true groups of people satisfy everything it says
    true_x = np.concatenate(weights) if weights else np.zeros(0)
    broken = [f"{b_eq[i]} = {a_eq[i] @ true_x}" for i in range(len(a_eq))
              if abs(a_eq[i] @ true_x - b_eq[i]) > 1e-6]
    broken += [f"row {i}: {a_ub[i] @ true_x} > {b_ub[i]}" for i in range(len(a_ub))
               if a_ub[i] @ true_x > b_ub[i] + 1e-9]
    assert not broken, f"the page contradicts the truth: {broken[:5]}"
    hidden += [k for k in unprinted if k not in counts]
    if not n_atoms:  # nobody behind any number of the page
        result.ranges = {key: (0.0, 0.0) for key in hidden}
        return result
    program = _Program(a_eq, b_eq, a_ub, b_ub, true_x)
    for key in hidden:
        result.ranges[key] = program.range(rows[key], integer)
    return result


def _two_whole(lo: float, hi: float) -> bool:
    """Whether [lo, hi] holds at least two whole numbers."""
    return math.floor(hi + 1e-6) - math.ceil(lo - 1e-6) >= 1


class _Program:
    """Everything the pages say, as a linear program over the groups of people, with the
    solutions found so far.

    A hidden count is recovered when its range holds one whole value; to show that it is not,
    two solutions between whose values for it lie two whole numbers are enough. Every solution
    a program returns is kept (``points``: solutions in fractions of people; ``whole``: in whole
    people, the truth first — the pages are true, so it is one), and a count whose kept
    solutions already differ enough is not solved for at all. On the demo's three years of
    pages, the 446 hidden counts took 159 linear programs and 59 small integer ones (84 s);
    one integer program over all 1,970 groups per count found no whole solution within the
    node limit in 5–8 s, every time."""

    def __init__(self, a_eq, b_eq, a_ub, b_ub, truth: np.ndarray) -> None:
        n = len(truth)
        self.a_eq, self.b_eq = np.array(a_eq).reshape(-1, n), np.array(b_eq, dtype=float)
        self.a_ub, self.b_ub = np.array(a_ub).reshape(-1, n), np.array(b_ub, dtype=float)
        self.truth = truth
        self.points: list[np.ndarray] = [truth]
        self.whole: list[np.ndarray] = [truth]

    def range(self, c: np.ndarray, integer: bool) -> tuple[float, float]:
        """The values of ``c · x`` the pages allow, in fractions of people or, if ``integer``,
        in whole people: the proven smallest and largest when they hold at most one whole
        value (a recovered count); otherwise the values of two solutions with two whole numbers
        between them."""
        if integer:
            return self._whole_range(c)
        seen = [float(c @ x) for x in self.points]
        if _two_whole(min(seen), max(seen)):
            return min(seen), max(seen)
        lo = self._linear(c)
        hi = max(float(c @ x) for x in self.points)
        return (lo, hi) if _two_whole(lo, hi) else (lo, -self._linear(-c))

    def _whole_range(self, c: np.ndarray) -> tuple[float, float]:
        values = {round(float(c @ x)) for x in self.whole}
        if len(values) > 1:
            return float(min(values)), float(max(values))
        (value,) = values  # the truth's: look for a whole solution on either side of it
        lo = self._below(c, value)
        if lo < value:
            return lo, float(value)
        return lo, -self._below(-c, -value)

    def _below(self, c: np.ndarray, value: int) -> float:
        """The value ``c · x`` of a whole solution below ``value`` if there is one, else the
        least ``c · x`` of whole solutions proven (``value`` itself when none is below).

        The linear minimum first: above ``value - 1``, no whole solution is below. Then a
        whole solution is looked for among those that differ from the truth only where the
        fractional solution nearest the truth does, then also where their neighbours do (small
        programs), then among all (on the demo's three years, this alone finds none within
        the node limit)."""
        lo = self._linear(c)
        if lo > value - 1 + 1e-6:
            return float(value)
        if not math.isfinite(lo):
            return lo
        truth = self.truth
        free = np.abs(self._nearest(c, value - 1) - truth) > 1e-9
        for near in (free, self._neighbours(free)):
            found = self._whole_beyond(c, value - 1, Bounds(np.where(near, 0, truth),
                                                            np.where(near, np.inf, truth)))
            if found is not None:
                return found
        found = self._whole_beyond(c, value - 1, Bounds(0, np.inf))
        if found is not None:
            return found
        bound = max(lo, self._bound(c))  # nothing found: the proven bound decides
        return float(value) if bound > value - 1 + 1e-6 else bound

    def _neighbours(self, free: np.ndarray) -> np.ndarray:
        """The groups ``free`` and those that share a printed number with them."""
        support = np.vstack([self.a_eq, self.a_ub]) != 0
        return free | support[support[:, free].any(axis=1)].any(axis=0)

    def _nearest(self, c: np.ndarray, limit: float) -> np.ndarray:
        """The solution in fractions of people with ``c · x <= limit`` nearest the truth (in
        the sum of absolute differences): ``x = truth + up - down``."""
        truth, a_eq = self.truth, self.a_eq
        n = len(truth)
        a_ub = np.vstack([self.a_ub, c])
        # the linear minimum may be a hair above the limit
        b_ub = np.array([*self.b_ub, limit + 1e-6]) - a_ub @ truth
        res = linprog(np.ones(2 * n), A_ub=np.hstack([a_ub, -a_ub]), b_ub=b_ub,
                      A_eq=np.hstack([a_eq, -a_eq]) if len(a_eq) else None,
                      b_eq=np.zeros(len(a_eq)) if len(a_eq) else None,
                      bounds=[*[(0, None)] * n, *[(0, t) for t in truth]], method="highs")
        assert res.status == 0, res.message  # the linear minimum is below the limit
        return truth + res.x[:n] - res.x[n:]

    def _linear(self, c: np.ndarray) -> float:
        """The minimum of ``c · x`` in fractions of people (``-inf`` when unbounded); the
        solution reaching it is kept."""
        fun, x = _solve(c, self.a_eq, self.b_eq, self.a_ub, self.b_ub)
        if x is not None:
            self.points.append(x)
        return fun

    def _whole_beyond(self, c: np.ndarray, limit: float, bounds: Bounds) -> float | None:
        """``c · x`` of a whole solution within ``bounds`` with ``c · x <= limit`` (kept), or
        ``None`` when there is none or none was found within :data:`MIP_NODES`
        branch-and-bound nodes."""
        res = milp(np.zeros(len(c)), constraints=[*self._constraints(),
                                                  LinearConstraint(c[None, :], -np.inf, limit)],
                   integrality=np.ones(len(c)), bounds=bounds,
                   options={"node_limit": MIP_NODES})
        if res.status != 0:
            return None
        x = np.round(res.x)
        self.whole.append(x)
        self.points.append(x)
        return float(c @ x)

    def _bound(self, c: np.ndarray) -> float:
        """The minimum of ``c · x`` over whole numbers of people, or the bound proven within
        :data:`MIP_NODES` branch-and-bound nodes (a node limit, not a time limit: the same
        result on a busy machine)."""
        res = milp(np.asarray(c), constraints=self._constraints(), integrality=np.ones(len(c)),
                   bounds=Bounds(0, np.inf), options={"node_limit": MIP_NODES})
        if res.status == 0:
            return float(res.fun)
        bound = getattr(res, "mip_dual_bound", None)
        return float(bound) if bound is not None and np.isfinite(bound) else -math.inf

    def _constraints(self) -> list[LinearConstraint]:
        out = []
        if len(self.a_eq):
            out.append(LinearConstraint(self.a_eq, self.b_eq, self.b_eq))
        if len(self.a_ub):
            out.append(LinearConstraint(self.a_ub, -np.inf, self.b_ub))
        return out


def _solve(c, a_eq, b_eq, a_ub, b_ub) -> tuple[float, np.ndarray | None]:
    """The minimum of ``c · x`` (``-inf`` when unbounded) and a solution reaching it; the
    constraints are matrices, with no rows when there are none."""
    kwargs = {"A_eq": a_eq if len(a_eq) else None, "b_eq": b_eq if len(a_eq) else None,
              "A_ub": a_ub if len(a_ub) else None, "b_ub": b_ub if len(a_ub) else None,
              "bounds": (0, None), "method": "highs"}
    res = linprog(c, **kwargs)
    if res.status == 0:
        return float(res.fun), res.x
    if res.status == 3:
        return -math.inf, None
    # HiGHS's presolve may call an unbounded program «infeasible» (the truth satisfies every
    # constraint: checked in attack). Bounded from below by a huge number, it is solved: the
    # bound reached means unbounded, anything else is the minimum.
    big = 1e7
    kwargs["A_ub"] = np.vstack([a_ub, -np.asarray(c)])
    kwargs["b_ub"] = [*b_ub, big]
    res = linprog(c, **kwargs)
    assert res.status == 0, res.message
    return (-math.inf if res.fun <= -big + 1 else float(res.fun)), res.x


def pages(ctx) -> dict[str, str]:
    """Everything a batch publishes for ``ctx``: every school's page, the graduates and the
    district report (HTML, by report name ``school:<org_id>``, ``graduates``, ``district``)."""
    from proforient.report.district.page import DistrictReport
    from proforient.report.graduates.page import GraduatesReport
    from proforient.report.school.page import SchoolReport

    schools = ctx.facts.orgs.loc[ctx.facts.orgs["kind"] == "school", "org_id"]
    out = {f"school:{o}": SchoolReport(ctx, o).page().html for o in schools}
    out["graduates"] = GraduatesReport(ctx).page().html
    out["district"] = DistrictReport(ctx).page().html
    return out

