"""Chart functions: seaborn-style signatures, B&W-readable marks, no pyplot state."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from proforient.report import charts
from proforient.report.html import figure_html


def _texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


@pytest.fixture
def funnel_data() -> pd.DataFrame:
    n = np.array([50, 80, 120, 200, 300, 400])
    share = np.array([0.80, 0.82, 0.78, 0.81, 0.79, 0.10])  # the last school far below
    return pd.DataFrame({"name": [f"Школа {i}" for i in range(6)], "denominator": n,
                         "share": share, "me": [True, False, False, False, False, False]})


def test_funnel_plot_labels_the_highlighted_school_and_the_outlier(funnel_data):
    with charts.figure(8, 5) as (fig, ax):
        out = charts.funnel_plot(funnel_data, p0=0.7, label="name", highlight="me",
                                 target=0.8, ax=ax)
        assert out is ax
        labels = _texts(ax)
        assert "Школа 0" in labels  # highlighted
        assert "Школа 5" in labels  # outside the limits
        assert "Школа 2" not in labels
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert {"границы 95 %", "границы 99,8 %", "район в целом", "эта школа"} <= set(legend)
        styles = {line.get_linestyle() for line in ax.get_lines()}
        assert {"--", ":"} <= styles  # the two limit levels differ by line style
        figure_html(fig, "проверка")


def test_funnel_plot_without_labels_for_others(funnel_data):
    with charts.figure(8, 5) as (_fig, ax):
        charts.funnel_plot(funnel_data, p0=0.7, label="name", highlight="me",
                           label_outside=False, ax=ax)
        assert _texts(ax) == ["Школа 0"]


def test_status_heatmap_marks_statuses_with_symbols():
    data = pd.DataFrame({"ind": [1, 2, 1, 2], "org": ["А", "А", "Б", "Б"],
                         "status": ["met", "not_met", "no_data", "monitored"]})
    data = data.iloc[:3]  # (Б, 2) does not apply: blank cell
    with charts.figure(4, 3) as (_fig, ax):
        charts.status_heatmap(data, x="ind", y="org", ax=ax)
        assert sorted(_texts(ax)) == sorted(["✓", "✗", "?"])
        hatches = {p.get_hatch() for p in ax.patches}
        assert "///" in hatches  # not met is hatched, not only coloured


def test_count_heatmap_hides_small_counts():
    data = pd.DataFrame({"profile": ["а", "а", "б", "б"], "group": ["x", "y", "x", "y"],
                         "n": [2, 7, 0, 3]})
    with charts.figure(4, 3) as (_fig, ax):
        charts.count_heatmap(data, x="profile", y="group", value="n", threshold=3, ax=ax)
        texts = _texts(ax)
        assert "<3" in texts and "2" not in texts
        assert {"7", "3"} <= set(texts)


def test_other_charts_return_their_axes():
    tidy = pd.DataFrame({"label": ["Первый показатель", "Второй"], "v": [0.4, 0.7],
                         "lo": [0.3, 0.6], "hi": [0.5, 0.8], "d": [0.5, 0.5], "t": [0.8, None]})
    grades = pd.DataFrame({"grade": [5, 6, 7], "share": [0.5, 0.9, 0.7],
                           "district_share": [0.6, 0.8, 0.7]})
    years = pd.DataFrame({"year": ["2020-2021", "2021-2022"] * 2, "value": [0.2, 0.3, 0.4, 0.5],
                          "series": ["школа", "школа", "район", "район"]})
    bars = pd.DataFrame({"g": ["а", "б"], "vac": [5.0, np.nan], "got": [2.0, 7.0],
                         "hide": [True, False], "hide_text": ["<3", "<3"]})
    with charts.figure(10, 8, 3, 2) as (_fig, axes):
        assert charts.interval_plot(tidy, y="label", x="v", low="lo", high="hi",
                                    refs={"d": "район"}, target="t", ax=axes[0, 0]) is axes[0, 0]
        assert charts.grade_bars(grades, target=0.8, ax=axes[0, 1]) is axes[0, 1]
        assert charts.trend_lines(years, ax=axes[1, 0]) is axes[1, 0]
        ax = charts.paired_bars(bars, y="g", x=["vac", "got"], labels=["вакансии", "поступили"],
                                hidden={"got": "hide"}, ax=axes[1, 1])
        assert "<3" in _texts(ax) and "не указано" in _texts(ax)
        assert charts.share_bars(tidy, y="label", x="v", ax=axes[2, 0]) is axes[2, 0]


def test_figures_are_not_registered_with_pyplot_and_dollars_are_printed():
    before = plt.get_fignums()
    with charts.figure(4, 3) as (fig, ax):
        ax.set_title("Школа $100$ «<b>»")  # a $ in a name must not be parsed as maths
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    assert plt.get_fignums() == before
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_wrap_limits_lines():
    text = "Доля обучающихся 5-11 классов, прошедших диагностику профессиональных предпочтений"
    wrapped = charts.wrap(text, 20, 2)
    assert len(wrapped.splitlines()) == 2 and wrapped.endswith("…")
    assert all(len(line) <= 21 for line in wrapped.splitlines())
