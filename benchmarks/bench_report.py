"""Benchmark: what a report costs beyond its kernel (the issue «Fast, light reports»).

On the demo district, in one run, with ``--jobs`` notebooks at once (default 2):

- (a) ours: ``proforient report`` as the user runs it (a fresh process);
- (b) naive: what an analyst would script — for each notebook, one after another, the
  ``papermill`` command (the notebook computes its own context from the data folder), then
  ``jupyter nbconvert --to html --no-input``;
- (c) floor: the same number of notebooks that only ``import pandas, seaborn, scipy.stats,
  proforient``, each in a fresh kernel started the way papermill starts one
  (``papermill.execute_notebook``), ``--jobs`` at a time;
- (d) the sections of one school report (``SchoolReport(ctx, "sch-01").page()``) in-process,
  the context already computed, against (e) starting one kernel and importing the stack
  (one import-only notebook through papermill), each the median of three;
- (f) the publication's decisions (:func:`proforient.report.publication.prepare`), made once
  and serially before any notebook starts: the part of (a) that no pool of kernels overlaps.

Also: the sizes of the reports (largest school, district, graduates), the peak memory of the
batch (all its processes together, sampled from ``/proc``, and the largest one), and how busy
the cores were during (a) (CPU seconds of every process over wall seconds × cores).

Goals: (a)/(c) ≤ 1.5 (stretch ≤ 1.0), (d)/(e) ≤ 0.5, a school report ≤ 250 KB, the district
report ≤ 500 KB, (b)/(a) ≥ 3.

Run: ``.venv/bin/python benchmarks/bench_report.py`` (``--skip-naive`` leaves (b) out: it takes
minutes); ``.venv/bin/python benchmarks/bench_report.py floor --out DIR`` runs (c) alone, as a
command to pair with ``farm-bench --vs``. The floor imports seaborn, a dependency of the
project (the analyst's quick plots, :mod:`proforient.plots`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
FLOOR_IMPORTS = "import pandas\nimport seaborn\nimport scipy.stats\nimport proforient"
KB = 1024


# --------------------------------------------------------------------------------------------
# measuring


class TreeSampler:
    """Peak resident memory of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid, self.every = pid, every
        self.peak_total = self.peak_single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            parents, rss = {}, {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                        fields = fh.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry)] = int(fields[1])
                rss[int(entry)] = int(fields[21]) * page
            tree, changed = {self.pid}, True
            while changed:
                grown = {p for p, parent in parents.items() if parent in tree} | tree
                changed, tree = grown != tree, grown
            sizes = [rss.get(p, 0) for p in tree]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_single = max(self.peak_single, max(sizes, default=0))
            self._stop.wait(self.every)


def timed_command(argv: list[str]) -> dict:
    """Run a command; its wall seconds, CPU seconds (with its children) and peak memory."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with TreeSampler(proc.pid) as sampler:
        _, err = proc.communicate()
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system
                                                          - before.children_system)
    if proc.returncode != 0:
        print(err[-2000:], file=sys.stderr)
    return {"wall": wall, "cpu": cpu, "peak_total": sampler.peak_total,
            "peak_single": sampler.peak_single, "code": proc.returncode}


# --------------------------------------------------------------------------------------------
# the runs


def write_floor_notebook(folder: Path) -> Path:
    """A notebook with the batch's parameters that only imports the stack and stops."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('data_dir = None\nyear = None\nsnapshot = None\n'
                                     'org_id = "sch-01"')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(FLOOR_IMPORTS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def floor(count: int, jobs: int, out: Path) -> float:
    """(c): ``count`` import-only notebooks, each in a fresh papermill kernel, ``jobs`` at once."""
    import papermill

    notebook = write_floor_notebook(out)

    def one(i: int) -> None:
        papermill.execute_notebook(str(notebook), str(out / f"run-{i}.ipynb"),
                                   kernel_name="python3", progress_bar=False)

    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - start


def naive(data: Path, year: str, schools: list[str], out: Path) -> tuple[float, int]:
    """(b): the papermill and nbconvert commands, one notebook after another."""
    out.mkdir(parents=True)
    runs = [("district", []), ("graduates", [])] + [
        (school, ["-p", "org_id", school]) for school in schools]
    failures = 0
    start = time.perf_counter()
    for name, extra in runs:
        notebook = ROOT / "notebooks" / ("school.ipynb" if extra else f"{name}.ipynb")
        executed = out / f"{name}.ipynb"
        run = subprocess.run([str(BIN / "papermill"), str(notebook), str(executed), "-k",
                              "python3", "-p", "data_dir", str(data), "-p", "year", year,
                              *extra], capture_output=True, text=True)
        if run.returncode != 0:
            failures += 1
            continue
        convert = subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html",
                                  "--no-input", str(executed)], capture_output=True, text=True)
        failures += convert.returncode != 0
    return time.perf_counter() - start, failures


