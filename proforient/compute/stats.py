"""Statistics the reports use: intervals, funnel limits, change tests, association, peer groups.

Schools are small, so every share gets an uncertainty statement (each rule in words in
docs/indicators.md, «Доли» to «Связь профиля и группы специальностей»):

- :func:`wilson_interval` — the Wilson score interval of a share;
- :func:`funnel_limits`, :func:`funnel_position` — exact binomial control limits around the
  district rate, and where each school lies relative to them;
- :func:`change_test`, :func:`trend_table` — whether a share changed between two years
  (Fisher's exact test, :func:`fisher_exact_p`);
- :func:`association_test` — chi-square with Cramér's V where the expected counts allow it,
  otherwise a Monte Carlo permutation test, or no test for too few people;
- :func:`size_band`, :func:`peer_groups` — comparison groups of similar schools;
- :func:`pooled_share` — the district ratio as sum over sum.

All functions are pure: inputs are never modified. Counts that are missing (``None``, ``NaN``,
``pd.NA``) propagate as NaN/NA, never as zero. Impossible counts (negative, or a numerator above
its denominator) are programming or data errors upstream and raise :class:`ValueError`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from proforient.names import school_type
from proforient.vocab import KINDS

__all__ = [
    "ALPHA",
    "FUNNEL_LEVELS",
    "SIZE_BANDS",
    "association_test",
    "change_test",
    "cochran_ok",
    "cramers_v",
    "fisher_exact_p",
    "funnel_limits",
    "funnel_position",
    "level_suffix",
    "pooled_share",
    "peer_groups",
    "size_band",
    "trend_table",
    "wilson_interval",
]


def _scipy_stats():
    """``scipy.stats``, imported on first use: a report kernel that reads the batch's snapshot
    never tests anything, and scipy.stats is half a second of its start."""
    from scipy import stats

    return stats

def _normal_quantile(p: float) -> float:
    """The standard normal quantile (``scipy.stats.norm.ppf``, to within 1e-15) from the
    standard library."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


#: Significance level of the change tests.
ALPHA = 0.05
#: Funnel-plot control-limit levels (two-sided coverage): about 2 and 3 standard deviations.
FUNNEL_LEVELS: tuple[float, ...] = (0.95, 0.998)
#: Default school-size band edges (number of pupils, left-closed intervals).
SIZE_BANDS: tuple[float, ...] = (0, 100, 300, 600, math.inf)

# --------------------------------------------------------------------------------------------
# helpers


