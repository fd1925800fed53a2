"""The district's roadmap files in parameters/: each loads against the measure catalogue, the
demo has a roadmap of its own for every year from the first roadmap on, and the indicator ids
carried from year to year stay the same (the reports compare years by them)."""

from __future__ import annotations

import pytest

from proforient.demo import YEARS
from proforient.parameters.measures import load_measures
from proforient.parameters.roadmap import load_roadmap, load_roadmaps
from proforient.paths import parameters_dir

FILES = sorted(parameters_dir().glob("roadmap-*.yaml"))

#: the federal model's indicators (from 2023-2024), and the one added in 2025-2026
FEDERAL = {"profmin_level", "hours_reached_share", "horizons_course_share",
           "bvb_diagnostics_share", "bvb_trials_share", "ovz_events_share"}


@pytest.fixture(scope="module")
def roadmaps():
    return load_roadmaps(parameters_dir(), load_measures(parameters_dir()))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_roadmap_file_loads_against_the_catalogue(path) -> None:
    roadmap = load_roadmap(path, load_measures(parameters_dir()))
    assert path.stem == f"roadmap-{roadmap.year}"
    assert [a.number for a in roadmap.activities] == list(range(1, len(roadmap.activities) + 1))


def test_the_demo_has_a_roadmap_for_each_year_from_the_first(roadmaps) -> None:
    first = min(roadmaps.by_year)
    assert first == "2021-2022"
    assert [y for y in YEARS if y >= first] == sorted(roadmaps.by_year)
    # the years before the first roadmap have none (reports show them without targets)
    assert [y for y in YEARS if roadmaps.for_year(y) is None] == ["2019-2020", "2020-2021"]


def test_ids_are_stable_and_the_federal_model_comes_in_2023_2024(roadmaps) -> None:
    ids = {year: {i.id for i in r.indicators} for year, r in roadmaps.by_year.items()}
    assert ids["2022-2023"] == ids["2021-2022"]
    for year in ("2023-2024", "2024-2025", "2025-2026"):
        assert ids[year] >= FEDERAL
        # the diagnostics of grades 5-11 is replaced by the БвБ diagnostics of 6-11
        assert "diagnostics_share" not in ids[year]
        # the district's own items stay, under the same ids
        assert ids["2021-2022"] - {"diagnostics_share"} <= ids[year]
    assert "enterprise_visits_share" in ids["2025-2026"]
    assert "enterprise_visits_share" not in ids["2024-2025"]
    # the same id means the same thing in every year: the same kind and the same numerator
    seen = {}
    for r in roadmaps.by_year.values():
        for i in r.indicators:
            key = (i.kind, i.numerator.measure if i.numerator else i.numerator_text)
            assert seen.setdefault(i.id, key) == key, i.id


def test_the_level_of_the_model_is_a_category_with_target_levels(roadmaps) -> None:
    level = roadmaps.by_year["2025-2026"].indicator("profmin_level")
    assert level.kind == "category"
    assert level.target_values == ("основной", "продвинутый")
    assert level.target_positions == (2, 3)
