"""The report pages (school, district, graduates) as a reader sees them.

Hand-worked figures of the small district (tests/conftest.py), the defects a reader found in
the demo reports (issue «One source for every number»), and what a shared page must never hold.
"""

from __future__ import annotations

import re

import pytest

from proforient.report.context import build_context
from proforient.report.district.page import DistrictReport
from proforient.report.graduates.page import GraduatesReport
from proforient.report.school.analysis import NotASchool
from proforient.report.school.page import SchoolReport
from tests.conftest import FORMULA, PARAMS, small_graduates, write_small_district
from tests.report.attacker import pages, quantities
from tests.report.reading import row, tables


@pytest.fixture(scope="module")
def small_pages(small_ctx) -> dict[str, str]:
    return pages(small_ctx)


@pytest.fixture(scope="module")
def demo_pages(demo_ctx) -> dict[str, str]:
    return pages(demo_ctx)


def text_of(html_fragment) -> str:
    return repr(html_fragment)


# --------------------------------------------------------------------------------------------
# hand-worked figures


def test_scorecard_shows_the_school_the_district_and_its_peers(small_ctx):
    html = SchoolReport(small_ctx, "sch-a").scorecard().html
    header = tables(html)[0][0]
    # the peers are named with their number in the header: the other four СОШ
    assert header[-2:] == ["Район: все школы", "Похожие школы: СОШ (4)"]
    cells = row(html, "прошедших диагностику")
    # 180 of 200; district (180+175+180+180+10)/1000; peers (175+180+10+180)/800
    assert cells[2:] == ["90,0 % / 180 из 200", "не менее 80 %", "✓ достигнуто", "72,5 %",
                         "68,1 %"]


def test_summary_names_the_largest_shortfall_with_its_number(small_ctx):
    summary = text_of(SchoolReport(small_ctx, "sch-d").summary())
    assert summary.startswith("Главное")
    # 80 % of 200 pupils is 160; sch-d reached 10
    assert ("Дальше всего от цели: «Доля обучающихся 5–11 классов, прошедших диагностику "
            "профессиональных предпочтений» — 5,0 % при цели не менее 80 % — не хватает "
            "150 чел.") in summary
    assert not re.search(r"χ|Фишер|Уилсон|p\s*=|интервал", summary)


def test_the_same_gap_everywhere_in_a_school_report(small_ctx):
    html = SchoolReport(small_ctx, "sch-d").page().html
    gaps = [text for key, text in quantities(html) if key == "q|sch-d|diagnostics_share|gap"]
    assert len(gaps) >= 2 and set(gaps) == {"150 чел."}


def test_district_count_target_is_reached_only_when_every_organisation_reaches_it(small_ctx):
    totals = text_of(DistrictReport(small_ctx).district_totals())
    line = next(x for x in totals.splitlines() if x.startswith("8 | Количество классных часов"))
    # sch-b held none: 4 of 5 schools reached «не менее 1», so the district did not
    assert "4 из 5 организаций выполнили" in line and "✗ не достигнуто" in line


def test_trend_change_in_percentage_points(small_ctx):
    trend = text_of(SchoolReport(small_ctx, "sch-a").trend())
    assert "+40,0 п. п." in trend  # 50,0 % → 90,0 %
    assert "п, п," not in trend


def test_association_of_profile_and_group_is_not_tested_on_too_few(small_ctx):
    flows = text_of(GraduatesReport(small_ctx).flows())
    assert "слишком мало данных для проверки" in flows
    assert "χ" not in flows and "Крамер" not in flows


# --------------------------------------------------------------------------------------------
# what applies


def test_a_preschool_or_an_unknown_code_gets_no_school_report(small_ctx):
    with pytest.raises(NotASchool, match="дошкольная организация, а не школа"):
        SchoolReport(small_ctx, "dou-1")
    with pytest.raises(NotASchool, match="организации с кодом «sch-zz» нет в данных"):
        SchoolReport(small_ctx, "sch-zz")


