"""End to end: `proforient report` with the real notebooks on the demo district (SPEC §11)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from proforient.cli import main
from proforient.paths import DEMO_DATA_DIR


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "2021-2022"
    code = main(["report", str(DEMO_DATA_DIR), "--schools", "sch-01,sch-20", "--jobs", "2",
                 "--out", str(out)])
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


def test_demo_reports_say_the_data_are_synthetic(rendered):
    _, out = rendered
    for name in ("index.html", "district.html", "graduates.html", "sch-01.html"):
        assert "синтетич" in (out / name).read_text(encoding="utf-8").lower(), name
