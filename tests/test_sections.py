"""Report sections on a small hand-made district: real values, privacy, escaping."""

from __future__ import annotations

from dataclasses import replace

import pytest

from proforient.problems import Problem
from proforient.report.common import funnel_table, similar_schools
from proforient.report.context import ReportContext, build_context
from proforient.report.district import sections as report_district
from proforient.report.graduates import sections as report_graduates
from proforient.report.html import Html, Section, fmt_interval, fmt_percent, fmt_target
from proforient.report.privacy import leaked_identifiers
from proforient.report.school import sections as report_school
from tests.conftest import write_dataset

HOSTILE = "<script>alert(1)</script> СОШ"
FORMULA = '=HYPERLINK("http://evil.example","жми")'

ORGANIZATIONS = f"""\
org_id,name,kind,settlement
sch-a,МБОУ Альфа СОШ,school,Альфа
sch-b,МБОУ Бета СОШ,school,Бета
sch-c,МБОУ Гамма СОШ,school,Гамма
sch-d,МБОУ Дельта СОШ,school,Дельта
sch-x,"{HOSTILE}",school,Икс
dou-1,МБДОУ Детский сад «Солнышко»,preschool,Альфа
uo,Управление образования,department,
"""

# diagnostics, grades 5–11: a 180/200, b 175/200, c 180/200, x 180/200, d 10/200 (far below)
_DIAG = {"sch-a": (90, 45, 45), "sch-b": (85, 45, 45), "sch-c": (92, 44, 44),
         "sch-x": (88, 46, 46)}


def _measures() -> str:
    lines = ["year,org_id,measure,grade,value"]
    for org, (g5, g9, g11) in _DIAG.items():
        lines += [f"2021-2022,{org},students,5,100", f"2021-2022,{org},students,9,50",
                  f"2021-2022,{org},students,11,50",
                  f"2021-2022,{org},diagnostics,5,{g5}", f"2021-2022,{org},diagnostics,9,{g9}",
                  f"2021-2022,{org},diagnostics,11,{g11}"]
    lines += ["2021-2022,sch-d,students,5,100", "2021-2022,sch-d,students,9,100",
              "2021-2022,sch-d,diagnostics,5,5", "2021-2022,sch-d,diagnostics,9,5"]
    for org, flag in (("sch-a", 1), ("sch-b", 1), ("sch-c", 0), ("sch-d", 1), ("sch-x", 1)):
        lines.append(f"2021-2022,{org},responsible_appointed,,{flag}")
    for org, hours in (("sch-a", 3), ("sch-b", 0), ("sch-c", 5), ("sch-d", 1), ("sch-x", 2)):
        lines.append(f"2021-2022,{org},class_hours,,{hours}")
    lines += ["2021-2022,uo,district_seminars,,1", "2021-2022,dou-1,children_5_7,,20",
              "2021-2022,dou-1,profile_clubs_5_7,,7", "2021-2022,dou-1,early_plan_approved,,1",
              # the year before, for the trend: sch-a 50 of 100 → 180 of 200 is significant
              "2020-2021,sch-a,students,5,100", "2020-2021,sch-a,diagnostics,5,50"]
    return "\n".join(lines) + "\n"


def _graduates() -> str:
    head = ("year;org_id;graduate_id;grade;profile;ege_subjects;destination;institution;"
            "specialty_code;specialty_name;study_region")
    rows = []

    def add(org, n, grade, destination, profile="", ege="", code="", name="", region=""):
        for _ in range(n):
            rows.append(f"2021-2022;{org};secret-{len(rows):04d};{grade};{profile};{ege};"
                        f"{destination};;{code};{name};{region}")

    # sch-a, grade 9: 10 класс 4, СПО 2, армия 1, работа 3
    add("sch-a", 4, 9, "10 класс")
    add("sch-a", 2, 9, "СПО", "технологический", code="15.02.16", region="район")
    add("sch-a", 1, 9, "армия")
    add("sch-a", 3, 9, "работа")
    # sch-a, grade 11: ВО 4 by profile, СПО 2 with typed names (one hostile, one exact)
    add("sch-a", 4, 11, "ВО", "технологический", "math_profile,physics,russian",
        code="09.03.01", region="республика")
    add("sch-a", 1, 11, "СПО", "технологический", "math_profile,physics",
        name='"' + FORMULA.replace('"', '""') + '"', region="район")
    add("sch-a", 1, 11, "СПО", "технологический", "russian",
        name="Технология машиностроения", region="район")
    add("sch-x", 1, 9, "СПО", "технологический", name="<b>жирный</b> колледж", region="район")
    add("sch-x", 2, 9, "10 класс")
    add("sch-b", 6, 9, "10 класс")
    return "\n".join([head, *rows]) + "\n"


