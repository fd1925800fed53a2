"""Chart functions: fixed layouts, black-and-white marks, axes to the data, no pyplot state."""

from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

from proforient.compute.stats import funnel_limits
from proforient.report import charts
from proforient.report.html import figure
from tests.report.geometry import cut_marks, drawn_texts, text_clashes


def _texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _svg(markup: str) -> str:
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', str(markup)).group(1)
    return base64.b64decode(data).decode("utf-8")


def test_figure_size_is_panels_plus_margins():
    with charts.figure(3.0, 2.0, 1, 2, left=0.5, right=0.1, top=0.4, bottom=0.6,
                       wgap=0.3) as (fig, axes):
        assert len(axes) == 2
        width, height = fig.get_size_inches()
    assert (width, height) == pytest.approx((0.5 + 0.1 + 2 * 3.0 + 0.3, 0.4 + 0.6 + 2.0))


def test_figures_are_not_registered_and_text_stays_text():
    before = plt.get_fignums()
    with charts.figure(3, 2) as (fig, ax):
        ax.set_title("Школа $100$ «<b>»")  # a $ in a name is printed, not parsed as maths
        markup = figure(fig, "проверка", caption="подпись <i>")
    assert plt.get_fignums() == before
    svg = _svg(markup)
    assert svg.startswith("<svg") and "Школа $100$ «&lt;b&gt;»" in svg  # text, escaped
    assert "<metadata>" not in svg
    assert "<figcaption>подпись &lt;i&gt;</figcaption>" in str(markup)
    assert 'alt="проверка"' in str(markup)


def test_grade_bars_axis_fits_small_shares_and_the_target():
    with charts.figure(4, 2) as (_fig, ax):
        charts.grade_bars(ax, [6, 7, 8], [0.05, 0.08, 0.02], [0.07, 0.06, 0.04], target=0.10)
        # the highest mark is the 10 % target: the axis ends 15 % above it and a marker's
        # size more, not at 100 %
        low, high = ax.get_ylim()
        assert low == 0 and 0.115 < high < 0.13
        assert any(abs(line.get_ydata()[0] - 0.10) < 1e-12 for line in ax.get_lines()
                   if len(line.get_ydata()) == 2)  # the target line is drawn
        assert {p.get_hatch() for p in ax.patches} == {"//"}
        assert list(ax.get_xticks()) == [6, 7, 8]  # the grades drawn, not 1–11


def test_funnel_plot_marks_the_school_labels_points_and_two_limit_styles():
    n = np.array([50, 80, 120, 200, 300, 400])
    share = np.array([0.80, 0.82, 0.78, 0.81, 0.79, 0.10])
    limits = funnel_limits(0.7, np.arange(10, 450, 10))  # both levels, tidy
    with charts.figure(5, 3) as (_fig, ax):
        charts.funnel_plot(ax, n, share, p0=0.7, limits=limits, target=0.8,
                           highlight=[True, False, False, False, False, False],
                           labels=["Школа 0", "", "", "", "", "Школа 5"])
        assert sorted(_texts(ax)) == ["Школа 0", "Школа 5"]
        styles = {line.get_linestyle() for line in ax.get_lines()}
        assert {"--", ":"} <= styles
        low, high = ax.get_ylim()
        assert low < 0.10 < 0.82 < high  # every school is inside the axis


def test_interval_and_bar_charts_return_their_axes():
    labels = ["Первый показатель", "Второй"]
    with charts.figure(4, 1.5, 1, 3) as (_fig, axes):
        ax = charts.interval_plot(axes[0], labels, [0.4, 0.7], low=[0.3, 0.6], high=[0.5, 0.8],
                                  refs=[("район", [0.5, 0.5], charts.DISTRICT)],
                                  target=[0.8, np.nan])
        assert ax is axes[0]
        assert [t.get_text() for t in ax.get_yticklabels()] == labels
        ax = charts.paired_bars(axes[1], ["а", "б"], [("вакансии", [5, np.nan]),
                                                     ("поступили", [2, 7])],
                                marks=[["", "не указано"], ["<3", ""]])
        assert sorted(_texts(ax)) == ["<3", "не указано"]
        assert charts.share_bars(axes[2], ["а", "б"], [("2021", [0.2, 0.4])]) is axes[2]
        assert axes[2].get_xlim() == pytest.approx((0, 0.46))


def test_wrap_and_label_width():
    text = "Доля обучающихся 5-11 классов, прошедших диагностику профессиональных предпочтений"
    wrapped = charts.wrap(text, 20, 2)
    assert len(wrapped.splitlines()) == 2 and wrapped.endswith("…")
    assert all(len(line) <= 21 for line in wrapped.splitlines())
    assert charts.label_width(["ab", "abcd\nx"]) == pytest.approx(4 * charts.CHAR_WIDTH + 0.3)


