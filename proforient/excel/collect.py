"""Collecting the filled workbooks back into the dataset (docs/data-contract.md, «Сбор
данных в Excel»).

:func:`collect` reads every ``.xlsx`` of a folder (the layout of :mod:`proforient.excel.layout`),
checks each workbook with workbook-specific checks (sheets, headers, identity, cell types,
participants above enrolment) and then with the dataset's own rules
(:func:`proforient.dataset.check_dataset` run on the collected rows together with the dataset's
organisations), and writes the good workbooks into the dataset folder:

- only the rows of the organisations and years collected are replaced (``measures.csv``, and
  ``graduates.csv`` for workbooks with a graduates sheet); an organisation whose collected data
  equal what the dataset already holds is left untouched, so an unchanged round trip and a second
  identical run rewrite nothing;
- every other row is kept byte for byte; replaced rows are written in canonical codes, in a
  stable order (catalogue order of measures, total first then grades; graduates in the sheet's
  order), where the organisation's old rows were (or after the last row of the same year);
- the file keeps its separator, BOM and line endings;
- every file changed is first copied to ``DATA_DIR/_backup/<timestamp>/``;
- the tables are written all or nothing: each is written beside its file first, then all are
  moved into place; a failure on the way (disk full, a file open in Excel, Ctrl+C) leaves every
  table as it was and removes the temporary files (:func:`~proforient.excel.merge.write_tables`).

A broken workbook is reported with its file, sheet, cell and reason
(:class:`WorkbookProblem`) and left out; the good ones are still collected. Each workbook is
looked into before it is loaded (:mod:`proforient.excel.scan`): a file above 10 MB (50 MB
unpacked) or with values below row 10,000 of a sheet is refused unread, and a formula without a
computed value (a book saved by a program, never opened in Excel) is an error on its cell —
read as empty, it would delete the value it replaces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from proforient.dataset import Dataset
from proforient.dataset.read import table_size_problem, utf16_encoding
from proforient.excel.checks import (
    check_against_dataset,
    check_tables,
    organizations_file,
    reading_order,
)
from proforient.excel.layout import INFO_ROWS, INFO_VALUE_COLUMN, SHEET_INFO
from proforient.excel.merge import (
    TABLES,
    diff_keys,
    graduate_keys,
    graduate_rows,
    measure_keys,
    measure_rows,
    parse_raw,
    write_tables,
)
from proforient.excel.workbook import Workbook, WorkbookProblem, read_workbook
from proforient.interrupts import Interrupts
from proforient.parameters.rules import Rules
from proforient.problems import InputError, Problem, errors_of, os_error_reason

_TABLE_RU = {"measures": "показатели", "graduates": "выпускники"}




@dataclass(frozen=True)
class Replacement:
    """What collect changed for one organisation, year and table.

    ``changed``/``added``/``removed`` count keys: (measure, grade) for measures, the graduate
    code for graduates.
    """

    org_id: str
    year: str
    table: str
    rows_before: int
    rows_after: int
    changed: int
    added: int
    removed: int
    file: str

    def __str__(self) -> str:
        return (f"{self.org_id}, {self.year}, {_TABLE_RU[self.table]}: изменено {self.changed}, "
                f"добавлено {self.added}, удалено {self.removed} (было строк "
                f"{self.rows_before}, стало {self.rows_after}) — {self.file}")


@dataclass(frozen=True)
class CollectedWorkbook:
    """A workbook that passed every check."""

    file: str
    org_id: str
    year: str
    measures: int
    graduates: int | None  # None: the workbook has no graduates sheet
    changed: bool


@dataclass
class CollectResult:
    """The outcome of :func:`collect`.

    Attributes
    ----------
    data_dir : Path
        The dataset folder written.
    collected : list of CollectedWorkbook
        Workbooks that passed (whether or not they changed anything).
    failed : list of str
        Workbook files left out because of errors.
    skipped : list of str
        Empty workbooks (nothing typed), left out with a warning.
    problems : list of Problem
        Every error and warning (:class:`WorkbookProblem` for workbook cells).
    replaced : list of Replacement
        What was replaced, per organisation, year and table.
    written : list of Path
        Dataset files rewritten (empty: nothing changed, or a dry run).
    backup_dir : Path or None
        Where the previous versions of the written files were copied.
    dry_run : bool
        Nothing was written on purpose.
    """

    data_dir: Path
    collected: list[CollectedWorkbook] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    replaced: list[Replacement] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    backup_dir: Path | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """No workbook was rejected."""
        return not self.failed

    @property
    def changed(self) -> bool:
        """Some organisation's data differ from what the dataset held."""
        return bool(self.replaced)

    def report_lines(self) -> list[str]:
        """The summary in Russian, one line each (what the CLI prints)."""
        total = len(self.collected) + len(self.failed) + len(self.skipped)
        lines = [f"Книг: {total}; принято: {len(self.collected)}, с ошибками: "
                 f"{len(self.failed)}, пустых: {len(self.skipped)}."]
        if self.failed:
            lines.append("Не приняты (исправьте и пришлите снова): " + ", ".join(self.failed))
        if not self.replaced:
            lines.append(f"Изменений нет: {self.data_dir} не изменён.")
            return lines
        verb = "Будет заменено" if self.dry_run else "Заменено"
        lines.append(f"{verb} в {self.data_dir}:")
        lines += [f"  {r}" for r in self.replaced]
        if self.dry_run:
            lines.append("Пробный запуск: ничего не записано.")
        elif self.backup_dir is not None:
            lines.append(f"Прежние версии файлов сохранены в {self.backup_dir}")
        return lines




