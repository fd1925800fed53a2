"""The batch behind ``proforient report`` (SPEC §8, §10): execute the report notebooks with
papermill, render them to self-contained HTML with the code hidden, and write an index.

How one run goes:

1. The report context (data loading, validation, indicators, alignment) is built **once** with
   :func:`~proforient.context.build_context` and pickled into a private temporary folder; every
   notebook receives its path as the ``snapshot`` parameter instead of recomputing it.
2. Jobs: ``district``, ``graduates`` and one per school (``<org_id>.html``). The parameters each
   notebook receives are checked against its ``parameters`` cell (papermill only warns).
3. An *executor* (:mod:`proforient.executors`) runs the jobs and hands back, one by one as they
   finish, each job's rendered page or error (:class:`_Outcome`). By default
   (``ThreadExecutor``) notebooks run in a thread pool of this process (parallel kernels started
   from several processes collide on ports), each kernel being this environment's Python. On
   POSIX the kernels talk over IPC sockets in the private folder: no TCP ports to collide, and no
   "running over TCP without encryption" noise on the terminal. A kernel that fails to *start*
   is retried once; a notebook error never is. ``DaskExecutor`` runs each notebook as a task on
   a Dask cluster instead (see that module). Everything else below is the same for both.
4. Each executed notebook is rendered by a reused :class:`nbconvert.HTMLExporter` (code,
   prompts, stderr streams and external scripts removed, ``lang="ru"``, a Russian title), where
   it ran. Here, in the calling thread, a page that contains a ``graduate_id`` of the dataset, or
   an image that is not embedded, is not published.
5. Everything is written into a staging folder next to the target
   (``outputs/.2021-2022.tmp-XXXX``) and swapped into place at the end, so the previous reports
   survive a run that fails to start or is interrupted. A run that publishes no report at all
   does not replace previous reports either: its index and executed notebooks go to
   ``outputs/2021-2022.failed/`` (removed by the next successful run).

Output folder::

    index.html        the index (Russian), links to every report
    district.html     the district report
    graduates.html    the graduates report
    <org_id>.html     one per school
    manifest.json     what was run: version, dataset, year, times, each notebook's status
    _work/            for the analyst, not for sharing: the executed notebooks (with warnings,
                      stderr and tracebacks) and a README

A run restricted with ``schools`` *merges*: it reruns the district and graduates notebooks and the
chosen schools, and keeps the other schools' reports (and their index entries) from the previous
run of the same dataset and year.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from proforient import __version__
from proforient.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR, OUTPUTS_DIR
from proforient.problems import InputError, Problem

log = logging.getLogger(__name__)

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
#: File names a school's org_id must not take (they belong to the batch).
RESERVED_NAMES = {"index", "manifest", "district", "graduates", "_work"}
WORK_DIR = "_work"
FAILED_SUFFIX = ".failed"
MANIFEST = "manifest.json"
INDEX = "index.html"
KERNEL_NAME = "proforient"
DEFAULT_TIMEOUT = 600

Status = Literal["ok", "failed"]

_SAFE_ID = re.compile(r"^\w[\w.-]*$")
_STAGING_PREFIX = ".{name}.tmp-"


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
        Kept from the previous run by a run restricted to some schools.
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
    """

    out_dir: Path
    index: Path
    manifest: Path
    year: str
    results: list[JobResult]
    warnings: list[str] = field(default_factory=list)
    previous_kept: Path | None = None

    @property
    def failed(self) -> list[JobResult]:
        """The reports of *this* run that failed (not those kept from a previous run)."""
        return [r for r in self.results if not r.ok and not r.reused]

    @property
    def run(self) -> list[JobResult]:
        """The reports executed by this run."""
        return [r for r in self.results if not r.reused]

    def summary(self) -> str:
        """A Russian summary for the terminal: counts, each failure with its reason, the index."""
        run, failed = self.run, self.failed
        lines = [f"Отчёты за {self.year}: сформировано {len(run) - len(failed)} из {len(run)}"
                 + (f", с ошибками: {len(failed)}." if failed else ", ошибок нет.")]
        kept = [r for r in self.results if r.reused]
        if kept:
            lines.append(f"Из предыдущего запуска сохранено отчётов школ: {len(kept)}.")
        for result in failed:
            who = result.title if result.kind != "school" else f"{result.title} ({result.name})"
            lines.append(f"  ошибка — {who}: {result.error}")
        if failed:
            lines.append(f"Исполненные блокноты с ошибками: {self.out_dir / WORK_DIR}")
        if self.previous_kept is not None:
            lines.append(f"Ни один отчёт не сформирован, поэтому прежние отчёты в "
                         f"{self.previous_kept} оставлены без изменений.")
        lines.append(f"Оглавление: {self.index}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The kernel of this environment


def _is_this_python(command: str) -> bool:
    """Whether a kernelspec's ``argv[0]`` runs this interpreter (its environment, that is)."""
    # jupyter_client replaces these bare names with sys.executable (format_kernel_cmd).
    if command in {"python", f"python{sys.version_info[0]}",
                   "python{}.{}".format(*sys.version_info[:2])}:
        return True
    # Compare directories without resolving symlinks: a venv's python is a symlink to the base
    # interpreter, which is another environment.
    here = Path(os.path.abspath(sys.executable)).parent
    return Path(os.path.abspath(command)).parent == here


def ensure_kernel() -> str:
    """Return the name of a Jupyter kernel that runs this very Python environment.

    Prefers ``python3``; otherwise any spec whose interpreter is this one; otherwise installs a
    ``proforient`` kernelspec into ``sys.prefix`` (the virtual environment) with ipykernel.

    Returns
    -------
    str
        The kernel name to pass to papermill.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().get_all_specs()
    names = sorted(specs, key=lambda n: (n != "python3", n != KERNEL_NAME, n))
    for name in names:
        argv = specs[name].get("spec", {}).get("argv") or [""]
        if specs[name]["spec"].get("language", "python") == "python" and _is_this_python(argv[0]):
            return name
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL_NAME, display_name=f"Python (proforient, {sys.prefix})",
            prefix=sys.prefix)
    log.info("installed kernelspec %s into %s", KERNEL_NAME, sys.prefix)
    return KERNEL_NAME


# --------------------------------------------------------------------------------------------
# Jobs and their parameters


@dataclass
class _Job:
    """One notebook to run (picklable: the Dask executor ships it to a worker)."""

    name: str
    kind: str
    title: str
    notebook: Path
    parameters: dict[str, Any]
    index: int
    page_title: str = ""


def _public_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in parameters.items() if k not in ("data_dir", "snapshot")}


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
                        f"не удалось прочитать параметры блокнота ({type(exc).__name__}: {exc})")]
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
    problems, seen = [], {}
    for org_id in org_ids:
        if not _SAFE_ID.match(org_id) or org_id.casefold() in RESERVED_NAMES:
            problems.append(Problem("organizations.csv", None, "org_id",
                                    f"код школы «{org_id}» нельзя сделать именем файла отчёта: "
                                    "допустимы буквы, цифры, «-», «_» и «.», кроме имён "
                                    + ", ".join(sorted(RESERVED_NAMES))))
        elif org_id.casefold() in seen:
            problems.append(Problem("organizations.csv", None, "org_id",
                                    f"коды школ «{seen[org_id.casefold()]}» и «{org_id}» "
                                    "различаются только регистром букв: файлы отчётов совпадут"))
        seen.setdefault(org_id.casefold(), org_id)
    return problems


# --------------------------------------------------------------------------------------------
# Privacy


def _checkable(graduate_id: str) -> bool:
    # A short or purely numeric code cannot be told apart from an ordinary number or word.
    return (len(graduate_id) >= 3 and not graduate_id.isdigit()) or len(graduate_id) >= 6


def graduate_id_pattern(graduate_ids: Iterable[str]) -> re.Pattern[str] | None:
    """A regex matching any of the given graduate ids as a whole word (``None`` if none).

    Ids of fewer than three characters, and purely numeric ids shorter than six digits, are left
    out: they cannot be told apart from ordinary numbers and words of a report.
    """
    ids = sorted({str(g) for g in graduate_ids if _checkable(str(g))}, key=len, reverse=True)
    if not ids:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ids)) + r")(?![\w-])")


_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
_STYLE = re.compile(r"<style\b.*?</style>", re.S | re.I)


def find_graduate_id(text: str, pattern: re.Pattern[str] | None) -> str | None:
    """Return a graduate id found in an HTML page, or ``None``.

    Embedded images and stylesheets are skipped (base64 is not text a reader sees); entities are
    decoded so that an escaped id is still found.
    """
    if pattern is None:
        return None
    visible = html.unescape(_STYLE.sub(" ", _DATA_URI.sub(" ", text)))
    match = pattern.search(visible)
    return match.group(0) if match else None


def _mask(text: str, pattern: re.Pattern[str] | None) -> str:
    return pattern.sub("[код выпускника]", text) if pattern is not None else text


# --------------------------------------------------------------------------------------------
# Rendering

# The lab template without the two scripts it loads from a CDN (require.js, MathJax): the page
# must open offline. Formulas in Markdown are therefore shown as typed.
_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
"""
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]*)""", re.I)
_EXTERNAL = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?(https?:|//)[^>]*>",
                       re.I)


def make_exporter():
    """The HTML exporter of the batch: lab template, code and prompts hidden, Russian.

    Cells tagged ``remove_cell`` (or ``remove-cell``) are dropped and cells tagged
    ``remove_output`` lose their outputs — for what an analyst wants in JupyterLab only.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell", "remove-cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output", "remove-output"}
    return HTMLExporter(
        config=config, template_name="lab", template_file="proforient_report.html.j2",
        extra_loaders=[DictLoader({"proforient_report.html.j2": _TEMPLATE})],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True, language_code="ru")


