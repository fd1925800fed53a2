"""Tests of the wording of indicator values and targets (proforient/report/text.py).

Expectations are worked by hand: a ``category`` value is stored as the 1-based position of the
chosen level in the catalogue's list (базовый 1, основной 2, продвинутый 3); the district's value
is the share of organisations at a targeted level.
"""

from __future__ import annotations

import math

from proforient.report.text import NBSP, target_text, value_text

LEVELS = ("базовый", "основной", "продвинутый")


def test_a_schools_level_is_its_word_not_its_number():
    assert value_text(1.0, "category", labels=LEVELS) == "базовый"
    assert value_text(2.0, "category", labels=LEVELS) == "основной"
    assert value_text(3, "category", labels=LEVELS) == "продвинутый"


def test_a_level_without_its_list_or_outside_it_stays_a_number():
    assert value_text(2.0, "category") == "2"
    assert value_text(4.0, "category", labels=LEVELS) == "4"


def test_a_missing_level_is_a_dash():
    assert value_text(math.nan, "category", labels=LEVELS) == "—"


def test_the_districts_level_is_the_share_of_organisations():
    # 8 of 19 schools at основной or продвинутый: 8 / 19 = 0.42105… → «42,1 %»
    assert value_text(8 / 19, "category", scope="district") == f"42,1{NBSP}%"


def test_a_schools_target_level_is_the_words_of_the_targeted_levels():
    # the school's row carries no number as its target (NaN): the roadmap's target_values
    assert target_text(math.nan, "category", values=("основной", "продвинутый")) == \
        "основной или продвинутый"
    assert target_text(math.nan, "category", values=("продвинутый",)) == "продвинутый"
    assert target_text(math.nan, "category") == "—"


def test_the_districts_target_level_is_a_share_of_organisations_not_a_fraction():
    # target: 0.6 → «не менее 60 % ОО», never «не менее 0,6»
    assert target_text(0.6, "category", scope="district") == f"не менее{NBSP}60{NBSP}% ОО"
    assert target_text(math.nan, "category", scope="district") == "—"


def test_other_kinds_are_unchanged():
    assert value_text(0.857, "share") == f"85,7{NBSP}%"
    assert value_text(1.0, "flag") == "да"
    assert value_text(3.0, "count") == "3"
    assert target_text(0.8, "share") == f"не менее{NBSP}80{NBSP}%"
    assert target_text(1.0, "flag") == "да"
    assert target_text(2.0, "count", scope="district") == f"не менее{NBSP}2"
