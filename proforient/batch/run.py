"""The batch behind ``proforient report`` (README, «Команды»): execute the report notebooks with
papermill, render them to self-contained HTML with the code hidden, and write an index.

How one run goes:

0. The data are read and checked, the output folder is checked (a file, a system folder, a
   folder without write permission are refused) and announced, and its lock is taken: a second
   run writing the same folder is refused (:func:`~proforient.batch.outputs.folder_lock`).
1. The report context (data loading, validation, indicators, alignment) is built **once** with
   :func:`~proforient.context.build_context` and pickled into a private temporary folder; every
   notebook receives its path as the ``snapshot`` parameter instead of recomputing it.
2. Jobs: ``district``, ``graduates`` and one per school (``<org_id>.html``). The parameters each
   notebook receives are checked against its ``parameters`` cell (papermill only warns).
3. An *executor* (:mod:`proforient.batch.executors`) runs the jobs and hands back, one by one as
   they finish, each job's rendered page or error (:class:`~proforient.batch.jobs.Outcome`).
   By default (``ThreadExecutor``) notebooks run in a thread pool of this process (parallel
   kernels started from several processes collide on ports), each kernel being this
   environment's Python. On POSIX the kernels talk over IPC sockets in the private folder: no TCP
   ports to collide, and no "running over TCP without encryption" noise on the terminal. A
   kernel that fails to *start* is retried once; a notebook error never is. ``DaskExecutor``
   runs each notebook as a task on a Dask cluster instead (see that module). Everything else
   below is the same for both.
4. Each executed notebook is rendered by a reused :class:`nbconvert.HTMLExporter` (code,
   prompts, stderr streams and external scripts removed, ``lang="ru"``, a Russian title), where
   it ran. Here, in the calling thread, a page that contains a ``graduate_id`` of the dataset, or
   an image that is not embedded, is not published.
5. Everything is written into a staging folder next to the target
   (``outputs/.2021-2022.tmp-XXXX``) and swapped into place at the end, so the previous reports
   survive a run that fails to start or is interrupted. A run that publishes no report at all
   does not replace previous reports either: its index and executed notebooks go to
   ``outputs/2021-2022.failed/`` (removed by the next successful run). When the folder holds
   the reports of another dataset folder or year, they are not lost either: the swap moves
   them to ``outputs/2021-2022.previous-ДАТА`` and the run says so, first and last.
6. Ctrl+C or SIGTERM ends the run at once: the kernels are killed, the staging and temporary
   folders removed, the previous reports left as they were, and :class:`KeyboardInterrupt`
   propagates (the command prints a Russian message and exits with 130, or 143 for SIGTERM).
   A signal that some library swallowed still stops the run before it publishes
   (:mod:`proforient.interrupts`).

Output folder::

    index.html        the index (Russian), links to every report
    district.html     the district report
    graduates.html    the graduates report
    <org_id>.html     one per school
    manifest.json     what was run: version, the dataset's name and fingerprint, year, times,
                      each notebook's status (no path, no warnings: those count graduates)

Analyst folder (:func:`~proforient.batch.jobs.analyst_dir`), *beside* the report folder, never
inside it — the department copies or uploads the report folder whole::

    ../НЕ_ДЛЯ_ПУБЛИКАЦИИ/<year>/   the executed notebooks (with warnings, stderr and
                                  tracebacks), specialty-review.csv, a README and the
                                  whole manifest.json (the dataset's path, the run's warnings)

A run restricted with ``schools`` *merges*: it reruns the district and graduates notebooks and the
chosen schools, and keeps the other schools' reports (and their index entries) from the previous
run of the same dataset and year. And whatever the run, a report that fails never removes the
previous run's published report of the same name (same dataset and year): that page and its
index entry are kept, marked as from the previous run, and the failure is reported.
"""