def _as_float(values: Any) -> np.ndarray:
    """Return ``values`` as a float array (same shape) with every kind of missing value as NaN.

    Accepts scalars, lists, numpy arrays and pandas Series/Index, nullable ``Int64``/``Float64``
    included. Non-numeric text raises (a programming error).
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values.astype(float, copy=False)  # the indicator engine's hot path
    if isinstance(values, pd.Series | pd.Index):
        return pd.to_numeric(values.to_numpy(dtype=object), errors="raise").astype(float)
    arr = np.asarray(values, dtype=object)
    flat = pd.Series(arr.ravel(), dtype=object)
    flat = flat.where(flat.notna(), np.nan)
    return pd.to_numeric(flat, errors="raise").to_numpy(dtype=float).reshape(arr.shape)


def _check_counts(successes: np.ndarray, trials: np.ndarray, what: str) -> None:
    """Raise when a known count is negative or a numerator exceeds its denominator."""
    with np.errstate(invalid="ignore"):
        if np.any(successes < 0) or np.any(trials < 0):
            raise ValueError(f"{what}: counts must be non-negative")
        if np.any(successes > trials):
            raise ValueError(f"{what}: a numerator exceeds its denominator")


def level_suffix(level: float) -> str:
    """Return the column suffix of a funnel level: the percentage without its decimal point.

    Parameters
    ----------
    level : float
        Two-sided coverage in (0, 1), e.g. ``0.95`` or ``0.998``.

    Returns
    -------
    str
        ``0.95 → "95"``, ``0.998 → "998"``, ``0.999 → "999"``, ``0.9 → "90"``.
    """
    return f"{level * 100:.10g}".replace(".", "")


def _check_level(level: float) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"a confidence level must lie in (0, 1), got {level}")
    return level


# --------------------------------------------------------------------------------------------
# intervals


def wilson_interval(
    successes: Any, trials: Any, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a share, for each (successes, trials) pair.

    Parameters
    ----------
    successes, trials : scalar, list, numpy array or pandas Series
        Counts; broadcast against each other. Nullable ``Int64``/``Float64`` Series are
        accepted, ``pd.NA``/``None``/``NaN`` mean "not reported". Series are aligned by
        position, not by index.
    confidence : float, default 0.95
        Two-sided coverage.

    Returns
    -------
    low, high : numpy.ndarray of float
        Bounds in [0, 1], in the broadcast shape of the inputs (0-d arrays for two scalars).
        NaN where ``trials`` is missing or 0 or ``successes`` is missing.

    Raises
    ------
    ValueError
        When a known count is negative or ``successes > trials``, or ``confidence`` is not in
        (0, 1).

    Notes
    -----
    The interval without continuity correction (Wilson, 1927), the same as
    ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``; at ``k = 0`` the lower
    bound is 0 and at ``k = n`` the upper bound is 1. Closed form: with ``p = k / n`` and the
    normal quantile ``z`` (:class:`statistics.NormalDist`, so the indicators never import
    scipy, seconds at region scale), the centre is ``(p + z²/2n) / (1 + z²/n)`` and the half
    width ``z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)``.

    >>> low, high = wilson_interval(8, 10)  # by hand: z = 1.959964, centre 0.716743
    >>> round(float(low), 6), round(float(high), 6)
    (0.490162, 0.943318)
    """
    confidence = _check_level(confidence)
    k, n = np.broadcast_arrays(_as_float(successes), _as_float(trials))
    _check_counts(k, n, "wilson_interval")
    z = _normal_quantile(0.5 + confidence / 2)
    valid = ~np.isnan(k) & ~np.isnan(n) & (n > 0)
    n_safe = np.where(valid, n, 1.0)
    p = np.where(valid, k, 0.0) / n_safe
    denom = 1 + z**2 / n_safe
    centre = (p + z**2 / (2 * n_safe)) / denom
    half = z * np.sqrt(p * (1 - p) / n_safe + z**2 / (4 * n_safe**2)) / denom
    # At k = 0 and k = n the bounds are exactly 0 and 1; rounding would leave 1e-17 residues.
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    low = np.where(valid, low, np.nan)
    high = np.where(valid, high, np.nan)
    return low, high


# --------------------------------------------------------------------------------------------
# funnel plots


def _lower_limit(p0: float, n: np.ndarray, prob: float) -> np.ndarray:
    """Interpolated lower ``prob`` quantile of Bin(n, p0) / n (Spiegelhalter 2005, A.1.1).

    ``n`` must be positive integers and ``0 < p0 < 1``. ``r`` is the smallest count with
    ``P(Y <= r) >= prob``; the probability mass at ``r`` is spread evenly over ``(r - 1, r]``
    and the limit is ``(r - a) / n`` with ``a = (P(Y <= r) - prob) / P(Y = r)``.
    """
    binom = _scipy_stats().binom
    r = binom.ppf(prob, n, p0)
    cdf_r = binom.cdf(r, n, p0)
    pmf_r = binom.pmf(r, n, p0)
    a = (cdf_r - prob) / pmf_r
    return np.clip((r - a) / n, 0.0, 1.0)


