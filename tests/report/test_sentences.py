"""Every sentence true: one ranking behind every «Главное», one meaning per status word, bases
stated, and each claim of the demo's «Главное» checked against the frame it came from (issue
«Every sentence true»)."""

from __future__ import annotations

import dataclasses
import math
import re

import pandas as pd
import pytest

from proforient.report.district import findings as district_findings
from proforient.report.district.page import DistrictReport
from proforient.report.facts.ranking import RULE, concerns, ranking
from proforient.report.facts.scorecard import MISSING_INPUT
from proforient.report.graduates.page import GraduatesReport
from proforient.report.html import plain_text
from proforient.report.landing import landing
from proforient.report.school import findings as school_findings
from proforient.report.school.page import SchoolReport
from proforient.report.text import percent
from tests.report.reading import row, tables

LAG = "отстаёт от района сильнее, чем объясняется её размером"
LAG_MANY = "Отстают от района сильнее, чем объясняется их размером"


def words(items) -> list[str]:
    return [" ".join(plain_text(s).replace("\xa0", " ").split()) for s in items]


def text(html) -> str:
    return " ".join(plain_text(html).replace("\xa0", " ").split())


@pytest.fixture(scope="module")
def district(demo_ctx) -> DistrictReport:
    return DistrictReport(demo_ctx)


@pytest.fixture(scope="module")
def schools(demo_ctx) -> dict[str, SchoolReport]:
    ids = demo_ctx.facts.orgs.loc[demo_ctx.facts.orgs["kind"] == "school", "org_id"]
    return {o: SchoolReport(demo_ctx, o) for o in ids}


@pytest.fixture(scope="module")
def school_headlines(schools) -> dict[str, list[str]]:
    return {o: words(school_findings.headline(r.cards, r.a, r.rank)) for o, r in schools.items()}


# --------------------------------------------------------------------------------------------
# the ranking, hand-worked


def _card(rows):
    return pd.DataFrame(rows, columns=["org_id", "number", "indicator_id", "kind", "numerator",
                                       "denominator", "value", "target", "gap",
                                       "district_value", "status"])


def test_ranking_lags_only_outside_the_outer_limit_and_meets_a_third_missed():
    card = _card([
        # a: far below on x (10 % against 30 %), its two other targets met
        ["a", 1, "x", "share", 10, 100, 0.10, 0.2, 10, 0.30, "not_met"],
        ["a", 2, "y", "share", 90, 100, 0.90, 0.2, 0, 0.30, "met"],
        ["a", 3, "z", "flag", 1, 1, 1.0, 1.0, math.nan, 0.9, "met"],
        # b: only below the inner limit on x; 2 of 3 targets missed
        ["b", 1, "x", "share", 20, 100, 0.20, 0.2, 0, 0.30, "met"],
        ["b", 2, "y", "share", 10, 100, 0.10, 0.2, 10, 0.30, "not_met"],
        ["b", 3, "z", "flag", 0, 1, 0.0, 1.0, math.nan, 0.9, "not_met"],
        # c: 1 of 3 missed (not two), nobody to count on y: not applicable, not a target
        ["c", 1, "x", "share", 30, 100, 0.30, 0.2, 0, 0.30, "met"],
        ["c", 2, "y", "share", 0, 0, math.nan, 0.2, math.nan, 0.30, "not_applicable"],
        ["c", 3, "z", "flag", 0, 1, 0.0, 1.0, math.nan, 0.9, "not_met"],
    ])
    funnels = pd.DataFrame({"org_id": ["a", "b", "c"], "indicator_id": ["x", "x", "x"],
                            "position": ["far_below", "below", "inside"]})
    # the status b's report hides is not counted as missed
    statuses = card[["org_id", "indicator_id", "status"]].copy()
    found = concerns(card, statuses, funnels)
    assert list(found.loc[found["lagging"], "org_id"]) == ["a"]
    assert found.loc[found["lagging"], "lag_points"].iloc[0] == pytest.approx(20.0)
    ranked = ranking(found).set_index("org_id")
    assert list(ranked.index) == ["a", "b", "c"]
    assert ranked.loc["a", "lagging"] == ("x",) and ranked.loc["a", "first"]
    assert (ranked.loc["b", "not_met"], ranked.loc["b", "targets"]) == (2, 3)
    assert ranked.loc["b", "missed_third"] and ranked.loc["b", "first"]
    assert ranked.loc["c", "targets"] == 2 and not ranked.loc["c", "first"]
    hidden = statuses.assign(status=statuses["status"].where(
        ~((statuses["org_id"] == "b") & (statuses["indicator_id"] == "z")), "hidden"))
    again = ranking(concerns(card, hidden, funnels)).set_index("org_id")
    assert again.loc["b", "not_met"] == 1 and not again.loc["b", "first"]


