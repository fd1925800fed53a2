"""Benchmark: what disclosure control costs the reader, and what it costs the batch.

For the demo district and a generated district of many small rural schools (tests/generated.py,
three years, each batch taking the previous one's ledger as the real batch does), per report:

- the share of graduate counts it prints that are hidden («<3» or «×»), and of those the share
  hidden only to protect others (secondary); the counts taken off the page are told apart;
- of the hidden counts, those no table design or choice of complements could show: a count of
  1 or 2, or any count inside a group of 1 or 2 people (the two graduates of a grade: every
  destination of theirs, zeros too, says where they went) — the rest is the avoidable part, the
  figure a better decision can lower;
- for the school reports together, where the hidden counts are: by table (the conditions that
  define a count, school and year left out), printed / hidden / of those secondary — the
  target of a better table design or a better choice of complements;
- the tables withheld (nothing else protected them), named;

and the time of the whole publication's decision against the time of building the context it
decides on (a ratio in the same run, never an absolute goal).

Goal (issue «Disclosure control for the whole publication»): keep the share hidden low — a
page that is mostly «×» tells the department nothing. The figures are the baseline to beat.

Run: ``.venv/bin/python benchmarks/bench_disclosure.py`` (about two minutes per district year on
two cores).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from proforient.parameters import load_parameters  # noqa: E402
from proforient.report.context import build_context  # noqa: E402
from proforient.report.ledger import entries, merge  # noqa: E402
from proforient.report.publication import prepare, withheld_notes  # noqa: E402
from proforient.report.publish import inside, parse_key  # noqa: E402
from tests.generated import YEARS, write_generated_district  # noqa: E402


def _shares(ctx) -> dict[str, tuple[int, int, int, int]]:
    """Report → (graduate counts printed, hidden, hidden as secondary, taken off the page)."""
    out = {}
    for name, published in ctx.publications.items():
        counts = [k for k in published.values if k.startswith("g|")]
        keys = [k for k in counts if k not in published.withdrawn]
        hidden = [k for k in keys if k in published.hidden]
        secondary = [k for k in hidden if published.hidden[k] != "primary"]
        out[name] = (len(keys), len(hidden), len(secondary), len(counts) - len(keys))
    return out


def _unavoidable(ctx) -> dict[str, int]:
    """Report → its hidden graduate counts that any protection hides: small (1 to threshold − 1)
    or inside a small count of the publication (the people of the cell are among those few)."""
    values = {k: v for p in ctx.publications.values() for k, v in p.values.items()
              if k.startswith("g|")}
    out = {}
    for name, published in ctx.publications.items():
        t = published.threshold
        small = [k for k, v in values.items() if 0 < v < t]
        out[name] = sum(
            1 for k in published.hidden
            if k.startswith("g|") and k not in published.withdrawn
            and (0 < values[k] < t or any(inside(k, g) for g in small)))
    return out


#: The school report's tables, by the conditions of their counts (school and year left out).
TABLES = {
    ("destination", "grade"): "destinations (grade × destination)",
    ("grade",): "graduates of a grade",
    (): "graduates of the school",
    ("destination",): "entered a college or university",
    ("checked", "destination"): "by profile: entrants whose profile is checked",
    ("checked", "destination", "profile_aligned"): "by profile: entered by their profile",
    ("checked", "grade"): "ЕГЭ: grade 11 whose profile is checked",
    ("checked", "ege_aligned", "grade"): "ЕГЭ: chose ЕГЭ by their profile",
    ("checked", "grade", "no_ege"): "ЕГЭ: no ЕГЭ subjects given",
    ("destination", "in_demand"): "in demand: entered",
    ("destination", "in_demand", "territory"): "in demand: by list (district, republic)",
    ("destination", "resolved"): "specialty not recognised",
}


def _school_tables(ctx) -> Counter:
    """(table, "printed" | "hidden" | "secondary") → graduate counts, over every school report."""
    out: Counter = Counter()
    for name, published in ctx.publications.items():
        if not name.startswith("school:"):
            continue
        for key in published.values:
            if not key.startswith("g|") or key in published.withdrawn:
                continue
            shape = tuple(sorted(c for c in parse_key(key)[1] if c not in ("org_id", "year")))
            table = TABLES.get(shape, ", ".join(shape))
            out[table, "printed"] += 1
            reason = published.hidden.get(key)
            out[table, "hidden"] += reason is not None
            out[table, "secondary"] += reason is not None and reason != "primary"
    return out


def _one(label: str, data: Path, years: tuple[str, ...]) -> None:
    params = load_parameters()
    ledger: dict[str, str] = {}
    for year in years:
        start = time.perf_counter()
        ctx = build_context(data, year, params)
        built = time.perf_counter() - start
        ctx.ledger = dict(ledger)
        start = time.perf_counter()
        prepare(ctx)
        decided = time.perf_counter() - start
        ledger = merge(ledger, entries(ctx.publications.values()))
        shares = _shares(ctx)
        forced = _unavoidable(ctx)
        schools = [h / n for name, (n, h, _, _) in shares.items()
                   if name.startswith("school:") and n]
        grads = shares.get("graduates", (0, 0, 0, 0))
        print(f"\n{label} {year}: decision {decided:.1f} s = {decided / built:.1f}× building "
              f"the context ({built:.1f} s)")
        print(f"  graduates report: {grads[1]} of {grads[0]} graduate counts hidden "
              f"({grads[1] / max(grads[0], 1):.0%}; secondary {grads[2]}); "
              f"taken off the page: {grads[3]}")
        if "graduates" in ctx.publications:
            g = ctx.publications["graduates"]
            district = [k for k in g.values if k.startswith("share:g|destination=")
                        and "org_id=" not in k and "|grade=" in k]
            print(f"    the district's shares by grade and destination (the «район» column of "
                  f"every school page): {sum(not g.visible(k) for k in district)} of "
                  f"{len(district)} hidden")
        print(f"    of the hidden, unavoidable (1 or 2, or inside a group of 1 or 2): "
              f"{forced.get('graduates', 0)}; avoidable: "
              f"{(grads[1] - forced.get('graduates', 0)) / max(grads[0], 1):.0%} of the printed")
        if schools:
            off = sum(s[3] for name, s in shares.items() if name.startswith("school:"))
            print(f"  school reports: hidden share median {statistics.median(schools):.0%}, "
                  f"max {max(schools):.0%} over {len(schools)} schools; taken off the page: "
                  f"{off}")
            printed = sum(s[0] for name, s in shares.items() if name.startswith("school:"))
            hidden = sum(s[1] for name, s in shares.items() if name.startswith("school:"))
            unavoidable = sum(v for name, v in forced.items() if name.startswith("school:"))
            print(f"    all school reports: {hidden} of {printed} hidden "
                  f"({hidden / max(printed, 1):.0%}), unavoidable {unavoidable}; avoidable: "
                  f"{(hidden - unavoidable) / max(printed, 1):.0%} of the printed")
            tables = _school_tables(ctx)
            print(f"    {'where (all school reports)':50}{'printed':>8}{'hidden':>8}"
                  f"{'second.':>8}")
            for table in sorted({t for t, _ in tables}, key=lambda t: -tables[t, "hidden"]):
                print(f"    {table:50}{tables[table, 'printed']:>8}{tables[table, 'hidden']:>8}"
                      f"{tables[table, 'secondary']:>8}")
        for note in withheld_notes(ctx):
            print("  " + note)


def main() -> None:
    _one("demo", ROOT / "data" / "demo", ("2021-2022",))
    with tempfile.TemporaryDirectory() as tmp:
        _one("generated", write_generated_district(Path(tmp) / "data", seed=20), YEARS)


if __name__ == "__main__":
    main()