def _limits(p0: float, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits for denominators ``n`` (NaN where n is NaN or 0)."""
    valid = ~np.isnan(n) & (n > 0)
    lower = np.full(n.shape, np.nan)
    upper = np.full(n.shape, np.nan)
    if not valid.any():
        return lower, upper
    nv = n[valid]
    tail = (1 - level) / 2
    if p0 in (0.0, 1.0):
        # Bin(n, 0) and Bin(n, 1) have no spread: any other share is out of control.
        lower[valid] = upper[valid] = p0
        return lower, upper
    lower[valid] = _lower_limit(p0, nv, tail)
    # The upper limit mirrors the lower one of the failures, Bin(n, 1 - p0): the mass at r is
    # then spread over [r, r + 1), so a count lies above the limit exactly when the one-sided
    # exact test rejects, P(Y >= y) < tail, as it lies below the lower limit exactly when
    # P(Y <= y) < tail.
    upper[valid] = 1.0 - _lower_limit(1.0 - p0, nv, tail)
    return lower, upper


def _check_p0(p0: float) -> float:
    p0 = float(p0)
    if not 0 <= p0 <= 1:  # also rejects NaN
        raise ValueError(f"the target rate p0 must lie in [0, 1], got {p0}")
    return p0


def _check_denominators(n: np.ndarray) -> None:
    known = n[~np.isnan(n)]
    if np.any(known < 0) or np.any(known != np.round(known)):
        raise ValueError("funnel denominators must be non-negative whole numbers")


def funnel_limits(
    p0: float, denominators: Any, levels: Sequence[float] = FUNNEL_LEVELS
) -> pd.DataFrame:
    """Exact binomial control limits of a funnel plot around the target rate ``p0``.

    Parameters
    ----------
    p0 : float
        Target (usually the district pooled) rate, in [0, 1].
    denominators : scalar, list, array or Series
        Denominators ``n`` at which to compute the limits, e.g. ``range(1, 401)`` for a smooth
        curve, or the schools' own denominators. Whole numbers; missing values allowed.
    levels : sequence of float, default (0.95, 0.998)
        Two-sided coverage of each pair of limits.

    Returns
    -------
    pandas.DataFrame
        Long (tidy) frame with one row per level and denominator, level-major, denominators in
        input order: ``denominator`` (``Int64``), ``level`` (float), ``lower``, ``upper``
        (proportions in [0, 1]). Rows for a denominator that is 0 or missing are kept, with
        NaN limits (a line plot simply breaks there).

    Raises
    ------
    ValueError
        When ``p0`` is outside [0, 1], a level outside (0, 1), or a denominator is negative
        or not whole.

    Notes
    -----
    Method: exact binomial quantiles (``scipy.stats.binom.ppf``) interpolated as in
    Spiegelhalter (2005), "Funnel plots for comparing institutional performance", Stat Med
    24:1185, appendix A.1.1, so that the limits are smooth in ``n``. For a tail probability
    ``q = (1 - level) / 2``, let ``r`` be the smallest count with ``P(Y <= r) >= q``,
    ``Y ~ Bin(n, p0)``; the lower limit is ``(r - a) / n`` with
    ``a = (P(Y <= r) - q) / P(Y = r)``. The upper limit is the same construction applied to
    the failures, ``1 - lower(1 - p0)``, which is the upper-tail form of Spiegelhalter's own
    ``qbinom.interp`` (``(r + 1 - a) / n`` at probability ``1 - q``). With this pair an integer
    count lies strictly outside a limit exactly when the one-sided exact binomial test at
    ``q`` rejects. Limits are clipped to [0, 1]. For ``p0`` of 0 or 1 the distribution is
    degenerate and both limits equal ``p0``.
    """
    p0 = _check_p0(p0)
    n = np.atleast_1d(_as_float(denominators)).ravel()
    _check_denominators(n)
    parts = []
    for level in levels:
        level = _check_level(level)
        lower, upper = _limits(p0, n, level)
        parts.append(
            pd.DataFrame(
                {
                    "denominator": pd.array(np.where(np.isnan(n), None, n), dtype="Int64"),
                    "level": level,
                    "lower": lower,
                    "upper": upper,
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {
                "denominator": pd.array([], dtype="Int64"),
                "level": pd.Series([], dtype=float),
                "lower": pd.Series([], dtype=float),
                "upper": pd.Series([], dtype=float),
            }
        )
    return pd.concat(parts, ignore_index=True)


def funnel_position(
    numerators: Any, denominators: Any, p0: float, levels: Sequence[float] = FUNNEL_LEVELS
) -> pd.DataFrame:
    """Each unit's share and whether it lies outside the funnel limits around ``p0``.

    Parameters
    ----------
    numerators, denominators : list, array or Series
        Counts of each unit (school), aligned by position. Missing values allowed.
    p0 : float
        Target rate in [0, 1].
    levels : sequence of float, default (0.95, 0.998)
        Levels of the limits, as in :func:`funnel_limits`.

    Returns
    -------
    pandas.DataFrame
        One row per unit, indexed like ``numerators`` when it is a Series (else a RangeIndex):
        ``share`` (``Float64``) then, for each level, ``below_<s>`` and ``above_<s>``
        (nullable ``boolean``), where ``<s>`` is :func:`level_suffix` of the level — the
        percentage without its decimal point: ``below_95, above_95, below_998, above_998``
        by default. A unit is below when ``share < lower`` and above when
        ``share > upper``, so a unit exactly at a limit, or at ``p0``, is inside. Every
        column is NA where the denominator is 0 or missing or the numerator is missing.

    Raises
    ------
    ValueError
        As :func:`funnel_limits`, and when a numerator is negative or exceeds its denominator.
    """
    p0 = _check_p0(p0)
    k, n = np.broadcast_arrays(
        np.atleast_1d(_as_float(numerators)).ravel(), np.atleast_1d(_as_float(denominators)).ravel()
    )
    _check_counts(k, n, "funnel_position")
    _check_denominators(n)
    valid = ~np.isnan(k) & ~np.isnan(n) & (n > 0)
    share = np.where(valid, k / np.where(valid, n, 1.0), np.nan)
    index = numerators.index if isinstance(numerators, pd.Series) else None
    out = pd.DataFrame({"share": pd.array(np.where(valid, share, None), dtype="Float64")})
    for level in levels:
        level = _check_level(level)
        lower, upper = _limits(p0, np.where(valid, n, np.nan), level)
        suffix = level_suffix(level)
        for name, flag in (("below", share < lower), ("above", share > upper)):
            out[f"{name}_{suffix}"] = pd.array(np.where(valid, flag, None), dtype="boolean")
    if index is not None:
        out.index = index
    return out


# --------------------------------------------------------------------------------------------
# change between years


def _scalar_count(value: Any) -> float:
    """A scalar count as float, NaN when missing."""
    return float(_as_float(value))


#: Relative tolerance under which two hypergeometric tables count as equally probable in
#: :func:`fisher_exact_p` (R's ``fisher.test`` uses the same; scipy 1e-14).
FISHER_TIES = 1e-7


def fisher_exact_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test of the 2×2 table ``[[a, b], [c, d]]``.

    The sum of the probabilities of every table with the same margins that is no more probable
    than the observed one (within :data:`FISHER_TIES`), as ``scipy.stats.fisher_exact`` —
    without importing scipy.stats (half a second) and its per-call overhead: a district's trend
    table tests about a thousand pairs of years. The hypergeometric probabilities come from the
    ratios of neighbouring tables, summed in logarithms from the lowest table and normalised,
    so no binomial coefficient is ever formed.

    >>> round(fisher_exact_p(3, 0, 0, 3), 12)  # (3,0) and (0,3): 1/20 each, the others 9/20
    0.1
    >>> round(fisher_exact_p(0, 5, 5, 0) * 252, 9)  # 2 / C(10, 5)
    2.0
    >>> fisher_exact_p(10, 10, 10, 10), fisher_exact_p(0, 0, 4, 5)
    (1.0, 1.0)
    """
    row = a + b
    col = a + c
    total = a + b + c + d
    if min(row, total - row, col, total - col) == 0:
        return 1.0
    low, high = max(0, col - (total - row)), min(row, col)
    x = np.arange(low, high, dtype=float)
    ratios = (row - x) * (col - x) / ((x + 1) * (total - row - col + x + 1))
    logs = np.concatenate([[0.0], np.cumsum(np.log(ratios))])
    pmf = np.exp(logs - logs.max())
    observed = pmf[a - low]
    return float(min(1.0, pmf[pmf <= observed * (1 + FISHER_TIES)].sum() / pmf.sum()))


def change_test(
    num_a: Any, den_a: Any, num_b: Any, den_b: Any, *, alpha: float = ALPHA
) -> dict[str, Any]:
    """Compare a share between two years (``a`` earlier, ``b`` later) with Fisher's exact test.

    Parameters
    ----------
    num_a, den_a : int
        Numerator and denominator in year ``a``. Missing values allowed.
    num_b, den_b : int
        The same in year ``b``.
    alpha : float, default 0.05
        Significance level.

    Returns
    -------
    dict
        ``share_a``, ``share_b`` (NaN when that year's denominator is 0 or missing),
        ``difference`` (``share_b - share_a``, in proportion points), ``p_value`` (two-sided
        Fisher's exact test, :func:`fisher_exact_p`, of ``[[num_a, den_a - num_a], [num_b,
        den_b - num_b]]``; NaN when any count is missing or a denominator is 0) and
        ``significant``
        (``p_value < alpha``; ``False`` when the p-value is NaN).

    Raises
    ------
    ValueError
        When a count is negative or not whole, or a numerator exceeds its denominator.
    """
    return _change(np.array([_scalar_count(v) for v in (num_a, den_a, num_b, den_b)]), alpha)


def _change(counts: np.ndarray, alpha: float) -> dict[str, Any]:
    """:func:`change_test` of the four counts ``ka, na, kb, nb`` as floats (NaN = missing)."""
    known = counts[~np.isnan(counts)]
    if np.any(known != np.round(known)):
        raise ValueError("change_test: counts must be whole numbers")
    ka, na, kb, nb = counts
    _check_counts(np.array([ka, kb]), np.array([na, nb]), "change_test")
    share_a = ka / na if na > 0 else math.nan
    share_b = kb / nb if nb > 0 else math.nan
    p_value = math.nan
    if not np.isnan(counts).any() and na > 0 and nb > 0:
        p_value = fisher_exact_p(int(ka), int(na - ka), int(kb), int(nb - kb))
    return {
        "share_a": float(share_a),
        "share_b": float(share_b),
        "difference": float(share_b - share_a),
        "p_value": p_value,
        "significant": bool(p_value < alpha),
    }


def trend_table(
    frame: pd.DataFrame,
    *,
    group_cols: str | Sequence[str],
    year_col: str = "year",
    num_col: str = "numerator",
    den_col: str = "denominator",
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Compare each year's share with the previous year present, within each group.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per group and year, e.g. the indicator table restricted to share indicators
        with ``group_cols=["org_id", "indicator_id"]``.
    group_cols : str or sequence of str
        Columns identifying a series (missing values form their own group).
    year_col, num_col, den_col : str
        Column names of the year (academic years ``YYYY-YYYY`` sort correctly as text), the
        numerator and the denominator.
    alpha : float, default 0.05
        Significance level of :func:`change_test`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` (same rows, order and index) with added columns ``prev_year``,
        ``prev_value`` (the previous year's share), ``change`` (share minus ``prev_value``),
        ``p_value`` and ``significant`` (bool), computed by :func:`change_test`. The first
        year of a group has NA ``prev_year``, NaN numbers and ``significant=False``. The
        previous year is the previous row of the group, even when that year has no data
        (then the comparison is NaN): a gap in reporting is never bridged silently.

    Raises
    ------
    ValueError
        When a (group, year) pair occurs twice, or as :func:`change_test`.
    """
    groups = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    keys = [*groups, year_col]
    if frame.duplicated(keys).any():
        raise ValueError(f"trend_table: duplicate rows for the same {keys}")
    work = frame[[*keys, num_col, den_col]].reset_index(drop=True)
    work = work.sort_values(keys, kind="stable")
    grouped = work.groupby(groups, sort=False, dropna=False)
    prev_year = grouped[year_col].shift()
    prev_num = grouped[num_col].shift()
    prev_den = grouped[den_col].shift()

    n_rows = len(work)
    prev_value = np.full(n_rows, np.nan)
    change = np.full(n_rows, np.nan)
    p_value = np.full(n_rows, np.nan)
    significant = np.zeros(n_rows, dtype=bool)
    has_prev = prev_year.notna().to_numpy()
    # the four counts as one float array (NaN = missing), converted once, not per row
    counts = np.column_stack([_as_float(prev_num), _as_float(prev_den),
                              _as_float(work[num_col]), _as_float(work[den_col])])
    for pos, present, four in zip(work.index, has_prev, counts, strict=True):
        if not present:
            continue
        result = _change(four, alpha)
        prev_value[pos] = result["share_a"]
        change[pos] = result["difference"]
        p_value[pos] = result["p_value"]
        significant[pos] = result["significant"]

    out = frame.copy()
    out["prev_year"] = prev_year.sort_index().to_numpy()
    out["prev_value"] = prev_value
    out["change"] = change
    out["p_value"] = p_value
    out["significant"] = significant
    return out


# --------------------------------------------------------------------------------------------
# association


def cramers_v(table: pd.DataFrame | np.ndarray) -> dict[str, Any]:
    """Chi-square test of independence and Cramér's V of a contingency table.

    Parameters
    ----------
    table : pandas.DataFrame or 2-D array
        Whole non-negative counts, e.g. ``pd.crosstab(graduates.profile, graduates.group)``.

    Returns
    -------
    dict
        ``chi2``, ``p_value``, ``dof`` (int), ``cramers_v`` (in [0, 1]), ``n`` (total count)
        and ``min_expected`` (the smallest expected count; below 5 the chi-square p-value is
        only approximate — say so in the report). Rows and columns that are all zero are
        dropped first; when fewer than 2 rows or 2 columns remain, every value but ``n`` is
        NaN.

    Raises
    ------
    ValueError
        When the table is not 2-D or holds negative, fractional or missing counts.

    Notes
    -----
    ``scipy.stats.chi2_contingency`` without Yates' continuity correction, so that ``chi2``
    and ``cramers_v = sqrt(chi2 / (n * (min(rows, cols) - 1)))``
    (``scipy.stats.contingency.association``) describe the same statistic.
    """
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2:
        raise ValueError("cramers_v: the table must be two-dimensional")
    if np.isnan(counts).any() or (counts < 0).any() or (counts != np.round(counts)).any():
        raise ValueError("cramers_v: the table must hold whole non-negative counts, none missing")
    counts = counts.astype(np.int64)
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    n = int(counts.sum())
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return {
            "chi2": math.nan,
            "p_value": math.nan,
            "dof": math.nan,
            "cramers_v": math.nan,
            "n": n,
            "min_expected": math.nan,
        }
    sps = _scipy_stats()
    result = sps.chi2_contingency(counts, correction=False)
    return {
        "chi2": float(result.statistic),
        "p_value": float(result.pvalue),
        "dof": int(result.dof),
        "cramers_v": float(sps.contingency.association(counts, method="cramer",
                                                       correction=False)),
        "n": n,
        "min_expected": float(result.expected_freq.min()),
    }


#: Monte Carlo permutations of :func:`association_test` (the p-value's error is about
#: ``sqrt(p (1 - p) / n)``: ±0.005 around 0.05) and the seed that makes reports reproducible.
PERMUTATIONS = 2000
PERMUTATION_SEED = 20221201


def cochran_ok(expected: np.ndarray) -> bool:
    """Cochran's rule for the chi-square approximation: no expected count below 1 and at most
    a fifth of them below 5."""
    expected = np.asarray(expected, dtype=float)
    return bool(expected.size and expected.min() >= 1 and (expected < 5).mean() <= 0.2)


def association_test(table: pd.DataFrame | np.ndarray, *, min_n: int = 20,
                     permutations: int = PERMUTATIONS, seed: int = PERMUTATION_SEED
                     ) -> dict[str, Any]:
    """Whether two classifications of the same people are associated, with the test the table
    allows.

    Parameters
    ----------
    table : DataFrame or 2-D array
        A contingency table of whole counts (e.g. profile × group of specialties).
    min_n : int, default 20
        Fewer people than this: no test at all.
    permutations : int
        Monte Carlo permutations when the chi-square approximation does not hold.
    seed : int
        Seed of the permutations (the same table always gives the same p-value).

    Returns
    -------
    dict
        ``method``: ``"chi2"`` when the expected counts satisfy :func:`cochran_ok` — then
        ``p_value`` is the chi-square test's and ``cramers_v`` is given; ``"monte_carlo"``
        otherwise — ``p_value`` is the share of tables with the same margins, drawn by
        permuting one classification, whose chi-square statistic is at least the observed one
        (with the usual +1 correction), and ``cramers_v`` is NaN (with small expected counts it
        is biased); ``"too_few"`` when fewer than 2 rows or columns remain or fewer than
        ``min_n`` people — ``p_value`` and ``cramers_v`` NaN. Also ``n``, ``chi2``,
        ``expected_below_5`` (share of cells) and ``min_expected``.
    """
    counts = np.asarray(table, dtype=float)
    result = cramers_v(counts)
    n = result["n"]
    out = {"method": "too_few", "n": n, "chi2": result["chi2"], "p_value": math.nan,
           "cramers_v": math.nan, "min_expected": result["min_expected"],
           "expected_below_5": math.nan}
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if min(counts.shape, default=0) < 2 or n < min_n:
        return out
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / n
    out["expected_below_5"] = float((expected < 5).mean())
    if cochran_ok(expected):
        out.update(method="chi2", p_value=result["p_value"], cramers_v=result["cramers_v"])
        return out
    # one row per person: their row and column; permuting the columns keeps both margins
    rows = np.repeat(np.arange(counts.shape[0]), counts.sum(axis=1).astype(int))
    cols = np.concatenate([np.repeat(np.arange(counts.shape[1]), row.astype(int))
                           for row in counts])
    rng = np.random.default_rng(seed)
    k = counts.shape[1]
    shuffled = np.argsort(rng.random((permutations, len(cols))), axis=1)
    cells = rows[None, :] * k + cols[shuffled]
    observed = (np.apply_along_axis(np.bincount, 1, cells, minlength=counts.size)
                .reshape(permutations, *counts.shape))
    stats = ((observed - expected) ** 2 / expected).sum(axis=(1, 2))
    chi2 = ((counts - expected) ** 2 / expected).sum()
    out["p_value"] = float((1 + (stats >= chi2 - 1e-9).sum()) / (permutations + 1))
    out.update(method="monte_carlo", chi2=float(chi2))
    return out


# --------------------------------------------------------------------------------------------
# similar schools


def _band_labels(bands: Sequence[float]) -> list[str]:
    edges = [float(b) for b in bands]
    if len(edges) < 2 or any(b >= a for a, b in zip(edges[1:], edges[:-1], strict=True)):
        raise ValueError("size bands must be at least two increasing edges")
    if any(math.isfinite(b) and not b.is_integer() for b in edges):
        raise ValueError("size band edges must be whole numbers (or inf)")
    labels = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        if math.isinf(high):
            labels.append(f"{low:.0f} и более")
        elif low == 0:
            labels.append(f"до {high:.0f}")
        else:
            labels.append(f"{low:.0f}–{high - 1:.0f}")
    return labels


def size_band(students: pd.Series, bands: Sequence[float] = SIZE_BANDS) -> pd.Series:
    """Label each school with its size band, in Russian.

    Parameters
    ----------
    students : pandas.Series
        Number of pupils per school (e.g. indexed by ``org_id``). Missing values allowed.
    bands : sequence of float, default (0, 100, 300, 600, inf)
        Increasing band edges; each band includes its lower edge and excludes its upper one.
        Finite edges must be whole numbers.

    Returns
    -------
    pandas.Series
        Ordered categorical with the same index and name as ``students``: ``"до 100"``,
        ``"100–299"``, ``"300–599"``, ``"600 и более"`` for the default bands (a first band
        starting above 0 reads ``"50–99"``). NA where the count is missing or outside the
        bands.

    Raises
    ------
    ValueError
        When a count is negative or the bands are not increasing whole numbers.
    """
    labels = _band_labels(bands)
    values = pd.Series(_as_float(students), index=students.index, name=students.name)
    if (values < 0).any():
        raise ValueError("size_band: the number of pupils must be non-negative")
    cut = pd.cut(values, bins=[float(b) for b in bands], right=False, labels=labels)
    return cut.astype(pd.CategoricalDtype(labels, ordered=True))


def peer_groups(
    orgs: pd.DataFrame,
    size: pd.Series,
    *,
    min_size: int = 3,
    bands: Sequence[float] = SIZE_BANDS,
) -> pd.DataFrame:
    """Each school's group of similar schools (its peers) to be compared with.

    A school is compared with the other schools of its *type* (СОШ, ООШ, НОШ, гимназия…, read
    from its name) when the district has at least ``min_size`` schools of that type; otherwise
    with the other schools of its *size band* — every school of the band, whatever its type (a
    lone НОШ of 40 pupils is compared with every school of fewer than 100 pupils).

    Parameters
    ----------
    orgs : pandas.DataFrame
        Columns ``org_id``, ``name``, ``kind``; only organisations of kind ``school`` (the code
        or a Russian alias) are grouped.
    size : pandas.Series
        Number of pupils indexed by ``org_id``; schools absent from it have an unknown size.
    min_size : int, default 3
        Smallest type group used.
    bands : sequence of float, default (0, 100, 300, 600, inf)
        Size-band edges, as in :func:`size_band`.

    Returns
    -------
    pandas.DataFrame
        One row per school, in the order of ``orgs``: ``org_id``, ``school_type``,
        ``size_band`` (label such as ``"до 100"``, NA when the size is unknown), ``basis``
        (``"type"``, ``"size"``, or NA when the type group is too small and the size unknown),
        ``group`` (the type, or the band) and ``peers`` (a tuple of the *other* schools of the
        group, in the order of ``orgs``).

    Raises
    ------
    ValueError
        When ``org_id`` is not unique, or as :func:`size_band`.
    """
    if orgs["org_id"].duplicated().any():
        raise ValueError("peer_groups: org_id must be unique")
    is_school = np.array([KINDS.normalise(kind) == "school" for kind in orgs["kind"]], dtype=bool)
    schools = orgs.loc[is_school, ["org_id", "name"]].astype(str).reset_index(drop=True)
    ids = pd.Index(schools["org_id"], name="org_id")
    types = pd.Series([school_type(name) for name in schools["name"]], index=ids)
    school_size = pd.Series(_as_float(size), index=size.index).reindex(ids)
    band = size_band(school_size, bands).astype(object).where(school_size.notna())
    by_type = types.map(types.value_counts()) >= min_size
    basis = pd.Series(np.where(by_type, "type", np.where(band.notna(), "size", None)),
                      index=ids, dtype=object)
    group = types.where(by_type, band)
    peers = []
    for org in ids:
        if basis[org] == "type":
            same = types == types[org]
        elif basis[org] == "size":
            same = band == band[org]
        else:
            same = pd.Series(False, index=ids)
        peers.append(tuple(o for o in ids[same.to_numpy()] if o != org))
    return pd.DataFrame({
        "org_id": ids, "school_type": types.to_numpy(), "size_band": band.to_numpy(),
        "basis": basis.to_numpy(), "group": group.to_numpy(), "peers": peers,
    })


# --------------------------------------------------------------------------------------------
# pooled ratio


def pooled_share(numerators: Any, denominators: Any) -> float:
    """District share as the pooled ratio: sum of numerators over sum of denominators.

    Parameters
    ----------
    numerators, denominators : list, array or Series
        Counts of each organisation, aligned by position.

    Returns
    -------
    float
        ``sum(numerators) / sum(denominators)`` over the organisations that report both
        (never the mean of the shares: docs/indicators.md, «Доли»); NaN when no organisation
        reports both or the total denominator is 0.

    Raises
    ------
    ValueError
        When a count is negative or a numerator exceeds its denominator.
    """
    k, n = np.broadcast_arrays(
        np.atleast_1d(_as_float(numerators)).ravel(), np.atleast_1d(_as_float(denominators)).ravel()
    )
    _check_counts(k, n, "pooled_share")
    both = ~np.isnan(k) & ~np.isnan(n)
    total = n[both].sum()
    return float(k[both].sum() / total) if total > 0 else math.nan