# --------------------------------------------------------------------------------------------
# one list of lagging schools on every page


def test_one_list_of_lagging_schools_on_the_index_the_district_and_every_school(
        demo_ctx, district, schools, school_headlines):
    short = dict(zip(demo_ctx.facts.orgs["org_id"], demo_ctx.facts.orgs["short"], strict=True))
    rank = district.ranking
    lagging = set(rank.loc[rank["lagging"].map(len) > 0, "org_id"])
    assert lagging  # the demo has schools far below the district
    main = words(district.headline())
    said = next(s for s in main if s.startswith(LAG_MANY))
    named = {o for o, n in short.items() if re.search(re.escape(n) + r"(?![\w ]*№)", said)}
    assert named & set(rank["org_id"]) == lagging
    # the index repeats the district's «Главное» word for word
    index = landing(demo_ctx)
    assert words(index.headline) == main
    # and its table of schools never says «нет при цели да» of a flag
    assert not any("нет при цели да" in w for w in index.schools["weakest"])
    assert any("«нет», а нужно «да»" in w for w in index.schools["weakest"])
    # every school report says «отстаёт» exactly when the ranking says so, in «Главное» and in
    # its place among the schools
    for org, report in schools.items():
        main_says = any(LAG in s for s in school_headlines[org])
        place = text(report.place().html) if report.a.applies("place") else ""
        assert main_says == (org in lagging), org
        assert (LAG in place) == (org in lagging), org


def test_whom_to_meet_first_is_one_list_worded_once(district):
    short = dict(zip(district.facts.orgs["org_id"], district.facts.orgs["short"], strict=True))
    clause = district_findings.meet_first_text(district.ranking, short)
    first = district.ranking[district.ranking["first"]]
    assert clause.startswith("встретиться со школами: ")
    assert all(short[o] in clause for o in first["org_id"])
    main = " ".join(words(district.headline()))
    grid = text(district.status_grid().html)
    assert clause in main
    assert clause[0].upper() + clause[1:] + "." in grid
    assert "где не достигнуто больше всего целей" not in grid
    # the rule is stated where the lists are read
    assert RULE in text(district.appendix().html)


def test_a_school_met_first_says_why_with_the_ranking_numbers(district, schools,
                                                              school_headlines):
    for r in district.ranking[district.ranking["first"]].itertuples(index=False):
        said = next(s for s in school_headlines[r.org_id]
                    if s.startswith("Школа — среди тех, с кем управление"))
        if r.missed_third:
            assert f"не достигла трети своих целей ({r.not_met} из {r.targets})" in said
        cards = schools[r.org_id].cards
        for ind in r.lagging:
            row_ = cards.rows[ind]
            assert (f"«{row_.title}» ({percent(row_.value)} при доле района "
                    f"{percent(row_.district_value)})").replace("\xa0", " ") in said


# --------------------------------------------------------------------------------------------
# status words


def test_no_data_only_where_an_input_is_missing_and_not_applicable_where_nobody_to_count(
        schools):
    seen_not_applicable = 0
    for org, report in schools.items():
        card = report.cards.card
        rows = {cells[0]: cells for cells in tables(report.scorecard().html)[0]}
        for r in card.itertuples(index=False):
            cells = rows[str(r.number)]
            if "нет данных" in cells[4]:
                assert r.reason in MISSING_INPUT, (org, r.indicator_id)
            if r.status == "not_applicable":
                seen_not_applicable += 1
                assert cells[4] == "– не относится" and cells[2].startswith("— / нет "), cells
    assert seen_not_applicable >= 5  # ОВЗ of sch-11, ЕГЭ of four СОШ, profile of sch-18


def test_every_indicator_with_a_target_is_accounted_for_in_a_school_main(schools,
                                                                         school_headlines):
    pattern = re.compile(r"Цели дорожной карты по (\d+) показател\w+ школы: достигнута по "
                         r"(\d+) из (\d+)(?:, не достигнута по (\d+))?(?:, нет данных по "
                         r"(\d+))?(?:, по (\d+) значение скрыто)?")
    for org, report in schools.items():
        first = school_headlines[org][0]
        m = pattern.match(first)
        assert m, first
        total, met, of, not_met, no_data, hidden = (int(x or 0) for x in m.groups())
        card = report.cards.card
        counted = card[card["target"].notna() & (card["status"] != "not_applicable")]
        assert total == of == len(counted) == met + not_met + no_data + hidden, org
        for r in card[card["status"] == "not_applicable"].itertuples(index=False):
            assert any(f"«{r.title}» к школе не относится: нет " in s
                       for s in school_headlines[org]), org