DEMAND = """\
territory,code,title,year,vacancies,source
district,15.00.00,Машиностроение,,5,
republic,09.03.01,Информатика и вычислительная техника,,10,
"""


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ReportContext:
    folder = write_dataset(tmp_path_factory.mktemp("district") / "data",
                           organizations=ORGANIZATIONS, measures=_measures(),
                           graduates=_graduates(), demand=DEMAND)
    return build_context(folder, "2021-2022")


@pytest.fixture(scope="module")
def demo() -> ReportContext:
    return build_context()


def _html(obj: Section | Html) -> str:
    return obj._repr_html_()


@pytest.fixture(scope="module")
def rendered(ctx: ReportContext) -> dict[str, Section | Html]:
    """Every section of the three reports on the hand-made district (each school's too)."""
    out: dict[str, Section | Html] = {}
    for org in ctx.dataset.organizations["org_id"]:
        for fn in (report_school.header, report_school.scorecard,
                   report_school.scorecard_indicators, report_school.participation_by_grade,
                   report_school.destinations, report_school.graduate_alignment,
                   report_school.funnel_place, report_school.trend):
            out[f"school.{fn.__name__}[{org}]"] = fn(ctx, org)
    for fn in (report_district.header, report_district.district_overview,
               report_district.status_heatmap, report_district.funnel_plots,
               report_district.district_totals, report_district.preschools,
               report_district.department_activities, report_district.data_quality,
               report_graduates.header, report_graduates.graduates_overview,
               report_graduates.alignment_by_school, report_graduates.supply_and_demand,
               report_graduates.flows, report_graduates.study_places,
               report_graduates.specialty_review):
        out[f"{fn.__module__}.{fn.__name__}"] = fn(ctx)
    return out


# --------------------------------------------------------------------------------------------
# values


def test_scorecard_row_equals_the_indicator_table(ctx):
    card = report_school.scorecard_table(ctx, "sch-a").set_index("indicator_id")
    table = ctx.indicators
    row = table[(table["year"] == "2021-2022") & (table["org_id"] == "sch-a")
                & (table["indicator_id"] == "diagnostics_share")].iloc[0]
    mine = card.loc["diagnostics_share"]
    assert mine["value"] == pytest.approx(0.9) == pytest.approx(row["value"])
    assert (mine["ci_low"], mine["ci_high"]) == pytest.approx((row["ci_low"], row["ci_high"]))
    assert mine["status"] == row["status"] == "met"
    assert mine["district_value"] == pytest.approx(725 / 1000)
    assert int(mine["district_reporting"]) == 5 and int(mine["district_total"]) == 5
    html = _html(report_school.scorecard(ctx, "sch-a"))
    assert fmt_percent(0.9) == "90,0 %" and "90,0 %" in html
    assert fmt_interval(row["ci_low"], row["ci_high"]) in html
    assert "✓ достигнуто" in html


def test_similar_schools_value_is_the_pooled_share_of_the_other_schools(ctx):
    groups = similar_schools(ctx).set_index("org_id")["similar_group"]
    assert set(groups[["sch-a", "sch-b", "sch-c", "sch-d", "sch-x"]]) == {"СОШ"}
    card = report_school.scorecard_table(ctx, "sch-a").set_index("indicator_id")
    expected = (175 + 180 + 10 + 180) / (200 + 200 + 200 + 200)  # b, c, d, x — not a itself
    assert card.at["diagnostics_share", "similar_value"] == pytest.approx(expected)
    assert card.at["diagnostics_share", "similar_reporting"] == 4
    # flags: share of the other schools with the flag; counts: their median
    assert card.at["responsible_appointed", "similar_value"] == pytest.approx(3 / 4)
    assert card.at["class_hours", "similar_value"] == pytest.approx(1.5)  # median of 0, 5, 1, 2


