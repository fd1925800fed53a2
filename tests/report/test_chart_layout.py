"""Every chart of the demo reports, measured as drawn: no text over another or off the figure,
no mark cut by its axes, and every text readable on an A4 page at the figure's own size.

The charts are caught where a page embeds them (:func:`proforient.report.html.figure`) and
measured there, inside the report's style (issue 18: funnel labels over titles, trend titles
cut and printed at ~5 pt, dots clipped at 0).
"""

from __future__ import annotations

import pytest

from proforient.report import charts, html
from proforient.report.district import page as district_page
from proforient.report.graduates import page as graduates_page
from proforient.report.school import page as school_page
from tests.report.geometry import cut_marks, drawn_texts, text_clashes

SCHOOLS = ("sch-01", "sch-05", "sch-12", "sch-15", "sch-19")


@pytest.fixture(scope="module")
def demo_charts(demo_ctx) -> list[dict]:
    """What each chart of the district, graduates and a few school reports draws."""
    measured: list[dict] = []

    def measure(fig, alt, **kw):
        measured.append({"alt": alt, "width": float(fig.get_size_inches()[0]),
                         "texts": drawn_texts(fig), "clashes": text_clashes(fig),
                         "cut": cut_marks(fig)})
        return html.figure(fig, alt, **kw)

    with pytest.MonkeyPatch.context() as mp:
        for module in (district_page, graduates_page, school_page):
            mp.setattr(module, "figure", measure)
        district_page.DistrictReport(demo_ctx).page()
        graduates_page.GraduatesReport(demo_ctx).page()
        for org in SCHOOLS:
            school_page.SchoolReport(demo_ctx, org).page()
    return measured


def test_the_demo_reports_have_their_charts(demo_charts):
    alts = {c["alt"] for c in demo_charts}
    assert "Доли школы и района по годам" in alts  # the trend panels
    assert any(a.startswith("Воронки") for a in alts)
    assert any(a.startswith("Положение школы") for a in alts)
    assert len(demo_charts) >= 15


def test_no_text_overlaps_another_or_leaves_the_figure(demo_charts):
    clashes = [f"{c['alt']}: {x}" for c in demo_charts for x in c["clashes"]]
    assert not clashes, "\n".join(clashes)


def test_every_chart_prints_at_its_size_with_readable_text(demo_charts):
    for chart in demo_charts:
        assert chart["width"] <= charts.PRINT_WIDTH + 1e-9, chart["alt"]
        small = [(t.text, t.size) for t in chart["texts"] if t.size < charts.MIN_FONT]
        assert small == [], chart["alt"]


def test_no_mark_is_cut_by_its_axes(demo_charts):
    cut = [f"{c['alt']}: {x}" for c in demo_charts for x in c["cut"]]
    assert not cut, "\n".join(cut)
