"""End to end: `proforient report` with the real notebooks on the demo district."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from proforient.cli import main
from proforient.paths import DEMO_DATA_DIR

pytestmark = pytest.mark.slow  # every test here runs the real notebooks on the demo district


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "2021-2022"
    # 2021-2022, not the latest year: the assertions below are pinned to its numbers
    code = main(["report", str(DEMO_DATA_DIR), "--year", "2021-2022", "--schools",
                 "sch-01,sch-20", "--jobs", "2", "--out", str(out)])
    return code, out


def test_report_renders_district_graduates_and_schools(rendered):
    code, out = rendered
    assert code == 0
    for name in ("index.html", "district.html", "graduates.html", "sch-01.html", "sch-20.html"):
        assert (out / name).is_file(), name
    index = (out / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"#]+\.html)"', index))
    assert {"district.html", "graduates.html", "sch-01.html", "sch-20.html"} <= links
    assert all((out / link).is_file() for link in links)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["year"] == "2021-2022"


def test_reports_hide_code_and_identify_no_graduate(rendered):
    _, out = rendered
    ids = pd.read_csv(DEMO_DATA_DIR / "graduates.csv", sep=";", encoding="utf-8-sig",
                      dtype=str)["graduate_id"]
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, ids)) + r")\b")
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not pattern.search(text), page.name
        assert "get_context(" not in text and "import " not in text, page.name  # code hidden
        assert "Traceback" not in text and "Warning" not in text, page.name
        for folder in (DEMO_DATA_DIR.resolve(), DEMO_DATA_DIR.resolve().parent.parent, out):
            assert str(folder) not in text, (page.name, folder)  # no folder of this machine


def test_demo_reports_say_the_data_are_synthetic(rendered):
    _, out = rendered
    for name in ("index.html", "district.html", "graduates.html", "sch-01.html"):
        assert "синтетич" in (out / name).read_text(encoding="utf-8").lower(), name


def test_a_school_named_like_markup_gets_its_report_escaped(tmp_path):
    from tests.conftest import HOSTILE, write_small_district

    name = "МБОУ <img src=x onerror=alert(1)> СОШ"
    data = write_small_district(tmp_path / "data")
    orgs = data / "organizations.csv"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace(f'"{HOSTILE}"', f'"{name}"'),
                    encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", str(data), "--schools", "sch-x", "--jobs", "1", "--out", str(out)]) == 0
    page = (out / "sch-x.html").read_text(encoding="utf-8")
    assert "МБОУ &lt;img src=x onerror=alert(1)&gt; СОШ" in page
    assert "<img src=x" not in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in index and "<img src=x" not in index
    assert str(tmp_path) not in page + index  # no folder of the analyst's machine


def test_index_is_the_departments_landing_page(rendered):
    from proforient import pipeline

    _, out = rendered
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("Главное") < index.index("Отчёты района") < index.index("Школы")
    assert "proforient " not in index and ".csv" not in index
    # sch-01's row against the indicator table itself: its statuses of indicators with a
    # target, and the one furthest below its target (relative shortfall)
    table = pipeline.run(DEMO_DATA_DIR).indicators
    mine = table[(table["year"] == "2021-2022") & (table["org_id"] == "sch-01")
                 & table["target"].notna()]
    counts = mine["status"].value_counts()
    row = next(line for line in index.splitlines() if 'data-org="sch-01"' in line)
    cells = re.findall(r'<td class="n">(\d+)</td>', row)
    assert cells == [str(counts.get("met", 0)), str(counts.get("not_met", 0)),
                     str(counts.get("no_data", 0))]
    behind = mine[mine["status"] == "not_met"]
    worst = behind.loc[((behind["target"] - behind["value"]) / behind["target"]).idxmax()]
    assert "профпробы „Билет в будущее“" in row and worst["indicator_id"] == "bvb_trials_share"
    # sortable without a server: an inline script, nothing loaded from outside
    assert 'class="sortable"' in index and "<script>" in index and "src=" not in index
    assert "@media print" in index
