"""The analyst's API (proforient/explore.py) on the hand-made districts of conftest.py.

Expected values are worked out by hand from the CSV text of the fixtures:

- tiny (TINY_MEASURES): sch-a diagnostics 2/10 in 2020-2021, 9/10 in 2021-2022; the district
  2021-2022 pools sch-a 9/10 and sch-b 10/100 (sch-c reports pupils, no diagnostics) = 19/110;
- small (write_small_district): 25 graduates — sch-a 16 (grade 9: 4 to 10th grade, 2 СПО
  15.02.16, 1 army, 3 work; grade 11: 4 ВО 09.03.01 with math_profile + physics, 1 СПО with a
  name that resolves to nothing, 1 СПО «Технология машиностроения» with ЕГЭ russian only, all
  technological), sch-x 3 (1 СПО with an unresolvable name, 2 to 10th grade), sch-b 6 (10th
  grade); demand: district 15.00.00 (5 vacancies), republic 09.03.01 (10 vacancies).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from proforient.compute.indicators import COLUMNS
from proforient.explore import GRADUATE_COLUMNS, District, open_district
from proforient.paths import DEMO_DATA_DIR
from proforient.pipeline import run
from proforient.problems import InputError
from tests.conftest import PARAMS, write_dataset, write_small_district


@pytest.fixture
def tiny_district(tiny: Path) -> District:
    return open_district(tiny, PARAMS)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> District:
    return open_district(write_small_district(tmp_path_factory.mktemp("small") / "data"), PARAMS)


def _fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Fisher's exact test of [[a, b], [c, d]] summed over the hypergeometric tables no more
    probable than the observed one (written out here, independently of scipy)."""
    row, col, n = a + b, a + c, a + b + c + d

    def prob(x: int) -> float:
        return math.comb(col, x) * math.comb(n - col, row - x) / math.comb(n, row)

    observed = prob(a)
    low, high = max(0, row + col - n), min(row, col)
    return sum(p for x in range(low, high + 1) if (p := prob(x)) <= observed * (1 + 1e-7))


# --------------------------------------------------------------------------------------------
# opening


def test_open_district_defaults_to_the_demo():
    district = open_district()
    assert district.dataset.path == DEMO_DATA_DIR
    assert district.synthetic and district.years == ["2019-2020", "2020-2021", "2021-2022",
                                                     "2022-2023", "2023-2024", "2024-2025",
                                                     "2025-2026"]
    assert "Демонстрационный район" in repr(district)


def test_open_district_refuses_data_with_errors(tmp_path: Path):
    folder = write_dataset(tmp_path / "bad", organizations="org_id,name,kind\nsch-a,А СОШ,school\n",
                           measures="year,org_id,measure,grade,value\n2021-2022,sch-a,nonsense,,1\n")
    with pytest.raises(InputError, match="nonsense"):
        open_district(folder, PARAMS)


def test_unknown_year_org_and_indicator_are_named(tiny_district: District):
    with pytest.raises(ValueError, match="2030-2031"):
        tiny_district.indicators(year="2030-2031")
    with pytest.raises(ValueError, match="sch-zz"):
        tiny_district.school_trend("sch-zz")
    with pytest.raises(ValueError, match="no_such_share"):
        tiny_district.trends("no_such_share")


# --------------------------------------------------------------------------------------------
# indicators


def test_indicator_table_of_every_year_is_the_pipelines(tiny: Path, tiny_district: District):
    table = tiny_district.indicators()
    assert sorted(table["year"].unique()) == ["2020-2021", "2021-2022"]
    pd.testing.assert_frame_equal(table[COLUMNS], run(tiny, PARAMS).indicators)


def test_indicator_rows_selected_with_names_and_titles(tiny_district: District):
    rows = tiny_district.indicators("2021-2022", indicator_id="diagnostics_share")
    district = rows[rows["scope"] == "district"].iloc[0]
    assert district["value"] == pytest.approx(19 / 110)  # pooled, not the mean of 0.9 and 0.1
    assert pd.isna(district["org_name"]) and district["status_label"] == "не достигнуто"
    school = rows[rows["org_id"] == "sch-a"].iloc[0]
    assert school["value"] == pytest.approx(0.9) and school["org_name"] == "Альфа СОШ"
    assert school["title"].startswith("Доля обучающихся 5-11 классов")
    only = tiny_district.indicators(scope="district", org_id=None, year="2020-2021")
    assert set(only["scope"]) == {"district"} and set(only["year"]) == {"2020-2021"}
    assert set(tiny_district.indicators(org_id="sch-b")["org_id"]) == {"sch-b"}