from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from proforient import __version__
from proforient.batch.analyst import write_analyst_files
from proforient.batch.executors import make_executor
from proforient.batch.index import WORK_README, render_index
from proforient.batch.jobs import (
    DEFAULT_TIMEOUT,
    DISTRICT_REPORTS,
    NOTEBOOKS,
    WORK_DIR,
    BatchResult,
    BatchSetup,
    Job,
    JobResult,
    Outcome,
    analyst_dir,
    ledger_path,
    public_parameters,
)
from proforient.batch.outputs import (
    FAILED_SUFFIX,
    INDEX,
    MANIFEST,
    STAGING_PREFIX,
    backup_path,
    check_target,
    dataset_id,
    folder_lock,
    keep_published,
    kept_entries,
    published,
    read_manifest,
    remove_leftovers,
    remove_tree,
    same_data,
    swap,
)
from proforient.batch.safety import Guard, checkable, graduate_id_pattern, machine_paths
from proforient.dataset.checks import org_id_problem, shown_org_id
from proforient.interrupts import Interrupts
from proforient.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR, OUTPUTS_DIR
from proforient.problems import InputError, Problem, exception_text, os_error_reason
from proforient.report.context import ReportContext, build_context, save_context
from proforient.report.landing import landing
from proforient.report.ledger import entries, merge, read_ledger, write_ledger
from proforient.report.publication import prepare, withheld_notes

log = logging.getLogger(__name__)


def check_parameters(notebook: Path, names: Iterable[str]) -> list[Problem]:
    """Check that a notebook's ``parameters`` cell declares every name the batch injects.

    Parameters
    ----------
    notebook : Path
        The notebook file.
    names : iterable of str
        The parameter names the batch will pass.

    Returns
    -------
    list of Problem
        Empty when every name is declared (papermill itself only logs a warning).
    """
    import papermill

    names = list(names)
    try:
        declared = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # unreadable JSON, no kernelspec language…
        return [Problem(notebook.name, None, None,
                        f"не удалось прочитать параметры блокнота ({exception_text(exc)})")]
    unknown = [n for n in names if n not in declared]
    if not declared:
        return [Problem(notebook.name, None, "parameters",
                        "в блокноте нет ячейки с тегом parameters; нужны параметры: "
                        + ", ".join(names))]
    if unknown:
        return [Problem(notebook.name, None, "parameters",
                        "блокнот не объявляет параметры " + ", ".join(unknown)
                        + " (объявлены: " + ", ".join(declared) + ")")]
    return []


def _school_problems(schools: Sequence[str], kinds: dict[str, str]) -> list[Problem]:
    problems = []
    unknown = [s for s in schools if s not in kinds]
    if unknown:
        problems.append(Problem("--schools", None, None,
                                "нет таких организаций в organizations.csv: " + ", ".join(unknown)))
    not_school = [s for s in schools if s in kinds and kinds[s] != "school"]
    if not_school:
        problems.append(Problem("--schools", None, None,
                                "это не школы (вид организации не school): "
                                + ", ".join(not_school)))
    return problems


def _file_name_problems(org_ids: Sequence[str]) -> list[Problem]:
    """Schools whose ``<org_id>.html`` cannot be written, by the rule ``validate`` applies
    (:func:`~proforient.dataset.checks.org_id_problem`): a dataset that passed ``validate``
    never meets this; it guards the batch against a dataset checked by an older version."""
    problems, seen = [], {}
    for org_id in org_ids:
        reason = org_id_problem(org_id)
        if reason:
            problems.append(Problem("organizations.csv", None, "org_id",
                                    f"код организации «{shown_org_id(org_id)}» нельзя сделать "
                                    f"именем файла отчёта: {reason}"))
        elif org_id.casefold() in seen:
            problems.append(Problem("organizations.csv", None, "org_id",
                                    f"коды школ «{seen[org_id.casefold()]}» и «{org_id}» "
                                    "различаются только регистром букв: файлы отчётов совпадут"))
        seen.setdefault(org_id.casefold(), org_id)
    return problems


# --------------------------------------------------------------------------------------------
# The run