def strip_for_reader(nb) -> None:
    """Remove what the reader must not see from an executed notebook, in place.

    stderr streams (warnings, kernel noise) and error outputs (a clean ``sys.exit(0)`` leaves
    one) go; papermill's own metadata stays.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                        and o.get("output_type") != "error"]


def render_html(exporter, nb, title: str, notebook_dir: Path) -> str:
    """Render an executed notebook to a self-contained HTML page.

    Parameters
    ----------
    exporter : nbconvert.HTMLExporter
        From :func:`make_exporter`.
    nb : nbformat.NotebookNode
        The executed notebook; stripped in place by :func:`strip_for_reader`.
    title : str
        The page's ``<title>`` (escaped by the template).
    notebook_dir : Path
        Where relative Markdown images are looked up to be embedded.
    """
    strip_for_reader(nb)
    nb.metadata["title"] = title
    for cell in nb.cells:
        # papermill gives its injected cell a random id, which the page's HTML repeats: a fixed
        # one makes the same notebook on the same data give the same page, wherever it ran.
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title, "path": str(notebook_dir)}})
    return body


def check_html(text: str, pattern: re.Pattern[str] | None) -> str | None:
    """Return why a rendered page must not be published (Russian), or ``None`` if it may."""
    if find_graduate_id(text, pattern):
        return ("в отчёте найден код выпускника (graduate_id): отчёт не опубликован, "
                "чтобы не раскрыть персональные данные; уберите из блокнота вывод строк "
                "о выпускниках")
    external = [src for src in _IMG_SRC.findall(text) if not src.startswith("data:")]
    if external:
        return (f"картинка «{external[0][:80]}» не встроена в отчёт: на другом компьютере "
                "её не будет видно")
    external = _EXTERNAL.search(text)
    if external:
        return "отчёт загружает внешний файл из интернета: он должен быть самодостаточным"
    return None


# --------------------------------------------------------------------------------------------
# Execution


@dataclass
class _Outcome:
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


def crash_outcome(job: _Job, exc: BaseException, attempts: int = 0) -> _Outcome:
    """The outcome of a job the batch itself failed to run (a programming or set-up error)."""
    log.error("%s: %s", job.name, "".join(traceback.format_exception(exc)))
    return _Outcome(job.name, attempts=attempts,
                    error=f"сбой пакетного запуска: {type(exc).__name__}: {exc}",
                    crash="".join(traceback.format_exception(exc)))


def render_outcome(job: _Job, executed: tuple[Any, int, BaseException | None, float], exporter,
                   notebook_dir: Path, timeout: int) -> _Outcome:
    """Turn what :meth:`_Runner.execute` returned into an outcome, rendering the HTML page.

    Runs where the notebook ran: in the calling thread of the local executor, in the task on a
    Dask worker. A failure to render is the batch's, recorded as a crash, not raised.
    """
    nb, attempts, exc, seconds = executed
    started = time.perf_counter()
    try:
        if exc is not None:
            error, cell = _failure_reason(exc, timeout)
            outcome = _Outcome(job.name, attempts=attempts, error=error, cell=cell)
        else:
            page = render_html(exporter, nb, job.page_title or job.title, notebook_dir)
            outcome = _Outcome(job.name, page=page, attempts=attempts)
    except Exception as render_exc:  # noqa: BLE001 — a programming error fails this report
        outcome = crash_outcome(job, render_exc, attempts)
    outcome.seconds = seconds + time.perf_counter() - started
    return outcome


def _is_start_failure(exc: BaseException) -> bool:
    """Kernel-start failures worth one retry (never a notebook's own error or a cell timeout)."""
    import zmq
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError | CellTimeoutError):
        return False
    if isinstance(exc, zmq.ZMQError):
        return True
    if isinstance(exc, RuntimeError) and "Kernel died" in str(exc):
        return True
    return isinstance(exc, TimeoutError)