# --------------------------------------------------------------------------------------------
# The public function


def _workbook_files(in_dir: Path, result: CollectResult) -> list[Path]:
    files = []
    for path in sorted(in_dir.iterdir()):
        if path.name.startswith(("~$", ".")) or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            files.append(path)
        elif suffix in (".xls", ".ods", ".xlsm", ".xlsb"):
            result.failed.append(path.name)
            result.problems.append(WorkbookProblem(
                path.name, None, None, f"формат {suffix} не принимается: откройте книгу и "
                                       "сохраните как «Книга Excel (.xlsx)»"))
    return files


def _existing(data_dir: Path, orgs_file: Path, sentinel_org: str,
              rules: Rules) -> tuple[Dataset, list[Problem], dict[str, bytes | None]]:
    raw: dict[str, bytes | None] = {}
    for stem in TABLES:
        if (data_dir / f"{stem}.parquet").exists() and not (data_dir / f"{stem}.csv").exists():
            raise InputError([Problem(f"{stem}.parquet", None, None,
                                      "collect записывает только CSV: сохраните таблицу как "
                                      f"{stem}.csv и запустите снова")])
        path = data_dir / f"{stem}.csv"
        too_big = table_size_problem(path)
        if too_big is not None:  # before reading it whole
            raise InputError([too_big])
        try:
            raw[stem] = path.read_bytes() if path.exists() else None
        except OSError as exc:
            raise InputError([Problem(path.name, None, None,
                                      f"файл не читается: {os_error_reason(exc)}")]) from None
        if raw[stem] is not None and utf16_encoding(raw[stem]) is not None:
            # validate reads it; the rows kept byte for byte could not be written back
            raise InputError([Problem(path.name, None, None,
                                      "файл в кодировке UTF-16 («Юникод-текст»): collect "
                                      "дописывает только CSV в UTF-8 или Windows-1251; "
                                      "сохраните его как «CSV UTF-8» и запустите снова")])
    dataset, problems = check_tables(orgs_file, raw["measures"], raw["graduates"],
                                      sentinel_org, rules)
    structural = [p for p in errors_of(problems) if p.line in (None, 1)]
    if dataset is None or structural:
        raise InputError(structural or errors_of(problems))
    for stem in TABLES:
        table = parse_raw(raw[stem], stem)
        if raw[stem] is not None and not {"year", "org_id"} <= set(table.header):
            raise InputError([Problem(f"{stem}.csv", 1, None, "нет столбцов year и org_id")])
    return dataset, problems, raw


def collect(in_dir: str | Path, data_dir: str | Path, *, rules: Rules,
            dry_run: bool = False, now: dt.datetime | None = None,
            allow_other_year: bool = False) -> CollectResult:
    """Collect the filled workbooks of ``in_dir`` into the dataset ``data_dir``.

    Parameters
    ----------
    in_dir : str or Path
        Folder with the workbooks (``*.xlsx``; Excel's ``~$`` lock files are ignored).
    data_dir : str or Path
        The dataset folder. It must exist and hold ``organizations.csv`` (or ``.parquet``):
        a workbook is accepted only for an organisation listed there.
    rules : Rules
        The district's rules (profiles for the aliases).
    dry_run : bool, default False
        Check and report what would change, write nothing.
    now : datetime, optional
        Time stamp of the backup folder, and the day that tells which years lie in the future
        (default: now).
    allow_other_year : bool, default False
        Take a workbook whose year lies in the future or differs from the year of most
        workbooks of the folder (with a warning); by default it is refused. A workbook that
        rewrites a year earlier than the latest one in the data is always named in a warning.

    Returns
    -------
    CollectResult
        What was collected, rejected and replaced. Rejected workbooks do not stop the others.

    Raises
    ------
    InputError
        When ``in_dir`` has no workbooks, ``data_dir`` or its organisations are missing or
        broken, or a file cannot be written. Nothing is written then.
    KeyboardInterrupt
        Ctrl+C or SIGTERM (:class:`~proforient.interrupts.Stopped`), even one that a library
        swallowed while the workbooks were read: every table is left as it was.
    """
    with Interrupts() as interrupts:
        return _collect(Path(in_dir), Path(data_dir), rules, dry_run, now, allow_other_year,
                        interrupts)


