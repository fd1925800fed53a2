"""The analyst's quick plots (proforient/plots.py) draw what the tidy tables hold."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from proforient import plots  # noqa: E402
from proforient.explore import District, open_district  # noqa: E402
from tests.conftest import PARAMS, write_small_district  # noqa: E402


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> District:
    return open_district(write_small_district(tmp_path_factory.mktemp("small") / "data"), PARAMS)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_trend_draws_a_line_per_school_and_the_district(small: District):
    trends = small.trends("diagnostics_share")
    ax = plots.trend(trends, schools=["sch-a", "sch-b"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"Альфа СОШ", "Бета СОШ", "район в целом"} <= set(legend)
    assert ax.get_ylabel() == "Значение" and ax.get_title().startswith("Доля обучающихся")
    assert ax.yaxis.get_major_formatter()(0.25, 0) == "25\u00a0%"
    with pytest.raises(ValueError, match="несколько показателей"):
        plots.trend(small.trends())


def test_funnel_marks_each_school_by_its_position(small: District):
    funnel = small.funnel("diagnostics_share")
    ax = plots.funnel(funnel)
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"намного ниже района", "намного выше района", "Доля района"} <= legend
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == len(funnel) == 5
    assert "Дельта СОШ" in {t.get_text() for t in ax.texts}  # far below: named


def test_bars_of_a_share_by_school_lowest_first(small: District):
    table = small.graduates_by_school("2021-2022")
    ax = plots.bars(table, "admitted_by_profile_share")
    names = [t.get_text() for t in ax.get_yticklabels()]
    # 0 of 1, then 7 of 8; sch-b (nobody entered: NaN) left out
    assert names == ["<script>alert(1)</script> СОШ", "Альфа СОШ"]
    assert ax.get_xlabel() == "Поступили по профилю"
    with pytest.raises(ValueError, match="несколько учебных лет"):
        plots.bars(pd.concat([table, table.assign(year="2020-2021")]), "graduates")
    with pytest.raises(ValueError, match="столбца «nonsense» нет"):
        plots.bars(table, "nonsense")
