"""The report notebooks: house style, parameters, and one papermill run with a non-default school.

nbval (configured in pyproject.toml) executes every notebook under notebooks/ with its defaults;
here the notebooks' shape is checked statically, and the school report is run once for the
primary school of the demo district (no grades 5–11, no graduates) to exercise the other paths.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from proforient.paths import NOTEBOOKS_DIR
from proforient.report.context import build_context
from proforient.report.privacy import leaked_identifiers

NOTEBOOKS = {
    "school.ipynb": {"data_dir", "year", "snapshot", "org_id"},
    "district.ipynb": {"data_dir", "year", "snapshot"},
    "graduates.ipynb": {"data_dir", "year", "snapshot"},
}
CHECK = "# NBVAL_CHECK_OUTPUT"


@pytest.mark.parametrize(("name", "parameters"), sorted(NOTEBOOKS.items()))
def test_notebook_house_style(name: str, parameters: set[str]):
    path = NOTEBOOKS_DIR / name
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    setup = cells[1].source
    assert "%matplotlib inline" in setup and "from proforient." in setup
    assert "sns.set_theme" in setup and "DejaVu Sans" in setup
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is cells[2]
    for line in tagged[0].source.splitlines():
        assert "  # " in line, f"parameter without a comment: {line}"
    assert set(papermill.inspect_notebook(str(path))) == parameters
    assert cells[3].source == "ctx = get_context(data_dir, year, snapshot)"
    for cell in cells[4:]:
        if cell.cell_type != "code":
            continue
        assert len(cell.source.splitlines()) <= 3, cell.source  # one call per section
        if cell.source.startswith(CHECK):
            assert cell.outputs, "a checked cell must keep its output"
        else:
            assert not cell.outputs, "notebooks are committed without outputs"


def test_school_notebook_runs_for_a_primary_school(tmp_path: Path):
    out = tmp_path / "sch-20.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "school.ipynb"), str(out), parameters={"org_id": "sch-20"},
        progress_bar=False, kernel_name="python3", shutdown_kernel="immediate")
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("name") == "stderr"], "warnings leak into the report"
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "МБОУ Черёмушкинская НОШ" in html
    assert "Показатели выпускников к этой организации не относятся" in html
    ids = build_context().aligned["graduate_id"].astype(str)
    assert leaked_identifiers(html, ids) == []