def _collect(in_dir: Path, data_dir: Path, rules: Rules, dry_run: bool,
             now: dt.datetime | None, allow_other_year: bool,
             interrupts: Interrupts) -> CollectResult:
    if not in_dir.is_dir():
        raise InputError([Problem(str(in_dir), None, None, "папка с книгами не найдена")])
    orgs_file = organizations_file(data_dir) if data_dir.is_dir() else None
    if orgs_file is None:
        raise InputError([Problem(str(data_dir / "organizations.csv"), None, None,
                                  "нет справочника организаций: collect принимает книги только "
                                  "организаций из organizations.csv; создайте папку и положите "
                                  "в неё organizations.csv набора, по которому делались шаблоны")])
    result = CollectResult(data_dir=data_dir, dry_run=dry_run)
    files = _workbook_files(in_dir, result)
    if not files and not result.failed:
        raise InputError([Problem(str(in_dir), None, None, "в папке нет книг .xlsx")])

    first_org = _first_org(orgs_file)
    existing, existing_problems, raw = _existing(data_dir, orgs_file, first_org, rules)
    orgs = existing.organizations
    org_ids = set(orgs["org_id"])
    school_ids = set(orgs.loc[orgs["kind"] == "school", "org_id"])
    old_errors = errors_of(existing_problems)
    if old_errors:
        result.problems.append(Problem(
            str(data_dir), None, None,
            f"в наборе данных уже есть ошибки ({len(old_errors)}); строки с ними в расчёт не "
            f"идут, пока их не исправят: proforient validate {data_dir}", "warning"))

    books = [read_workbook(path, org_ids, school_ids, rules.measures) for path in files]
    by_key: dict[tuple[str, str], list[Workbook]] = {}
    for book in books:
        if book.identified:
            by_key.setdefault((book.year, book.org_id), []).append(book)
    info_org = f"{INFO_VALUE_COLUMN}{INFO_ROWS['org_id'][0]}"
    for (year, org_id), same in by_key.items():
        if len(same) > 1:
            for book in same:
                book.duplicate = True
                others = ", ".join(f"«{b.file}»" for b in same if b is not book)
                book.error(SHEET_INFO, info_org,
                           f"для {org_id} за {year} есть ещё книга {others}: какая верна, "
                           "неизвестно — оставьте в папке одну и запустите снова")
    now = now or dt.datetime.now()
    _check_years([b for b in books if b.identified and not b.duplicate and not b.empty],
                 now.date(), allow_other_year)
    for book in books:
        if not book.failed and book.empty:
            book.error(None, None, "книга пуста: ничего не заполнено, данные организации не "
                                   "изменены", "warning")
    # the dataset's rules run on every identified workbook, broken or not, so that a school
    # learns all its problems at once
    candidates = [b for b in books if b.identified and not b.duplicate and not b.empty]
    incoming = (check_against_dataset(candidates, orgs_file, first_org, rules)
                if candidates else None)
    for book in books:
        result.problems += sorted(book.problems, key=reading_order)
        if book.failed:
            result.failed.append(book.file)
        elif book.empty:
            result.skipped.append(book.file)
    good = [b for b in candidates if not b.failed]
    if not good:
        return result

    org_order = {o: i for i, o in enumerate(orgs["org_id"])}
    good.sort(key=lambda b: (b.year, org_order.get(b.org_id, len(org_order))))
    blocks: dict[str, dict[tuple[str, str], list[dict]]] = {t: {} for t in TABLES}
    for book in good:
        key = (book.year, book.org_id)
        changed = False
        for stem in TABLES:
            if stem == "graduates" and book.graduates is None:
                continue
            new = _rows_of(getattr(incoming, stem), key)
            old = _rows_of(getattr(existing, stem), key)
            keys = measure_keys if stem == "measures" else graduate_keys
            if keys(new) == keys(old) and len(new) == len(old):
                continue
            changed = True
            rows = (measure_rows(new, rules.measures.codes) if stem == "measures"
                    else graduate_rows(new))
            blocks[stem][key] = rows
            result.replaced.append(Replacement(book.org_id, book.year, stem, len(old), len(new),
                                               *diff_keys(keys(old), keys(new)), f"{stem}.csv"))
        result.collected.append(CollectedWorkbook(
            book.file, book.org_id, book.year, len(book.measures),
            None if book.graduates is None else len(book.graduates), changed))
    _earlier_year_warnings(result, good, existing)
    if dry_run:
        return result
    # a Ctrl+C swallowed while the workbooks were read (openpyxl leaves its ZipFile to the
    # garbage collector) stops here, before the first write; write_tables checks again once
    # every table is in place, while it can still put the old ones back
    interrupts.check()
    result.written, result.backup_dir = write_tables(data_dir, raw, blocks, now,
                                                     check=interrupts.check)
    return result