def test_not_met_flag_and_count_become_notes_and_steps(ctx):
    section = report_school.scorecard(ctx, "sch-c")
    assert any("Не выполнено" in n and "ответственный" in n for n in section.notes)
    assert any("назначен ответственный" in s for s in section.steps)
    section_b = report_school.scorecard(ctx, "sch-b")
    assert any("классных часов" in n for n in section_b.notes)
    assert any("провести ещё 1" in s for s in section_b.steps)


def test_funnel_flags_the_school_constructed_far_below(ctx):
    table = funnel_table(ctx, "diagnostics_share").set_index("org_id")
    assert table.at["sch-d", "position"] == "ниже 99,8 %"
    assert list(table.index[table["position"].str.startswith("ниже")]) == ["sch-d"]
    assert table.attrs["p0"] == pytest.approx(0.725)
    district = report_district.funnel_plots(ctx)
    assert any("Дельта СОШ" in n for n in district.notes)
    assert any("Дельта СОШ" in s for s in district.steps)
    school = report_school.funnel_place(ctx, "sch-d")
    assert any("ниже нижней границы 99,8 %" in n for n in school.notes)


def test_trend_reports_a_significant_rise(ctx):
    data = report_school.trend_data(ctx, "sch-a")
    row = data[(data["indicator_id"] == "diagnostics_share") & (data["year"] == "2021-2022")]
    assert row["prev_value"].iloc[0] == pytest.approx(0.5)
    assert bool(row["significant"].iloc[0])
    section = report_school.trend(ctx, "sch-a")
    assert any("значимо выросла" in n for n in section.notes)


def test_district_totals_show_coverage(ctx):
    html = _html(report_district.district_totals(ctx))
    assert "5 из 5 школ" in html
    assert "1 из 1 организации" in html
    assert fmt_target(1.0, "flag", scope="district") == "≥ 100 %"
    assert fmt_target(1.0, "flag") == "да"


# --------------------------------------------------------------------------------------------
# privacy


def test_destinations_hide_small_counts_and_keep_three(ctx):
    table = report_school.destinations_table(ctx, "sch-a")
    nine = table[table["grade"] == 9].set_index("destination")["graduates"]
    assert nine["spo"] == 2 and nine["army"] == 1 and nine["work"] == 3
    section = report_school.destinations(ctx, "sch-a")
    cells = section.body[0].frame.set_index("Куда ушли")
    assert cells.at["СПО (колледж, техникум)", "9 кл.: чел."] == "<3"
    assert cells.at["армия", "9 кл.: чел."] == "<3"
    assert str(cells.at["работа", "9 кл.: чел."]) == "3"
    assert cells.at["СПО (колледж, техникум)", "9 кл.: доля"] == "—"


def test_small_graduate_shares_are_hidden_in_the_school_report(ctx):
    card = report_school.scorecard_table(ctx, "sch-x").set_index("indicator_id")
    assert card.at["admitted_by_profile_share", "denominator"] == 1
    assert card.at["in_demand_choice_share", "denominator"] == 3
    section = report_school.graduate_alignment(ctx, "sch-x")
    table = section.body[0].frame.set_index("Показатель")
    by_profile = card.at["admitted_by_profile_share", "title"]
    in_demand = card.at["in_demand_choice_share", "title"]
    assert table.at[by_profile, "Школа"] == "—"  # one graduate: the share would be theirs
    assert table.at[by_profile, "Из скольких"] == "— из <3"
    assert table.at[in_demand, "Школа"] == "0,0 %"  # nobody of three: describes no one
    assert any("Поступили в СПО или вуз: <3" in line for line in section.sample)


def test_no_graduate_id_in_any_report(ctx, rendered):
    ids = ctx.aligned["graduate_id"].astype(str)
    assert len(ids) == 25
    for name, obj in rendered.items():
        html = _html(obj)
        assert leaked_identifiers(html, ids) == [], name
        assert leaked_identifiers(repr(obj), ids) == [], name