def sections_in_process() -> tuple[float, float]:
    """(d): one school report's sections, in this process, the context computed beforehand;
    and (f): the time of that computation's publication decisions (:func:`prepare`), which the
    batch makes serially before any notebook starts."""
    from proforient.report.school.page import SchoolReport

    ctx, decisions = first_decisions()
    SchoolReport(ctx, "sch-02").page()  # first figure of the process: fonts, caches
    times = []
    for _ in range(3):
        start = time.perf_counter()
        SchoolReport(ctx, "sch-01").page()
        times.append(time.perf_counter() - start)
    return statistics.median(times), decisions


def first_decisions():
    """(f): the demo's context with the year's first publication decisions made (no ledger;
    with the facts they are made from), in this process, as the batch makes them before any
    notebook starts; and their time."""
    from proforient.report.context import build_context
    from proforient.report.publication import prepare

    ctx = build_context()
    start = time.perf_counter()
    prepare(ctx)
    return ctx, time.perf_counter() - start


def kernel_start(out: Path) -> float:
    """(e): start one kernel and import the stack (papermill), the median of three."""
    return statistics.median(floor(1, 1, out / f"k{i}") for i in range(3))


# --------------------------------------------------------------------------------------------


def report(args: argparse.Namespace) -> int:
    from proforient.paths import DEMO_DATA_DIR
    from proforient.report.context import build_context

    data = DEMO_DATA_DIR
    ctx = build_context(data)
    schools = ctx.dataset.organizations.query("kind == 'school'")["org_id"].astype(str).tolist()
    notebooks = len(schools) + 2
    cores = os.cpu_count() or 1
    print(f"demo district, year {ctx.year}: {notebooks} notebooks; jobs={args.jobs}; "
          f"{cores} cores")
    subprocess.run([sys.executable, "-c", "import pandas, seaborn, scipy.stats, proforient, "
                    "papermill, nbconvert, matplotlib"], check=True)  # warm the file cache
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp = Path(tmp)
        a = timed_command([str(BIN / "proforient"), "report", str(data), "--out",
                           str(tmp / "a"), "--jobs", str(args.jobs)])
        c = floor(notebooks, args.jobs, tmp / "c")
        d, f = sections_in_process()
        e = kernel_start(tmp / "e")
        sizes = {p.name: p.stat().st_size for p in (tmp / "a").glob("*.html")}
        b = naive(data, ctx.year, schools, tmp / "b") if not args.skip_naive else None
    school = max(v for k, v in sizes.items() if k.startswith("sch-"))
    print(f"(a) proforient report:                 {a['wall']:7.1f} s"
          + ("" if a["code"] == 0 else f"   exit {a['code']}"))
    print(f"(c) floor, import-only fresh kernels:  {c:7.1f} s")
    print(f"    (a)/(c) = {a['wall'] / c:.2f}   goal ≤ 1.5 (stretch ≤ 1.0)")
    print(f"(d) sections of sch-01, in-process:    {d:7.2f} s")
    print(f"(e) one kernel start + stack import:   {e:7.2f} s")
    print(f"    (d)/(e) = {d / e:.2f}   goal ≤ 0.5")
    print(f"(f) publication decisions, serial:     {f:7.1f} s   ({f / a['wall']:.0%} of (a): "
          "made before any notebook starts)")
    print(f"sizes: largest school report {school / KB:.0f} KB (goal ≤ 250), district "
          f"{sizes.get('district.html', 0) / KB:.0f} KB (goal ≤ 500), graduates "
          f"{sizes.get('graduates.html', 0) / KB:.0f} KB, all {sum(sizes.values()) / KB:.0f} KB")
    print(f"batch memory: peak of all processes together {a['peak_total'] / KB**2:.0f} MB, "
          f"largest single process {a['peak_single'] / KB**2:.0f} MB")
    print(f"cores busy during (a): {a['cpu'] / (a['wall'] * cores):.0%} "
          f"({a['cpu']:.0f} CPU s over {a['wall']:.0f} s × {cores})")
    if b is not None:
        seconds, failed = b
        print(f"(b) naive papermill + nbconvert:       {seconds:7.1f} s"
              + (f"   ({failed} failed)" if failed else ""))
        print(f"    (b)/(a) = {seconds / a['wall']:.2f}   goal ≥ 3")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="notebooks at once in (a) and (c)")
    parser.add_argument("--skip-naive", action="store_true", help="leave (b) out")
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("floor", help="run (c) alone (for farm-bench --vs)")
    one.add_argument("--out", type=Path, required=True)
    one.add_argument("--count", type=int, default=22)
    small = sub.add_parser("small", help="a small batch: (a) and (c) on district, graduates "
                                         "and --schools N schools (8 notebooks by default)")
    small.add_argument("--schools", type=int, default=6)
    args = parser.parse_args(argv)
    if args.command == "floor":
        print(f"{floor(args.count, args.jobs, args.out):.1f}")
        return 0
    if args.command == "small":
        return small_batch(args.schools, args.jobs)
    return report(args)