@dataclass
class _Plan:
    """What one run works on, decided before anything is written."""

    context: ReportContext
    dataset_path: str
    out_dir: Path
    notebooks_dir: Path
    all_schools: dict[str, str]
    chosen: list[str]
    schools: list[str] | None
    started: datetime
    warnings: list[str] = field(default_factory=list)
    replace_publication: bool = False

    @property
    def year(self) -> str:
        return self.context.year

    @property
    def generated(self) -> str:
        return self.context.generated.strftime("%Y-%m-%d %H:%M")


def run_report(data_dir: str | Path | None = None, year: str | None = None,
               out_dir: str | Path | None = None, jobs: int | None = None,
               schools: Sequence[str] | None = None,
               notebooks_dir: str | Path = NOTEBOOKS_DIR, timeout: int = DEFAULT_TIMEOUT,
               progress: bool = True, executor: str | Any | None = None,
               scheduler: str | None = None,
               shared_dir: str | Path | None = None,
               replace_publication: bool = False,
               say: Callable[[str], None] | None = None) -> BatchResult:
    """Execute the report notebooks, render them to HTML and write the index.

    Parameters
    ----------
    data_dir : str or Path, optional
        The dataset folder; the demo district when omitted.
    year : str, optional
        The academic year; the latest in the data when omitted.
    out_dir : str or Path, optional
        The output folder; ``outputs/<year>/`` of the project folder when omitted. An existing
        folder is replaced only at the end of the run, and only if it is empty or was written
        by this command; reports of another dataset or year are moved aside, not deleted.
    jobs : int, optional
        Notebooks executed at once; one per CPU core when omitted. With ``executor="dask"`` and
        no ``scheduler``: the number of workers of the local Dask cluster.
    schools : sequence of str, optional
        Only these schools (``org_id``); the district and graduates reports are always rerun and
        the other schools' reports of the previous run (same dataset and year) are kept.
    notebooks_dir : str or Path
        Folder with ``school.ipynb``, ``district.ipynb`` and ``graduates.ipynb``.
    timeout : int
        Seconds one cell may run before the notebook is stopped and marked failed.
    progress : bool
        Show a progress bar on stderr.
    executor : {"threads", "dask"} or executor object, optional
        Where the notebooks run (:mod:`proforient.batch.executors`): kernels started from a
        thread pool of this process (the default), or tasks on a Dask cluster (the default when
        ``scheduler`` is given). An object with the executor interface is used as it is.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://HOST:8786``); without it
        ``executor="dask"`` starts a local cluster of ``jobs`` worker processes.
    shared_dir : str or Path, optional
        Dask only: a folder every worker sees at the same path; the context snapshot is written
        there once instead of being sent to each worker.
    replace_publication : bool
        Decide this year's publication afresh: drop this year's entries of the publication
        ledger (:mod:`proforient.report.ledger`) first. Without it, what an earlier run of this
        year hid stays hidden; what runs of other years hid stays hidden in any case.
    say : callable, optional
        Receives, before the notebooks run, the Russian lines the user must see first: where
        the reports go, and what happens to the reports already there.

    Returns
    -------
    BatchResult
        ``failed`` lists the reports of this run that were not published.

    Raises
    ------
    InputError
        When the data have errors, the year or a requested school is unknown, a notebook is
        missing or does not declare the parameters, the output folder cannot be used or another
        run is writing it, or the Dask cluster cannot be used. Nothing is written then; nor
        when the reports cannot be written (a full disk): the previous ones stay.
    KeyboardInterrupt
        Ctrl+C: the previous reports stay, nothing of this run is left.
    """
    plan = _plan(data_dir, year, out_dir, schools, notebooks_dir)
    plan.replace_publication = replace_publication
    say = say or log.info
    default_out = out_dir is None
    say(f"Папка отчётов: {plan.out_dir}" + (" (по умолчанию: outputs/<год> в папке проекта; "
                                            "другую папку задаёт --out)" if default_out else ""))
    with Interrupts() as interrupts, folder_lock(plan.out_dir):
        previous, backup = _previous_set(plan, say)
        # Started before anything is written: a cluster that cannot be used is an InputError.
        runner = make_executor(executor, jobs=jobs, scheduler=scheduler, shared_dir=shared_dir)
        try:
            runner.start(len(plan.chosen) + 2)
            return _stage_and_publish(plan, runner, previous, backup, timeout, progress,
                                      interrupts)
        finally:
            with interrupts.deferred():
                runner.close()


