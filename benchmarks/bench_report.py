"""Benchmark: ``proforient report`` against the naive papermill + nbconvert commands.

On the demo district, in one run, times

- (a) ours: :func:`proforient.batch.run_report` with ``jobs`` workers (default 2) over the real
  notebooks — the context built once, kernels in a thread pool, one reused HTML exporter;
- (b) naive: what an analyst would script — for each notebook, one after another, the
  ``papermill`` command (the notebook computes its own context from the data folder), then
  ``jupyter nbconvert --to html --no-input``;
- (c) floor: the same number of notebooks that only ``import pandas, seaborn, scipy.stats,
  proforient`` and do nothing, through the same machinery as (a).

Prints the three times and both ratios. Goals: (b)/(a) ≥ 3 (ours at least three times faster)
and (a)/(c) ≤ 1.5 (the real notebooks cost little beyond starting kernels and importing).

Run: ``.venv/bin/python benchmarks/bench_report.py`` (all schools of the demo; ``--schools
sch-01,sch-02`` for a subset when the naive baseline takes too long, ``--notebooks DIR`` to time
other notebooks, e.g. the test fixtures).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from proforient.batch.kernel import ensure_kernel
from proforient.batch.run import run_report
from proforient.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR
from proforient.report.context import build_context

BIN = Path(sys.executable).parent
FLOOR_IMPORTS = "import pandas\nimport seaborn\nimport scipy.stats\nimport proforient"


def write_floor_notebooks(folder: Path) -> Path:
    """Notebooks with the batch's parameters that only import the stack and stop."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("school", "district", "graduates"):
        nb = nbformat.v4.new_notebook()
        params = "data_dir = None\nyear = None\nsnapshot = None"
        if name == "school":
            params += '\norg_id = "sch-01"'
        cell = nbformat.v4.new_code_cell(params)
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, nbformat.v4.new_code_cell(FLOOR_IMPORTS)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def naive(notebooks: Path, data: Path, year: str, schools: list[str], out: Path,
          kernel: str) -> tuple[float, int]:
    """Run the papermill and nbconvert commands sequentially; return (seconds, failures)."""
    out.mkdir(parents=True)
    runs = [("district", []), ("graduates", [])] + [
        (school, ["-p", "org_id", school]) for school in schools]
    failures = 0
    start = time.perf_counter()
    for name, extra in runs:
        notebook = notebooks / ("school.ipynb" if extra else f"{name}.ipynb")
        executed = out / f"{name}.ipynb"
        papermill = subprocess.run(
            [str(BIN / "papermill"), str(notebook), str(executed), "-k", kernel,
             "-p", "data_dir", str(data), "-p", "year", year, *extra],
            capture_output=True, text=True)
        if papermill.returncode != 0:
            failures += 1
            continue
        convert = subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            capture_output=True, text=True)
        failures += convert.returncode != 0
    return time.perf_counter() - start, failures


def ours(notebooks: Path, data: Path, year: str, schools: list[str] | None, out: Path,
         jobs: int) -> tuple[float, list[str]]:
    start = time.perf_counter()
    result = run_report(data, year, out, jobs=jobs, schools=schools, notebooks_dir=notebooks,
                        progress=False)
    return time.perf_counter() - start, [f"{r.name}: {r.error}" for r in result.failed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR,
                        help="folder with school/district/graduates.ipynb (default notebooks/)")
    parser.add_argument("--data", type=Path, default=DEMO_DATA_DIR, help="dataset folder")
    parser.add_argument("--schools", help="comma-separated org_ids: time only these schools")
    parser.add_argument("--jobs", type=int, default=2, help="workers for (a) and (c)")
    args = parser.parse_args(argv)

    missing = [n for n in ("school", "district", "graduates")
               if not (args.notebooks / f"{n}.ipynb").is_file()]
    if missing:
        print(f"no {', '.join(missing)} notebook in {args.notebooks}; "
              "pass --notebooks DIR (e.g. tests/notebooks_fixture)", file=sys.stderr)
        return 2
    data = args.data.resolve()
    context = build_context(data)
    year = context.year
    orgs = context.dataset.organizations
    all_schools = orgs.loc[orgs["kind"] == "school", "org_id"].astype(str).tolist()
    subset = [s.strip() for s in args.schools.split(",")] if args.schools else None
    schools = subset or all_schools
    kernel = ensure_kernel()
    print(f"dataset {data} ({context.dataset.name}), year {year}")
    print(f"notebooks {args.notebooks.resolve()}: district + graduates + {len(schools)} schools"
          + (f" (subset of {len(all_schools)}: --schools)" if subset else " (all schools)")
          + f" = {len(schools) + 2} notebooks; jobs={args.jobs}")

    # Warm the file cache so that whichever timing comes first is not penalised.
    subprocess.run([sys.executable, "-c", "import pandas, seaborn, scipy.stats, proforient, "
                    "papermill, nbconvert"], check=True)
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp = Path(tmp)
        t_ours, failed = ours(args.notebooks.resolve(), data, year, subset, tmp / "a", args.jobs)
        print(f"(a) proforient report, jobs={args.jobs}:      {t_ours:7.1f} s"
              + (f"   FAILED: {failed}" if failed else ""))
        t_naive, naive_failed = naive(args.notebooks.resolve(), data, year, schools, tmp / "b",
                                      kernel)
        print(f"(b) naive papermill + nbconvert commands: {t_naive:7.1f} s"
              + (f"   ({naive_failed} failed)" if naive_failed else ""))
        floor = write_floor_notebooks(tmp / "floor")
        t_floor, floor_failed = ours(floor, data, year, subset, tmp / "c", args.jobs)
        print(f"(c) floor: import-only notebooks, same batch: {t_floor:7.1f} s"
              + (f"   FAILED: {floor_failed}" if floor_failed else ""))
    speedup, overhead = t_naive / t_ours, t_ours / t_floor
    print(f"speed-up (b)/(a) = {speedup:.2f}×  (goal ≥ 3)  {'ok' if speedup >= 3 else 'MISSED'}")
    print(f"overhead (a)/(c) = {overhead:.2f}×  (goal ≤ 1.5)  "
          f"{'ok' if overhead <= 1.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