def _failure_reason(exc: BaseException, timeout: int) -> tuple[str, int | None]:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        evalue = str(exc.evalue).strip().splitlines()[0] if str(exc.evalue).strip() else ""
        what = f"{exc.ename}: {evalue}" if evalue else exc.ename
        return f"ошибка в ячейке [{exc.exec_count}]: {what}", exc.exec_count
    if isinstance(exc, CellTimeoutError):
        preview = re.search(r"-{5,}\n(.*?)\n", str(exc))  # nbclient quotes the cell's source
        where = f" (ячейка «{preview.group(1)[:60]}»)" if preview else ""
        return f"ячейка выполнялась дольше {timeout} с и была остановлена{where}", None
    if _is_start_failure(exc):
        return f"ядро Python не запустилось дважды: {type(exc).__name__}: {exc}", None
    return f"сбой пакетного запуска: {type(exc).__name__}: {exc}", None


def _cancel_leftover_tasks() -> None:
    """Cancel the asyncio tasks an aborted execution left in this thread's event loop.

    After a cell timeout nbclient leaves its output-polling task pending; the thread's loop is
    reused by the next notebook, and at exit asyncio would print "Task was destroyed but it is
    pending".
    """
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


class _Runner:
    """Executes jobs (in worker threads) and renders them (in the calling thread)."""

    def __init__(self, kernel: str, timeout: int, private: Path, work: Path) -> None:
        self.kernel = kernel
        self.timeout = timeout
        self.private = private  # short private folder: IPC sockets
        self.work = work

    def _config(self, job: _Job, attempt: int):
        from traitlets.config import Config

        config = Config()
        if os.name == "posix":
            # IPC sockets, one private path per kernel: no TCP port races between parallel
            # kernels and no "running over TCP without encryption" warning on the terminal.
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = str(self.private / f"k{job.index}-{attempt}")
        return config

    def execute(self, job: _Job) -> tuple[Any, int, BaseException | None, float]:
        """Run one notebook; return (executed notebook or None, attempts, exception or None,
        seconds)."""
        import papermill

        output = self.work / f"{job.name}.ipynb"
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                nb = papermill.execute_notebook(
                    str(job.notebook), str(output), parameters=job.parameters,
                    kernel_name=self.kernel, language="python",
                    execution_timeout=self.timeout, shutdown_kernel="immediate",
                    progress_bar=False, log_output=False, config=self._config(job, attempt),
                    # Write the executed notebook once, at the end or on a cell error, not
                    # after every cell (≈10% of a report's time); and keep the batch's code
                    # out of the user's IPython history (parallel kernels, one sqlite file).
                    request_save_on_cell_execute=False,
                    extra_arguments=["--HistoryManager.enabled=False"])
                return nb, attempt, None, time.perf_counter() - started
            except Exception as exc:  # noqa: BLE001 — recorded as this job's failure
                _cancel_leftover_tasks()
                if attempt == 1 and _is_start_failure(exc):
                    log.warning("%s: kernel start failed (%s), retrying", job.name, exc)
                    continue
                return None, attempt, exc, time.perf_counter() - started
        raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------