def _plan(data_dir: str | Path | None, year: str | None, out_dir: str | Path | None,
          schools: Sequence[str] | None, notebooks_dir: str | Path) -> _Plan:
    """Read and check everything the run needs; raise InputError before anything is written."""
    started = datetime.now()
    context = build_context(data_dir or DEMO_DATA_DIR, year)
    dataset = context.dataset
    dataset_path = str(Path(dataset.path).resolve())
    # The snapshot is read where the notebooks run, maybe in another working directory or on
    # another machine: a relative folder would mean something else there.
    dataset.path = Path(dataset_path)
    out_dir = Path(out_dir or OUTPUTS_DIR / context.year).resolve()
    notebooks_dir = Path(notebooks_dir).resolve()

    orgs = dataset.organizations
    kinds = dict(zip(orgs["org_id"].astype(str), orgs["kind"].astype(str), strict=True))
    names = dict(zip(orgs["org_id"].astype(str), orgs["name"].astype(str), strict=True))
    all_schools = {o: names[o] for o, k in kinds.items() if k == "school"}
    if schools is not None:
        schools = list(dict.fromkeys(str(s).strip() for s in schools if str(s).strip()))
        problems = _school_problems(schools, kinds)
        if problems:
            raise InputError(problems)
        chosen = [s for s in all_schools if s in set(schools)]
    else:
        chosen = list(all_schools)
    problems = _file_name_problems(chosen)
    problems += _notebook_problems(notebooks_dir, bool(chosen))
    if problems:
        raise InputError(problems)
    check_target(out_dir)
    return _Plan(context, dataset_path, out_dir, notebooks_dir, all_schools, chosen, schools,
                 started, _data_warnings(context, dataset_path))


def _previous_set(plan: _Plan, say: Callable[[str], None]) -> tuple[dict | None, Path | None]:
    """The manifest of the reports already in the folder, and where they will go if they are
    another dataset's or year's (said at once). Under the lock: clears what dead runs left."""
    plan.warnings += [f"Не удалось удалить остатки прерванного запуска: {p}."
                      for p in remove_leftovers(plan.out_dir)]
    previous = read_manifest(plan.out_dir)
    if not published(previous) or same_data(previous, plan.dataset_path, plan.year):
        return previous, None
    backup = backup_path(plan.out_dir, plan.started)
    # the path is in the analyst's copy of the manifest (or, written by an earlier version,
    # in the published one)
    analysts = read_manifest(analyst_dir(plan.out_dir)) or {}
    path = analysts.get("dataset") if analysts.get("year") == previous.get("year") \
        and analysts.get("dataset_id") == previous.get("dataset_id") else None
    what = ", ".join(str(v) for v in (previous.get("dataset_name"),
                                      path or previous.get("dataset"),
                                      previous.get("year")) if v)
    say(f"В этой папке — отчёты по другому набору данных или году ({what or 'неизвестно'}): "
        f"запуск не удалит их, а перенесёт в {backup}.")
    return previous, backup


def _data_warnings(context: ReportContext, dataset_path: str) -> list[str]:
    """What the analyst should know about the data before reading the reports."""
    dataset = context.dataset
    warnings = []
    unchecked = {g for g in dataset.graduates["graduate_id"].dropna().astype(str)
                 if not checkable(g)}
    if dataset.problems:
        warnings.append(f"Предупреждений в данных: {len(dataset.problems)} (подробно: "
                        f"proforient validate {dataset_path}).")
    if unchecked:
        warnings.append(f"Коды выпускников, которые нельзя надёжно найти в тексте отчётов "
                        f"(короче 3 знаков или из одних цифр): {len(unchecked)}; проверка "
                        "отчётов на их отсутствие не выполнялась.")
    return warnings


