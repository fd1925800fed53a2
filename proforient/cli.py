"""The ``proforient`` command (README, «Команды»): a thin shell around the package's functions.

Exit codes: 0 success; 1 the input has errors or some work failed; 2 a usage error; 130 Ctrl+C;
143 SIGTERM. Both signals are handled alike, for every command (:mod:`proforient.interrupts`):
a Russian message instead of a traceback, and one that a library swallowed still stops the
command before it writes. ``collect`` and ``report`` leave the data and the previous reports
as they were; ``indicators`` and ``alignment`` write their file whole or not at all.
Problems in the input are printed in Russian with file, line and column, never with a traceback;
so is an output path that cannot be written (checked before the work). Programming errors stay
loud.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import re
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from proforient import interrupts
from proforient.interrupts import Interrupts, exit_code, how
from proforient.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR, OUTPUTS_DIR, output_problem
from proforient.problems import InputError, Problem, capped_lines, errors_of, os_error_reason
from proforient.vocab import ACADEMIC_YEAR_HINT, is_academic_year

if TYPE_CHECKING:  # the commands import the pipeline when they run (a fast --help)
    from proforient import pipeline

# argparse's own words, in Russian: every message a user reads is Russian. argparse looks each
# message up by its English text through gettext (module-level ``_`` and ``ngettext``), which is
# where the translation goes; the rest of the text (option names, values) is argparse's format.
_ARGPARSE_RU = {
    "usage: ": "использование: ",
    "positional arguments": "аргументы",
    "options": "параметры",
    "show this help message and exit": "показать эту справку и выйти",
    "show program's version number and exit": "показать версию и выйти",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "не указаны обязательные аргументы: %s",
    "one of the arguments %s is required": "нужен один из аргументов: %s",
    "unrecognized arguments: %s": "неизвестные аргументы: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "неизвестное значение %(value)r (допустимо: %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "неизвестная команда %(parser_name)r (допустимо: %(choices)s)",
    "expected one argument": "нужно одно значение",
    "expected at most one argument": "нужно не больше одного значения",
    "expected at least one argument": "нужно хотя бы одно значение",
    "expected %s argument": "нужно значений: %s",
    "expected %s arguments": "нужно значений: %s",
    "invalid %(type)s value: %(value)r": "неверное значение %(value)r",
    "ignored explicit argument %r": "значение %r не нужно: это флаг без значения",
    "not allowed with argument %s": "нельзя вместе с %s",
    "ambiguous option: %(option)s could match %(matches)s":
        "неоднозначный параметр %(option)s: подходят %(matches)s; напишите его полностью",
    "unexpected option string: %s": "неожиданный параметр: %s",
    "can't open '%(filename)s': %(error)s": "не открывается «%(filename)s»: %(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
}
_original_gettext = argparse._
_original_ngettext = argparse.ngettext


def _ru(text: str) -> str:
    return _ARGPARSE_RU.get(text, _original_gettext(text))


def _ru_plural(singular: str, plural: str, n: int) -> str:
    text = singular if n == 1 else plural
    return _ARGPARSE_RU.get(text, _original_ngettext(singular, plural, n))


argparse._ = _ru  # argparse looks its messages up through these module-level names
argparse.ngettext = _ru_plural


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors → exit 2, in Russian
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: ошибка: {message}\n")


def _year(text: str) -> str:
    if not is_academic_year(text):
        raise argparse.ArgumentTypeError(f"учебный год «{text}» {ACADEMIC_YEAR_HINT}")
    return text.strip()


def _output(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise argparse.ArgumentTypeError(
            f"«{text}»: формат определяется расширением, допустимо .csv или .xlsx")
    return path


def _check_output(path: Path, *, folder: bool) -> None:
    """Refuse, before the work, an output path that cannot be written (Russian, names it)."""
    reason = output_problem(path, folder=folder)
    if reason:
        raise InputError([Problem(str(path), None, None, reason)])


class _NotWritten(KeyboardInterrupt):
    """Ctrl+C or SIGTERM before an output file was in place: it was not written at all."""

    def __init__(self, path: Path, cause: KeyboardInterrupt) -> None:
        super().__init__(path)
        self.path = path
        self.signum = interrupts.signal_of(cause)


def _write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Write an output file all or nothing: ``write`` fills a hidden file beside it, which
    replaces ``path`` only when complete. A Ctrl+C or SIGTERM on the way, even one that a
    library swallowed, leaves ``path`` as it was (:class:`_NotWritten`)."""
    temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp{path.suffix}")
    try:
        try:
            write(temporary)
            interrupts.check()
            os.replace(temporary, path)
        except InputError as exc:  # name the file the user asked for, not the hidden one
            raise InputError([dataclasses.replace(p, file=str(path))
                              if p.file == str(temporary) else p
                              for p in exc.problems]) from None
        except OSError as exc:
            raise InputError([Problem(str(path), None, None,
                                      f"не удалось записать файл: {os_error_reason(exc)}")]
                             ) from None
        except KeyboardInterrupt as exc:
            raise _NotWritten(path, exc) from None
    finally:
        temporary.unlink(missing_ok=True)