def test_funnel_labels_of_close_points_do_not_overlap():
    n = np.array([100, 102, 104, 300])
    share = np.array([0.50, 0.505, 0.51, 0.8])
    limits = funnel_limits(0.7, np.arange(10, 400, 10))
    with charts.figure(4, 3) as (fig, ax):
        charts.funnel_plot(ax, n, share, p0=0.7, limits=limits,
                           labels=["Первая школа", "Вторая школа", "Третья школа", ""])
        assert len(ax.texts) == 3
        # where each label's middle sits, in points: the point plus the label's offset
        scale = 72 / fig.dpi
        heights = sorted(ax.transData.transform(t.xy)[1] * scale + t.xyann[1]
                         for t in ax.texts)
        points = sorted(ax.transData.transform((x, y))[1] * scale
                        for x, y in zip(n[:3], share[:3], strict=True))
        assert points[1] - points[0] < 8  # the points themselves are closer than a line
        # 8-point text: its lines are ~11 points apart, and so are the labels
        assert all(b - a >= 11 - 1e-6 for a, b in zip(heights, heights[1:], strict=False))


def test_grade_bars_write_zero_where_nobody_took_part():
    with charts.figure(3, 2) as (_fig, ax):
        charts.grade_bars(ax, [5, 6], [0.0, 0.3], [0.2, 0.2], target=None)
        assert _texts(ax) == ["0"]


LONG = "Муниципальное бюджетное общеобразовательное учреждение Верхнеольховская СОШ"


def test_funnel_labels_stay_inside_the_axes_under_the_title_and_apart():
    # worst case: schools crowded at the top of the axis, labelled with long names
    n = np.array([20, 40, 80, 150, 300, 400])
    share = np.array([1.0, 1.0, 0.98, 0.99, 0.97, 0.0])
    limits = funnel_limits(0.7, np.arange(10, 450, 10))
    width = charts.fitted_width(4.6, 2, left=0.65, wgap=0.55)
    title = charts.title_wrap("Доля обучающихся 5–11 классов, прошедших диагностику "
                              "профессиональных предпочтений", width)
    with charts.figure(width, 2.2, 1, 2, top=charts.text_height([title]) + 0.2, bottom=0.95,
                       left=0.65, wgap=0.55) as (fig, axes):
        for ax in axes:
            charts.funnel_plot(ax, n, share, p0=0.7, limits=limits, target=0.8,
                               labels=[charts.wrap(f"{LONG} {i}", 22, 2) for i in range(6)])
            ax.set_title(title)
        assert text_clashes(fig) == []
        assert cut_marks(fig) == []  # the schools at 0 % and 100 % are whole
        top = axes[0].get_window_extent().y1 * 72 / fig.dpi
        labels = [b for b in drawn_texts(fig) if "Верхнеольховская" in b.text
                  or b.text.startswith("Муниципальное")]
        assert len(labels) == 12 and all(b.y1 <= top + 1 for b in labels)


def test_trend_dots_show_over_the_district_and_zero_is_not_cut():
    with charts.figure(2.0, 1.45) as (fig, ax):
        charts.trend_lines(ax, ["19/20", "20/21", "21/22"], [0.0, 0.3, 0.3], [0.0, 0.3, 0.2])
        school, district = ax.get_lines()[1], ax.get_lines()[0]
        assert school.get_color() == charts.SCHOOL["color"]
        assert school.get_zorder() > district.get_zorder()
        assert district.get_markerfacecolor() == "none"  # hollow: an equal school dot shows
        assert cut_marks(fig) == []  # 0 % is drawn whole


def test_long_titles_are_wrapped_whole_and_fit_their_panel():
    title = ("Количество профориентационных экскурсий и мероприятий с участием "
             "предприятий/учреждений")
    width = charts.fitted_width(2.35, 3, left=0.55, wgap=0.5)
    wrapped = charts.title_wrap(title, width, size=8.5, max_lines=5)
    assert "…" not in wrapped and wrapped.replace("\n", " ") == title
    with charts.figure(width, 1.45, 1, 3, top=charts.text_height([wrapped], 8.5) + 0.15,
                       left=0.55, wgap=0.5) as (fig, axes):
        assert fig.get_size_inches()[0] <= charts.PRINT_WIDTH + 1e-9
        for ax in axes:
            charts.trend_lines(ax, ["19/20", "20/21"], [0.5, 0.6], [0.4, 0.5])
            ax.set_title(wrapped, fontsize=8.5)
        assert text_clashes(fig) == []


def test_a_figure_is_never_wider_than_a_printed_page():
    with charts.figure(4.6, 2.0, 1, 3) as (fig, _axes):
        assert fig.get_size_inches()[0] == pytest.approx(charts.PRINT_WIDTH)