def _stage_and_publish(plan: _Plan, runner, previous: dict | None, backup: Path | None,
                       timeout: int, progress: bool, interrupts: Interrupts) -> BatchResult:
    """Write everything into a staging folder, then swap it into place (or aside)."""
    try:
        with _staging(plan.out_dir, interrupts) as staging:
            results = _execute(plan, runner, staging, timeout, progress, interrupts)
            runner.close()
            results = _merge_kept(plan, results, previous, staging)
            _write_index_and_manifest(plan, results, runner.describe(), staging)
            interrupts.check()  # the last moment a Ctrl+C (even a swallowed one) stops the run
            with interrupts.deferred():
                return _publish(plan, staging, results, previous, backup)
    except OSError as exc:  # a full disk, a folder made read-only meanwhile…
        raise InputError([Problem(str(exc.filename or plan.out_dir), None, None,
                                  f"не удалось записать отчёты: {os_error_reason(exc)}; "
                                  "прежние отчёты не изменены")]) from None


@contextmanager
def _staging(out_dir: Path, interrupts: Interrupts) -> Iterator[Path]:
    """A staging folder next to ``out_dir``, readable like the reports; removed on failure
    (after a publication it is the output folder)."""
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX.format(name=out_dir.name),
                                        dir=out_dir.parent))
        umask = os.umask(0)  # mkdtemp makes a private folder; the reports are for sharing
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        yield staging
    except BaseException:
        with interrupts.deferred():
            if staging is not None:
                remove_tree(staging)
            remove_leftovers(out_dir)  # we hold the lock: any other is a dead run's
        raise


def _execute(plan: _Plan, runner, staging: Path, timeout: int, progress: bool,
             interrupts: Interrupts) -> list[JobResult]:
    """Run every job of this run; its pages go to ``staging``, its notebooks to ``_work/``."""
    context = plan.context
    with tempfile.TemporaryDirectory(prefix="proforient-") as private:
        private = Path(private)
        work = staging / WORK_DIR
        work.mkdir()
        (work / "README.txt").write_text(WORK_README, encoding="utf-8")
        # the facts and every report's publication decision, once for the whole batch, with
        # what earlier batches published as given
        ledger = read_ledger(ledger_path(plan.out_dir), plan.dataset_path)
        context.ledger = merge(ledger, {}, replace_year=plan.year) \
            if plan.replace_publication else ledger
        # the decisions keep one core busy: an executor that can starts kernels meanwhile
        warm = runner.warm_up(private, len(plan.chosen) + 2) \
            if hasattr(runner, "warm_up") else None
        bar = _DecisionsBar(progress)
        try:
            try:
                prepare(context, bar)
                bar.finished()
            finally:
                bar.close()
            if warm is not None:
                warm.enough()
            plan.warnings += withheld_notes(
                context, ["graduates", *(f"school:{org_id}" for org_id in plan.chosen)])
            plan.warnings += write_analyst_files(context, work)
            snapshot = save_context(context, private / "context.pickle")
            batch = BatchSetup(snapshot=snapshot, private=private, work=work,
                               notebooks_dir=plan.notebooks_dir, timeout=timeout)
            graduate_ids = set(context.dataset.graduates["graduate_id"].dropna().astype(str))
            out_dir = plan.out_dir
            guard = Guard(graduate_id_pattern(graduate_ids), tuple(machine_paths(
                plan.dataset_path, plan.notebooks_dir, out_dir, out_dir.parent, staging,
                private, tempfile.gettempdir())))
            return _run_jobs(_jobs(plan, snapshot), runner, batch, staging, guard,
                             plan.generated, progress, interrupts)
        finally:
            if warm is not None:
                with interrupts.deferred():
                    warm.close()


