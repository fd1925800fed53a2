"""The indicator engine against figures worked out by hand on the tiny district (conftest)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import binomtest

from proforient.compute.indicators import (
    COLUMNS,
    compute_indicators,
    operand_values,
    overflow_problems,
)
from proforient.dataset import load_dataset
from proforient.parameters.roadmap import Operand
from tests.conftest import ROADMAPS, RULES, TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset


@pytest.fixture
def table(tiny):
    return compute_indicators(load_dataset(tiny, RULES), ROADMAPS, ["2021-2022"])


def row(table, indicator, org=None, year="2021-2022"):
    scope = "district" if org is None else "org"
    sel = (table["indicator_id"] == indicator) & (table["scope"] == scope)
    sel &= table["year"] == year
    sel &= table["org_id"].isna() if org is None else (table["org_id"] == org)
    found = table[sel]
    assert len(found) == 1, found
    return found.iloc[0]


def test_columns_and_every_indicator_present(table):
    assert list(table.columns) == COLUMNS
    district = table[table["scope"] == "district"]
    assert list(district["indicator_id"]) == [i.id for i in ROADMAPS.first.indicators]


def test_district_share_is_pooled_not_mean_of_shares(table):
    # sch-a 9/10, sch-b 10/100: pooled 19/110, while the mean of shares would be 0.5
    r = row(table, "diagnostics_share")
    assert (r["numerator"], r["denominator"]) == (19, 110)
    assert r["value"] == pytest.approx(19 / 110)
    assert r["status"] == "not_met"
    # the district row is a census of the schools that reported, not a sample: no interval
    assert math.isnan(r["ci_low"]) and math.isnan(r["ci_high"])
    # a school's share of its pupils gets the Wilson interval: 9 of 10
    a = row(table, "diagnostics_share", "sch-a")
    ci = binomtest(9, 10).proportion_ci(method="wilson")
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((ci.low, ci.high))


def test_missing_numerator_is_no_data_not_zero(table):
    c = row(table, "diagnostics_share", "sch-c")
    assert c["status"] == "no_data" and math.isnan(c["value"]) and math.isnan(c["numerator"])
    assert c["denominator"] == 20
    # coverage: a and b report both, c does not, the НОШ has no grades 5–11 (not applicable)
    r = row(table, "diagnostics_share")
    assert (r["orgs_reporting"], r["orgs_total"]) == (2, 3)
    assert "nosh" not in set(table.loc[table["indicator_id"] == "diagnostics_share", "org_id"])


def test_school_shares_and_status(table):
    a = row(table, "diagnostics_share", "sch-a")
    assert (a["numerator"], a["denominator"], a["status"]) == (9, 10, "met")
    assert row(table, "diagnostics_share", "sch-b")["status"] == "not_met"


def test_grade_range_excludes_grades_outside(table):
    # bvb_trials is 6–11: sch-b's grade-5 rows (10 trials, 50 pupils) do not count → 5/50
    b = row(table, "bvb_trials_share", "sch-b")
    assert (b["numerator"], b["denominator"]) == (5, 50)
    assert b["value"] == pytest.approx(0.1)
    assert b["status"] == "met"  # exactly at the 10% target


def test_total_rows_taken_as_they_are(table):
    a = row(table, "ovz_events_share", "sch-a")
    assert (a["numerator"], a["denominator"], a["status"]) == (4, 5, "met")  # 80% of 80%
    # a total row counts for a 1–11 indicator even though students are given by grade
    c = row(table, "contest_participation_share", "sch-a")
    assert (c["numerator"], c["denominator"]) == (5, 10)


def test_zero_denominator_is_not_applicable_and_not_in_the_total(table):
    # sch-b reported 0 pupils with disabilities: nobody to count is a fact, not a gap
    b = row(table, "ovz_events_share", "sch-b")
    assert b["status"] == "not_applicable" and math.isnan(b["value"])
    d = row(table, "ovz_events_share")
    assert (d["numerator"], d["denominator"], d["status"]) == (4, 5, "met")
    orgs = table[(table["indicator_id"] == "ovz_events_share") & (table["scope"] == "org")
                 & (table["year"] == "2021-2022")]
    # the district counts only the organisations the share applies to
    applicable = int((orgs["status"] != "not_applicable").sum())
    assert d["orgs_total"] == applicable == len(orgs) - 1
    assert d["orgs_reporting"] <= d["orgs_total"]


def test_flags_over_reporting_organisations(table):
    d = row(table, "responsible_appointed")
    # a=1, b=0, nosh=1 reported; c did not → 2 of 3 reporting, 4 schools in all
    assert (d["numerator"], d["denominator"]) == (2, 3)
    assert (d["orgs_reporting"], d["orgs_total"]) == (3, 4)
    assert d["value"] == pytest.approx(2 / 3) and d["status"] == "not_met"
    assert row(table, "responsible_appointed", "sch-b")["status"] == "not_met"
    assert row(table, "responsible_appointed", "sch-c")["status"] == "no_data"
    pre = row(table, "early_plan_approved")
    assert (pre["value"], pre["status"], pre["orgs_total"]) == (1.0, "met", 1)


def test_counts_sum_for_the_district(table):
    # «не менее 1 классного часа» is a target for every school: a 3, b 0, c and the НОШ silent.
    # The sum 3 reaches 1, but the district has not reached the target: b held none.
    d = row(table, "class_hours")
    assert (d["value"], d["orgs_reporting"], d["orgs_total"]) == (3, 2, 4)
    assert (d["status"], d["orgs_met"]) == ("not_met", 1)
    assert row(table, "class_hours", "sch-b")["status"] == "not_met"
    seminars = row(table, "district_seminars")
    assert (seminars["value"], seminars["status"]) == (2, "met")  # exactly at ≥ 2
    assert row(table, "district_seminars", "uo")["status"] == "met"


def test_monitored_without_target(table):
    r = row(table, "preschool_clubs_share", "dou-1")
    assert r["status"] == "monitored" and r["value"] == pytest.approx(7 / 20)
    assert row(table, "excursions")["status"] == "no_data"  # nobody reported excursions


def test_indicator_applies_to_the_right_kinds(table):
    pre = table[table["indicator_id"] == "preschool_clubs_share"]
    assert set(pre["org_id"].dropna()) == {"dou-1"}
    media = table[(table["indicator_id"] == "media_posts") & (table["scope"] == "org")]
    assert set(media["org_id"]) == {"sch-a", "sch-b", "sch-c", "nosh", "uo"}


def test_several_years_are_kept_apart(tiny):
    table = compute_indicators(load_dataset(tiny, RULES), ROADMAPS)
    assert sorted(table["year"].unique()) == ["2020-2021", "2021-2022"]
    old = table[(table["year"] == "2020-2021") & (table["indicator_id"] == "diagnostics_share")
                & (table["org_id"] == "sch-a")].iloc[0]
    assert (old["numerator"], old["denominator"]) == (2, 10)


def test_graduate_counts_slot_in(tmp_path):
    measures = TINY_MEASURES + "2021-2022,sch-c,students,9,10\n"
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS, measures=measures)
    counts = pd.DataFrame({"year": ["2021-2022"] * 2, "org_id": ["sch-b", "sch-c"],
                           "indicator_id": ["in_demand_choice_share"] * 2,
                           "numerator": [1, 0], "denominator": [4, 0]})
    table = compute_indicators(load_dataset(folder, RULES), ROADMAPS, ["2021-2022"], counts)
    assert row(table, "in_demand_choice_share", "sch-b")["value"] == pytest.approx(0.25)
    # 0 graduates: nobody to count, the share does not apply to sch-c
    assert row(table, "in_demand_choice_share", "sch-c")["status"] == "not_applicable"
    # sch-a teaches only grades 5–6 and the НОШ 1–4: no graduates of 9 or 11 to count
    rows = table[table["indicator_id"] == "in_demand_choice_share"]
    assert {"sch-a", "nosh"}.isdisjoint(set(rows["org_id"].dropna()))
    d = row(table, "in_demand_choice_share")
    assert (d["numerator"], d["denominator"], d["status"]) == (1, 4, "monitored")
    # sch-c has no graduates to count: it is neither reporting nor in the total
    assert (d["orgs_reporting"], d["orgs_total"]) == (1, 1)
    assert row(table, "ege_profile_match_share")["orgs_total"] == 1  # only sch-b has grade 11


def test_scaling_counts_keeps_shares(tiny, tmp_path):
    """Invariant: multiplying every count by 3 leaves every share and status unchanged."""
    lines = TINY_MEASURES.splitlines()
    scaled = [lines[0]] + [
        ",".join([*ln.split(",")[:4], str(int(ln.split(",")[4]) * 3)])
        if "responsible" not in ln and "early_plan" not in ln else ln for ln in lines[1:]]
    folder = write_dataset(tmp_path / "scaled", organizations=TINY_ORGANIZATIONS,
                           measures="\n".join(scaled) + "\n")
    base = compute_indicators(load_dataset(tiny, RULES), ROADMAPS)
    big = compute_indicators(load_dataset(folder, RULES), ROADMAPS)
    shares = base["kind"] == "share"
    pd.testing.assert_series_equal(base.loc[shares, "value"], big.loc[shares, "value"])
    assert (base.loc[shares, "status"] == big.loc[shares, "status"]).all()


def test_total_wins_over_grades(tmp_path):
    measures = TINY_MEASURES + "2021-2022,sch-c,diagnostics,,7\n2021-2022,sch-c,diagnostics,5,1\n"
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS, measures=measures)
    ds = load_dataset(folder, RULES)
    assert any("и по классам, и итогом" in p.message for p in ds.problems)
    values = operand_values(ds.measures, Operand("diagnostics", (5, 11)), ["2021-2022"])
    assert values[("2021-2022", "sch-c")] == 7


def test_overflow_is_reported_with_the_organisation(tmp_path):
    measures = TINY_MEASURES + "2021-2022,sch-c,diagnostics,,25\n"
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS, measures=measures)
    ds = load_dataset(folder, RULES)
    table = compute_indicators(ds, ROADMAPS, ["2021-2022"])
    problems = overflow_problems(table, ds, ROADMAPS)
    assert len(problems) == 1
    assert "МБОУ Гамма ООШ" in problems[0].message and "25 из 20" in problems[0].message
    assert row(table, "diagnostics_share", "sch-c")["value"] == pytest.approx(25 / 20)  # not capped


def test_overflow_names_the_line_of_the_numerator_total(tmp_path):
    measures = TINY_MEASURES + "2021-2022,sch-c,diagnostics,,25\n"
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS, measures=measures)
    ds = load_dataset(folder, RULES)
    (problem,) = overflow_problems(compute_indicators(ds, ROADMAPS, ["2021-2022"]), ds, ROADMAPS)
    assert (problem.file, problem.line, problem.column) == (
        "measures.csv", TINY_MEASURES.count("\n") + 1, "value")


def test_overflow_names_the_first_numerator_row_in_the_grades(tmp_path):
    """Pupils given as a total (10), diagnostics by grade (4: outside 5–11; 6 + 6 = 12 inside):
    each row is sane on its own, the share is not; the first row counted is named."""
    measures = ("year,org_id,measure,grade,value\n"
                "2021-2022,sch-a,students,,10\n"
                "2021-2022,sch-a,diagnostics,4,9\n"
                "2021-2022,sch-a,diagnostics,7,6\n"
                "2021-2022,sch-a,diagnostics,6,6\n")
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS, measures=measures)
    ds = load_dataset(folder, RULES)
    table = compute_indicators(ds, ROADMAPS, ["2021-2022"])
    (problem,) = overflow_problems(table, ds, ROADMAPS)
    assert (problem.line, problem.column) == (4, "value")
    assert "12 из 10" in problem.message


def test_for_grades_limits_a_count_to_schools_with_those_grades(tmp_path):
    measures = TINY_MEASURES + "2021-2022,sch-b,psych_consultations,,4\n"
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS, measures=measures)
    table = compute_indicators(load_dataset(folder, RULES), ROADMAPS, ["2021-2022"])
    rows = table[(table["indicator_id"] == "psych_consultations") & (table["scope"] == "org")]
    # only sch-b teaches grade 9 or 11; sch-a (5–6), sch-c (5) and the НОШ (1) are not counted
    assert list(rows["org_id"]) == ["sch-b"]
    d = row(table, "psych_consultations")
    assert (d["value"], d["orgs_reporting"], d["orgs_total"]) == (4, 1, 1)


def _class_hours(tmp_path, values: dict[str, str]) -> pd.Series:
    lines = ["year,org_id,measure,grade,value"]
    lines += [f"2021-2022,{org},class_hours,,{v}" for org, v in values.items()]
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures="\n".join(lines) + "\n")
    table = compute_indicators(load_dataset(folder, RULES), ROADMAPS, ["2021-2022"])
    return row(table, "class_hours")


def test_count_target_is_reached_by_the_district_only_when_every_school_reaches_it(tmp_path):
    every = _class_hours(tmp_path / "1", {"sch-a": 1, "sch-b": 2, "sch-c": 1, "nosh": 5})
    assert (every["status"], every["orgs_met"], every["orgs_total"]) == ("met", 4, 4)
    silent = _class_hours(tmp_path / "2", {"sch-a": 1, "sch-b": 2, "sch-c": 1})
    # three of four reached it, the fourth said nothing: the district's status is unknown
    assert (silent["status"], silent["orgs_met"], silent["orgs_reporting"]) == ("no_data", 3, 3)
    one_zero = _class_hours(tmp_path / "3", {"sch-a": 50, "sch-b": 0, "sch-c": 4, "nosh": 1})
    assert (one_zero["value"], one_zero["status"], one_zero["orgs_met"]) == (55, "not_met", 3)


def test_district_flags_have_no_interval(table):
    d = row(table, "responsible_appointed")
    assert math.isnan(d["ci_low"]) and math.isnan(d["ci_high"])


ROADMAP_2020 = """\
year: "2020-2021"
title: "Дорожная карта 2020-2021"
activities:
  - number: 1
    goal: ""
    activity: "Диагностика"
    indicator:
      id: diagnostics_share
      title: "Доля прошедших диагностику"
      kind: share
      applies_to: [school]
      numerator: {measure: diagnostics, grades: [5, 11]}
      denominator: {measure: students, grades: [5, 11]}
      target: 0.2