def test_the_ovz_school_and_the_universal_profile_schools_do_not_apply(demo_ctx):
    card = demo_ctx.facts.scorecard.set_index(["org_id", "indicator_id"])
    # sch-11 reported 0 pupils with disabilities
    assert card.loc[("sch-11", "ovz_events_share"), "status"] == "not_applicable"
    # sch-18: all 6 leavers stayed for grade 10 — no entrants, profile «не относится»
    assert card.loc[("sch-18", "admitted_by_profile_share"), "status"] == "not_applicable"
    # every 11th-grade leaver of these СОШ has the universal profile: no ЕГЭ by profile to check
    for org in ("sch-05", "sch-07", "sch-10", "sch-13"):
        r = card.loc[(org, "ege_profile_match_share")]
        assert (r["status"], r["denominator"]) == ("not_applicable", 0), org
    ovz = demo_ctx.indicators
    ovz = ovz[(ovz["scope"] == "district") & (ovz["indicator_id"] == "ovz_events_share")
              & (ovz["year"] == demo_ctx.year)].iloc[0]
    # the 20 schools less sch-11
    assert ovz["orgs_total"] == 19


def test_graduates_report_says_does_not_apply_not_no_such_graduates(demo_ctx):
    html = GraduatesReport(demo_ctx).page().html
    assert "нет таких выпускников" not in text(html)
    cells = row(html, "Каменноярская СОШ")
    assert cells[2] == "не относится / нет выпускников 11 класса с профилем, который проверяется"


# --------------------------------------------------------------------------------------------
# bases and labels


def test_graduate_shares_state_their_bases(demo_ctx):
    report = GraduatesReport(demo_ctx)
    main = " ".join(words(report.headline()) if hasattr(report, "headline") else
                    [text(report.summary().html)])
    pub, k = report.pub, report.k
    for ind, base in (("admitted_by_profile_share", "поступивших в колледжи и вузы с профилем"),
                      ("ege_profile_match_share", "выпускников 11 класса с профилем"),
                      ("in_demand_choice_share", "выпускников 9 и 11 классов — всех, и ушедших "
                                                 "в 10 класс")):
        den = int(pub.values[k.indicator(ind, None)[1]])
        assert f"(из {den} {base}" in main, ind
    # a hidden count never leaves a sentence without its subject
    assert "Из них с профилем" not in text(SchoolReport(demo_ctx, "sch-11").graduates().html)


def test_promoted_groups_are_never_oversupplied_on_the_district_list(demo_ctx):
    report = GraduatesReport(demo_ctx)
    main = text(report.summary().html)
    section = text(report.supply_demand().html)
    supply = report.a.supply.table
    supply = supply[supply["year"] == demo_ctx.year]
    over = supply[(supply["territory"] == "district") & (supply["gap"] < 0)]
    steps = section[section.index("Что можно сделать"):]
    for name in over["ugs_name"]:
        assert f"«{name}»" not in steps and f"группы «{name}»" not in main, name
    assert "«Сестринское дело»" not in main
    assert "Специальность не распознана у 33 поступивших" in main


def test_the_department_target_has_one_value(district):
    main = " ".join(words(district.headline()))
    totals = tables(district.district_totals().html)[0]
    seminars = next(r for r in totals if r[0] == "12")
    assert seminars[2] == "1"  # its own number, not «0 из 1 выполнили»
    said = "«Количество районных семинаров и совещаний по профориентации» — 1 при цели не менее 2"
    assert said in main
    assert said.replace("» —", "»:") in text(district.department_activities().html)
    assert "одна или две" not in main
    # «N из M» says of what: the 21st organisation that publishes is the department, not a school
    publications = next(r for r in totals if r[1].startswith("Количество публикаций"))
    applies = publications[-1].split(" из ")[1]
    assert publications[2] == f"20 из {applies} организации выполнили" and applies == "21"
    plans = next(r for r in totals if r[1] == "Доля ОО, в которых есть план "
                                              "профориентационной работы")
    assert plans[2] == "18 из 20 организаций"


def test_labels_read_as_meant(demo_ctx, schools):
    report = schools["sch-11"]
    html = report.scorecard().html
    publications = row(html, "Количество публикаций")
    # schools only: the department is not a school
    assert publications[5] == "19 из 20 школ выполнили" or publications[5].endswith(
        "из 20 школ выполнили")
    for org, r in schools.items():
        page = text(r.scorecard().html) + text(r.summary().html)
        assert not re.search(r"обычно \d+,\d", page), org
        assert "нет при цели да" not in page, org
        assert not re.search(r"не хватает \d+(?!\d)(?! (чел\.|мероприяти))", page), org
    # grade 9 does not enter universities
    dest = row(schools["sch-18"].destinations().html, "высшее образование")
    assert dest[1] == "не относится"