class _DecisionsBar:
    """The publication's decisions on a progress bar (stderr): before any report starts, a
    year's first run decides every report in turn — half a minute on the demo — and the
    terminal said nothing meanwhile. Called with the round, the reports decided in it and
    the reports of a round (:func:`proforient.report.publication.prepare`)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.bar, self.round = enabled, None, 0

    def __call__(self, round_: int, done: int, total: int) -> None:
        from tqdm import tqdm

        title = "Решения о публикации" if round_ == 1 else \
            f"Решения о публикации, проход {round_}"
        if self.bar is None:  # (drawn at once: with its title from the start)
            self.bar = tqdm(total=total, desc=title, file=sys.stderr, disable=not self.enabled,
                            dynamic_ncols=True,
                            bar_format="{desc}: {n_fmt} из {total_fmt} |{bar}| {elapsed}")
        elif round_ != self.round:  # a later round decides again from its first changed report
            self.bar.set_description_str(title, refresh=False)
        self.round = round_
        self.bar.total, self.bar.n = total, done
        self.bar.refresh()

    def finished(self) -> None:
        """Every decision is made (a last round that can no longer stand stops early)."""
        if self.bar is not None:
            self.bar.n = self.bar.total
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _jobs(plan: _Plan, snapshot: Path) -> list[Job]:
    """District, graduates, then the chosen schools, with their parameters."""
    year, notebooks_dir = plan.year, plan.notebooks_dir
    base = {"data_dir": plan.dataset_path, "year": year, "snapshot": str(snapshot)}
    district_title, graduates_title = (DISTRICT_REPORTS[k][0] for k in ("district", "graduates"))
    return [
        Job("district", "district", district_title, notebooks_dir / NOTEBOOKS["district"],
            dict(base), 0, f"{district_title} — {year}"),
        Job("graduates", "graduates", graduates_title, notebooks_dir / NOTEBOOKS["graduates"],
            dict(base), 1, f"{graduates_title} — {year}"),
    ] + [Job(org_id, "school", plan.all_schools[org_id], notebooks_dir / NOTEBOOKS["school"],
             {**base, "org_id": org_id}, 2 + i,
             f"{plan.all_schools[org_id]} — профориентация, {year}")
         for i, org_id in enumerate(plan.chosen)]


def _merge_kept(plan: _Plan, results: list[JobResult], previous: dict | None,
                staging: Path) -> list[JobResult]:
    """Add what this run keeps of the previous one (same dataset and year only): the other
    schools' reports of a ``--schools`` run, and the published report of each failed one."""
    out_dir = plan.out_dir
    if not same_data(previous, plan.dataset_path, plan.year):
        return results  # another dataset's reports are moved aside whole (see run_report)
    kept = kept_entries(previous, plan.dataset_path, plan.year, set(plan.chosen),
                        plan.all_schools, out_dir) if plan.schools is not None else []
    results = keep_published(previous, results, out_dir)
    for result in kept + [r for r in results if r.reused]:
        if result.output:
            shutil.copy2(out_dir / result.output, staging / result.output)
        executed = analyst_dir(out_dir) / f"{result.name}.ipynb"
        if not result.failed_rerun and executed.is_file():  # a failed rerun's is newer
            shutil.copy2(executed, staging / WORK_DIR / executed.name)
    order = {o: i for i, o in enumerate(plan.all_schools)}
    return [r for r in results if r.kind != "school"] + sorted(
        [r for r in results if r.kind == "school"] + kept, key=lambda r: order[r.name])


