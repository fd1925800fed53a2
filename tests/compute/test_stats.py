"""proforient.compute.stats: expected values worked out by hand or with an independent method."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from proforient.compute.stats import (
    association_test,
    change_test,
    cramers_v,
    fisher_exact_p,
    funnel_limits,
    funnel_position,
    level_suffix,
    peer_groups,
    pooled_share,
    size_band,
    trend_table,
    wilson_interval,
)
from proforient.names import school_type

# --------------------------------------------------------------------------------------------
# wilson_interval


@pytest.mark.parametrize("n", [1, 2, 5, 12, 30, 137])
@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_wilson_matches_scipy_binomtest_on_every_k(n, confidence):
    ks = np.arange(n + 1)
    low, high = wilson_interval(ks, np.full_like(ks, n), confidence=confidence)
    for k in ks:
        ci = sps.binomtest(int(k), n).proportion_ci(confidence_level=confidence, method="wilson")
        assert low[k] == pytest.approx(ci.low, abs=1e-12)
        assert high[k] == pytest.approx(ci.high, abs=1e-12)


def test_wilson_hand_value():
    # k = 5, n = 10, z = 1.959964: centre 0.5, half = z*sqrt(0.025 + z²/400) / (1 + z²/10)
    z = 1.959963984540054
    half = z * math.sqrt(0.25 / 10 + z**2 / 400) / (1 + z**2 / 10)
    low, high = wilson_interval(5, 10)
    assert float(low) == pytest.approx(0.5 - half)
    assert float(high) == pytest.approx(0.5 + half)


def test_wilson_extremes_touch_zero_and_one():
    low, high = wilson_interval([0, 7], [7, 7])
    assert low[0] == 0.0 and high[0] > 0
    assert high[1] == 1.0 and low[1] < 1


def test_wilson_is_symmetric_in_successes_and_failures():
    n = 23
    ks = np.arange(n + 1)
    low, high = wilson_interval(ks, n)
    low_f, high_f = wilson_interval(n - ks, n)
    np.testing.assert_allclose(low, 1 - high_f, atol=1e-12)
    np.testing.assert_allclose(high, 1 - low_f, atol=1e-12)


def test_wilson_contains_share_and_narrows_with_n():
    low_small, high_small = wilson_interval(3, 12)
    low_big, high_big = wilson_interval(300, 1200)
    assert low_small < 0.25 < high_small
    assert low_big < 0.25 < high_big
    assert high_big - low_big < high_small - low_small


def test_wilson_nan_where_not_computable():
    successes = pd.Series([2, pd.NA, 0, 4, 1], dtype="Int64")
    trials = pd.Series([10, 10, 0, pd.NA, 4.0], dtype="Float64")
    low, high = wilson_interval(successes, trials)
    assert low.dtype == float and high.dtype == float
    assert np.isnan(low[[1, 2, 3]]).all() and np.isnan(high[[1, 2, 3]]).all()
    assert not np.isnan(low[[0, 4]]).any()


def test_wilson_accepts_none_and_scalars():
    low, high = wilson_interval([None, 1], [5, None])
    assert np.isnan(low).all() and np.isnan(high).all()
    low, high = wilson_interval(1, 4)
    assert np.ndim(low) == 0 and 0 < float(low) < 0.25 < float(high) < 1


def test_wilson_does_not_mutate_input():
    successes = pd.Series([1, pd.NA], dtype="Int64")
    before = successes.copy()
    wilson_interval(successes, [3, 3])
    pd.testing.assert_series_equal(successes, before)


@pytest.mark.parametrize(("k", "n"), [(5, 4), (-1, 4), (1, -4)])
def test_wilson_rejects_impossible_counts(k, n):
    with pytest.raises(ValueError):
        wilson_interval(k, n)


# --------------------------------------------------------------------------------------------
# funnel_limits


def test_funnel_limits_hand_value_n10_p05():
    # Bin(10, 0.5): P(Y <= 1) = 11/1024 < 0.025 <= P(Y <= 2) = 56/1024, so r = 2 and
    # a = (56/1024 - 0.025) / (45/1024); the lower limit is (2 - a) / 10, the upper its mirror.
    a = (56 / 1024 - 0.025) / (45 / 1024)
    expected_lower = (2 - a) / 10
    limits = funnel_limits(0.5, [10], levels=(0.95,))
    assert limits["lower"].iloc[0] == pytest.approx(expected_lower)
    assert limits["upper"].iloc[0] == pytest.approx(1 - expected_lower)


def test_funnel_limits_shape_and_columns():
    limits = funnel_limits(0.3, [5, 20, 100])
    assert list(limits.columns) == ["denominator", "level", "lower", "upper"]
    assert len(limits) == 6
    assert sorted(limits["level"].unique()) == [0.95, 0.998]
    assert limits["denominator"].tolist() == [5, 20, 100, 5, 20, 100]


@pytest.mark.parametrize("p0", [0.02, 0.1, 0.3, 0.5, 0.8, 0.97])
def test_funnel_limits_contain_p0_and_nest(p0):
    limits = funnel_limits(p0, range(1, 301))
    assert (limits["lower"] <= p0).all() and (limits["upper"] >= p0).all()
    assert limits["lower"].between(0, 1).all() and limits["upper"].between(0, 1).all()
    wide = limits[limits["level"] == 0.998].reset_index(drop=True)
    narrow = limits[limits["level"] == 0.95].reset_index(drop=True)
    assert (wide["lower"] <= narrow["lower"]).all() and (wide["upper"] >= narrow["upper"]).all()


def test_funnel_limits_widen_as_n_shrinks():
    limits = funnel_limits(0.3, [1000, 300, 100, 30, 10], levels=(0.95,))
    width = (limits["upper"] - limits["lower"]).to_numpy()
    assert (np.diff(width) > 0).all()


@pytest.mark.parametrize("p0", [0.05, 0.3, 0.62, 0.9])
@pytest.mark.parametrize("n", [3, 8, 15, 40, 111])
def test_funnel_limits_agree_with_exact_one_sided_test(p0, n):
    """A count lies outside a limit exactly when the one-sided exact binomial test rejects."""
    for level in (0.95, 0.998):
        tail = (1 - level) / 2
        row = funnel_limits(p0, [n], levels=(level,)).iloc[0]
        for y in range(n + 1):
            assert (y / n < row["lower"]) == (sps.binom.cdf(y, n, p0) < tail), (level, y)
            assert (y / n > row["upper"]) == (sps.binom.sf(y - 1, n, p0) < tail), (level, y)


def test_funnel_limits_approach_normal_limits_for_large_n():
    n, p0 = 20000, 0.3
    limits = funnel_limits(p0, [n])
    for level in (0.95, 0.998):
        row = limits[limits["level"] == level].iloc[0]
        half = sps.norm.ppf(0.5 + level / 2) * math.sqrt(p0 * (1 - p0) / n)
        assert row["lower"] == pytest.approx(p0 - half, abs=2e-4)
        assert row["upper"] == pytest.approx(p0 + half, abs=2e-4)


def test_funnel_limits_nan_for_zero_or_missing_denominator():
    limits = funnel_limits(0.4, pd.Series([0, pd.NA, 12], dtype="Int64"), levels=(0.95,))
    assert limits["lower"].isna().tolist() == [True, True, False]
    assert limits["upper"].isna().tolist() == [True, True, False]


@pytest.mark.parametrize("p0", [0.0, 1.0])
def test_funnel_limits_degenerate_target(p0):
    limits = funnel_limits(p0, [1, 10, 100])
    assert (limits["lower"] == p0).all() and (limits["upper"] == p0).all()


@pytest.mark.parametrize(
    ("p0", "denominators", "levels"),
    [
        (1.2, [10], (0.95,)),
        (math.nan, [10], (0.95,)),
        (0.3, [2.5], (0.95,)),
        (0.3, [-1], (0.95,)),
        (0.3, [10], (1.0,)),
    ],
)
def test_funnel_limits_reject_bad_input(p0, denominators, levels):
    with pytest.raises(ValueError):
        funnel_limits(p0, denominators, levels=levels)


@pytest.mark.parametrize(("level", "suffix"), [(0.95, "95"), (0.998, "998"), (0.9, "90")])
def test_level_suffix(level, suffix):
    assert level_suffix(level) == suffix


# --------------------------------------------------------------------------------------------
# funnel_position


def test_funnel_position_flags():
    numerators = pd.Series([30, 90, 0, 0, 5], index=["at", "high", "tiny", "low", "none"])
    denominators = [100, 100, 5, 100, 0]
    with pytest.raises(ValueError):  # 5 of 0 is a data error
        funnel_position(numerators, denominators, 0.3)
    numerators = numerators.where(numerators.index != "none", 0)
    pos = funnel_position(numerators, denominators, 0.3)
    assert list(pos.columns) == ["share", "below_95", "above_95", "below_998", "above_998"]
    assert list(pos.index) == ["at", "high", "tiny", "low", "none"]
    # exactly at the target: inside
    assert not pos.loc["at", ["below_95", "above_95", "below_998", "above_998"]].any()
    # 90% against 30% of 100 pupils: far above both limits
    assert pos.loc["high", "above_95"] and pos.loc["high", "above_998"]
    # 0 of 5 happens with probability 0.7^5 = 0.168 under the target: not flagged
    assert not pos.loc["tiny", "below_95"] and not pos.loc["tiny", "below_998"]
    # 0 of 100 has probability 0.7^100 ≈ 3e-16: below both
    assert pos.loc["low", "below_95"] and pos.loc["low", "below_998"]
    assert pos.loc["none"].isna().all()
    assert pos["share"].tolist()[:4] == [0.3, 0.9, 0.0, 0.0]
    assert str(pos["below_95"].dtype) == "boolean"


def test_funnel_position_agrees_with_limits_and_level_names():
    n = [6, 25, 25, 80]
    k = [6, 2, 16, 30]
    pos = funnel_position(k, n, 0.4, levels=(0.9, 0.999))
    assert list(pos.columns) == ["share", "below_90", "above_90", "below_999", "above_999"]
    limits = funnel_limits(0.4, n, levels=(0.9,))
    share = np.array(k) / np.array(n)
    assert pos["below_90"].tolist() == (share < limits["lower"].to_numpy()).tolist()
    assert pos["above_90"].tolist() == (share > limits["upper"].to_numpy()).tolist()


def test_funnel_position_missing_counts_are_na():
    pos = funnel_position(pd.Series([pd.NA, 1], dtype="Int64"), [10, pd.NA], 0.5)
    assert pos.isna().all().all()


# --------------------------------------------------------------------------------------------
# change_test


def test_change_test_hand_computed_fisher():
    # 3 of 3 vs 0 of 3: the hypergeometric tables (3,0) and (0,3) each have probability
    # 1 / C(6, 3) = 1/20, the others 9/20, so the two-sided p-value is 2/20.
    result = change_test(3, 3, 0, 3)
    assert result["p_value"] == pytest.approx(0.1)
    assert result["share_a"] == 1.0 and result["share_b"] == 0.0
    assert result["difference"] == -1.0
    assert result["significant"] is False
    # 0 of 5 vs 5 of 5: p = 2 / C(10, 5) = 2/252
    result = change_test(0, 5, 5, 5)
    assert result["p_value"] == pytest.approx(2 / 252)
    assert result["significant"] is True
    assert result["difference"] == 1.0


def test_change_test_is_symmetric_in_years():
    ab = change_test(12, 40, 25, 50)
    ba = change_test(25, 50, 12, 40)
    assert ab["p_value"] == pytest.approx(ba["p_value"])
    assert ab["difference"] == pytest.approx(-ba["difference"])
    assert ab["difference"] == pytest.approx(25 / 50 - 12 / 40)


def test_change_test_identical_shares_are_not_significant():
    result = change_test(10, 20, 10, 20)
    assert result["p_value"] == pytest.approx(1.0)
    assert result["difference"] == 0.0 and result["significant"] is False


@pytest.mark.parametrize(
    ("args", "share_a", "share_b"),
    [
        ((0, 0, 3, 10), math.nan, 0.3),
        ((2, 4, 0, 0), 0.5, math.nan),
        ((None, 10, 3, 10), math.nan, 0.3),
        ((2, 4, 1, pd.NA), 0.5, math.nan),
    ],
)
def test_change_test_undefined(args, share_a, share_b):
    result = change_test(*args)
    assert math.isnan(result["p_value"]) and math.isnan(result["difference"])
    assert result["significant"] is False
    for key, expected in (("share_a", share_a), ("share_b", share_b)):
        if math.isnan(expected):
            assert math.isnan(result[key])
        else:
            assert result[key] == expected


@pytest.mark.parametrize("args", [(5, 4, 1, 2), (-1, 4, 1, 2), (1.5, 4, 1, 2)])
def test_change_test_rejects_impossible_counts(args):
    with pytest.raises(ValueError):
        change_test(*args)


# --------------------------------------------------------------------------------------------
# trend_table


def _trend_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "org_id": ["a", "a", "a", "b", "b", "c"],
            "indicator_id": "diagnostics_share",
            "year": ["2021-2022", "2019-2020", "2020-2021", "2019-2020", "2021-2022", "2021-2022"],
            "numerator": pd.array([5, 0, 3, 2, pd.NA, 1], dtype="Int64"),
            "denominator": pd.array([5, 3, 3, 4, 4, 2], dtype="Int64"),
        },
        index=[10, 11, 12, 13, 14, 15],
    )


def test_trend_table_compares_with_previous_year_present():
    frame = _trend_frame()
    before = frame.copy()
    out = trend_table(frame, group_cols=["org_id", "indicator_id"])
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert list(out.index) == [10, 11, 12, 13, 14, 15]
    pd.testing.assert_frame_equal(out[frame.columns], frame)
    # a 2020-2021 (3/3) → 2021-2022 (5/5): no change, Fisher p = 1
    assert out.loc[10, "prev_year"] == "2020-2021"
    assert out.loc[10, "prev_value"] == 1.0 and out.loc[10, "change"] == 0.0
    assert out.loc[10, "p_value"] == pytest.approx(1.0)
    # a 2019-2020 (0/3) → 2020-2021 (3/3): hand Fisher p = 2 / C(6, 3) = 0.1
    assert out.loc[12, "prev_value"] == 0.0 and out.loc[12, "change"] == 1.0
    assert out.loc[12, "p_value"] == pytest.approx(0.1)
    assert not out.loc[12, "significant"]
    # b skips 2020-2021: compared with 2019-2020; its numerator is missing, so NaN
    assert out.loc[14, "prev_year"] == "2019-2020"
    assert out.loc[14, "prev_value"] == 0.5 and math.isnan(out.loc[14, "change"])
    # first years and single-year groups have nothing to compare with
    for idx in (11, 13, 15):
        assert pd.isna(out.loc[idx, "prev_year"])
        assert math.isnan(out.loc[idx, "p_value"]) and not out.loc[idx, "significant"]
    assert out["significant"].dtype == bool


def test_trend_table_custom_columns_and_single_group_col():
    frame = pd.DataFrame(
        {"school": ["x", "x"], "yr": ["2020-2021", "2021-2022"], "k": [0, 10], "n": [10, 10]}
    )
    out = trend_table(frame, group_cols="school", year_col="yr", num_col="k", den_col="n")
    # 0/10 → 10/10: p = 2 / C(20, 10)
    assert out.loc[1, "p_value"] == pytest.approx(2 / math.comb(20, 10))
    assert out.loc[1, "significant"]


def test_trend_table_rejects_duplicate_years():
    frame = _trend_frame()
    frame = pd.concat([frame, frame.iloc[[0]]])
    with pytest.raises(ValueError):
        trend_table(frame, group_cols=["org_id", "indicator_id"])


# --------------------------------------------------------------------------------------------
# cramers_v


def test_cramers_v_perfect_association():
    # expected 5 in each cell: chi2 = 4 * 5² / 5 = 20, 1 dof, p = erfc(sqrt(20 / 2))
    result = cramers_v(np.array([[10, 0], [0, 10]]))
    assert result["cramers_v"] == pytest.approx(1.0)
    assert result["chi2"] == pytest.approx(20.0)
    assert result["dof"] == 1 and result["n"] == 20
    assert result["p_value"] == pytest.approx(math.erfc(math.sqrt(10)))


def test_cramers_v_independent_table():
    result = cramers_v(pd.DataFrame([[10, 20], [20, 40]], index=["x", "y"], columns=["u", "v"]))
    assert result["cramers_v"] == pytest.approx(0.0, abs=1e-12)
    assert result["chi2"] == pytest.approx(0.0, abs=1e-12)
    assert result["p_value"] == pytest.approx(1.0)


def test_cramers_v_against_hand_formula_and_drops_empty_margins():
    core = np.array([[12, 5, 3], [4, 9, 10]])
    expected = core.sum(axis=1, keepdims=True) * core.sum(axis=0) / core.sum()
    chi2 = ((core - expected) ** 2 / expected).sum()
    v = math.sqrt(chi2 / (core.sum() * (2 - 1)))
    padded = np.array([[12, 0, 5, 3], [0, 0, 0, 0], [4, 0, 9, 10]])
    result = cramers_v(padded)
    assert result["chi2"] == pytest.approx(chi2)
    assert result["cramers_v"] == pytest.approx(v)
    assert result["dof"] == 2 and result["n"] == 43
    assert result["p_value"] == pytest.approx(sps.chi2.sf(chi2, 2))
    assert result["min_expected"] == pytest.approx(expected.min())


@pytest.mark.parametrize("table", [[[3, 0], [5, 0]], [[0, 0], [4, 2]], [[7]]])
def test_cramers_v_undefined_when_less_than_two_by_two(table):
    result = cramers_v(table)
    for key in ("chi2", "p_value", "dof", "cramers_v"):
        assert math.isnan(result[key])
    assert result["n"] == int(np.sum(table))


@pytest.mark.parametrize("table", [[[1, -1], [2, 3]], [[1, np.nan], [2, 3]], [1, 2, 3]])
def test_cramers_v_rejects_bad_tables(table):
    with pytest.raises(ValueError):
        cramers_v(table)


# --------------------------------------------------------------------------------------------
# size_band, peer_groups


def test_size_band_edges():
    students = pd.Series(
        [0, 99, 100, 299, 300, 599, 600, 2000, None],
        index=[f"s{i}" for i in range(9)],
        name="students",
    )
    bands = size_band(students)
    assert list(bands.index) == list(students.index)
    assert bands.iloc[:8].tolist() == [
        "до 100",
        "до 100",
        "100–299",
        "100–299",
        "300–599",
        "300–599",
        "600 и более",
        "600 и более",
    ]
    assert pd.isna(bands.iloc[8])
    assert bands.cat.ordered


def test_size_band_custom_bands_and_errors():
    bands = size_band(pd.Series([10, 60]), bands=(0, 50, math.inf))
    assert bands.tolist() == ["до 50", "50 и более"]
    with pytest.raises(ValueError):
        size_band(pd.Series([-1]))
    with pytest.raises(ValueError):
        size_band(pd.Series([1]), bands=(0, 300, 100))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("МБОУ Берёзовская СОШ №2", "СОШ"),
        ("мбоу «Липовская сош»", "СОШ"),
        ("МБОУ «Средняя общеобразовательная школа № 3»", "СОШ"),
        ("МКОУ Ключевская ООШ", "ООШ"),
        ("МБОУ «Основная общеобразовательная школа с. Ёлкино»", "ООШ"),
        ("МКОУ Малиновская НОШ", "НОШ"),
        ("МБОУ «Начальная школа – детский сад»", "НОШ"),
        ("МАОУ Гимназия №1", "гимназия"),
        ("МБОУ «Лицей» — СОШ №5", "лицей"),
        ("МБОУ Центр образования", "другая"),
        ("МБОУ Сошниковская школа", "другая"),  # "сош" inside a word is not an abbreviation
        (None, "другая"),
    ],
)
def test_school_type(name, expected):
    assert school_type(name) == expected


def test_peer_groups_type_or_every_school_of_the_size_band():
    orgs = pd.DataFrame(
        {
            "org_id": ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
            "name": [
                "МБОУ Берёзовская СОШ",
                "МБОУ Липовская СОШ №2",
                "МБОУ «Средняя общеобразовательная школа №3»",
                "МБОУ Ключевская ООШ",
                "МБОУ Лицей №1",
                "МБДОУ Детский сад «Ромашка»",
                "МБОУ Гимназия",
                "МКОУ Малая НОШ",
                "МБОУ Ёлкинская СОШ",
            ],
            "kind": ["school", "school", "ОО", "school", "school", "preschool", "school",
                     "school", "school"],
        }
    )
    before = orgs.copy()
    size = pd.Series({"a": 450, "b": 250, "c": 700, "d": 80, "e": 350, "g": 620, "f": 40,
                      "i": 60})
    groups = peer_groups(orgs, size).set_index("org_id")
    pd.testing.assert_frame_equal(orgs, before)
    assert list(groups.index) == list("abcdeghi")  # schools only, in order
    # four СОШ form a group whatever their size; each is compared with the three others
    assert groups.loc[list("abci"), "basis"].tolist() == ["type"] * 4
    assert groups.at["a", "peers"] == ("b", "c", "i")
    # the lone ООШ (80 pupils) is compared with every school under 100 — the СОШ «i» too
    assert (groups.at["d", "basis"], groups.at["d", "group"]) == ("size", "до 100")
    assert groups.at["d", "peers"] == ("i",)
    assert groups.at["e", "group"] == "300–599" and groups.at["e", "peers"] == ("a",)
    assert groups.at["g", "group"] == "600 и более" and groups.at["g", "peers"] == ("c",)
    # a school falling back without a known size has no peers
    assert pd.isna(groups.at["h", "basis"]) and groups.at["h", "peers"] == ()


def test_peer_groups_min_size():
    orgs = pd.DataFrame(
        {"org_id": ["a", "b"], "name": ["А ООШ", "Б ООШ"], "kind": ["school", "school"]}
    )
    size = pd.Series({"a": 50, "b": 150})
    groups = peer_groups(orgs, size)
    assert groups["group"].tolist() == ["до 100", "100–299"]
    assert groups["peers"].tolist() == [(), ()]
    groups = peer_groups(orgs, size, min_size=2)
    assert groups["group"].tolist() == ["ООШ", "ООШ"] and groups["peers"].tolist() == [("b",),
                                                                                       ("a",)]


# --------------------------------------------------------------------------------------------
# pooled_share


def test_pooled_share_is_sum_over_sum_not_mean_of_shares():
    # 1/10 and 50/100: pooled 51/110, whereas the mean of the shares would be 0.3
    assert pooled_share([1, 50], [10, 100]) == pytest.approx(51 / 110)


def test_pooled_share_skips_organisations_missing_either_count():
    numerators = pd.Series([3, pd.NA, 4], dtype="Int64")
    denominators = pd.Series([10, 20, pd.NA], dtype="Int64")
    assert pooled_share(numerators, denominators) == pytest.approx(0.3)


@pytest.mark.parametrize(("k", "n"), [([0, 0], [0, 0]), ([], []), ([None], [None])])
def test_pooled_share_nan_without_denominator(k, n):
    assert math.isnan(pooled_share(k, n))


def test_pooled_share_scaling_invariance():
    k, n = np.array([3, 7, 11]), np.array([20, 30, 40])
    assert pooled_share(k * 3, n * 3) == pytest.approx(pooled_share(k, n))


# --------------------------------------------------------------------------------------------
# association_test


def test_association_test_uses_chi_square_when_cochran_holds():
    # expected 20 in every cell: chi2 = 4 * 10² / 20 = 20, one degree of freedom
    result = association_test(np.array([[30, 10], [10, 30]]))
    assert result["method"] == "chi2"
    assert result["chi2"] == pytest.approx(20.0)
    assert result["p_value"] == pytest.approx(math.erfc(math.sqrt(20 / 2)))  # chi2(1) tail
    assert result["cramers_v"] == pytest.approx(math.sqrt(20 / 80))


def test_association_test_permutes_small_tables():
    # margins 5/5 and 5/5: only the two diagonal tables are as extreme as the observed one,
    # 2 of C(10, 5) = 252 equally likely tables
    result = association_test(np.array([[5, 0], [0, 5]]), min_n=10)
    assert result["method"] == "monte_carlo"
    assert result["p_value"] == pytest.approx(2 / 252, abs=0.004)
    assert math.isnan(result["cramers_v"])
    again = association_test(np.array([[5, 0], [0, 5]]), min_n=10)
    assert again["p_value"] == result["p_value"]  # seeded: the same table, the same answer


def test_association_test_refuses_too_few_people_or_one_column():
    assert association_test(np.array([[5, 0], [0, 5]]))["method"] == "too_few"  # n < 20
    one_column = association_test(np.array([[30, 0], [10, 0]]))
    assert one_column["method"] == "too_few" and math.isnan(one_column["p_value"])


def test_fisher_exact_p_agrees_with_scipy_on_school_sized_tables():
    """The trend tables' test without scipy.stats: the same p-values as scipy's fisher_exact on
    tables of the sizes a school has (a handful to a thousand pupils), ties included."""
    rng = np.random.default_rng(17)
    tables = [(3, 0, 0, 3), (0, 5, 5, 0), (10, 10, 10, 10), (5, 5, 5, 5), (1, 0, 0, 0),
              (0, 0, 3, 4), (400, 600, 380, 620), (12, 28, 25, 25)]
    for _ in range(300):
        na, nb = rng.integers(1, 1000, size=2)
        ka, kb = rng.integers(0, na + 1), rng.integers(0, nb + 1)
        tables.append((int(ka), int(na - ka), int(kb), int(nb - kb)))
    for a, b, c, d in tables:
        expected = sps.fisher_exact([[a, b], [c, d]]).pvalue
        assert fisher_exact_p(a, b, c, d) == pytest.approx(expected, rel=1e-9, abs=1e-300), (
            a, b, c, d)
