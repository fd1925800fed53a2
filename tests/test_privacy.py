"""Privacy rules of the reports: small counts, complementary suppression, shares, escaping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from proforient.report.privacy import (
    MISSING,
    complementary_mask,
    escape,
    format_count,
    leaked_identifiers,
    share_visible,
    suppress_counts,
)


def test_small_counts_are_hidden_and_the_threshold_is_kept():
    counts = pd.Series([0, 1, 2, 3, 10, np.nan], index=list("abcdef"), name="n")
    shown = suppress_counts(counts, 3)
    assert shown.tolist() == ["0", "<3", "<3", "3", "10", MISSING]
    assert shown.index.tolist() == list("abcdef")
    assert shown.name == "n"


def test_threshold_comes_from_the_caller():
    assert suppress_counts(pd.Series([4, 5]), 5).tolist() == ["<5", "5"]


def test_scalar_and_nullable_counts():
    assert suppress_counts(2, 3) == "<3"
    assert suppress_counts(3, 3) == "3"
    assert suppress_counts(pd.NA, 3) == MISSING
    assert suppress_counts(pd.Series([2, pd.NA], dtype="Int64"), 3).tolist() == ["<3", MISSING]
    assert format_count(12345, 3) == "12 345"


def test_dataframe_is_suppressed_column_by_column_and_not_modified():
    frame = pd.DataFrame({"9": [10, 2, 5, 0], "11": [4, 4, 4, 4]})
    before = frame.copy()
    shown = suppress_counts(frame, 3, complementary=True)
    assert shown["9"].tolist() == ["10", "<3", MISSING, "0"]  # 5 hidden: 2 = total − the rest
    assert shown["11"].tolist() == ["4", "4", "4", "4"]
    pd.testing.assert_frame_equal(frame, before)


def test_complementary_mask_only_when_a_single_count_is_small():
    assert complementary_mask(pd.Series([10, 2, 5, 0]), 3).tolist() == [False, True, True,
                                                                         False]
    # two small counts protect each other
    assert complementary_mask(pd.Series([10, 2, 1, 5]), 3).tolist() == [False, True, True,
                                                                         False]
    assert not complementary_mask(pd.Series([10, 5]), 3).any()


@pytest.mark.parametrize(
    ("denominator", "count", "visible"),
    [
        (2, None, False),   # too few graduates in the denominator
        (3, None, True),
        (6, 1, False),      # 1 of 6 = 16,7 % gives the count away
        (6, 5, False),      # 5 of 6 singles out the one graduate not counted
        (6, 3, True),
        (6, 0, True),       # zero describes nobody
        (6, 6, True),
        (np.nan, 1, False),
    ],
)
def test_share_visibility(denominator, count, visible):
    assert share_visible(denominator, 3, count) is visible


def test_escape_hostile_text():
    assert escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape('=HYPERLINK("x")') == "=HYPERLINK(&quot;x&quot;)"
    assert escape(None) == ""
    assert escape(pd.NA) == ""


def test_leaked_identifiers_finds_ids_and_skips_short_ones():
    html = "<td>g-abc123</td><td>7</td>"
    assert leaked_identifiers(html, ["g-abc123", "g-zzz999", "7"]) == ["g-abc123"]
    many = [f"g-{i:06d}" for i in range(1500)]
    assert leaked_identifiers("… g-001234 …", many) == ["g-001234"]