def test_school_trend_gives_the_shares_the_change_and_its_test(tiny_district: District):
    trend = tiny_district.school_trend("sch-a", "diagnostics_share")
    assert list(trend["year"]) == ["2020-2021", "2021-2022"]
    assert list(trend["value"]) == pytest.approx([0.2, 0.9])
    last = trend.iloc[1]
    assert last["prev_year"] == "2020-2021" and last["change"] == pytest.approx(0.7)
    # 2 of 10 against 9 of 10: 1012 / 184756 by the hypergeometric sums
    assert last["p_value"] == pytest.approx(_fisher_two_sided(2, 8, 9, 1))
    assert last["p_value"] == pytest.approx(1012 / 184756) and last["significant"]
    assert list(trend["district_value"]) == pytest.approx([0.2, 19 / 110])


def test_trend_of_every_organisation_holds_only_shares(tiny_district: District):
    table = tiny_district.trends()
    kinds = tiny_district.indicators().drop_duplicates("indicator_id").set_index(
        "indicator_id")["kind"]
    assert set(table["indicator_id"].map(kinds)) == {"share"}
    assert set(tiny_district.school_trend("sch-a")["org_id"]) == {"sch-a"}


def test_funnel_singles_out_the_school_far_below(small: District):
    funnel = small.funnel("diagnostics_share")
    assert funnel["p0"].iloc[0] == pytest.approx(725 / 1000)  # 180+175+180+180+10 of 5 × 200
    positions = dict(zip(funnel["org_id"], funnel["position"], strict=True))
    assert positions == {"sch-d": "far_below", "sch-a": "far_above", "sch-b": "far_above",
                         "sch-c": "far_above", "sch-x": "far_above"}
    assert funnel["org_id"].iloc[0] == "sch-d"  # lowest share first


def test_roadmap_of_a_year_and_untargeted_before_the_first(tiny_district: District):
    roadmap = tiny_district.roadmap("2021-2022")
    assert len(roadmap) == 24 and list(roadmap["number"]) == list(range(1, 25))
    first = roadmap.iloc[0]
    assert (first["indicator_id"], first["kind"], first["target"]) == (
        "responsible_appointed", "flag", 1.0)
    targets = roadmap.set_index("indicator_id")["target"]
    assert targets["diagnostics_share"] == 0.8 and math.isnan(targets["excursions"])
    # A year before the first roadmap keeps the first one's activities, judged by no target.
    early = tiny_district.roadmap("2020-2021")
    assert list(early["indicator_id"]) == list(roadmap["indicator_id"])
    assert early["target"].isna().all() and set(early["roadmap"]) == {"2020-2021"}


def test_organisations_with_sizes_and_labels(tiny_district: District):
    orgs = tiny_district.organisations().set_index("org_id")
    assert orgs.loc["sch-a", "students"] == 10 and orgs.loc["sch-a", "grades"] == (5, 6)
    assert orgs.loc["dou-1", "kind_label"] == "дошкольная организация"
    assert tiny_district.organisations("2020-2021").set_index("org_id").loc[
        "sch-a", "students"] == 10


# --------------------------------------------------------------------------------------------
# graduates


def test_graduates_by_school_hand_counts(small: District):
    table = small.graduates_by_school().set_index("org_id")
    assert list(table.columns) == [c for c in GRADUATE_COLUMNS if c != "org_id"]
    counts = ["graduates", "admitted", "admitted_checked", "admitted_by_profile",
              "grade11_checked", "ege_match", "in_demand"]
    assert table.loc["sch-a", counts].tolist() == [16, 8, 8, 7, 6, 5, 7]
    assert table.loc["sch-x", counts].tolist() == [3, 1, 1, 0, 0, 0, 0]
    assert table.loc["sch-b", counts].tolist() == [6, 0, 0, 0, 0, 0, 0]
    assert table.loc["sch-a", ["admitted_by_profile_share", "ege_match_share",
                               "in_demand_share"]].tolist() == pytest.approx([7 / 8, 5 / 6, 7 / 16])
    assert math.isnan(table.loc["sch-b", "admitted_by_profile_share"])  # nobody entered
    assert table.loc["sch-a", "org_name"] == "Альфа СОШ"