def _print_problems(problems: Sequence[Problem], limit: int | None = None) -> None:
    shown = problems if limit is None else problems[:limit]
    for line in capped_lines(shown):  # a file with a million bad rows prints a few lines
        print(line, file=sys.stderr)
    if limit is not None and len(problems) > limit:
        print(f"… и ещё {len(problems) - limit}; полный список: proforient validate",
              file=sys.stderr)


def _summary(problems: Sequence[Problem]) -> str:
    errors = len(errors_of(list(problems)))
    return f"ошибок: {errors}, предупреждений: {len(problems) - errors}"


def _pick_year(dataset, year: str | None) -> str:
    if year is None:
        if dataset.latest_year is None:
            raise InputError([Problem(dataset.path.name, None, None,
                                      "в данных нет ни одного года")])
        return dataset.latest_year
    if year not in dataset.years:
        raise InputError([Problem(dataset.path.name, None, None,
                                  f"года {year} нет в данных; есть: {', '.join(dataset.years)}")])
    return year


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a dataset and print every problem; exit 1 when there are errors."""
    from proforient import pipeline

    _system_memory_for_arrow()

    _, problems = pipeline.check(args.data_dir)
    _print_problems(problems)
    if errors_of(problems):
        print(f"Данные не приняты: {_summary(problems)}.", file=sys.stderr)
        return 1
    print(f"Данные в порядке ({_summary(problems)}): {args.data_dir}")
    return 0


def _system_memory_for_arrow() -> None:
    """Let pyarrow take memory from the C library, not from its own mimalloc pool, in a
    command that reads a dataset once and ends. mimalloc reserves and touches fresh memory for
    each large table: a region's ``indicators`` spent twice the system time in page faults,
    and 8–14 % more wall time (pairs of runs in turn). Long-lived processes (the report's
    kernels, the analyst's notebooks) keep pyarrow's default."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def _one_year(args: argparse.Namespace) -> tuple[pipeline.Results, str]:
    """Load the data (every year is read and checked) and compute the year asked for, the
    latest by default: the others' alignment and indicators would only be thrown away."""
    from proforient import pipeline
    from proforient.dataset import load_dataset
    from proforient.parameters import load_parameters

    _system_memory_for_arrow()
    params = load_parameters()
    dataset = load_dataset(args.data_dir, params.rules)
    year = _pick_year(dataset, args.year)
    return pipeline.compute(dataset, params, [year]), year


def cmd_indicators(args: argparse.Namespace) -> int:
    """Write the indicator table of one year (CSV or XLSX by the suffix)."""
    from proforient.excel.export import ANALYST_ONLY, indicators_russian, write_table

    _check_output(args.output or OUTPUTS_DIR / "indicators.csv", folder=False)
    results, year = _one_year(args)
    dataset = results.dataset
    table = results.indicators[results.indicators["year"] == year].reset_index(drop=True)
    output = Path(args.output or OUTPUTS_DIR / f"indicators-{year}.csv")
    counts = {c: table[c].round().astype("Int64") for c in ("numerator", "denominator")}
    sheets = {"Показатели": indicators_russian(table, dataset, results.params.roadmaps)} \
        if output.suffix.lower() == ".xlsx" else None  # a CSV has the main table only
    _write_whole(output, lambda path: write_table(table.assign(**counts), path,
                                                  sheets=sheets, notice=ANALYST_ONLY))
    orgs = table.loc[table["scope"] == "org", "org_id"].nunique()
    print(f"Показатели за {year} → {output} (показателей: {table['indicator_id'].nunique()}; "
          f"организаций: {orgs} и район)")
    if dataset.problems:
        print(f"Предупреждений в данных: {len(dataset.problems)} "
              f"(подробно: proforient validate {args.data_dir})", file=sys.stderr)
    print(f"Внимание: {ANALYST_ONLY}", file=sys.stderr)
    return 0


def cmd_alignment(args: argparse.Namespace) -> int:
    """Write the per-graduate alignment table (personal data: for the analyst only)."""
    from proforient.compute.alignment import ALIGNMENT_COLUMNS
    from proforient.excel.export import write_table

    _check_output(args.output, folder=False)
    results, year = _one_year(args)
    aligned = results.aligned[results.aligned["year"] == year]
    notice = ("Сведения о каждом выпускнике (персональные данные): только для аналитика, не "
              "публикуйте и не пересылайте.")
    _write_whole(args.output, lambda path: write_table(aligned[ALIGNMENT_COLUMNS], path,
                                                       notice=notice))
    unresolved = int((aligned["resolved_by"] == "unresolved").sum())
    print(f"Выпускники {year}: {len(aligned)} строк → {args.output}")
    if unresolved:
        print(f"Не распознано специальностей: {unresolved} (строки с resolved_by = "
              "unresolved; полный список названий — в НЕ_ДЛЯ_ПУБЛИКАЦИИ/<год>/specialty-review.csv "
              "рядом с папкой отчётов после proforient report)")
    print("Внимание: таблица содержит сведения о каждом выпускнике (персональные данные). "
          "Она только для аналитика: не публикуйте и не пересылайте её.", file=sys.stderr)
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    """``proforient template DATA_DIR --year YEAR --out DIR``: write the workbooks."""
    from proforient.excel.template import make_templates
    from proforient.parameters import load_parameters

    _check_output(args.out, folder=True)
    orgs = [o.strip() for o in args.orgs.split(",") if o.strip()] if args.orgs else None
    paths = make_templates(args.data_dir, args.year, args.out, load_parameters(), org_ids=orgs)
    print(f"Шаблоны за {args.year} → {args.out} (книг Excel: {len(paths)})")
    print("Разошлите каждой организации её книгу; заполненные соберите в одну папку и "
          f"выполните: proforient collect ПАПКА --out {args.data_dir}")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    """``proforient collect DIR --out DATA_DIR``: read the workbooks into the dataset.

    Prints every problem (stderr) and the summary (stdout); returns 1 when a workbook was
    rejected, even though the good ones were collected.
    """
    from proforient.excel.collect import collect
    from proforient.parameters import load_parameters

    rules = load_parameters().rules
    try:
        result = collect(args.in_dir, args.out, rules=rules, dry_run=args.dry_run,
                         allow_other_year=args.allow_other_year)
    except KeyboardInterrupt as exc:
        print(f"Сбор остановлен ({how(exc)}): набор данных не изменён — ни одна таблица не "
              "записана.", file=sys.stderr)
        return exit_code(exc)
    _print_problems(result.problems)
    for line in result.report_lines():
        print(line)
    return 0 if result.ok else 1


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}»: нужно целое число") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"«{text}»: нужно целое число не меньше 1")
    return value