def test_district_main_does_not_leave_out_what_a_reader_should_see(district):
    main = " ".join(words(district.headline()))
    wide = district_findings.widely_missed(district.concerns)
    titles = dict(zip(district.totals["indicator_id"], district.totals["title"], strict=True))
    for r in wide.itertuples():
        assert f"«{titles[r.indicator_id]}» — в {r.not_met} из {r.schools} школ" in main
    zero, near = district_findings.edge_cases(district.concerns, district.ctx.facts.sensitive)
    assert len(zero) and len(near)
    for r in zero.itertuples():
        assert f"«{titles[r.indicator_id]}» (0 из {int(r.denominator)})" in main
    short = district.short
    for r in near.itertuples():
        assert f"{short[r.org_id]} (№ {r.number})" in main
    assert "г.." not in main


def test_targets_sentence_keeps_the_department_apart_and_survives_a_year_without_targets():
    cols = ["number", "indicator_id", "title", "kind", "applies_to", "value", "target",
            "status", "orgs_total", "orgs_met"]
    rows = pd.DataFrame([
        [8, "hours", "Классные часы", "count", ("school",), 40, 1.0, "not_met", 20, 19],
        [12, "seminars", "Семинары", "count", ("department",), 1, 2.0, "not_met", 1, 0],
        [1, "resp", "Ответственный", "flag", ("school",), 0.95, 1.0, "not_met", 20, 19],
    ], columns=cols)
    said = district_findings._targets_sentence(rows).replace("\xa0", " ")
    # the department's count is its number against its target, not «0 из 1»
    assert said == ("То, что должна сделать каждая организация (ответственный, план, "
                    "мероприятия), выполнено всеми по 0 из 2; по остальным 2 не выполнили "
                    "отдельные организации (по 2 — одна организация). Мероприятия управления "
                    "образования: «Семинары» — 1 при цели не менее 2.")
    # a year before the first roadmap has no targets at all
    assert district_findings._targets_sentence(rows.iloc[0:0]) == \
        "У показателей района в дорожной карте нет целей."


def test_a_year_without_targets_has_no_widely_missed_indicator_and_no_one_to_meet():
    card = _card([["a", 1, "x", "share", 10, 100, 0.1, math.nan, math.nan, 0.3, "monitored"],
                  ["b", 1, "x", "share", 30, 100, 0.3, math.nan, math.nan, 0.3, "monitored"]])
    funnels = pd.DataFrame({"org_id": ["a"], "indicator_id": ["x"], "position": ["inside"]})
    found = concerns(card, card[["org_id", "indicator_id", "status"]], funnels)
    assert district_findings.widely_missed(found).empty
    assert not ranking(found)["first"].any()
    zero, near = district_findings.edge_cases(found)
    assert zero.empty and near.empty


def test_a_promoted_group_names_the_schools_the_ranking_puts_below(demo_ctx):
    """«В первую очередь» and section 2 name where to promote the group from one rule: the
    schools clearly below the district in the share entering in-demand specialties. The demo
    has none (every school is within its limits), so both say «во всех школах района»; with two
    schools put below by the ranking (and a third below only in another share), both name
    exactly those two."""
    report = GraduatesReport(demo_ctx)
    every = "во всех школах района (встречи"
    assert every in text(report.summary().html)
    assert every in text(report.supply_demand().html)

    by_school = report.a.by_school.copy()
    shown = [o for o in by_school.loc[by_school["indicator_id"] == "in_demand_choice_share",
                                      "org_id"]
             if report.pub.visible(report.k.indicator("in_demand_choice_share", o)[2])]
    below, other = shown[:2], shown[2]
    demand = by_school["indicator_id"] == "in_demand_choice_share"
    by_school.loc[demand & by_school["org_id"].isin(below), "position"] = "far_below"
    by_school.loc[(by_school["indicator_id"] == "admitted_by_profile_share")
                  & (by_school["org_id"] == other), "position"] = "below"
    report.a = dataclasses.replace(report.a, by_school=by_school)
    names = " и ".join(report.short[o] for o in below)
    phrase = ("прежде всего в школах, где на востребованные специальности поступают заметно "
              f"реже, чем по району: {names} (встречи")
    assert phrase in text(report.summary().html)
    assert phrase in text(report.supply_demand().html)
    assert report.short[other] not in text(report.supply_demand().html)