def test_graduate_aggregates_add_up_to_every_graduate(small: District):
    graduates = len(small.dataset.graduates)
    assert graduates == 25
    assert small.graduates_by_school()["graduates"].sum() == graduates
    for analysis in (small.supply_demand(), small.profile_flows(), small.study_location()):
        assert analysis.sample["graduates"].sum() == graduates
    assert len(small.graduate_rows()) == graduates
    assert len(small.graduate_rows("2021-2022", org_id="sch-a")) == 16


def test_supply_demand_against_the_vacancies(small: District):
    analysis = small.supply_demand("2021-2022")
    table = analysis.table.set_index(["territory", "ugs_code"])
    district = table.loc[("district", "15.00.00")]
    assert (district["vacancies"], district["graduates_entered"], district["graduates_on_list"],
            district["gap"]) == (5, 3, 3, 2)  # 2 СПО 15.02.16 + «Технология машиностроения»
    republic = table.loc[("republic", "09.00.00")]
    assert (republic["vacancies"], republic["graduates_on_list"], republic["gap"]) == (10, 4, 6)
    assert republic["territory_label"] == "республика"
    sample = analysis.sample.set_index("reason")["graduates"]
    assert sample.to_dict() == {"included": 7, "not_admitted": 16, "unresolved": 2}


def test_profile_flows_with_the_profiles_names(small: District):
    table = small.profile_flows().table.set_index("ugs_code")
    assert table["graduates"].to_dict() == {"09.00.00": 4, "15.00.00": 3}
    assert table["share"].tolist() == pytest.approx([4 / 7, 3 / 7])
    assert set(table["profile_label"]) == {"технологический"} and table["by_profile"].all()


def test_specialty_review_groups_the_unresolved_names(small: District):
    review = small.specialty_review()
    assert review["graduates"].sum() == 2  # the formula and the «<b>жирный</b> колледж»
    assert set(review["resolved_by"]) == {"unresolved"}


# --------------------------------------------------------------------------------------------
# the analyst's questions, names and errors (issue 19)


def test_grade_11_admissions_by_profile_per_school_without_personal_rows(small: District):
    # sch-a grade 11: 4 ВО 09.03.01 + 1 СПО «Технология машиностроения» by the technological
    # profile, 1 СПО unresolved (in the denominator, not the numerator)
    table = small.admissions_by_profile("2021-2022", grade=11)
    assert list(table.columns) == ["year", "org_id", "org_name", "grade", "graduates",
                                   "admitted", "admitted_checked", "admitted_by_profile",
                                   "admitted_by_profile_share"]
    assert table["org_id"].tolist() == ["sch-a"]  # the only school with grade-11 graduates
    row = table.iloc[0]
    assert (row["grade"], row["graduates"], row["admitted"], row["admitted_checked"],
            row["admitted_by_profile"]) == (11, 6, 6, 6, 5)
    assert row["admitted_by_profile_share"] == pytest.approx(5 / 6)


def test_the_two_grades_add_up_to_the_indicator_tables_counts(small: District):
    both = small.graduates_by_school("2021-2022").set_index("org_id")
    nine = small.graduates_by_school("2021-2022", grade=9).set_index("org_id")
    eleven = small.graduates_by_school("2021-2022", grade=11).set_index("org_id")
    counts = ["graduates", "admitted", "admitted_checked", "admitted_by_profile",
              "grade11_checked", "ege_match", "in_demand"]
    total = nine[counts].add(eleven[counts], fill_value=0).astype("int64")
    pd.testing.assert_frame_equal(total.sort_index(), both[counts].astype("int64").sort_index(),
                                  check_names=False)
    assert nine.loc["sch-a", "admitted_by_profile_share"] == 1.0  # 2 СПО 15.02.16 of 2
    with pytest.raises(ValueError, match="только 9 и 11"):
        small.graduates_by_school(grade=10)


def test_lagging_schools_with_their_change(small: District):
    lagging = small.lagging("diagnostics_share")
    assert lagging["org_id"].tolist() == ["sch-d"]
    row = lagging.iloc[0]
    assert row["position"] == "far_below" and row["share"] == pytest.approx(10 / 200)
    assert {"prev_year", "prev_value", "change", "p_value", "significant"} <= set(lagging)


