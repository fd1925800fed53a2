"""The demo reports as a department head prints them: Chromium's «Печать в PDF» on A4.

Each page of the PDF is read back (``pdftotext`` for its words, ``pdftoppm`` for how far down
it is filled). Issue 18: the index printed without page numbers, headings were left at the
foot of a page, the district's matrix was split across two pages, pages were left two-thirds
empty before a chart too tall for what remained. Skipped where Chromium or poppler is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") \
    or shutil.which("google-chrome")
if not CHROMIUM or not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
    pytest.skip("needs chromium and poppler-utils (pdftotext, pdftoppm)",
                allow_module_level=True)

SCHOOLS = ("sch-01", "sch-05")


def _print(html_text: str, folder: Path, name: str) -> list[dict]:
    """Print a page to PDF; per printed page its text and the filled part of its height."""
    from PIL import Image

    source, pdf = folder / f"{name}.html", folder / f"{name}.pdf"
    source.write_text(html_text, encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", source.as_uri()],
                   check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(pdf), str(folder / name)],
                   check=True)
    pages = []
    for i, page_text in enumerate(text.split("\f")[:-1], start=1):
        image = sorted(folder.glob(f"{name}-*{i}.png"))[0]
        pixels = np.asarray(Image.open(image), dtype=float)
        # the body ends above the footer's 16 mm margin: the lowest row with ink, as a share
        # of the body's height (the page number in the margin is left out)
        height = pixels.shape[0]
        body = pixels[: int(height * (1 - 16 / 297))]
        inked = np.nonzero((body < 200).any(axis=1))[0]
        top = 14 / 297 * height
        filled = (inked.max() - top) / (len(body) - top) if len(inked) else 0.0
        pages.append({"text": page_text, "filled": filled})
    return pages


def _document(fragment: str) -> str:
    return ('<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"></head><body>'
            f"{fragment}</body></html>")


@pytest.fixture(scope="module")
def printed(demo_ctx, tmp_path_factory) -> dict[str, tuple[str, list[dict]]]:
    """name → (its HTML, its printed pages): the index, the district, the graduates and two
    school reports."""
    from proforient.batch.index import render_index
    from proforient.batch.jobs import JobResult
    from proforient.report.district.page import DistrictReport
    from proforient.report.graduates.page import GraduatesReport
    from proforient.report.landing import landing
    from proforient.report.school.page import SchoolReport

    folder = tmp_path_factory.mktemp("print")
    pages = {"district": DistrictReport(demo_ctx).page().html,
             "graduates": GraduatesReport(demo_ctx).page().html}
    pages |= {org: SchoolReport(demo_ctx, org).page().html for org in SCHOOLS}
    pages = {name: _document(html) for name, html in pages.items()}
    orgs = demo_ctx.facts.orgs
    results = [JobResult(name=o, kind="school", title=o, parameters={}, status="ok",
                         output=f"{o}.html") for o in orgs.loc[orgs["kind"] == "school",
                                                               "org_id"]]
    pages["index"] = render_index(results, dataset_name="demo", year=demo_ctx.year,
                                  generated="2026-12-04 12:00", synthetic=True,
                                  landing=landing(demo_ctx))
    return {name: (html, _print(html, folder, name)) for name, html in pages.items()}


def test_every_printed_page_is_numbered_the_index_too(printed):
    for name, (_html, pages) in printed.items():
        for number, page in enumerate(pages, start=1):
            assert re.search(rf"\b{number} ?/ ?{len(pages)}$", page["text"].rstrip()), \
                (name, number)


def test_the_district_matrix_prints_on_one_page_with_its_legend(printed):
    _html, pages = printed["district"]
    heading = [i for i, p in enumerate(pages) if "Школы по всем показателям" in p["text"]
               and "Статус каждого показателя" in p["text"]]
    assert len(heading) == 1
    page = pages[heading[0]]["text"]
    assert "— не относится" in page  # the legend under the matrix, on the same page
    assert all(name in page for name in ("Ключевская СОШ № 1", "Малиновская ООШ"))


def test_no_heading_is_left_at_the_foot_of_a_page(printed):
    # a section's heading is followed on its page by more than its lead; a subheading by
    # at least a line
    for name, (html, pages) in printed.items():
        sections = {_words(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)}
        subheadings = {_words(h) for h in re.findall(r"<h3[^>]*>(.*?)</h3>", html)}
        for number, page in enumerate(pages[:-1], start=1):
            lines = [_words(x) for x in page["text"].splitlines() if x.strip()][:-1]
            assert not sections & set(lines[-3:]), (name, number, lines[-3:])
            assert lines[-1] not in subheadings, (name, number, lines[-3:])


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_no_page_is_more_than_half_empty_but_the_last(printed):
    for name, (_html, pages) in printed.items():
        empty = [(number, round(p["filled"], 2)) for number, p in enumerate(pages, start=1)
                 if p["filled"] < 0.5 and number < len(pages)]
        assert empty == [], name
