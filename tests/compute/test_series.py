"""Series across definition changes (issue 17, item 4): ``continues:`` and ``change:`` in the
roadmaps, the series map, and trends that never compare years across a change.

The district: the project's 2021-2022 roadmap and a 2022-2023 copy in which
``diagnostics_share`` (grades 5–11) is continued by ``diagnostics_6_11_share`` (grades 6–11).
School sch-a of the small district (tests/conftest.py), diagnostics over the years:

====================  ===========================  =========  ==========================
year                  computed as                  share      compared with the year before
====================  ===========================  =========  ==========================
2020-2021             diagnostics_share (5–11)     50 / 100   — (first year)
2021-2022             diagnostics_share (5–11)     180 / 200  +40 п. п. (same definition)
2022-2023             diagnostics_6_11_share       30 / 150   — (definition changed)
2023-2024             diagnostics_6_11_share       60 / 150   +20 п. п. (same definition)
====================  ===========================  =========  ==========================
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from proforient.compute.series import series_map
from proforient.parameters import load_parameters
from proforient.problems import InputError
from proforient.report.facts.trends import trends
from tests.conftest import write_small_district

ROOT = Path(__file__).resolve().parents[2]
CHANGE = "считается по диагностике 6–11 классов"

OLD = """\
      id: diagnostics_share
      title: "Доля обучающихся 5-11 классов, прошедших диагностику профессиональных предпочтений"
      kind: share
      applies_to: [school]
      numerator: {measure: diagnostics, grades: [5, 11]}
      denominator: {measure: students, grades: [5, 11]}
"""
NEW = f"""\
      id: diagnostics_6_11_share
      continues: diagnostics_share
      change: "{CHANGE}"
      title: "Доля обучающихся 6-11 классов, прошедших диагностику"
      kind: share
      applies_to: [school]
      numerator: {{measure: diagnostics, grades: [6, 11]}}
      denominator: {{measure: students, grades: [6, 11]}}
