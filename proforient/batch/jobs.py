"""What the batch runs and what it gets back: jobs, outcomes, results."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

#: The folder of executed notebooks inside a run's staging folder; when the run is published
#: it moves out of the report folder, to :func:`analyst_dir`.
WORK_DIR = "_work"
#: The analyst's folder beside the report folders, named so nobody mistakes it for them.
ANALYST_DIR = "НЕ_ДЛЯ_ПУБЛИКАЦИИ"


def analyst_dir(out_dir: Path) -> Path:
    """Where the analyst's files of the reports in ``out_dir`` go: executed notebooks, review
    lists, the publication ledger — ``outputs/НЕ_ДЛЯ_ПУБЛИКАЦИИ/2021-2022/`` for
    ``outputs/2021-2022/``: beside the report folder, never inside the folder the department
    copies or uploads whole.

    >>> analyst_dir(Path("/srv/outputs/2021-2022")).as_posix()
    '/srv/outputs/НЕ_ДЛЯ_ПУБЛИКАЦИИ/2021-2022'
    """
    return out_dir.parent / ANALYST_DIR / out_dir.name


def ledger_path(out_dir: Path) -> Path:
    """The publication ledger of the report folders beside ``out_dir`` (every year's)."""
    from proforient.report.ledger import LEDGER_FILE

    return analyst_dir(out_dir).parent / LEDGER_FILE

#: Notebook file of each job kind.
NOTEBOOKS = {"district": "district.ipynb", "graduates": "graduates.ipynb",
             "school": "school.ipynb"}
#: Russian titles of the district-level reports, in index order.
DISTRICT_REPORTS = {
    "district": ("Отчёт по району",
                 "все школы по всем показателям дорожной карты, сравнение школ, итоги района"),
    "graduates": ("Выпускники: профили, специальности, востребованность",
                  "соответствие профилю и ЕГЭ, выбор востребованных специальностей, "
                  "нераспознанные названия"),
}
#: Seconds one cell may run before the notebook is stopped (papermill has no limit).
DEFAULT_TIMEOUT = 600

Status = Literal["ok", "failed"]


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class JobResult:
    """The outcome of one report notebook.

    Attributes
    ----------
    name : str
        ``district``, ``graduates`` or the school's ``org_id``.
    kind : {"district", "graduates", "school"}
        Which notebook was run.
    title : str
        What the reader calls it: the report's title or the school's name.
    parameters : dict
        The parameters injected, minus paths (``year``, and ``org_id`` for a school).
    status : {"ok", "failed"}
        ``ok`` when the HTML was published.
    output : str or None
        The HTML file name inside the output folder (``None`` when failed).
    seconds : float
        Wall time of execution and rendering.
    attempts : int
        Kernel starts used (2 when the first start failed).
    error : str or None
        Why it failed, in Russian, short, with graduate ids masked.
    cell : int or None
        The execution count (``In [n]``) of the failing cell, when a cell failed.
    generated : str
        When the report was produced (``ГГГГ-ММ-ДД ЧЧ:ММ``).
    reused : bool
        The report of the previous run, kept: by a run restricted to some schools, or because
        this run's rerun of it failed (see ``failed_rerun``).
    failed_rerun : str or None
        Why this run's rerun of the report failed, when the previous run's published report
        was kept in its place (a failed notebook never removes a published report).
    """

    name: str
    kind: str
    title: str
    parameters: dict[str, Any]
    status: Status = "failed"
    output: str | None = None
    seconds: float = 0.0
    attempts: int = 0
    error: str | None = None
    cell: int | None = None
    generated: str = ""
    reused: bool = False
    failed_rerun: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the report was published."""
        return self.status == "ok"


@dataclass
class BatchResult:
    """What :func:`run_report` produced.

    Attributes
    ----------
    out_dir : Path
        The output folder.
    index : Path
        ``out_dir / "index.html"``.
    manifest : Path
        ``out_dir / "manifest.json"``.
    year : str
        The reports' academic year.
    results : list of JobResult
        District, graduates, then the schools in the order of ``organizations``; includes the
        entries kept from the previous run (``reused``).
    warnings : list of str
        Russian notes for the analyst (e.g. graduate ids too short to be checked).
    previous_kept : Path or None
        Set when no report of this run was published: the previous reports were left in this
        folder, and ``out_dir`` is the ``<name>.failed`` folder next to it with this run's
        index and executed notebooks.
    backup : Path or None
        Where the previous reports went: they were built from another dataset or year, and this
        run's reports took their folder.
    """

    out_dir: Path
    index: Path
    manifest: Path
    year: str
    results: list[JobResult]
    warnings: list[str] = field(default_factory=list)
    previous_kept: Path | None = None
    backup: Path | None = None

    @property
    def failed(self) -> list[JobResult]:
        """The reports of *this* run that failed (not those kept from a previous run), including
        those whose previous report was kept in their place."""
        return [r for r in self.run if not r.ok or r.failed_rerun]

    @property
    def run(self) -> list[JobResult]:
        """The reports executed by this run."""
        return [r for r in self.results if not r.reused or r.failed_rerun]

    def summary(self) -> str:
        """A Russian summary for the terminal: counts, each failure with its reason, the index."""
        run, failed = self.run, self.failed
        lines = [f"Отчёты за {self.year}: сформировано {len(run) - len(failed)} из {len(run)}"
                 + (f", с ошибками: {len(failed)}." if failed else ", ошибок нет.")]
        kept = [r for r in self.results if r.reused and not r.failed_rerun]
        if kept:
            lines.append(f"Из предыдущего запуска сохранено отчётов школ: {len(kept)}.")
        for result in failed:
            who = result.title if result.kind != "school" else f"{result.title} ({result.name})"
            if result.failed_rerun:
                lines.append(f"  ошибка — {who}: {result.failed_rerun}; опубликованным "
                             f"остаётся отчёт предыдущего запуска ({result.generated})")
            else:
                lines.append(f"  ошибка — {who}: {result.error}")
        if failed:
            lines.append(f"Исполненные блокноты с ошибками (только для аналитика): "
                         f"{analyst_dir(self.out_dir)}")
        if self.previous_kept is not None:
            lines.append(f"Ни один отчёт не сформирован, поэтому прежние отчёты в "
                         f"{self.previous_kept} оставлены без изменений.")
        if self.backup is not None:
            lines.append(f"Прежние отчёты этой папки (по другому набору данных или году) "
                         f"перенесены в {self.backup}.")
        lines.append(f"Оглавление: {self.index}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Jobs and their parameters


@dataclass
class Job:
    """One notebook to run (picklable: the Dask executor ships it to a worker)."""

    name: str
    kind: str
    title: str
    notebook: Path
    parameters: dict[str, Any]
    index: int
    page_title: str = ""


def public_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in parameters.items() if k not in ("data_dir", "snapshot")}


# --------------------------------------------------------------------------------------------
# Execution


@dataclass
class Outcome:
    """What running one job produced, before the privacy check and before anything is written.

    Both executors yield these (the Dask executor brings them back from a worker, hence plain,
    picklable fields); :func:`_finish` turns one into a :class:`JobResult` the same way for both.

    Attributes
    ----------
    name : str
        The job's name.
    page : str or None
        The rendered HTML when the notebook ran to the end (not yet checked for graduate ids).
    executed : str or None
        The executed notebook's JSON text, to be written to ``_work/`` (``None``: already there,
        or none was written).
    attempts, error, cell, seconds
        As in :class:`JobResult` (``error`` not yet masked).
    crash : str or None
        The traceback of a failure of the batch itself (not of the notebook), for ``_work/``.
    kernel : str or None
        The kernel the notebook ran in.
    """

    name: str
    page: str | None = None
    executed: str | None = None
    attempts: int = 0
    error: str | None = None
    cell: int | None = None
    seconds: float = 0.0
    crash: str | None = None
    kernel: str | None = None


def default_jobs(jobs: int | None, n: int) -> int:
    """Notebooks at once: as asked, else one per CPU core; never more than the jobs."""
    return max(1, min(jobs or os.cpu_count() or 1, n))


@dataclass
class BatchSetup:
    """What every job of one run shares, as the executors see it.

    Attributes
    ----------
    snapshot : Path
        The context snapshot on this machine (the Dask executor ships its bytes to the workers).
    private : Path
        A private temporary folder of this run (IPC sockets of local kernels).
    work : Path
        ``_work/`` of the staging folder: executed notebooks.
    notebooks_dir : Path
        The notebooks' folder (relative Markdown images are embedded from there).
    timeout : int
        Seconds one cell may run.
    """

    snapshot: Path
    private: Path
    work: Path
    notebooks_dir: Path
    timeout: int
