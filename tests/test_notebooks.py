"""The report notebooks: house style, parameters, and papermill runs the batch relies on.

nbval (configured in pyproject.toml) executes every notebook under notebooks/ with its defaults;
here the notebooks' shape is checked statically, and the school notebook is run from a batch
snapshot — for a primary school (other paths), counting the district-wide computations it does
(none) — and with a preschool's code (refused).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from proforient.paths import NOTEBOOKS_DIR
from proforient.report.context import save_context

NOTEBOOKS = {
    "school.ipynb": ({"data_dir", "year", "snapshot", "org_id"}, "SchoolReport(ctx, org_id)"),
    "district.ipynb": ({"data_dir", "year", "snapshot"}, "DistrictReport(ctx)"),
    "graduates.ipynb": ({"data_dir", "year", "snapshot"}, "GraduatesReport(ctx)"),
}
CHECK = "# NBVAL_CHECK_OUTPUT"


@pytest.mark.parametrize(("name", "expected"), sorted(NOTEBOOKS.items()))
def test_notebook_house_style(name: str, expected):
    parameters, report = expected
    path = NOTEBOOKS_DIR / name
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    setup = cells[1].source
    assert "from proforient." in setup and "seaborn" not in setup  # imports what it uses
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is cells[2]
    for line in tagged[0].source.splitlines():
        assert "  # " in line, f"parameter without a comment: {line}"
    assert set(papermill.inspect_notebook(str(path))) == parameters
    assert cells[3].source == f"ctx = get_context(data_dir, year, snapshot)\nreport = {report}"
    for cell in cells[:4]:  # the page shows the report, not how it is called
        assert "remove_cell" in cell.metadata.get("tags", []) or cell is cells[2]
    sections = []
    for cell in cells[4:]:
        assert cell.cell_type == "code"
        call = cell.source.removeprefix(CHECK + "\n")
        assert call.startswith("report.") and call.endswith("()") and "\n" not in call
        sections.append(call.removeprefix("report.").removesuffix("()"))
        if cell.source.startswith(CHECK):
            assert cell.outputs, "a checked cell must keep its output"
        else:
            assert not cell.outputs, "notebooks are committed without outputs"
    assert sections[:2] == ["header", "summary"] and sections[-1] == "appendix"


def _run(snapshot: Path, out: Path, org_id: str, extra: str | None = None) -> nbformat.NotebookNode:
    source = nbformat.read(NOTEBOOKS_DIR / "school.ipynb", as_version=4)
    if extra:
        source.cells.append(nbformat.v4.new_code_cell(extra))
    notebook = out.with_suffix(".in.ipynb")
    nbformat.write(source, notebook)
    papermill.execute_notebook(
        str(notebook), str(out), parameters={"org_id": org_id, "snapshot": str(snapshot)},
        progress_bar=False, kernel_name="python3", cwd=str(out.parent))
    return nbformat.read(out, as_version=4)


@pytest.fixture(scope="module")
def snapshot(demo_ctx, tmp_path_factory) -> Path:
    return save_context(demo_ctx, tmp_path_factory.mktemp("snapshot") / "context.pickle")


@pytest.mark.slow
def test_school_notebook_from_a_snapshot_computes_nothing_district_wide(snapshot, tmp_path):
    nb = _run(snapshot, tmp_path / "sch-20.ipynb", "sch-20",
              extra="from proforient.report.facts import COMPUTATIONS\n"
                    "print('facts computed:', COMPUTATIONS['facts'])")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("name") == "stderr"], "warnings leak into the report"
    printed = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    assert "facts computed: 0" in printed
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "МБОУ Черёмушкинская НОШ" in html
    # a primary school has no graduate sections (the appendix says why in one line)
    assert 'id="destinations"' not in html and 'id="graduates"' not in html
    assert 'id="scorecard"' in html


@pytest.mark.slow
def test_school_notebook_refuses_a_preschool(snapshot, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as error:
        _run(snapshot, tmp_path / "dou-01.ipynb", "dou-01")
    assert "дошкольная организация, а не школа" in str(error.value)