"""


def _roadmaps(tmp_path, files: dict[str, str]):
    from proforient.parameters.roadmap import load_roadmaps
    from proforient.paths import parameters_dir

    folder = tmp_path / "parameters"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if "roadmap-2021-2022.yaml" not in files:
        text = (parameters_dir() / "roadmap-2021-2022.yaml").read_text(encoding="utf-8")
        (folder / "roadmap-2021-2022.yaml").write_text(text, encoding="utf-8")
    return load_roadmaps(folder, RULES.measures)


def test_each_year_is_judged_by_its_own_roadmap(tiny, tmp_path):
    # sch-a, diagnostics 5–11: 2020-2021 2 of 10 (20 %), 2021-2022 9 of 10 (90 %)
    roadmaps = _roadmaps(tmp_path, {"roadmap-2020-2021.yaml": ROADMAP_2020})
    table = compute_indicators(load_dataset(tiny, RULES), roadmaps)
    old = row(table, "diagnostics_share", "sch-a", year="2020-2021")
    assert (old["value"], old["target"], old["status"], old["roadmap"]) == (
        0.2, 0.2, "met", "2020-2021")  # 20 % reaches that year's 20 %, not this year's 80 %
    new = row(table, "diagnostics_share", "sch-a")
    assert (new["target"], new["status"], new["roadmap"]) == (0.8, "met", "2021-2022")
    # the 2020-2021 roadmap has one indicator: that year has no other rows
    assert set(table.loc[table["year"] == "2020-2021", "indicator_id"]) == {"diagnostics_share"}


def test_a_later_roadmap_never_judges_an_earlier_year(tiny, tmp_path):
    roadmaps = _roadmaps(tmp_path, {})
    assert roadmaps.for_year("2020-2021") is None
    assert roadmaps.for_year("2022-2023").year == "2021-2022"  # last year's targets still hold
    table = compute_indicators(load_dataset(tiny, RULES), roadmaps)
    old = row(table, "diagnostics_share", "sch-a", year="2020-2021")
    # computed (a trend needs it) but with no target, so never "not met" against 80 %
    assert old["value"] == pytest.approx(0.2)
    assert math.isnan(old["target"]) and old["status"] == "monitored" and pd.isna(old["roadmap"])


def test_roadmap_file_names_carry_their_year(tmp_path):
    from proforient.problems import InputError

    with pytest.raises(InputError, match="roadmap-2020.yaml"):
        _roadmaps(tmp_path, {"roadmap-2020.yaml": ROADMAP_2020})