def test_a_primary_school_has_no_graduate_sections(demo_ctx):
    report = SchoolReport(demo_ctx, "sch-20")  # МБОУ Черёмушкинская НОШ: grades 1–4
    assert not report.destinations() and not report.graduates()
    page = text_of(report.page())
    assert "выпускник" not in page.split("Как считалось")[0].lower()
    assert 'id="destinations"' not in report.page().html
    assert "в школе нет 9 и 11 классов" in page  # one line in the appendix says why
    # its peers fell back to the size band, and the header says what the group is
    assert "Похожие школы: до 100 обучающихся (7)" in page


def test_a_school_with_graduates_is_never_said_to_have_none(demo_ctx):
    # Малиновская ООШ (sch-18) has 6 graduates of grade 9
    page = text_of(SchoolReport(demo_ctx, "sch-18").page())
    assert "нет выпускников" not in page
    assert "Выпускников 9 и 11 классов: 6." in page


def test_no_demand_list_is_no_data_on_the_page(tmp_path):
    folder = write_small_district(tmp_path / "data")
    (folder / "demand.csv").unlink()
    ctx = build_context(folder, "2021-2022", PARAMS)
    # sch-b: 6 graduates, none admitted — without the list even its 0 is not known to be 0
    cells = row(SchoolReport(ctx, "sch-b").scorecard().html,
                "поступивших на востребованные специальности")
    assert cells[2:5] == ["— / —", "—", "? нет данных"]
    district = row(DistrictReport(ctx).district_totals().html,
                   "поступивших на востребованные специальности")
    assert district[2] == "—" and "нет данных" in district[4]


# --------------------------------------------------------------------------------------------
# one number, one text


def test_every_repeated_quantity_reads_the_same_across_the_demo_reports(demo_pages):
    seen: dict[str, set[str]] = {}
    for html in demo_pages.values():
        for key, text in quantities(html):
            seen.setdefault(key, set()).add(text)
    assert len(seen) > 1000  # the pages do mark what they show
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}


def test_the_destination_note_quotes_the_district_column_of_its_table(demo_ctx):
    from proforient.report import cells
    from proforient.vocab import DESTINATIONS

    keys = {cells.district_destination(demo_ctx.year, grade, code)[2]
            for grade in (9, 11) for code in (*DESTINATIONS.codes, "admitted")}
    quoted = 0
    for org_id in ("sch-01", "sch-02", "sch-03", "sch-04"):
        texts: dict[str, list[str]] = {}
        for key, text in quantities(SchoolReport(demo_ctx, org_id).destinations().html):
            if key in keys:
                texts.setdefault(key, []).append(text)
        assert all(len(set(v)) == 1 for v in texts.values()), texts  # one text per share
        quoted += sum(len(v) == 2 for v in texts.values())  # the table cell and the note
    assert quoted


# --------------------------------------------------------------------------------------------
# what a shared page must never hold


def test_hostile_names_are_text(small_pages):
    for name, html in small_pages.items():
        assert "<script>" not in html, name
        assert "<b>жирный" not in html, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt; СОШ" in small_pages["school:sch-x"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; СОШ" in small_pages["district"]


def test_names_typed_by_fewer_than_three_graduates_are_not_published(small_pages):
    for name, html in small_pages.items():
        assert "HYPERLINK" not in html and FORMULA not in html, name
        assert "жирный" not in html, name
        assert "secret-" not in html, name  # no graduate id


def test_a_person_typed_into_a_specialty_never_reaches_a_page(tmp_path):
    person = "Иванов Пётр Сергеевич, ул. Лесная 5"
    folder = write_small_district(tmp_path / "data")
    (folder / "graduates.csv").write_text(
        small_graduates() + f"2021-2022;sch-c;typed-0001;9;;;СПО;;;{person};район\n",
        encoding="utf-8")
    ctx = build_context(folder, "2021-2022", PARAMS)
    for name, html in pages(ctx).items():
        assert "Иванов" not in html and "Лесная" not in html, name
        assert "typed-0001" not in html, name