def _write_index_and_manifest(plan: _Plan, results: list[JobResult], described: dict,
                              staging: Path) -> None:
    dataset = plan.context.dataset
    (staging / INDEX).write_text(render_index(
        results, dataset_name=dataset.name, year=plan.year, generated=plan.generated,
        synthetic=dataset.synthetic, district=dataset.district, landing=landing(plan.context)),
        encoding="utf-8")
    manifest = {
        "generator": "proforient report", "version": __version__,
        "dataset_id": dataset_id(plan.dataset_path), "dataset_name": dataset.name,
        "synthetic": dataset.synthetic, "year": plan.year,
        "started": plan.started.isoformat(timespec="seconds"),
        "finished": datetime.now().isoformat(timespec="seconds"),
        "jobs": described["jobs"], "kernel": described["kernel"],
        "executor": described["executor"],
        "schools_requested": plan.schools,
        "notebooks": [asdict(r) for r in results],
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                    encoding="utf-8")
    # the run's warnings count graduates («у 1 поступившего не указано, где учится» of a
    # district whose page shows «<3») and the paths name the analyst's folders: both go to
    # the analyst's copy of the manifest, beside the executed notebooks
    work = staging / WORK_DIR
    work.mkdir(exist_ok=True)
    full = {**manifest, "dataset": plan.dataset_path, "notebooks_dir": str(plan.notebooks_dir),
            "warnings": plan.warnings}
    (work / MANIFEST).write_text(json.dumps(full, ensure_ascii=False, indent=2),
                                 encoding="utf-8")


def _publish(plan: _Plan, staging: Path, results: list[JobResult], previous: dict | None,
             backup: Path | None) -> BatchResult:
    """Swap the staging folder into place; or aside, when it published nothing and the
    previous reports are worth more."""
    out_dir = plan.out_dir
    failed_dir = out_dir.with_name(out_dir.name + FAILED_SUFFIX)
    if not any(r.ok for r in results if not r.reused) and published(previous):
        # Nothing was published: keep the previous reports, put this run's errors aside.
        swap(staging, failed_dir)
        written, kept_previous, backup = failed_dir, out_dir, None
    else:
        leftover = swap(staging, out_dir, keep_as=backup)
        if leftover is not None:
            plan.warnings.append(f"Не удалось удалить прежнюю папку отчётов {leftover}: "
                                 "удалите её вручную.")
        if failed_dir.exists():  # a stale failed run's
            remove_tree(failed_dir)
        plan.warnings += _move_analyst_files(out_dir)
        plan.warnings += _record_publication(plan)
        written, kept_previous = out_dir, None
    return BatchResult(out_dir=written, index=written / INDEX, manifest=written / MANIFEST,
                       year=plan.year, results=results, warnings=plan.warnings,
                       previous_kept=kept_previous, backup=backup)


def _move_analyst_files(out_dir: Path) -> list[str]:
    """Move the run's executed notebooks and review lists out of the published folder, to
    :func:`analyst_dir` (replacing the previous run's). Should that fail, they are removed: the
    published folder holds nothing that is not for publication. Returns warnings."""
    work, target = out_dir / WORK_DIR, analyst_dir(out_dir)
    if not work.is_dir():
        return []
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.parent.chmod(0o700)  # personal data: the analyst's account only
        if target.exists():
            swap(work, target)
        else:
            work.rename(target)
        return []
    except OSError as exc:
        remove_tree(work)
        return [f"Не удалось перенести файлы аналитика в {target}: {os_error_reason(exc)}; "
                "исполненные блокноты этого запуска удалены из папки отчётов."]


def _record_publication(plan: _Plan) -> list[str]:
    """Add what this run published to the ledger (after the pages are in place)."""
    path = ledger_path(plan.out_dir)
    try:
        old = read_ledger(path, plan.dataset_path)
        new = entries(plan.context.publications.values())
        write_ledger(path, plan.dataset_path, merge(
            old, new, plan.year if plan.replace_publication else None))
        return []
    except (OSError, InputError) as exc:
        reason = os_error_reason(exc) if isinstance(exc, OSError) else str(exc)
        return [f"Не удалось записать журнал публикаций {path}: {reason}. Пока он не "
                "записан, следующие отчёты могут показать то, что скрыто в этих: запустите "
                "отчёты снова, когда причина устранена."]


