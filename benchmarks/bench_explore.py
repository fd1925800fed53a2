"""Benchmark: the analyst's workbench on the demo district — ``open_district`` against merely
reading the same files, and every question the explore notebook asks, first call and again.

Times, side by side in one run, each the best of five (warm: this process, everything imported):

- bare read — ``pandas.read_csv`` of the demo's CSV files as text;
- read + validate — :func:`proforient.dataset.load_dataset` (every check of ``validate``);
- ``open_district`` — parameters, read + validate, the graduates aligned, every indicator of
  every year (everything the calls below reuse).

Then, on one opened district, the time of each public call the first time (it computes and
keeps the answer) and the second time (it is reused). Goals (issue 19): the calls well under
a second; ``open_district`` close to reading and validating the files.
Run: ``.venv/bin/python benchmarks/bench_explore.py``.
"""

from __future__ import annotations

import pandas as pd
from bench_indicators import best_of  # this folder: the script's own

from proforient.dataset import load_dataset
from proforient.explore import open_district
from proforient.parameters import load_parameters
from proforient.paths import DEMO_DATA_DIR


def bare_read() -> None:
    for path in sorted(DEMO_DATA_DIR.glob("*.csv")):
        head = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
        pd.read_csv(path, dtype=str, sep=";" if head.count(";") > head.count(",") else ",",
                    encoding="utf-8-sig", keep_default_na=False)


def main() -> None:
    params = load_parameters()
    open_district(DEMO_DATA_DIR, params)  # imports and caches warm
    bare = best_of(5, bare_read)
    checked = best_of(5, lambda: load_dataset(DEMO_DATA_DIR, params.rules))
    opened = best_of(5, lambda: open_district(DEMO_DATA_DIR, params))
    print(f"demo district: {DEMO_DATA_DIR}")
    print(f"{'':32}{'time':>9}{'× bare read':>14}")
    for label, seconds in (("bare read (pandas, text)", bare), ("read + validate", checked),
                           ("open_district", opened)):
        print(f"{label:32}{seconds:8.3f}s{seconds / bare:13.1f}×")
    district = open_district(DEMO_DATA_DIR, params)
    year = district.latest_year
    shares = district.indicators(year=year, scope="district")
    share = shares.loc[shares["kind"] == "share", "indicator_id"].iloc[0]
    school = district.organizations()["org_id"].iloc[0]
    calls = {
        "indicators()": lambda: district.indicators(),
        "trends()": lambda: district.trends(),
        f"funnel({share!r})": lambda: district.funnel(share),
        f"lagging({share!r})": lambda: district.lagging(share),
        f"school_trend({school!r})": lambda: district.school_trend(school),
        "graduates_by_school()": lambda: district.graduates_by_school(),
        "admissions_by_profile(grade=11)": lambda: district.admissions_by_profile(grade=11),
        "supply_demand()": lambda: district.supply_demand(),
        "unchosen_demand()": lambda: district.unchosen_demand(),
        "profile_flows()": lambda: district.profile_flows(),
        "study_location()": lambda: district.study_location(),
    }
    print(f"\n{'call on the opened district':40}{'first':>9}{'again':>9}")
    slowest = 0.0
    for label, call in calls.items():
        first = best_of(1, call)
        again = best_of(3, call)
        slowest = max(slowest, first)
        print(f"{label:40}{first:8.3f}s{again:8.3f}s")
    print(f"\nslowest first call: {slowest:.3f}s (goal: well under 1 s); open_district "
          f"{opened / checked:.1f}× reading and validating the files")


if __name__ == "__main__":
    main()
