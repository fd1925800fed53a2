"""The district's facts (proforient.report.facts) on the small hand-made district.

Every expectation is worked out by hand from tests/conftest.py: diagnostics (grades 5–11)
a 180/200, b 175/200, c 180/200, x 180/200, d 10/200; class hours a 3, b 0, c 5, d 1, x 2;
a responsible appointed everywhere but in sch-c; 25 graduates.
"""

from __future__ import annotations

import pytest

from proforient.report.facts import COMPUTATIONS, compute_facts


def card_row(facts, org_id: str, indicator_id: str):
    card = facts.scorecard
    rows = card[(card["org_id"] == org_id) & (card["indicator_id"] == indicator_id)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_scorecard_share_beside_the_district_and_the_peers(small_ctx):
    row = card_row(small_ctx.facts, "sch-a", "diagnostics_share")
    assert (row["numerator"], row["denominator"], row["value"]) == (180, 200, pytest.approx(0.9))
    assert row["status"] == "met" and row["gap"] == 0
    # the district pools every school: (180 + 175 + 180 + 180 + 10) / 1000
    assert row["district_value"] == pytest.approx(725 / 1000)
    assert (row["district_reporting"], row["district_total"]) == (5, 5)
    # the peers are the *other* СОШ: b, c, d, x
    assert row["peer_value"] == pytest.approx((175 + 180 + 10 + 180) / 800)
    assert row["peer_reporting"] == 4 and not row["below_peers"]


def test_gap_and_below_peers_for_the_school_far_behind(small_ctx):
    row = card_row(small_ctx.facts, "sch-d", "diagnostics_share")
    assert row["status"] == "not_met"
    assert row["gap"] == 150  # 80 % of 200 is 160 pupils; 10 took part
    assert row["peer_value"] == pytest.approx((180 + 175 + 180 + 180) / 800)
    assert row["below_peers"] and row["below_peers_p"] < 1e-6


def test_flags_and_counts_beside_the_district(small_ctx):
    facts = small_ctx.facts
    hours = card_row(facts, "sch-b", "class_hours")
    assert (hours["status"], hours["gap"]) == ("not_met", 1)  # 0 of at least 1
    assert (hours["district_met"], hours["district_total"]) == (4, 5)
    assert card_row(facts, "sch-a", "class_hours")["peer_value"] == 1.5  # median of 0, 5, 1, 2
    flag = card_row(facts, "sch-a", "responsible_appointed")
    assert flag["peer_value"] == pytest.approx(3 / 4)  # b, d, x of b, c, d, x
    assert flag["gap"] != flag["gap"]  # a flag has nothing to count: NaN


def test_organisations_and_peer_groups(small_ctx):
    orgs = small_ctx.facts.orgs.set_index("org_id")
    assert orgs.at["sch-a", "short"] == "Альфа СОШ"
    assert orgs.at["sch-a", "peers"] == ("sch-b", "sch-c", "sch-d", "sch-x")
    assert orgs.at["sch-a", "students"] == 200
    assert orgs.at["dou-1", "kind"] == "preschool" and orgs.at["dou-1", "peers"] == ()


def test_funnel_positions_single_out_the_school_far_below(small_ctx):
    funnel = small_ctx.facts.funnels
    diag = funnel[funnel["indicator_id"] == "diagnostics_share"].set_index("org_id")
    assert diag["p0"].iloc[0] == pytest.approx(0.725)
    assert list(diag.index[diag["position"].str.endswith("below")]) == ["sch-d"]
    assert diag.at["sch-d", "position"] == "far_below"
    limits = small_ctx.facts.funnel_limits
    assert set(limits["indicator_id"]) == set(funnel["indicator_id"])


def test_destinations_by_grade_with_the_district(small_ctx):
    dest = small_ctx.facts.destinations
    nine = dest[(dest["org_id"] == "sch-a") & (dest["grade"] == 9)].set_index("destination")
    assert nine["graduates"].to_dict() == {"spo": 2, "vo": 0, "school": 4, "work": 3,
                                           "army": 1, "other": 0, "unknown": 0}
    assert set(nine["total"]) == {10}
    # grade 9 of the district: a 10, b 6, x 3; colleges: a 2, x 1
    assert set(nine["district_total"]) == {19}
    assert nine.at["spo", "district_graduates"] == 3
    assert nine.at["spo", "district_share"] == pytest.approx(3 / 19)


def test_trend_of_a_share_is_tested(small_ctx):
    trends = small_ctx.facts.trends
    row = trends[(trends["org_id"] == "sch-a") & (trends["indicator_id"] == "diagnostics_share")
                 & (trends["year"] == "2021-2022")].iloc[0]
    assert row["prev_value"] == pytest.approx(0.5)  # 50 of 100 the year before
    assert row["change"] == pytest.approx(0.4)
    assert bool(row["significant"])


def test_people_add_up_to_every_graduate(small_ctx):
    people = small_ctx.facts.graduates
    assert people["n"].sum() == 25
    a = people[people["org_id"] == "sch-a"]
    assert a.loc[a["grade"] == "11", "n"].sum() == 6
    assert a.loc[a["destination"] == "army", "n"].sum() == 1


def test_facts_are_computed_once_per_context(small_ctx):
    first = small_ctx.facts
    before = COMPUTATIONS["facts"]
    assert small_ctx.facts is first and COMPUTATIONS["facts"] == before  # kept, not redone
    compute_facts(small_ctx.results, small_ctx.year)
    assert COMPUTATIONS["facts"] == before + 1  # the counter does count a computation