def small_batch(n_schools: int, jobs: int) -> int:
    """A small batch's fixed cost (issue 20, goal ≤ 1.5): ``proforient report --schools`` on the
    first ``n_schools`` schools of the demo district (district + graduates + schools) against
    the floor of as many import-only notebooks in fresh kernels, side by side.

    Two kinds of run: (a) the year's first publication — each run in a folder of its own, so
    that no earlier batch's ledger is beside it (best of two); (a') the same batch again
    beside the first, the ledger of what it published given (once), as when the analyst runs
    the reports a second time. (Before, both runs of (a) shared one parent folder, and the
    second, faster one — a re-run — was the figure printed.) Also (f): how much of (a) the
    publication's decisions are, made once and serially before any notebook can start."""
    from proforient.paths import DEMO_DATA_DIR
    from proforient.report.context import build_context

    ctx = build_context(DEMO_DATA_DIR)
    schools = ctx.dataset.organizations.query("kind == 'school'")["org_id"].astype(str)
    chosen = ",".join(schools.tolist()[:n_schools])
    notebooks = n_schools + 2
    subprocess.run([sys.executable, "-c", "import pandas, seaborn, scipy.stats, proforient, "
                    "papermill, nbconvert, matplotlib"], check=True)  # warm the file cache

    def batch(out: Path) -> float:
        run = timed_command([str(BIN / "proforient"), "report", str(DEMO_DATA_DIR),
                             "--out", str(out), "--jobs", str(jobs), "--schools", chosen])
        return run["wall"] if run["code"] == 0 else float("nan")

    with tempfile.TemporaryDirectory(prefix="bench-small-") as tmp:
        tmp = Path(tmp)
        first, floors = [], []
        for i in range(2):
            first.append(batch(tmp / f"a{i}" / "reports"))
            floors.append(floor(notebooks, jobs, tmp / f"c{i}"))
        again = batch(tmp / "a1" / "again")
    a, c = min(first), min(floors)
    decisions = first_decisions()[1]
    print(f"small batch: {notebooks} notebooks (district, graduates, {n_schools} schools); "
          f"jobs={jobs}; {os.cpu_count()} cores")
    print(f"(a)  first publication of the year:    {a:7.1f} s")
    print(f"(a') again, the ledger of (a) given:   {again:7.1f} s")
    print(f"(c)  floor, import-only fresh kernels: {c:7.1f} s")
    print(f"     (a)/(c) = {a / c:.2f}   (a')/(c) = {again / c:.2f}   goal ≤ 1.5")
    print(f"(f)  of (a), the publication's decisions, serial: {decisions:.1f} s (with their "
          "facts; every school's page is decided, not only those rendered: the publication is one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
