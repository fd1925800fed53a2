"""Benchmark: validate + indicators on a region-scale dataset vs merely reading it with pandas.

Generates 1,000 organisations × 3 years of by-grade measures (about 200,000 rows) into a temporary
folder, then, in the same process, times

- baseline: ``pandas.read_csv`` of the same files (default type inference);
- ours: ``check_dataset`` (read + validate everything) + ``compute_indicators`` + the overflow
  check.

Prints both times, the ratio (goal ≤ 3×) and the peak resident memory (goal < 1 GiB).
Run: ``.venv/bin/python benchmarks/bench_indicators.py``.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from proforient.compute.indicators import compute_indicators, overflow_problems
from proforient.dataset import check_dataset
from proforient.parameters import load_parameters

YEARS = ["2019-2020", "2020-2021", "2021-2022"]
GRADED = {  # participants measure → grades it is reported for
    "diagnostics": range(5, 12), "proektoria": range(5, 12), "bvb_trials": range(6, 12),
    "career_events": range(1, 5), "profile_clubs": range(1, 12),
    "contest_participants": range(1, 12),
}
COUNTS = ["class_hours", "profession_meetings", "parent_meetings", "psych_consultations",
          "excursions", "agreements", "media_posts"]
FLAGS = ["responsible_appointed", "plan_approved", "plan_implemented"]


def generate(folder: Path, n_orgs: int = 1000, seed: int = 1) -> int:
    """Write a synthetic region: 85% schools, the rest preschools; return the measures' rows."""
    rng = np.random.default_rng(seed)
    n_schools = int(n_orgs * 0.85)
    ids = [f"sch-{i:04d}" for i in range(n_schools)] + [f"dou-{i:04d}"
                                                       for i in range(n_orgs - n_schools)]
    kinds = ["school"] * n_schools + ["preschool"] * (n_orgs - n_schools)
    pd.DataFrame({"org_id": ids, "name": [f"Организация {i}" for i in ids], "kind": kinds}
                 ).to_csv(folder / "organizations.csv", index=False)
    frames = []
    for year in YEARS:
        enrol = rng.integers(5, 90, size=(n_schools, 11))
        for g in range(11):
            frames.append(pd.DataFrame({"year": year, "org_id": ids[:n_schools],
                                        "measure": "students", "grade": g + 1,
                                        "value": enrol[:, g]}))
        for measure, grades in GRADED.items():
            rate = rng.uniform(0.05, 0.95, size=n_schools)
            for g in grades:
                frames.append(pd.DataFrame({
                    "year": year, "org_id": ids[:n_schools], "measure": measure, "grade": g,
                    "value": rng.binomial(enrol[:, g - 1], rate)}))
        ovz = rng.integers(0, 15, size=n_schools)
        totals = {"students_ovz": ovz, "career_events_ovz": rng.binomial(ovz, 0.8)}
        totals |= {m: rng.integers(0, 6, size=n_schools) for m in COUNTS}
        totals |= {m: rng.integers(0, 2, size=n_schools) for m in FLAGS}
        for measure, values in totals.items():
            frames.append(pd.DataFrame({"year": year, "org_id": ids[:n_schools],
                                        "measure": measure, "grade": pd.NA, "value": values}))
        kids = rng.integers(10, 60, size=n_orgs - n_schools)
        for measure, values in {"children_5_7": kids,
                                "profile_clubs_5_7": rng.binomial(kids, 0.4),
                                "early_plan_approved": rng.integers(0, 2, len(kids))}.items():
            frames.append(pd.DataFrame({"year": year, "org_id": ids[n_schools:],
                                        "measure": measure, "grade": pd.NA, "value": values}))
    measures = pd.concat(frames, ignore_index=True)
    measures.to_csv(folder / "measures.csv", index=False)
    return len(measures)


def best_of(repeats: int, func) -> float:
    """Minimum wall time of ``repeats`` calls (the least disturbed by a noisy machine)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = generate(folder)
        params = load_parameters()

        def baseline() -> None:
            for name in ("organizations.csv", "measures.csv"):
                pd.read_csv(folder / name)

        def ours() -> None:
            dataset, problems = check_dataset(folder, params.rules)
            assert dataset is not None and not [p for p in problems if p.severity == "error"]
            table = compute_indicators(dataset, params.roadmaps)
            assert not overflow_problems(table, dataset, params.roadmaps)

        base = best_of(3, baseline)
        work = best_of(3, ours)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"measures rows: {rows:,}; organisations: 1,000; years: {len(YEARS)}")
    print(f"baseline (pandas.read_csv of the same files): {base:.3f} s")
    print(f"validate + indicators:                        {work:.3f} s")
    print(f"ratio: {work / base:.2f}× (goal ≤ 3×)")
    print(f"peak resident memory of this process: {peak_mib:.0f} MiB (goal < 1024 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