"""


def parameters_with(folder: Path, indicator: str = NEW) -> Path:
    """The project's parameters plus a 2022-2023 roadmap whose diagnostics indicator is
    ``indicator`` (the YAML lines of its ``indicator:`` block)."""
    shutil.copytree(ROOT / "parameters", folder)
    for later in folder.glob("roadmap-*.yaml"):  # only the two roadmaps of this district
        if later.name != "roadmap-2021-2022.yaml":
            later.unlink()
    text = (folder / "roadmap-2021-2022.yaml").read_text(encoding="utf-8")
    assert OLD in text
    text = text.replace(OLD, indicator).replace('year: "2021-2022"', 'year: "2022-2023"')
    (folder / "roadmap-2022-2023.yaml").write_text(text, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_parameters(folder)
    return [str(p) for p in info.value.problems]


# -- the roadmap keys ------------------------------------------------------------------------


def test_continues_and_change_are_read(tmp_path):
    params = load_parameters(parameters_with(tmp_path / "p"))
    ind = params.roadmaps.by_year["2022-2023"].indicator("diagnostics_6_11_share")
    assert (ind.continues, ind.change) == ("diagnostics_share", CHANGE)
    assert params.roadmaps.by_year["2021-2022"].indicator("diagnostics_share").continues is None


def test_continues_naming_an_unknown_id_is_refused(tmp_path):
    found = problems_of(parameters_with(tmp_path / "p",
                                        NEW.replace("continues: diagnostics_share",
                                                    "continues: diagnostic_share")))
    assert len(found) == 1
    assert "roadmap-2022-2023.yaml" in found[0] and "мероприятие 4" in found[0]
    assert "continues: diagnostic_share" in found[0]
    assert "в дорожной карте 2021-2022" in found[0] and "нет показателя" in found[0]


def test_change_is_required_for_another_id(tmp_path):
    found = problems_of(parameters_with(tmp_path / "p", NEW.replace(f'      change: "{CHANGE}"\n',
                                                                    "")))
    assert len(found) == 1
    assert "roadmap-2022-2023.yaml" in found[0] and "change" in found[0]
    assert "продолжает «diagnostics_share»" in found[0] and "id другой" in found[0]


def test_change_is_required_for_the_same_id_with_other_grades(tmp_path):
    same_id = OLD.replace("[5, 11]", "[6, 11]")
    found = problems_of(parameters_with(tmp_path / "p", same_id))
    assert len(found) == 1 and "расчёт другой" in found[0] and "укажите change" in found[0]
    # with change: accepted, a break of the same id
    params = load_parameters(parameters_with(
        tmp_path / "q", same_id.replace("kind: share", f'change: "{CHANGE}"\n      kind: share')))
    brk = series_map(params.roadmaps).breaks["diagnostics_share"]
    assert [(b.year, b.previous_id, b.indicator_id, b.change) for b in brk] == [
        ("2022-2023", "diagnostics_share", "diagnostics_share", CHANGE)]


def test_change_without_a_predecessor_and_continues_in_the_first_roadmap_are_refused(tmp_path):
    found = problems_of(parameters_with(tmp_path / "p",
                                        NEW.replace("      continues: diagnostics_share\n", "")))
    assert len(found) == 1 and "уберите change" in found[0]
    first = tmp_path / "q"
    shutil.copytree(ROOT / "parameters", first)
    path = first / "roadmap-2021-2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "      id: diagnostics_share\n",
        "      id: diagnostics_share\n      continues: diagnostics_share\n"), encoding="utf-8")
    found = problems_of(first)
    assert len(found) == 1 and "первая дорожная карта" in found[0]


def test_continuing_an_indicator_that_goes_on_under_its_own_id_is_refused(tmp_path):
    folder = parameters_with(tmp_path / "p", OLD)
    path = folder / "roadmap-2022-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "      id: proektoria_share\n",
        "      id: proektoria_share\n      continues: diagnostics_share\n"
        "      change: \"другое\"\n"), encoding="utf-8")
    found = problems_of(folder)
    assert len(found) == 1
    assert "мероприятие 6, continues" in found[0] and "есть и в этой дорожной карте" in found[0]


def test_a_bad_change_value_names_the_key(tmp_path):
    found = problems_of(parameters_with(tmp_path / "p", NEW.replace(f'"{CHANGE}"', "[1, 2]")))
    assert len(found) == 1
    assert "мероприятие 4, change" in found[0]


# -- an id dropped for a year and brought back ----------------------------------------------

PILOT = OLD.replace("id: diagnostics_share", "id: diagnostics_pilot_share")


def parameters_with_gap(folder: Path, back: str = OLD) -> Path:
    """Three roadmaps: 2021-2022 (the project's), 2022-2023 in which ``diagnostics_share`` is
    replaced by a new ``diagnostics_pilot_share``, and 2023-2024 whose diagnostics indicator
    is ``back``. The catalogue collects ``diagnostics`` in 2023-2024 too (the project's stops
    it in 2022-2023)."""
    parameters_with(folder, PILOT)
    catalogue = folder / "measures.yaml"
    text = catalogue.read_text(encoding="utf-8")
    stop = re.search(r'(  diagnostics:\n(?:    .*\n)*?)    to: "2022-2023".*\n', text)
    assert stop is not None
    catalogue.write_text(text.replace(stop.group(0), stop.group(1)), encoding="utf-8")
    text = (folder / "roadmap-2021-2022.yaml").read_text(encoding="utf-8")
    (folder / "roadmap-2023-2024.yaml").write_text(
        text.replace(OLD, back).replace('year: "2021-2022"', 'year: "2023-2024"'),
        encoding="utf-8")
    return folder


BACK = OLD.replace("      kind: share\n", "      continues: diagnostics_share\n      kind: share\n")


def test_an_id_dropped_a_year_does_not_rejoin_its_old_series_silently(tmp_path):
    found = problems_of(parameters_with_gap(tmp_path / "p"))
    assert len(found) == 1
    assert "roadmap-2023-2024.yaml" in found[0] and "мероприятие 4, continues" in found[0]
    assert "«diagnostics_share» был в дорожной карте 2021-2022" in found[0]
    assert "в 2022-2023 его нет" in found[0] and "continues: diagnostics_share" in found[0]
    assert "другой id" in found[0]


def test_an_id_brought_back_with_continues_joins_its_series_across_the_gap(tmp_path):
    m = series_map(load_parameters(parameters_with_gap(tmp_path / "p", BACK)).roadmaps)
    assert m.series_id("2023-2024", "diagnostics_share") == "diagnostics_share"
    assert m.series_id("2022-2023", "diagnostics_pilot_share") == "diagnostics_pilot_share"
    assert dict(m.breaks) == {}
    # the year before the gap is the previous year present: 90 % → 40 %, compared
    t = trends(_rows(("2021-2022", "diagnostics_share", 180, 200),
                     ("2022-2023", "diagnostics_pilot_share", 30, 150),
                     ("2023-2024", "diagnostics_share", 60, 150)), "2023-2024", m)
    back = t[(t["indicator_id"] == "diagnostics_share") & (t["year"] == "2023-2024")].iloc[0]
    assert back["prev_year"] == "2021-2022" and back["change"] == pytest.approx(-0.5)
    assert pd.isna(back["break_year"])


def test_an_id_brought_back_with_another_definition_needs_change_and_breaks(tmp_path):
    other = BACK.replace("[5, 11]", "[6, 11]")
    found = problems_of(parameters_with_gap(tmp_path / "p", other))
    assert len(found) == 1 and "roadmap-2023-2024.yaml" in found[0]
    assert "продолжает «diagnostics_share» из дорожной карты 2021-2022" in found[0]
    assert "расчёт другой" in found[0] and "укажите change" in found[0]
    m = series_map(load_parameters(parameters_with_gap(
        tmp_path / "q", other.replace("      kind:", f'      change: "{CHANGE}"\n      kind:')
    )).roadmaps)
    assert [(b.year, b.previous_id, b.change) for b in m.breaks["diagnostics_share"]] == [
        ("2023-2024", "diagnostics_share", CHANGE)]
    t = trends(_rows(("2021-2022", "diagnostics_share", 180, 200),
                     ("2023-2024", "diagnostics_share", 60, 150)), "2023-2024", m)
    back = t[t["year"] == "2023-2024"].iloc[0]
    assert pd.isna(back["prev_year"]) and back["break_year"] == "2023-2024"


def test_an_indicator_continued_under_another_id_cannot_be_continued_again_later(tmp_path):
    folder = parameters_with_gap(tmp_path / "p", BACK)
    # 2022-2023: diagnostics_6_11_share continues diagnostics_share instead of the pilot
    (folder / "roadmap-2022-2023.yaml").write_text(
        (folder / "roadmap-2022-2023.yaml").read_text(encoding="utf-8").replace(PILOT, NEW),
        encoding="utf-8")
    found = problems_of(folder)
    assert len(found) == 1 and "roadmap-2023-2024.yaml" in found[0]
    assert ("«diagnostics_share» дорожной карты 2021-2022 уже продолжает "
            "«diagnostics_6_11_share» (дорожная карта 2022-2023)") in found[0]


def test_a_graduate_share_needs_the_id_of_a_calculation_the_product_has(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(ROOT / "parameters", folder)
    path = folder / "roadmap-2021-2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "id: admitted_by_profile_share", "id: admitted_share"), encoding="utf-8")
    found = problems_of(folder)
    assert len(found) == 1
    assert "roadmap-2021-2022.yaml" in found[0] and "мероприятие 13, id" in found[0]
    assert "admitted_share" in found[0] and "source: graduates" in found[0]
    for known in ("admitted_by_profile_share", "ege_profile_match_share",
                  "in_demand_choice_share"):
        assert known in found[0]


# -- the series map --------------------------------------------------------------------------


def test_series_map_joins_the_chain_under_the_earliest_id(tmp_path):
    m = series_map(load_parameters(parameters_with(tmp_path / "p")).roadmaps)
    assert m.series_id("2023-2024", "diagnostics_6_11_share") == "diagnostics_share"
    assert m.series_id("2022-2023", "diagnostics_6_11_share") == "diagnostics_share"
    assert m.series_id("2020-2021", "diagnostics_share") == "diagnostics_share"
    assert m.series_id("2022-2023", "proektoria_share") == "proektoria_share"
    assert list(m.breaks) == ["diagnostics_share"]
    (b,) = m.breaks["diagnostics_share"]
    assert (b.year, b.previous_id, b.indicator_id) == ("2022-2023", "diagnostics_share",
                                                         "diagnostics_6_11_share")
    assert b.label == "с 2022-2023 считается по-другому"
    assert [m.segment("diagnostics_share", y) for y in
            ("2020-2021", "2021-2022", "2022-2023", "2023-2024")] == [0, 0, 1, 1]


def test_the_project_roadmaps_break_once_at_the_federal_diagnostics():
    m = series_map(load_parameters().roadmaps)
    (only,) = m.breaks.items()
    assert only[0] == "diagnostics_share"
    assert [(b.year, b.change) for b in only[1]] == [
        ("2023-2024", "считается по онлайн-диагностике «Билет в будущее», 6–11 классы")]
    assert m.series_id("2025-2026", "bvb_diagnostics_share") == "diagnostics_share"
    assert all(s == i for (_, i), s in m.ids.items() if i != "bvb_diagnostics_share")


# -- trends ----------------------------------------------------------------------------------


def _rows(*rows) -> pd.DataFrame:
    """Indicator rows of sch-a and the district: (year, id, numerator, denominator)."""
    out = []
    for year, ind, num, den in rows:
        for scope, org in (("org", "sch-a"), ("district", pd.NA)):
            out.append({"year": year, "scope": scope, "org_id": org, "indicator_id": ind,
                        "kind": "share", "numerator": float(num), "denominator": float(den),
                        "value": num / den})
    return pd.DataFrame(out)


def test_trends_join_the_series_and_do_not_compare_across_the_break(tmp_path):
    m = series_map(load_parameters(parameters_with(tmp_path / "p")).roadmaps)
    indicators = _rows(("2020-2021", "diagnostics_share", 50, 100),
                       ("2021-2022", "diagnostics_share", 180, 200),
                       ("2022-2023", "diagnostics_6_11_share", 30, 150),
                       ("2023-2024", "diagnostics_6_11_share", 60, 150))
    t = trends(indicators, "2023-2024", m).set_index("year")
    assert set(t["indicator_id"]) == {"diagnostics_6_11_share"}  # the latest id
    assert set(t["series_id"]) == {"diagnostics_share"}
    assert list(t["year_indicator_id"]) == ["diagnostics_share", "diagnostics_share",
                                            "diagnostics_6_11_share", "diagnostics_6_11_share"]
    assert list(t["value"]) == pytest.approx([0.5, 0.9, 0.2, 0.4])
    # within the old definition: 50 % → 90 %, compared
    assert t.at["2021-2022", "change"] == pytest.approx(0.4)
    assert t.at["2021-2022", "prev_year"] == "2020-2021"
    # across the change: no comparison, the change marked
    assert pd.isna(t.at["2022-2023", "prev_year"])
    assert math.isnan(t.at["2022-2023", "change"]) and math.isnan(t.at["2022-2023", "p_value"])
    assert not t.at["2022-2023", "significant"]
    assert t.at["2022-2023", "break_year"] == "2022-2023"
    assert t.at["2022-2023", "break_change"] == CHANGE
    # within the new definition: 20 % → 40 %, compared (Fisher: 30/150 vs 60/150)
    assert t.at["2023-2024", "prev_year"] == "2022-2023"
    assert t.at["2023-2024", "change"] == pytest.approx(0.2)
    assert t.at["2023-2024", "significant"]
    assert t["break_year"].notna().sum() == 1
    assert list(t["district_value"]) == pytest.approx([0.5, 0.9, 0.2, 0.4])
    # the same table without the series map: two unrelated indicators, as before
    plain = trends(indicators, "2023-2024")
    assert set(plain["indicator_id"]) == {"diagnostics_share", "diagnostics_6_11_share"}
    assert plain["break_year"].isna().all()


def test_trends_of_a_year_before_the_change_keep_the_old_id(tmp_path):
    m = series_map(load_parameters(parameters_with(tmp_path / "p")).roadmaps)
    indicators = _rows(("2020-2021", "diagnostics_share", 50, 100),
                       ("2021-2022", "diagnostics_share", 180, 200),
                       ("2022-2023", "diagnostics_6_11_share", 30, 150))
    t = trends(indicators, "2021-2022", m)
    assert set(t["indicator_id"]) == {"diagnostics_share"} and t["break_year"].isna().all()


# -- the school page -------------------------------------------------------------------------


def _later_measures(folder: Path) -> None:
    """sch-a's diagnostics of 2022-2023 (30 of 150 in grades 6–11) and 2023-2024 (60 of 150)
    appended to the small district."""
    path = folder / "measures.csv"
    lines = []
    for year, (d6, d9) in (("2022-2023", (20, 10)), ("2023-2024", (45, 15))):
        lines += [f"{year},sch-a,students,6,100", f"{year},sch-a,students,9,50",
                  f"{year},sch-a,diagnostics,6,{d6}", f"{year},sch-a,diagnostics,9,{d9}"]
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n",
                    encoding="utf-8")


@pytest.fixture(scope="module")
def later_ctx(tmp_path_factory):
    """Report contexts of 2022-2023 and 2023-2024 with the 2022-2023 roadmap."""
    from proforient.report.context import build_context

    base = tmp_path_factory.mktemp("series")
    params = load_parameters(parameters_with(base / "parameters"))
    data = write_small_district(base / "data")
    _later_measures(data)
    return {year: build_context(data, year, params) for year in ("2022-2023", "2023-2024")}


def _text(fragment) -> str:
    """The fragment's words, dashes as hyphens (the page sets ranges with «–»)."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment.html))
    return text.replace("\u2060", "").replace("–", "-")


def test_school_page_marks_the_change_and_says_no_change_across_it(later_ctx):
    from proforient.report.school.page import SchoolReport

    t = later_ctx["2022-2023"].facts.trends
    mine = t[(t["org_id"] == "sch-a") & (t["series_id"] == "diagnostics_share")]
    assert list(mine["year"]) == ["2020-2021", "2021-2022", "2022-2023"]
    assert list(mine["value"]) == pytest.approx([0.5, 0.9, 0.2])
    text = _text(SchoolReport(later_ctx["2022-2023"], "sch-a").trend())
    assert "Доля обучающихся 6-11 классов, прошедших диагностику" in text
    assert f"с 2022-2023 {CHANGE.replace('–', '-')}." in text
    assert "Годы до и после изменения не сравниваются" in text
    # 90 % → 20 % is the change of definition, not a fall: no «снизилась», no −70 п. п.
    assert "снизилась" not in text and "снижение" not in text and "70,0 п. п." not in text
    assert "считается по-другому" in text


def test_school_page_compares_years_of_the_same_definition(later_ctx):
    from proforient.report.school.page import SchoolReport

    text = _text(SchoolReport(later_ctx["2023-2024"], "sch-a").trend())
    assert "+20,0 п. п." in text  # 20,0 % → 40,0 %, both grades 6–11
    assert "выросла за год: 20,0 % → 40,0 %" in text
    assert "70,0" not in text


# -- the analyst's API and the charts --------------------------------------------------------


def test_explore_trends_join_the_series_under_the_latest_title(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from proforient import plots
    from proforient.explore import open_district

    params = load_parameters(parameters_with(tmp_path / "parameters"))
    data = write_small_district(tmp_path / "data")
    _later_measures(data)
    district = open_district(data, params)
    latest = district.trends("diagnostics_6_11_share", "2023-2024")
    by_old_id = district.trends("diagnostics_share", "2023-2024")
    pd.testing.assert_frame_equal(latest, by_old_id)
    mine = latest[latest["org_id"] == "sch-a"].set_index("year")
    assert list(mine["value"]) == pytest.approx([0.5, 0.9, 0.2, 0.4])
    assert set(mine["title"]) == {"Доля обучающихся 6-11 классов, прошедших диагностику"}
    assert math.isnan(mine.at["2022-2023", "change"])
    assert mine.at["2023-2024", "change"] == pytest.approx(0.2)
    ax = plots.trend(latest, schools=["sch-a"])
    assert "с 2022-2023 считается по-другому" in [t.get_text() for t in ax.texts]
    plt.close("all")


def test_trend_chart_draws_the_break_and_does_not_join_across_it():
    from proforient.report import charts
    from tests.report.geometry import cut_marks, text_clashes

    with charts.figure(2.35, 1.45) as (fig, ax):
        charts.trend_lines(ax, ["20/21", "21/22", "22/23", "23/24"], [0.5, 0.9, 0.2, 0.4],
                           [0.55, 0.8, 0.25, 0.35], breaks=[(2, "новый расчёт")])
        dashed = [line for line in ax.get_lines()
                  if line.get_linestyle() == "--" and list(line.get_xdata()) == [1.5, 1.5]]
        assert len(dashed) == 1  # between 21/22 and 22/23
        school = [list(line.get_xdata()) for line in ax.get_lines()
                  if line.get_color() == charts.SCHOOL["color"]]
        assert school == [[0, 1], [2, 3]]  # 90 % is not joined to 20 %
        assert "новый расчёт" in [t.get_text() for t in ax.texts]
        assert cut_marks(fig) == [] and text_clashes(fig) == []


# -- disclosure: a renamed sensitive share publishes its earlier years as before ----------------

OVZ = "      id: ovz_events_share\n"
OVZ_RENAMED = ("      id: ovz_share_renamed\n      continues: ovz_events_share\n"
               "      change: \"считается под новым кодом\"\n")


def _ovz_context(base: Path, renamed: bool):
    """The small district with sch-a's pupils with ОВЗ (15 of 20 took part in 2021-2022, 12 of
    20 in 2022-2023: counts large enough to show) and the 2022-2023 roadmap, its ОВЗ share
    continued under a new id or not."""
    from proforient.report.context import build_context

    params_dir = parameters_with(base / "parameters", OLD)
    path = params_dir / "roadmap-2022-2023.yaml"
    if renamed:
        path.write_text(path.read_text(encoding="utf-8").replace(OVZ, OVZ_RENAMED),
                        encoding="utf-8")
    data = write_small_district(base / "data")
    measures = data / "measures.csv"
    measures.write_text(measures.read_text(encoding="utf-8") + "\n".join([
        "2021-2022,sch-a,students_ovz,,20", "2021-2022,sch-a,career_events_ovz,,15",
        "2022-2023,sch-a,students,6,100", "2022-2023,sch-a,diagnostics,6,50",
        "2022-2023,sch-a,students_ovz,,20", "2022-2023,sch-a,career_events_ovz,,12"]) + "\n",
        encoding="utf-8")
    return build_context(data, "2022-2023", load_parameters(params_dir))


def test_a_renamed_sensitive_share_shows_its_earlier_year_as_before(tmp_path):
    from proforient.report.school.page import SchoolReport
    from tests.report.reading import row

    title = "Доля обучающихся с ОВЗ"
    same = row(SchoolReport(_ovz_context(tmp_path / "same", False), "sch-a").trend().html,
               title)
    renamed = row(SchoolReport(_ovz_context(tmp_path / "renamed", True), "sch-a").trend().html,
                  title)
    # the year before the change is read under the id it was published with: shown as before
    assert same[1:4] == ["—", "75,0 %", "60,0 %"]
    assert renamed[:4] == same[:4]
    assert renamed[-1] == "считается по-другому" and same[-1] != renamed[-1]


# -- the district report: the department's own counts -----------------------------------------

SEMINARS = "      id: district_seminars\n"


def _department_text(base: Path, change: str | None, renamed: bool = False) -> str:
    """«Мероприятия управления» of 2022-2023: 1 seminar in 2021-2022, 0 in 2022-2023; the
    2022-2023 roadmap's seminars with ``change`` (``None``: as before), under a new id
    continuing the old one if ``renamed``."""
    from proforient.report.context import build_context
    from proforient.report.district.page import DistrictReport
    from tests.report.reading import row

    params_dir = parameters_with(base / "parameters", OLD)
    if change is not None:
        path = params_dir / "roadmap-2022-2023.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            SEMINARS, ("      id: seminars_and_meetings\n      continues: district_seminars\n"
                       if renamed else SEMINARS) + f'      change: "{change}"\n'),
            encoding="utf-8")
    data = write_small_district(base / "data")
    measures = data / "measures.csv"
    measures.write_text(measures.read_text(encoding="utf-8")
                        + "2022-2023,sch-a,students,6,100\n2022-2023,uo,district_seminars,,0\n",
                        encoding="utf-8")
    ctx = build_context(data, "2022-2023", load_parameters(params_dir))
    return _text(DistrictReport(ctx).department_activities()) + " " + \
        " | ".join(row(DistrictReport(ctx).department_activities().html, "районных семинаров"))


def test_department_count_is_not_compared_across_a_change(tmp_path):
    same = _department_text(tmp_path / "same", None)
    assert "меньше, чем годом раньше (1 → 0)" in same
    changed = _department_text(tmp_path / "changed", "считаются и выездные семинары")
    assert "меньше, чем годом раньше" not in changed
    assert ("«Количество районных семинаров и совещаний по профориентации»: с 2022-2023 "
            "считаются и выездные семинары. Годы до и после изменения не сравниваются."
            in changed)
    # under a new id: one row, both years, the same note
    renamed = _department_text(tmp_path / "renamed", "считаются и выездные семинары", True)
    assert "| 1 | 0 |" in renamed and "меньше, чем годом раньше" not in renamed
    assert "с 2022-2023 считаются и выездные семинары" in renamed