def test_hostile_names_are_escaped_everywhere(rendered):
    sections = rendered
    for name, obj in sections.items():
        html = _html(obj)
        assert "<script>" not in html, name
        assert "<b>жирный" not in html, name
    header = _html(sections["school.header[sch-x]"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in header
    review = _html(sections["proforient.report.graduates.sections.specialty_review"])
    assert "=HYPERLINK(" in review and '"http://evil.example"' not in review
    assert "&lt;b&gt;жирный&lt;/b&gt; колледж" in review


def test_typed_names_are_listed_for_review_with_suppressed_counts(ctx):
    section = report_graduates.specialty_review(ctx)
    review = section.data["review"]
    assert FORMULA in set(review["specialty_name"])
    shown = section.body[0].frame
    assert set(shown["Выпускников"]) == {"<3"}
    assert FORMULA in set(shown["Как написано"])


# --------------------------------------------------------------------------------------------
# shape of the sections


def test_sections_state_their_sample_and_say_so_when_nothing_is_flagged(ctx):
    section = report_school.destinations(ctx, "sch-b")
    assert section.sample and not section.notes
    html = _html(section)
    assert "На что обратить внимание" in html and "Возможные шаги" in html
    assert section.calm in html
    flows = report_graduates.flows(ctx)
    assert any("Выпускников 2021-2022 года в данных" in s for s in flows.sample)


def test_data_quality_summarises_warnings_without_graduate_rows(ctx):
    problems = [
        Problem("graduates.csv", 5, "profile", "неизвестный профиль «secret-0003»", "warning"),
        Problem("graduates.csv", 9, "profile", "неизвестный профиль «другой»", "warning"),
        Problem("measures.csv", 7, "grade", "класс указан для итогового показателя", "warning"),
    ]
    noisy = replace(ctx, results=replace(ctx.results,
                                        dataset=replace(ctx.dataset, problems=problems)))
    section = report_district.data_quality(noisy)
    html = _html(section)
    assert "secret-0003" not in html and "другой" not in html
    warnings = section.body[-1].frame
    graduates = warnings[warnings["Файл"] == "graduates.csv"].iloc[0]
    assert graduates["Сколько"] == "2" and graduates["Строки"] == ""
    measures = warnings[warnings["Файл"] == "measures.csv"].iloc[0]
    assert measures["Предупреждение"] == "класс указан для итогового показателя"
    assert measures["Строки"] == "7"
    assert any("предупреждений: 3" in n for n in section.notes)
    missing = section.body[0].frame.set_index("№")
    assert missing.at[2, "Нет данных"] == "5 из 5"  # nobody reported plan_approved
    assert 4 not in missing.index  # diagnostics: everyone reported


def test_unknown_org_id_gives_a_russian_error(ctx):
    with pytest.raises(ValueError, match="нет в данных"):
        report_school.scorecard(ctx, "sch-zz")


def test_header_has_the_synthetic_banner_only_for_demo_data(ctx, demo):
    assert "синтетические" not in _html(report_district.header(ctx))
    header = _html(report_school.header(demo, "sch-01"))
    assert "Внимание: данные синтетические" in header
    for text in (demo.dataset.name, demo.year, demo.generated.strftime("%Y-%m-%d %H:%M"),
                 demo.version,
                 "МБОУ Ключевская СОШ № 1"):
        assert text in header


def test_demo_reports_leak_no_graduate_id(demo):
    ids = demo.aligned["graduate_id"].astype(str)
    outputs = [report_school.destinations(demo, "sch-15"),
               report_school.graduate_alignment(demo, "sch-15"),
               report_graduates.alignment_by_school(demo),
               report_graduates.specialty_review(demo), report_district.data_quality(demo)]
    for obj in outputs:
        assert leaked_identifiers(_html(obj), ids) == []


def test_school_sections_work_for_a_primary_school_and_a_preschool(demo):
    for org in ("sch-20", "dou-01"):
        for fn in (report_school.scorecard, report_school.participation_by_grade,
                   report_school.destinations, report_school.graduate_alignment,
                   report_school.funnel_place, report_school.trend):
            assert isinstance(fn(demo, org), Section)


def test_percent_format_is_russian():
    assert fmt_percent(0.857) == "85,7 %"
    assert fmt_percent(float("nan")) == "—"


def test_html_fragment_has_a_plain_text_twin():
    html = Html("<p>x &amp; y</p><ul><li>z</li></ul>")
    assert repr(html) == "x & y\nz"
