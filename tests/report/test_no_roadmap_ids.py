"""Reports and the analyst's API follow whatever a year's roadmap names: none of their code names
a roadmap indicator.

The one exception, declared as such in every roadmap (``source: graduates``), is the graduates'
alignment: its indicators are computed from graduates.csv by the package, not from measures.
"""

from __future__ import annotations

import re

from proforient.parameters import load_parameters
from proforient.paths import PACKAGE_DIR

REPORT_CODE = sorted((PACKAGE_DIR / "report").rglob("*.py")) + [PACKAGE_DIR / "explore.py"]


def roadmap_ids() -> set[str]:
    """The measure-based indicator ids of every roadmap in the project's parameters folder."""
    params = load_parameters()
    return {ind.id for roadmap in params.roadmaps.by_year.values()
            for ind in roadmap.indicators if ind.source != "graduates"}


def test_the_project_has_roadmap_indicators_to_look_for():
    assert {"diagnostics_share", "responsible_appointed", "ovz_events_share"} <= roadmap_ids()


def test_no_report_code_names_a_roadmap_indicator():
    pattern = re.compile(r"\b(" + "|".join(sorted(roadmap_ids())) + r")\b")
    found = [f"{path.relative_to(PACKAGE_DIR.parent)}:{n}: {m.group(0)}"
             for path in REPORT_CODE
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             for m in [pattern.search(line)] if m]
    assert found == []