def _ids(text: str) -> list[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids:
        raise argparse.ArgumentTypeError("укажите коды школ через запятую, например sch-01,sch-02")
    return ids


def _scheduler(text: str) -> str:
    address = text.strip()
    if not re.fullmatch(r"(?:(?:tcp|tls|ws|wss|ucx)://)?[\w.\-\[\]:]+:\d{1,5}", address):
        raise argparse.ArgumentTypeError(
            f"«{text}»: адрес планировщика Dask должен быть вида tcp://HOST:8786")
    return address


#: Exit code of a command stopped with Ctrl+C (128 + SIGINT, as a shell reports it); SIGTERM
#: gives 143 (:func:`proforient.interrupts.exit_code`).
INTERRUPTED = 130

REPORT_DESCRIPTION = ("Выполняет блокноты отчётов (район, выпускники, каждая школа), сохраняет "
                      "их как HTML-страницы без кода и пишет оглавление index.html.")
REPORT_EPILOG = (
    f"Куда: по умолчанию в {OUTPUTS_DIR / '<год>'}, то есть в outputs/ папки проекта, из какой "
    "бы папки ни запускалась команда: make report, запуск из другой папки и из JupyterLab "
    "складывают отчёты в одно место, и запуск с --schools находит там отчёты остальных школ. "
    "Папка отчётов печатается в самом начале запуска; другую задаёт --out. Отчёты, которые "
    "уже лежат в папке, заменяются только в конце запуска; отчёты по другому набору данных "
    "или году не удаляются, а переносятся в папку <год>.previous-ДАТА рядом. Пока запуск "
    "идёт, папка заблокирована: второй запуск в ту же папку откажется. Ctrl+C (или сигнал "
    "SIGTERM) останавливает запуск; прежние отчёты остаются как были, временные файлы с "
    "данными удаляются. Код выхода: 0 — все отчёты готовы, 1 — есть ошибки, 130 — Ctrl+C, "
    "143 — SIGTERM.")


def _help_text(text: str) -> str:
    """Help text with a path in it: argparse %-formats help strings."""
    return text.replace("%", "%%")


def cmd_report(args: argparse.Namespace) -> int:
    """Execute the report notebooks, render them to HTML, write the index (exit 1 if any fail)."""
    from proforient.batch.run import run_report

    if args.executor == "threads" and (args.scheduler or args.shared_dir):
        print("proforient report: ошибка: --scheduler и --shared-dir работают только с "
              "--executor dask", file=sys.stderr)
        return 2
    # Libraries log in English on the terminal (nbclient: "Kernel died while waiting for
    # execute reply"); the user reads why in the Russian summary, the analyst in
    # the analyst folder.
    if not logging.getLogger().handlers:
        logging.getLogger().addHandler(logging.NullHandler())
    try:
        result = run_report(args.data_dir, args.year, args.out, args.jobs, args.schools,
                            notebooks_dir=args.notebooks, executor=args.executor,
                            scheduler=args.scheduler, shared_dir=args.shared_dir,
                            replace_publication=args.replace_publication,
                            say=lambda text: print(text, flush=True))
    except KeyboardInterrupt as exc:
        print(f"Запуск остановлен ({how(exc)}): прежние отчёты не изменены, ядра Python "
              "остановлены, временные папки удалены.", file=sys.stderr)
        return exit_code(exc)
    for warning in result.warnings:
        print(f"Внимание: {warning}", file=sys.stderr)
    print(result.summary())
    return 1 if result.failed else 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Regenerate the synthetic demo dataset."""
    from proforient.demo import DEFAULT_SEED, generate_demo

    _check_output(args.out, folder=True)
    counts = generate_demo(args.out, args.seed if args.seed is not None else DEFAULT_SEED)
    rows = ", ".join(f"{name}: {n}" for name, n in counts.items())
    print(f"Демонстрационные данные записаны в {args.out} ({rows})")
    return 0


class _VersionAction(argparse.Action):
    """``--version``: the version is looked up only when asked for (see ``proforient``'s
    ``__getattr__``), not by every command."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from proforient import __version__

        print(f"proforient {__version__}")  # to stdout, as argparse's own version action
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``proforient`` command."""
    parser = _Parser(prog="proforient",
                     description="Профориентация: показатели дорожной карты, выпускники, отчёты.")
    parser.add_argument("--version", action=_VersionAction, help="показать версию и выйти")
    sub = parser.add_subparsers(dest="command", required=True, metavar="КОМАНДА",
                                parser_class=_Parser)

    p = sub.add_parser("validate", help="проверить набор данных")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="папка с данными")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("indicators", help="рассчитать показатели дорожной карты")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="папка с данными")
    p.add_argument("--year", type=_year, help="учебный год (по умолчанию — последний в данных)")
    p.add_argument("--output", type=_output, metavar="FILE",
                   help="файл .csv или .xlsx (по умолчанию outputs/indicators-<год>.csv)")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("alignment", help="таблица выпускников: профиль, ЕГЭ, востребованность")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="папка с данными")
    p.add_argument("--year", type=_year, help="учебный год (по умолчанию — последний в данных)")
    p.add_argument("--output", type=_output, metavar="FILE", required=True,
                   help="файл .csv или .xlsx (содержит персональные данные)")
    p.set_defaults(func=cmd_alignment)

    p = sub.add_parser("report", help="сформировать HTML-отчёты: район, выпускники, каждая школа",
                       description=REPORT_DESCRIPTION, epilog=_help_text(REPORT_EPILOG))
    p.add_argument("data_dir", type=Path, nargs="?", default=DEMO_DATA_DIR, metavar="DATA_DIR",
                   help="папка с данными (по умолчанию data/demo)")
    p.add_argument("--year", type=_year, help="учебный год (по умолчанию — последний в данных)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help=_help_text(f"папка для отчётов (по умолчанию {OUTPUTS_DIR / '<год>'} — "
                                   "outputs/ папки проекта, откуда бы ни запускалась команда)"))
    p.add_argument("--jobs", type=_positive, metavar="N",
                   help="сколько блокнотов выполнять одновременно (по умолчанию — по числу ядер)")
    p.add_argument("--schools", type=_ids, metavar="ID,...",
                   help="только эти школы (коды через запятую); отчёты остальных школ из "
                        "прошлого запуска сохраняются")
    p.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR, metavar="DIR",
                   help="папка с блокнотами school, district, graduates (по умолчанию notebooks)")
    p.add_argument("--executor", choices=["threads", "dask"],
                   help="где выполнять блокноты: threads — в этом процессе (по умолчанию), "
                        "dask — задачами Dask (без --scheduler: локальный кластер из --jobs "
                        "процессов)")
    p.add_argument("--scheduler", type=_scheduler, metavar="ADDR",
                   help="адрес планировщика Dask, например tcp://10.0.0.5:8786: блокноты "
                        "выполняются на его воркерах (значит --executor dask; --jobs не нужен)")
    p.add_argument("--shared-dir", type=Path, metavar="DIR",
                   help="для Dask: папка, которую клиент и все воркеры видят по одному пути; "
                        "снимок данных кладётся туда, а не рассылается воркерам")
    p.add_argument("--replace-publication", action="store_true",
                   help="решить заново, что скрыть в отчётах этого года; без флага ячейки, "
                        "скрытые в прежних отчётах этого года, остаются скрытыми (журнал "
                        "публикаций в папке НЕ_ДЛЯ_ПУБЛИКАЦИИ)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("demo", help="пересоздать демонстрационные (синтетические) данные")
    p.add_argument("--out", type=Path, default=DEMO_DATA_DIR, metavar="DIR",
                   help="куда записать (по умолчанию data/demo)")
    p.add_argument("--seed", type=_integer, help="зерно генератора случайных чисел")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("template", help="сделать книги Excel для сбора данных от организаций")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR",
                   help="папка с данными (из неё — список организаций и прошлые значения)")
    p.add_argument("--year", type=_year, required=True,
                   help="учебный год сбора, например 2021-2022")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="куда записать книги (по одной на организацию)")
    p.add_argument("--orgs", metavar="ID,...",
                   help="только эти организации, через запятую (по умолчанию — все)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("collect", help="собрать заполненные книги Excel в набор данных")
    p.add_argument("in_dir", type=Path, metavar="DIR", help="папка с заполненными книгами")
    p.add_argument("--out", type=Path, required=True, metavar="DATA_DIR",
                   help="папка набора данных (в ней должен быть organizations.csv)")
    p.add_argument("--dry-run", action="store_true",
                   help="только проверить книги и показать, что изменится; ничего не записывать")
    p.add_argument("--allow-other-year", action="store_true",
                   help="принять книгу, учебный год которой ещё не наступил или отличается от "
                        "года остальных книг папки (без этого флага такая книга не принимается)")
    p.set_defaults(func=cmd_collect)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``proforient`` console script."""
    # Ctrl+C and SIGTERM, for every command: remembered even when a library swallows them
    with Interrupts():
        try:
            args = build_parser().parse_args(argv)
            return int(args.func(args))
        except InputError as exc:
            _print_problems(exc.problems)
            print(f"Работа остановлена: {_summary(exc.problems)}.", file=sys.stderr)
            return 1
        except _NotWritten as exc:
            print(f"Работа остановлена ({how(exc)}): файл {exc.path} не записан (прежний, "
                  "если был, не изменён); данные не изменены.", file=sys.stderr)
            return exit_code(exc)
        except KeyboardInterrupt as exc:
            print(f"Работа остановлена ({how(exc)}): данные не изменены; файлы, которые "
                  "команда успела записать, могут быть неполными — запустите её снова.",
                  file=sys.stderr)
            return exit_code(exc)


if __name__ == "__main__":
    sys.exit(main())
