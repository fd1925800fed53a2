"""Benchmark: indicators on a region-scale dataset vs merely reading it with pandas.

Generates a region — 4,650 organisations (85 % schools) × 3 years of by-grade measures (about
820,000 rows) and about 220,000 graduates of grades 9 and 11 (rows sampled from the demo
district's graduates, so destinations, profiles and specialties are as varied as there) — into a
temporary folder, then times, side by side in one run, the two in turn (bare, ours, bare,
ours …; ``--repeats`` pairs, default 7):

- **warm** (in this process, everything imported):
  bare read — ``pandas.read_csv`` of the same CSV files (default type inference);
  ours — what ``proforient indicators`` computes: read + validate every table (every year),
  then align the latest year's graduates and compute its indicators with the overflow check
  (:func:`proforient.pipeline.compute` of that year: the command writes one year's table);
- **cold** (a fresh Python each time, imports included, as the user runs it):
  bare read — ``python -c "import pandas; pandas.read_csv(…)"`` of the same files;
  ours — ``python -m proforient.cli indicators DATA --output FILE``.

Prints the median of each time and the median of the pairs' ratios (goal ≤ 3×): taken pair
by pair, the ratio holds when the machine's speed drifts during the run (on a shared machine
the best of three of each moved the cold ratio between 3.1× and 4.1× from one run to the next).
Also the peak resident memory of this process (goal < 1 GiB). Run:
``.venv/bin/python benchmarks/bench_indicators.py`` (``--orgs N`` for another size).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from proforient import pipeline
from proforient.dataset import load_dataset
from proforient.parameters import load_parameters
from proforient.paths import DEMO_DATA_DIR

YEARS = ["2019-2020", "2020-2021", "2021-2022"]
GRADED = {  # participants measure → grades it is reported for
    "diagnostics": range(5, 12), "proektoria": range(5, 12), "bvb_trials": range(6, 12),
    "career_events": range(1, 5), "profile_clubs": range(1, 12),
    "contest_participants": range(1, 12),
}
COUNTS = ["class_hours", "profession_meetings", "parent_meetings", "psych_consultations",
          "excursions", "agreements", "media_posts"]
FLAGS = ["responsible_appointed", "plan_approved", "plan_implemented"]


REGION = 4650  # organisations of a region (the measurement)
GRADUATE_SHARE = 0.2  # graduates of grades 9 and 11 per pupil of those grades


def generate(folder: Path, n_orgs: int = 1000, seed: int = 1, graduates: bool = False) -> int:
    """Write a synthetic region: 85% schools, the rest preschools; return the measures' rows.

    With ``graduates``, also ``graduates.csv`` (a share of each school's pupils of grades 9 and
    11, never more than its enrolment; each row's destination, profile, subjects and specialty
    sampled from the demo district's graduates of the same grade) and the demo's
    ``demand.csv``."""
    rng = np.random.default_rng(seed)
    n_schools = int(n_orgs * 0.85)
    ids = [f"sch-{i:04d}" for i in range(n_schools)] + [f"dou-{i:04d}"
                                                       for i in range(n_orgs - n_schools)]
    kinds = ["school"] * n_schools + ["preschool"] * (n_orgs - n_schools)
    pd.DataFrame({"org_id": ids, "name": [f"Организация {i}" for i in ids], "kind": kinds}
                 ).to_csv(folder / "organizations.csv", index=False)
    frames, graduate_frames = [], []
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
        if graduates:
            graduate_frames.append(_graduates(rng, year, ids[:n_schools], enrol,
                                              len(graduate_frames)))
    measures = pd.concat(frames, ignore_index=True)
    measures.to_csv(folder / "measures.csv", index=False)
    if graduates:
        pd.concat(graduate_frames, ignore_index=True).to_csv(folder / "graduates.csv",
                                                             index=False)
        (folder / "demand.csv").write_bytes((DEMO_DATA_DIR / "demand.csv").read_bytes())
    return len(measures)


def _graduates(rng: np.random.Generator, year: str, schools: list[str], enrol: np.ndarray,
               part: int) -> pd.DataFrame:
    """One year's graduates of grades 9 and 11 of every school."""
    demo = pd.read_csv(DEMO_DATA_DIR / "graduates.csv", sep=";", dtype=str,
                       keep_default_na=False, encoding="utf-8-sig")
    frames = []
    for grade in (9, 11):
        n = rng.binomial(enrol[:, grade - 1], GRADUATE_SHARE)
        pool = demo[demo["grade"] == str(grade)].drop(columns=["year", "org_id", "graduate_id"])
        rows = pool.iloc[rng.integers(0, len(pool), size=int(n.sum()))].reset_index(drop=True)
        rows.insert(0, "org_id", np.repeat(schools, n))
        frames.append(rows)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "year", year)
    out.insert(2, "graduate_id", [f"g-{part}-{i:06d}" for i in range(len(out))])
    return out


def paired(repeats: int, base, ours) -> tuple[float, float, float]:
    """Median times of ``base()`` and ``ours()`` called in turn ``repeats`` times (each returns
    its time), and the median of the pairs' ratios ours / base."""
    pairs = [(base(), ours()) for _ in range(repeats)]
    return (statistics.median(b for b, _ in pairs), statistics.median(o for _, o in pairs),
            statistics.median(o / b for b, o in pairs))


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def best_of(repeats: int, func) -> float:
    """Minimum wall time of ``repeats`` calls (the least disturbed by a noisy machine)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def cold(argv: list[str]) -> float:
    """Wall time of a fresh Python running ``argv`` (imports included)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=REGION, help="organisations (default 4650)")
    parser.add_argument("--repeats", type=int, default=7, help="pairs of runs (default 7)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        rows = generate(folder, args.orgs, graduates=True)
        files = sorted(str(p) for p in folder.glob("*.csv"))
        n_graduates = len(pd.read_csv(folder / "graduates.csv", usecols=["year"]))
        params = load_parameters()

        def baseline() -> None:
            for name in files:
                pd.read_csv(name)

        def ours() -> None:
            dataset = load_dataset(folder, params.rules)
            results = pipeline.compute(dataset, params, [dataset.latest_year])
            assert not [p for p in results.problems if p.severity == "error"]

        ours()  # once before timing: the first call pays for imports inside functions
        warm = paired(args.repeats, lambda: timed(baseline), lambda: timed(ours))
        bare = f"import pandas\nfor f in {files!r}:\n    pandas.read_csv(f)"
        output = str(Path(tmp) / "indicators.csv")
        command = ["-m", "proforient.cli", "indicators", str(folder), "--output", output]
        cold_run = paired(args.repeats, lambda: cold(["-c", bare]), lambda: cold(command))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"organisations: {args.orgs:,}; years: {len(YEARS)}; measures rows: {rows:,}; "
          f"graduates: {n_graduates:,}")
    print(f"medians of {args.repeats} pairs of runs, in turn")
    print(f"{'':32}{'bare read':>12}{'indicators':>12}{'ratio':>9}")
    for label, (base_s, ours_s, ratio) in (("warm (in this process)", warm),
                                           ("cold (fresh process, imports)", cold_run)):
        print(f"{label:32}{base_s:>11.2f}s{ours_s:>11.2f}s{ratio:>8.2f}×")
    print("goal: ratio ≤ 3× (the ratio is the median of the pairs' ratios)")
    print(f"peak resident memory of this process: {peak_mib:.0f} MiB (goal < 1024 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