# Output folder: staging, merge, swap


def _read_manifest(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("generator") == "proforient report" else None


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError([Problem(str(out_dir), None, None, "это файл, а нужна папка для отчётов")])
    if out_dir.is_dir() and any(out_dir.iterdir()) and _read_manifest(out_dir) is None:
        raise InputError([Problem(str(out_dir), None, None,
                                  "папка не пуста и не похожа на папку отчётов proforient "
                                  f"(нет {MANIFEST}); её содержимое было бы заменено — "
                                  "укажите пустую или новую папку")])


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target``; the old folder is removed only afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _kept_entries(previous: dict | None, dataset_path: str, year: str, rerun: set[str],
                  schools: dict[str, str], old_dir: Path) -> list[JobResult]:
    """Previous school entries a restricted run keeps (same dataset and year only)."""
    if not previous or previous.get("dataset") != dataset_path or previous.get("year") != year:
        return []
    kept = []
    for entry in previous.get("notebooks", []):
        name = entry.get("name")
        if entry.get("kind") != "school" or name in rerun or name not in schools:
            continue
        result = JobResult(
            name=name, kind="school", title=schools[name],
            parameters=entry.get("parameters", {}), status=entry.get("status", "failed"),
            output=entry.get("output"), seconds=entry.get("seconds", 0.0),
            attempts=entry.get("attempts", 0), error=entry.get("error"),
            cell=entry.get("cell"), generated=entry.get("generated", ""), reused=True)
        if result.ok and not (result.output and (old_dir / result.output).is_file()):
            continue  # its file is gone: nothing to keep
        kept.append(result)
    return kept


# --------------------------------------------------------------------------------------------
# Index and manifest

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1d2733;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d5dbe2;padding-bottom:.2rem}
.meta{color:#55606e;margin:.2rem 0}.meta b{color:#1d2733}
.banner{background:#fff4d6;border:2px solid #e0a800;border-radius:6px;padding:.8rem 1rem;
margin:1rem 0;font-weight:600}
ul.reports{list-style:none;padding:0}ul.reports li{margin:.6rem 0}
ul.reports a{font-size:1.1rem;font-weight:600}.hint{color:#55606e}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;
border-bottom:1px solid #e3e7ec;vertical-align:top}th{background:#f3f5f8}
.ok{color:#1e7b34;font-weight:600}.fail{color:#b3261e;font-weight:600}
.reason{color:#55606e;font-size:.9rem}code{font-size:.9rem}
footer{margin-top:2rem;color:#55606e;font-size:.9rem}
"""


def _link(result: JobResult, text: str) -> str:
    if not result.ok or not result.output:
        return "—"
    return f'<a href="{html.escape(quote(result.output))}">{html.escape(text)}</a>'


def _status(result: JobResult) -> str:
    if result.ok:
        note = (f' <span class="reason">(из предыдущего запуска, {html.escape(result.generated)})'
                "</span>" if result.reused else "")
        return f'<span class="ok">готов</span>{note}'
    reason = html.escape(result.error or "")
    note = " (предыдущий запуск)" if result.reused else ""
    return f'<span class="fail">ошибка{note}</span><br><span class="reason">{reason}</span>'


def render_index(results: Sequence[JobResult], *, dataset_name: str, year: str, generated: str,
                 synthetic: bool, version: str = __version__) -> str:
    """The index page (Russian, self-contained); every piece of input text is escaped.

    Parameters
    ----------
    results : sequence of JobResult
        All reports of the folder (district, graduates, schools).
    dataset_name, year, generated : str
        Shown in the header.
    synthetic : bool
        Show the synthetic-data banner.
    version : str
        The package version shown in the header.
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="ru">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Отчёты по профориентации — {e(dataset_name)}, {e(year)}</title>",
        f"<style>{_CSS}</style>", "</head>", "<body>", "<header>",
        "<h1>Отчёты по профориентации</h1>",
        f'<p class="meta">Набор данных: <b>{e(dataset_name)}</b></p>',
        f'<p class="meta">Учебный год: <b>{e(year)}</b> · Сформировано: <b>{e(generated)}</b>'
        f" · proforient {e(version)}</p>",
        "</header>",
    ]
    if synthetic:
        parts.append('<p class="banner">Данные синтетические (демонстрационный район): '
                     "все организации, люди и числа вымышлены. Отчёты показывают, как работает "
                     "инструмент, и не годятся для выводов о реальных школах.</p>")
    parts += ["<h2>Район</h2>", '<ul class="reports">']
    by_kind = {r.kind: r for r in results if r.kind != "school"}
    for kind, (title, hint) in DISTRICT_REPORTS.items():
        result = by_kind.get(kind)
        if result is None:
            continue
        if result.ok:
            parts.append(f'<li>{_link(result, title)}<br><span class="hint">{e(hint)}</span></li>')
        else:
            parts.append(f"<li>{e(title)}: {_status(result)}</li>")
    parts.append("</ul>")
    schools = [r for r in results if r.kind == "school"]
    ready = sum(r.ok for r in schools)
    parts += [f"<h2>Школы</h2><p class=\"meta\">Отчётов готово: {ready} из {len(schools)}</p>",
              "<table>", "<thead><tr><th>Школа</th><th>Код</th><th>Отчёт</th><th>Статус</th>"
              "</tr></thead>", "<tbody>"]
    for result in schools:
        parts.append(f"<tr><td>{e(result.title)}</td><td><code>{e(result.name)}</code></td>"
                     f"<td>{_link(result, 'открыть')}</td><td>{_status(result)}</td></tr>")
    parts += ["</tbody></table>",
              "<footer>Каждый отчёт проверен перед публикацией: в нём нет кодов выпускников. "
              "Сформировано командой <code>proforient report</code>.</footer>",
              "</body>", "</html>", ""]
    return "\n".join(parts)


_WORK_README = """\
Служебная папка для аналитика — НЕ ДЛЯ РАССЫЛКИ.

Здесь исполненные блокноты (.ipynb) этого запуска proforient report: с предупреждениями,
выводом stderr и, если отчёт не сформирован, с текстом ошибки. Откройте блокнот в JupyterLab,
чтобы найти причину. Для чтения и рассылки предназначены только HTML-файлы уровнем выше
и index.html.
"""


# --------------------------------------------------------------------------------------------
# The batch


def _default_jobs(jobs: int | None, n: int) -> int:
    return max(1, min(jobs or os.cpu_count() or 1, n))


@dataclass
class _Batch:
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


def run_report(data_dir: str | Path | None = None, year: str | None = None,
               out_dir: str | Path | None = None, jobs: int | None = None,
               schools: Sequence[str] | None = None,
               notebooks_dir: str | Path = NOTEBOOKS_DIR, timeout: int = DEFAULT_TIMEOUT,
               progress: bool = True, executor: str | Any | None = None,
               scheduler: str | None = None,
               shared_dir: str | Path | None = None) -> BatchResult:
    """Execute the report notebooks, render them to HTML and write the index (SPEC §8).

    Parameters
    ----------
    data_dir : str or Path, optional
        The dataset folder; the demo district when omitted.
    year : str, optional
        The academic year; the latest in the data when omitted.
    out_dir : str or Path, optional
        The output folder; ``outputs/<year>/`` when omitted. An existing folder is replaced only
        at the end of the run, and only if it is empty or was written by this command.
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
        Where the notebooks run (:mod:`proforient.executors`): kernels started from a thread pool
        of this process (the default), or tasks on a Dask cluster (the default when
        ``scheduler`` is given). An object with the executor interface is used as it is.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://HOST:8786``); without it
        ``executor="dask"`` starts a local cluster of ``jobs`` worker processes.
    shared_dir : str or Path, optional
        Dask only: a folder every worker sees at the same path; the context snapshot is written
        there once instead of being sent to each worker.

    Returns
    -------
    BatchResult
        ``failed`` lists the reports of this run that were not published.

    Raises
    ------
    InputError
        When the data have errors, the year or a requested school is unknown, a notebook is
        missing or does not declare the parameters, the output folder cannot be used, or the
        Dask cluster cannot be used. Nothing is written then.
    """
    from proforient.context import build_context, save_context
    from proforient.executors import make_executor

    started = datetime.now()
    context = build_context(data_dir or DEMO_DATA_DIR, year)
    year = context.year
    dataset = context.dataset
    dataset_path = str(Path(dataset.path).resolve())
    # The snapshot is read where the notebooks run, maybe in another working directory or on
    # another machine: a relative folder would mean something else there.
    dataset.path = Path(dataset_path)
    out_dir = Path(out_dir or OUTPUTS_DIR / year).resolve()
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
    _check_target(out_dir)

    graduate_ids = set(dataset.graduates["graduate_id"].dropna().astype(str))
    pattern = graduate_id_pattern(graduate_ids)
    warnings = []
    unchecked = {g for g in graduate_ids if not _checkable(g)}
    if dataset.problems:
        warnings.append(f"Предупреждений в данных: {len(dataset.problems)} (подробно: "
                        f"proforient validate {dataset_path}).")
    if unchecked:
        warnings.append(f"Коды выпускников, которые нельзя надёжно найти в тексте отчётов "
                        f"(короче 3 знаков или из одних цифр): {len(unchecked)}; проверка "
                        "отчётов на их отсутствие не выполнялась.")

    # Started before anything is written: a cluster that cannot be used is an InputError.
    runner = make_executor(executor, jobs=jobs, scheduler=scheduler, shared_dir=shared_dir)
    runner.start(len(chosen) + 2)
    staging = None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX.format(name=out_dir.name),
                                        dir=out_dir.parent))
        umask = os.umask(0)  # mkdtemp makes a private folder; the reports are for sharing
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        with tempfile.TemporaryDirectory(prefix="proforient-") as private:
            private = Path(private)
            work = staging / WORK_DIR
            work.mkdir()
            (work / "README.txt").write_text(_WORK_README, encoding="utf-8")
            snapshot = save_context(context, private / "context.pickle")
            base = {"data_dir": dataset_path, "year": year, "snapshot": str(snapshot)}
            district_title, graduates_title = (DISTRICT_REPORTS[k][0]
                                               for k in ("district", "graduates"))
            job_list = [
                _Job("district", "district", district_title,
                     notebooks_dir / NOTEBOOKS["district"], dict(base), 0,
                     f"{district_title} — {year}"),
                _Job("graduates", "graduates", graduates_title,
                     notebooks_dir / NOTEBOOKS["graduates"], dict(base), 1,
                     f"{graduates_title} — {year}"),
            ] + [_Job(org_id, "school", all_schools[org_id], notebooks_dir / NOTEBOOKS["school"],
                      {**base, "org_id": org_id}, 2 + i,
                      f"{all_schools[org_id]} — профориентация, {year}")
                 for i, org_id in enumerate(chosen)]
            batch = _Batch(snapshot=snapshot, private=private, work=work,
                           notebooks_dir=notebooks_dir, timeout=timeout)
            results = _run_jobs(job_list, runner, batch, staging, pattern, context.generated,
                                progress)
        runner.close()

        previous = _read_manifest(out_dir) if schools is not None else None
        kept = _kept_entries(previous, dataset_path, year, set(chosen), all_schools, out_dir)
        if previous and not kept and (previous.get("dataset"), previous.get("year")) != (
                dataset_path, year):
            warnings.append(f"Отчёты в {out_dir} были по другому набору данных или году: "
                            "они заменены отчётами этого запуска, а не дополнены.")
        for result in kept:
            if result.output:
                shutil.copy2(out_dir / result.output, staging / result.output)
            executed = out_dir / WORK_DIR / f"{result.name}.ipynb"
            if executed.is_file():
                shutil.copy2(executed, work / executed.name)
        order = {o: i for i, o in enumerate(all_schools)}
        results = [r for r in results if r.kind != "school"] + sorted(
            [r for r in results if r.kind == "school"] + kept, key=lambda r: order[r.name])

        (staging / INDEX).write_text(render_index(
            results, dataset_name=dataset.name, year=year, generated=context.generated,
            synthetic=dataset.synthetic), encoding="utf-8")
        described = runner.describe()
        manifest = {
            "generator": "proforient report", "version": __version__,
            "dataset": dataset_path, "dataset_name": dataset.name,
            "synthetic": dataset.synthetic, "year": year,
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now().isoformat(timespec="seconds"),
            "jobs": described["jobs"], "kernel": described["kernel"],
            "executor": described["executor"],
            "schools_requested": schools, "notebooks_dir": str(notebooks_dir),
            "notebooks": [asdict(r) for r in results], "warnings": warnings,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
        failed_dir = out_dir.with_name(out_dir.name + FAILED_SUFFIX)
        previous = _read_manifest(out_dir)
        if not any(r.ok for r in results if not r.reused) and previous and any(
                e.get("status") == "ok" for e in previous.get("notebooks", [])):
            # Nothing was published: keep the previous reports, put this run's errors aside.
            _swap(staging, failed_dir)
            kept_previous, written = True, failed_dir
        else:
            _swap(staging, out_dir)
            shutil.rmtree(failed_dir, ignore_errors=True)  # a stale failed run of earlier
            kept_previous, written = False, out_dir
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        runner.close()
    return BatchResult(out_dir=written, index=written / INDEX, manifest=written / MANIFEST,
                       year=year, results=results, warnings=warnings,
                       previous_kept=out_dir if kept_previous else None)


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


def _run_jobs(job_list: list[_Job], executor, batch: _Batch, staging: Path,
              pattern: re.Pattern[str] | None, generated: str,
              progress: bool) -> list[JobResult]:
    """Run the jobs with ``executor``; check and write each report in this thread as it comes.

    Everything but running the notebooks is done here, the same way for every executor: the
    privacy check, the files, the progress bar.
    """
    from tqdm import tqdm

    by_name = {job.name: job for job in job_list}
    results: dict[str, JobResult] = {}
    bar = tqdm(total=len(job_list), desc=executor.description, file=sys.stderr,
               disable=not progress, dynamic_ncols=True,
               bar_format="{desc}: {n_fmt} из {total_fmt} |{bar}| "
               "{elapsed}, осталось ≈{remaining}{postfix}")
    try:
        for outcome in executor.run_jobs(job_list, batch):
            job = by_name[outcome.name]
            if job.name in results:  # an executor must not return a job twice; never publish it
                log.error("%s: result received twice, the second is ignored", job.name)
                continue
            results[job.name] = _finish(job, outcome, staging, batch.work, pattern, generated)
            bar.set_postfix_str(job.name, refresh=False)
            bar.update()
    finally:
        bar.close()
    for job in job_list:  # never silently missing from the index
        if job.name not in results:
            results[job.name] = _finish(job, _Outcome(
                job.name, error="сбой пакетного запуска: исполнитель не вернул результат"),
                staging, batch.work, pattern, generated)
    return [results[job.name] for job in job_list]


def _finish(job: _Job, outcome: _Outcome, staging: Path, work: Path,
            pattern: re.Pattern[str] | None, generated: str) -> JobResult:
    """Write what one job produced and say whether its report is published."""
    result = JobResult(name=job.name, kind=job.kind, title=job.title,
                       parameters=_public_parameters(job.parameters), generated=generated,
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
            reason = check_html(outcome.page, pattern)
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
        result.error = f"сбой пакетного запуска: {type(exc).__name__}: {exc}"
        result.status, result.output = "failed", None
    result.error = _mask(result.error, pattern) if result.error else None
    return result