def _notebook_problems(notebooks_dir: Path, with_schools: bool) -> list[Problem]:
    problems = []
    base = ["data_dir", "year", "snapshot"]
    for kind, file in NOTEBOOKS.items():
        if kind == "school" and not with_schools:
            continue
        path = notebooks_dir / file
        if not path.is_file():
            problems.append(Problem(str(path), None, None, "блокнот отчёта не найден"))
            continue
        problems += check_parameters(path, base + (["org_id"] if kind == "school" else []))
    return problems


def _run_jobs(job_list: list[Job], executor, batch: BatchSetup, staging: Path, guard: Guard,
              generated: str, progress: bool,
              interrupts: Interrupts | None = None) -> list[JobResult]:
    """Run the jobs with ``executor``; check and write each report in this thread as it comes.

    Everything but running the notebooks is done here, the same way for every executor: the
    privacy check, the files, the progress bar. Interrupted, the executor's iterator is closed
    at once, which stops the notebooks still running.
    """
    from tqdm import tqdm

    by_name = {job.name: job for job in job_list}
    results: dict[str, JobResult] = {}
    bar = tqdm(total=len(job_list), desc=executor.description, file=sys.stderr,
               disable=not progress, dynamic_ncols=True,
               bar_format="{desc}: {n_fmt} из {total_fmt} |{bar}| "
               "{elapsed}, осталось ≈{remaining}{postfix}")
    try:
        with closing(executor.run_jobs(job_list, batch)) as outcomes:
            for outcome in outcomes:
                if interrupts is not None:
                    interrupts.check()
                job = by_name[outcome.name]
                if job.name in results:  # an executor must not return a job twice
                    log.error("%s: result received twice, the second is ignored", job.name)
                    continue
                results[job.name] = _finish(job, outcome, staging, batch.work, guard, generated)
                bar.set_postfix_str(job.name, refresh=False)
                bar.update()
    finally:
        bar.close()
    if interrupts is not None:
        interrupts.check()
    for job in job_list:  # never silently missing from the index
        if job.name not in results:
            results[job.name] = _finish(job, Outcome(
                job.name, error="сбой пакетного запуска: исполнитель не вернул результат"),
                staging, batch.work, guard, generated)
    return [results[job.name] for job in job_list]


def _finish(job: Job, outcome: Outcome, staging: Path, work: Path, guard: Guard,
            generated: str) -> JobResult:
    """Write what one job produced and say whether its report is published."""
    result = JobResult(name=job.name, kind=job.kind, title=job.title,
                       parameters=public_parameters(job.parameters), generated=generated,
                       attempts=outcome.attempts, cell=outcome.cell)
    started = time.perf_counter()
    try:
        if outcome.executed is not None:
            (work / f"{job.name}.ipynb").write_text(outcome.executed, encoding="utf-8")
        if outcome.crash:
            (work / f"{job.name}.error.txt").write_text(outcome.crash, encoding="utf-8")
        if outcome.error is not None or outcome.page is None:
            result.error = outcome.error or "сбой пакетного запуска: нет ни отчёта, ни ошибки"
        else:
            reason = guard.check(outcome.page)
            if reason:
                result.error = reason
            else:
                result.output = f"{job.name}.html"
                (staging / result.output).write_text(outcome.page, encoding="utf-8")
                result.status = "ok"
        result.seconds = round(outcome.seconds + time.perf_counter() - started, 2)
    except Exception as exc:  # noqa: BLE001 — a programming error fails this report, loudly
        (work / f"{job.name}.error.txt").write_text(traceback.format_exc(), encoding="utf-8")
        log.error("%s: %s", job.name, traceback.format_exc())
        result.error = f"сбой пакетного запуска: {exception_text(exc)}"
        result.status, result.output = "failed", None
    result.error = guard.mask(result.error) if result.error else None
    return result
