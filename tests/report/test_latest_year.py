"""The demo's latest year (2025-2026, the federal model «профминимум»): its district page and a
school page render and name the federal indicators in Russian, with levels as words."""

from __future__ import annotations

import re

import pytest

from proforient.demo import YEARS
from proforient.report.text import typography
from tests.conftest import PARAMS

pytestmark = pytest.mark.slow

FEDERAL_TITLES = (
    "Уровень реализации профминимума в ОО (доля ОО на основном или продвинутом уровне)",
    "Доля обучающихся 6-11 классов, набравших часы уровня профминимума своей ОО",
    "Доля обучающихся 6-11 классов, освоивших курс «Россия — мои горизонты»",
    "Доля обучающихся 6-11 классов, прошедших онлайн-диагностику «Билет в будущее»",
    "Доля обучающихся 6-11 классов, побывавших на экскурсиях и днях открытых дверей "
    "на предприятиях",
)


@pytest.fixture(scope="module")
def latest_ctx():
    from proforient.report.context import build_context
    from proforient.report.publication import prepare

    ctx = prepare(build_context(None, None, PARAMS))
    assert ctx.year == YEARS[-1] == "2025-2026"
    return ctx


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def test_district_page_names_the_federal_indicators(latest_ctx):
    from proforient.report.district.page import DistrictReport

    text = text_of(DistrictReport(latest_ctx).page().html)
    for title in FEDERAL_TITLES:
        assert text_of(typography(title)) in text, title
    # the level's district value is a count of schools against a share of schools
    assert "не менее 60 % ОО" in text
    assert not re.search(r"не менее 0,\d", text)


def test_school_page_shows_the_level_as_a_word(latest_ctx):
    from proforient.report.school.page import SchoolReport

    # sch-01 chose «продвинутый» in the demo (proforient/demo.py, _PROFMIN_FIRST)
    text = text_of(SchoolReport(latest_ctx, "sch-01").page().html)
    assert "продвинутый" in text
    assert "основной или продвинутый" in text


def test_seven_years_of_study_places_fit_the_page_and_the_legend_covers_no_bar(latest_ctx):
    """Every year of the demo (seven) in «Где учатся поступившие»: a row per year (a column
    pair per year ran off the printed page after four), and the chart's legend outside the
    bars (inside, it covered the bars of the last years), and no more years in it than it has
    styles (the seventh was drawn like the first)."""
    from proforient.report import html
    from proforient.report.graduates import page as graduates_page
    from proforient.report.text import year_label
    from tests.report.geometry import marks_under_legends
    from tests.report.reading import tables

    covered: list[str] = []
    series: list[int] = []

    def measure(fig, alt, **kw):
        covered.extend(f"{alt}: {x}" for x in marks_under_legends(fig))
        series.append(len(fig.axes[0].get_legend().get_texts()))
        return html.figure(fig, alt, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(graduates_page, "figure", measure)
        section = graduates_page.GraduatesReport(latest_ctx).study_places().html
    assert covered == []
    assert series == [4]  # the last four years: six styles, no two years drawn alike
    (places,) = tables(section)
    assert len(places[0]) <= 10
    assert [r[0] for r in places[1:]] == [year_label(y) for y in YEARS]


def test_seven_years_of_trends_keep_their_year_labels_apart(latest_ctx):
    """A school's trend panels over the demo's seven years: the year labels stood side by side
    and ran into one another («19/2020/2121/22…»); no text of the page's charts may touch
    another."""
    from proforient.report import html
    from proforient.report.school import page as school_page
    from tests.report.geometry import text_clashes

    clashes: list[str] = []
    alts: list[str] = []

    def measure(fig, alt, **kw):
        alts.append(alt)
        clashes.extend(f"{alt}: {x}" for x in text_clashes(fig))
        return html.figure(fig, alt, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(school_page, "figure", measure)
        school_page.SchoolReport(latest_ctx, "sch-01").page()
    assert "Доли школы и района по годам" in alts
    assert clashes == []


def test_the_district_column_stays_when_hiding_it_frees_nothing(latest_ctx):
    # sch-13's 2 graduates of grade 11 are the district's total less the other schools'
    # totals, whatever the district's shares beside each table show: deciding the publication
    # again with every share hidden freed nothing, so the first decision stands and every
    # school page keeps its «район» column (it used to read «×» throughout)
    from proforient.report import cells
    from proforient.report.school.page import SchoolReport
    from tests.report.attacker import quantities

    pinned = latest_ctx.publications["school:sch-13"].pinned_elsewhere
    assert cells.destination("sch-13", "2025-2026", 11, None) in pinned
    shares = {cells.district_destination("2025-2026", grade, "spo")[2] for grade in (9, 11)}
    shown = {key: text for key, text in quantities(SchoolReport(latest_ctx, "sch-01")
                                                   .destinations().html) if key in shares}
    assert shown.keys() == shares
    assert all(re.fullmatch(r"\d+,\d\s?%", text) for text in shown.values()), shown
