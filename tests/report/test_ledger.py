"""The publication ledger: what one batch hid stays hidden in every later batch.

On the generated district (many small rural schools, three years): next year's trend tables
show last year's shares again, and a regenerated year shows its cells again. With the ledger of
the earlier batch as given, no cell it hid is visible in the later one.
"""

from __future__ import annotations

import pytest

from proforient.report.context import build_context
from proforient.report.ledger import entries, merge
from proforient.report.publication import prepare, withheld_notes
from proforient.report.publish import ledger_status
from proforient.report.school.page import SchoolReport
from tests.conftest import PARAMS
from tests.generated import write_generated_district

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    return write_generated_district(tmp_path_factory.mktemp("generated") / "data", seed=7)


@pytest.fixture(scope="module")
def last_year(district):
    return prepare(build_context(district, "2020-2021", PARAMS))


def _visible(ctx, key: str) -> bool:
    return any(key in p.values and p.visible(key) for p in ctx.publications.values())


def test_next_year_shows_nothing_last_year_hid(district, last_year):
    ledger = entries(last_year.publications.values())
    hidden = {k for k, v in ledger.items() if ledger_status(v)[0] != "visible"}
    ctx = build_context(district, "2021-2022", PARAMS)
    ctx.ledger = ledger
    prepare(ctx)
    # the trend rows of 2021-2022 print shares of 2020-2021: some of them were hidden then
    repeated = {k for p in ctx.publications.values() for k in p.values if k in ledger}
    assert repeated & hidden  # the test has something to check
    assert not {k for k in repeated & hidden if _visible(ctx, k)}


def test_regenerating_a_year_never_shows_more(district, last_year):
    # a visible count of last year's batch recorded as hidden (as if an earlier decision had
    # hidden it) stays hidden when the year is decided again; with a fresh decision it is back
    before = entries(last_year.publications.values())
    key = next(k for p in last_year.publications.values() for k in p.values
               if not k.startswith("share:") and p.visible(k) and p.values[k] >= 3
               and "org_id=" in k and "destination=" in k)
    ledger = {**before, key: "hidden"}
    again = build_context(district, "2020-2021", PARAMS)
    again.ledger = ledger
    prepare(again)
    assert not _visible(again, key)
    fresh = build_context(district, "2020-2021", PARAMS)
    fresh.ledger = merge(ledger, {}, replace_year="2020-2021")
    assert key not in fresh.ledger
    prepare(fresh)
    assert _visible(fresh, key)


def test_regenerating_a_year_prints_every_cell_as_before(district, last_year):
    # The same year decided again with its own batch's ledger: every cell reads as it did — the
    # same number, «<3» or «×» — and nothing taken off a page comes back. (Before the ledger
    # kept the marks, a «×» that hid a small count came back as «<3»; cells shown before were
    # hidden and others shown in their place; details taken off a page came back.)
    again = build_context(district, "2020-2021", PARAMS)
    again.ledger = entries(last_year.publications.values())
    prepare(again)

    def printed(ctx) -> dict:
        return {(name, k): (p.mark(k), p.small(k)) for name, p in ctx.publications.items()
                for k in p.values if k not in p.withdrawn}

    before = printed(last_year)
    assert ("×", False) in before.values() and ("×", True) in before.values()
    assert printed(again) == before


def test_regenerating_a_year_withholds_the_same_tables(tmp_path):
    # Seed 20's 2020-2021: one school's grade-9 table is withheld (nothing protects it) and two
    # counts of its specialty sentences are taken off the page. Decided again with its own
    # ledger, the same table — and only it — is withheld: before, the counts taken off came back
    # inside a «<3» group, were found exposed and «withheld» too (the run summary named three
    # tables), while the table itself was withheld only by that accident.
    folder = write_generated_district(tmp_path / "data", seed=20)
    first = prepare(build_context(folder, "2020-2021", PARAMS))
    held = {(name, k) for name, p in first.publications.items() for k in p.withheld}
    assert len(held) == 1
    again = build_context(folder, "2020-2021", PARAMS)
    again.ledger = entries(first.publications.values())
    prepare(again)
    assert {(name, k) for name, p in again.publications.items() for k in p.withheld} == held
    # the run summary names the school and the number in words, and says why
    school = next(name for name, _ in held).partition(":")[2]
    name = again.facts.orgs.set_index("org_id").loc[school, "name"]
    assert withheld_notes(again) == [
        f"Таблица не опубликована — отчёт школы {name} ({school}), число «выпускники 9 класса, "
        "СПО (колледж, техникум), 2020-2021»: таблица скрыта, как и в прежних отчётах: по ней "
        "можно было бы вычислить малые числа."]
    # a run that renders other reports only says nothing of it (every page is decided)
    assert withheld_notes(again, [f"school:{school}"]) == withheld_notes(again)
    assert withheld_notes(again, ["graduates", "school:r-01" if school != "r-01" else
                                  "school:r-02"]) == []
    # the page prints a sentence instead of the table, and says nothing of numbers it does not
    # show (it used to add «по открытым числам заметных отличий от района нет» under it)
    page = SchoolReport(again, school).page().html
    start = page.index("Куда ушли выпускники")
    section = page[start:page.index("<h2", start)]
    assert "Таблица не публикуется" in section and "<table" not in section
    assert "по открытым числам" not in section
    assert "Выпускников немного: их числа скрыты" in section