def current_academic_year(today: dt.date) -> str:
    """The academic year under way on ``today`` (it starts on 1 September).

    >>> current_academic_year(dt.date(2022, 5, 31)), current_academic_year(dt.date(2022, 9, 1))
    ('2021-2022', '2022-2023')
    """
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}-{start + 1}"


#: The flag that lets collect take a workbook of another year than the rest, or of a year to come.
ALLOW_OTHER_YEAR = "--allow-other-year"


def _check_years(books: list[Workbook], today: dt.date, allow_other_year: bool) -> None:
    """Refuse (or, with ``allow_other_year``, warn about) a workbook whose «Сведения» year lies
    in the future or differs from the year of most workbooks of the folder: a mistyped year
    adds a year with one school, which becomes every command's default year, and an old
    workbook overwrites history."""
    cell = f"{INFO_VALUE_COLUMN}{INFO_ROWS['year'][0]}"
    severity = "warning" if allow_other_year else "error"
    outcome = (f"книга принята, потому что задан {ALLOW_OTHER_YEAR}" if allow_other_year else
               f"книга не принята: исправьте год в листе «{SHEET_INFO}» или, если он верен, "
               f"запустите collect с {ALLOW_OTHER_YEAR}")
    counts: dict[str, int] = {}
    for book in books:
        counts[book.year] = counts.get(book.year, 0) + 1
    # the folder's year: the most common one (the later one of a tie)
    usual = max(counts, key=lambda year: (counts[year], year)) if counts else None
    now = current_academic_year(today)
    for book in books:
        if book.year > now:
            book.error(SHEET_INFO, cell, f"учебный год {book.year} ещё не наступил (сейчас идёт "
                                         f"{now}): похоже на опечатку; {outcome}", severity)
        elif book.year != usual:
            book.error(SHEET_INFO, cell, f"учебный год {book.year}, а в остальных книгах папки — "
                                         f"{usual} (книг: {counts[usual]}): книга другого года в "
                                         "этой папке — обычно опечатка или старая книга; "
                                         f"{outcome}", severity)


def _earlier_year_warnings(result: CollectResult, good: list[Workbook],
                           existing: Dataset) -> None:
    """Say, before the summary, which replacements rewrite a year earlier than the latest one in
    the data (history already collected), per workbook."""
    years = set(existing.measures["year"]) | set(existing.graduates["year"])
    latest = max(years, default=None)
    if latest is None:
        return
    cell = f"{INFO_VALUE_COLUMN}{INFO_ROWS['year'][0]}"
    books = {(b.org_id, b.year): b for b in good}
    verb = "будут заменены" if result.dry_run else "заменены"
    for (org_id, year), book in books.items():
        rewritten = [r for r in result.replaced
                     if (r.org_id, r.year) == (org_id, year) and r.rows_before > 0]
        if year >= latest or not rewritten:
            continue
        tables = " и ".join(f"{r.file} (было строк {r.rows_before})" for r in rewritten)
        backup = ("" if result.dry_run else
                  "; прежние версии файлов сохраняются в папке _backup набора данных")
        result.problems.append(WorkbookProblem(
            book.file, INFO_ROWS["year"][0], cell,
            f"книга за {year} — более ранний год, чем последний в данных ({latest}): уже "
            f"собранные данные {org_id} за {year} {verb}: {tables}{backup}", "warning",
            SHEET_INFO))


def _first_org(orgs_file: Path) -> str:
    """Any organisation id, for the sentinel row (check_dataset reports the file if broken)."""
    try:
        if orgs_file.suffix == ".parquet":
            return str(pd.read_parquet(orgs_file)["org_id"].iloc[0]).strip()
        frame = pd.read_csv(orgs_file, sep=None, engine="python", dtype=str,
                            encoding="utf-8-sig", nrows=1)
        frame.columns = [str(c).strip() for c in frame.columns]
        return str(frame["org_id"].iloc[0]).strip()
    except Exception:  # any failure is reported properly by check_dataset
        return "?"


def _rows_of(frame: pd.DataFrame, key: tuple[str, str]) -> pd.DataFrame:
    year, org_id = key
    return frame[((frame["year"] == year) & (frame["org_id"] == org_id)).to_numpy()]