def test_funnel_of_a_count_or_a_preschool_share_is_refused_by_name(small: District):
    with pytest.raises(ValueError, match=r"«class_hours» не доля школ \(количество.*"
                                         r"diagnostics_share"):
        small.funnel("class_hours")
    with pytest.raises(ValueError, match="preschool_clubs_share.*не доля школ"):
        small.funnel("preschool_clubs_share")


def test_an_unknown_school_lists_the_codes_there_are(tiny_district: District):
    with pytest.raises(ValueError, match=r"«sch-zz».*есть: dou-1, nosh, sch-a, sch-b, sch-c, uo"):
        tiny_district.school_trend("sch-zz")


def test_organizations_is_named_after_the_file_and_the_old_name_still_works(
        tiny_district: District):
    assert District.organisations is District.organizations
    pd.testing.assert_frame_equal(tiny_district.organizations(), tiny_district.organisations())


def test_calls_are_computed_once_per_district_and_hand_out_copies(small: District, monkeypatch):
    import proforient.explore as explore

    calls = []
    real = explore.funnels
    monkeypatch.setattr(explore, "funnels", lambda *a, **k: calls.append(1) or real(*a, **k))
    fresh = District(small.results)
    first = fresh.funnel("diagnostics_share")
    first.loc[:, "share"] = -1.0  # the caller's frame is the caller's
    again = fresh.funnel("diagnostics_share")
    fresh.funnel("proektoria_share")
    assert len(calls) == 1  # every funnel of the year at once, whatever the indicator
    assert (again["share"] >= 0).all()
    trend = fresh.trends()
    trend.loc[:, "value"] = -1.0
    assert (fresh.trends()["value"].dropna() >= 0).all()
    analysis = fresh.supply_demand()
    analysis.table.loc[:, "gap"] = -999
    assert (fresh.supply_demand().table["gap"] != -999).all()


def test_an_analysis_shows_as_a_short_line_and_an_html_table(small: District):
    analysis = small.supply_demand("2021-2022")
    text = repr(analysis)
    assert len(text) < 400 and "\n" not in text
    assert "учтены 7 из 25 выпускников" in text  # the sample of test_supply_demand_...
    html = analysis._repr_html_()
    assert "<table" in html and "учтены 7 из 25" in html


@pytest.fixture(scope="module")
def demo() -> District:
    return open_district()


def test_in_demand_groups_nobody_chose(demo: District):
    unchosen = demo.unchosen_demand()
    table = demo.supply_demand(demo.latest_year).table
    expected = table[table["graduates_on_list"] == 0]
    assert len(unchosen) == len(expected) > 0
    assert (unchosen["graduates_on_list"] == 0).all()
    assert set(unchosen["ugs_code"]) == set(expected["ugs_code"])


@pytest.mark.slow
def test_reports_for_two_schools_from_a_cell(small: District, tmp_path: Path, capsys):
    result = small.run_reports(["sch-a", "sch-b"], out_dir=tmp_path / "out", jobs=2,
                               progress=False)
    assert not result.failed
    assert sorted(r.name for r in result.run) == ["district", "graduates", "sch-a", "sch-b"]
    assert all((result.out_dir / r.output).is_file() for r in result.run)
    assert "сформировано 4 из 4" in capsys.readouterr().out
    with pytest.raises(ValueError, match="sch-zz"):
        small.run_reports("sch-a, sch-zz", out_dir=tmp_path / "other")


def test_the_funnel_is_the_reports_funnel(demo: District):
    from proforient.report.facts.funnels import funnels
    from proforient.report.facts.orgs import organisations
    from proforient.report.facts.scorecard import scorecard

    year = demo.latest_year
    orgs = organisations(demo.results, year)
    card = scorecard(demo.results.indicators, demo.params.roadmaps.definitions_for(year), orgs,
                     year)
    reports = funnels(card, orgs.loc[orgs["kind"] == "school", "org_id"])
    for indicator in reports["indicator_id"].unique():
        mine = demo.funnel(indicator).set_index("org_id")
        theirs = reports[reports["indicator_id"] == indicator].set_index("org_id")
        assert set(mine.index) == set(theirs.index)
        pd.testing.assert_frame_equal(
            mine.loc[theirs.index, ["numerator", "denominator", "share", "p0", "target",
                                    "position"]],
            theirs[["numerator", "denominator", "share", "p0", "target", "position"]])