def test_nothing_technical_in_what_the_department_reads(demo_pages, small_pages):
    for name, html in {**demo_pages, **small_pages}.items():
        for leftover in ("parameters/", ".csv", "proforient ", "/work/", "/tmp/", "Traceback",
                         "study_region", "alias"):
            assert leftover not in html, (name, leftover)
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html), name  # dates in words


def test_demo_reports_say_the_data_are_synthetic_and_small_ones_do_not(demo_pages, small_pages):
    assert all("Данные синтетические" in html for html in demo_pages.values())
    assert not any("синтетические" in html for html in small_pages.values())


def test_printed_pages_repeat_the_title_and_number_the_pages(small_pages):
    page = small_pages["school:sch-a"]
    assert '@top-left{content:"МБОУ Альфа СОШ · 2021-2022"' in page
    assert "counter(page)" in page and "@page{size:A4" in page
    # a hostile name cannot close the CSS string nor the style element
    hostile = small_pages["school:sch-x"]
    running = re.search(r'<style class="pf-running">(.*?)</style>', hostile).group(1)
    assert "<" not in running and '\\3C script\\3E alert' in running


def test_a_peer_share_never_pools_counts_the_graduates_report_hides(demo_ctx):
    # sch-15 (ООШ): its peers' in-demand share would be the sum of their counts, two of which
    # the graduates report shows as «<3» — with it, a reader would recover both
    from proforient.report import cells, publication

    grads = publication.graduates(demo_ctx)
    report = SchoolReport(demo_ctx, "sch-15")
    peers = report.cards.peers_of["in_demand_choice_share"]
    hidden = [o for o in peers if not all(
        grads.visible(k) for k in cells.indicator("in_demand_choice_share", o, demo_ctx.year))]
    assert hidden  # the case of the reader's report
    section = report.graduates().html
    cells_ = row(section, "поступивших на востребованные специальности")
    peers_column = "Похожие школы" in tables(section)[0][0][-1]
    # withheld («—»); where no graduate share of the peers is shown, the column is left out
    assert cells_[-1] == "—" if peers_column else len(cells_) == 4
    # where every peer's counts are shown, so is the peers' share (sch-01, ЕГЭ)
    ege = row(SchoolReport(demo_ctx, "sch-01").graduates().html, "выбравших предметы ЕГЭ")
    assert ege[-1].endswith("%")


def test_pupils_with_disabilities_who_did_not_take_part_are_not_given_away(demo_pages):
    # «3 из 4» would tell that one pupil with a disability did not take part
    checked = 0
    for name, html in demo_pages.items():
        if not name.startswith("school:"):
            continue
        shown = dict(quantities(html))
        org = name.removeprefix("school:")
        took = shown.get(f"o|org_id={org}|took_part=1|year=2021-2022", "")
        all_ = shown.get(f"o|org_id={org}|took_part=0,1|year=2021-2022", "")
        if took.isdigit() and all_.isdigit():
            checked += 1
            assert int(all_) - int(took) == 0 or int(all_) - int(took) >= 3, (name, took, all_)
    assert checked >= 5


def test_the_entrants_counted_are_those_the_percentages_are_of(demo_ctx):
    # the reader's report: «Учтены в анализе: 310» over percentages of 332. Now the headline's
    # entrants, the «Всего» of the study-places table and every share's denominator are one
    # count (one key)
    from proforient.report import cells

    report = GraduatesReport(demo_ctx)
    admitted = cells.admitted(None, demo_ctx.year)
    places = report.study_places().html
    shown = quantities(places)
    denominators = {k.removeprefix("share:").split("/")[1] for k, _ in shown
                    if k.startswith("share:") and "year=2021-2022" in k}
    assert denominators == {admitted}
    totals = {t for k, t in shown if k == admitted}
    headline = {t for k, t in quantities(report.summary().html) if k == admitted}
    assert totals == headline == {"332"}
