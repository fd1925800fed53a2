"""Problems found in user input, and the exception that carries them.

A :class:`Problem` names the file, the line as an editor shows it (header = line 1), the column
and the reason, in Russian. Validation collects every problem instead of stopping at the first;
the CLI prints them without a traceback.
"""

from __future__ import annotations

import errno
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem in the input.

    Attributes
    ----------
    file : str
        File name as the user knows it (``measures.csv``, ``sch-07.xlsx``).
    line : int or None
        Line number as shown in a spreadsheet or editor (header = 1); ``None`` for a whole file.
    column : str or None
        Column name (or cell address for workbooks); ``None`` when the problem is not in one column.
    message : str
        The reason, in Russian.
    severity : {"error", "warning"}
        Errors make the dataset unusable; warnings are reported and the work goes on.
    """

    file: str
    line: int | None
    column: str | None
    message: str
    severity: Severity = "error"

    def where(self) -> list[str]:
        """The parts of the location, most general first (file, line, column)."""
        parts = [self.file]
        if self.line is not None:
            parts.append(f"строка {self.line}")
        if self.column is not None:
            parts.append(f"столбец «{self.column}»")
        return parts

    def __str__(self) -> str:
        tag = "ошибка" if self.severity == "error" else "предупреждение"
        return f"{', '.join(self.where())}: {tag}: {self.message}"


class InputError(Exception):
    """Raised when user input cannot be used; carries every problem found.

    The message is Russian and complete: the CLI prints it and exits with code 1.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def errors_of(problems: list[Problem]) -> list[Problem]:
    """Return only the problems of severity ``error``."""
    return [p for p in problems if p.severity == "error"]


# --------------------------------------------------------------------------------------------
# Operating-system errors in Russian

_OS_REASONS: dict[int, str] = {
    errno.ENOSPC: "на диске нет места",
    errno.EACCES: "нет доступа: файл открыт в другой программе (например, в Excel) или "
                  "защищён от записи",
    errno.EPERM: "нет доступа: файл открыт в другой программе (например, в Excel) или "
                 "защищён от записи",
    errno.EBUSY: "файл занят другой программой",
    errno.EROFS: "диск или папка только для чтения",
    errno.ENOENT: "файл или папка не найдены",
    errno.EISDIR: "на месте файла — папка",
    errno.ENOTDIR: "на месте папки — файл",
    errno.EDQUOT: "исчерпана квота на диске",
    errno.EIO: "ошибка чтения или записи диска",
}


def os_error_reason(exc: OSError) -> str:
    """Say in Russian why a file operation failed (the system's own text is English).

    >>> os_error_reason(OSError(errno.ENOSPC, "No space left on device"))
    'на диске нет места'
    """
    code = exc.errno
    if code in _OS_REASONS:
        return _OS_REASONS[code]
    name = errno.errorcode.get(code, str(code)) if code is not None else type(exc).__name__
    return f"ошибка операционной системы ({name})"


# --------------------------------------------------------------------------------------------
# A Python exception in the user's words

#: What a Python exception means, for the summary of a failed notebook. The name itself
#: («KeyError») is for the analyst, who finds it with the traceback in the executed notebook.
_EXCEPTION_WORDS = {
    "KeyError": "нет нужного ключа (столбца, кода или значения)",
    "IndexError": "обращение за пределы таблицы или списка",
    "ValueError": "недопустимое значение",
    "TypeError": "значение не того типа",
    "ZeroDivisionError": "деление на ноль",
    "FloatingPointError": "ошибка вычисления с дробными числами",
    "OverflowError": "слишком большое число",
    "NameError": "в коде блокнота неизвестное имя",
    "UnboundLocalError": "в коде блокнота неизвестное имя",
    "AttributeError": "в коде блокнота обращение к несуществующему свойству",
    "ImportError": "не удалось загрузить модуль Python",
    "ModuleNotFoundError": "не установлен нужный модуль Python",
    "AssertionError": "не выполнена проверка в блокноте",
    "FileNotFoundError": "файл не найден",
    "PermissionError": "нет доступа к файлу",
    "IsADirectoryError": "вместо файла — папка",
    "OSError": "ошибка чтения или записи файла",
    "MemoryError": "не хватило памяти",
    "RecursionError": "слишком глубокая рекурсия в коде блокнота",
    "RuntimeError": "ошибка выполнения",
    "NotImplementedError": "действие не реализовано",
    "TimeoutError": "истекло время ожидания",
    "UnicodeDecodeError": "текст в неверной кодировке",
    "UnicodeEncodeError": "текст не записывается в нужной кодировке",
    "KeyboardInterrupt": "выполнение прервано",
    "SystemExit": "код блокнота завершил работу",
    "InputError": "ошибка во входных данных",
    "CellExecutionError": "ошибка при выполнении ячейки",
    "CellTimeoutError": "ячейка выполнялась слишком долго",
    "DeadKernelError": "ядро Python завершилось",
    "ZMQError": "сбой связи с ядром Python",
    "ParserError": "файл не разбирается как таблица",
    "EmptyDataError": "файл пуст",
    "MergeError": "таблицы не соединяются",
    "JSONDecodeError": "повреждённый JSON",
}

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def error_text(ename: str, evalue: object = "") -> str:
    """A Python error (its class name and message) in Russian, without the class name.

    The message is kept when it is Russian (ours: an :class:`InputError`, a check in the
    notebook) or a :class:`KeyError`'s key (a column or code of the data); Python's English
    messages are left to the executed notebook.

    >>> error_text("KeyError", "'sch-07'")
    "нет нужного ключа (столбца, кода или значения): 'sch-07'"
    >>> error_text("ValueError", "could not convert string to float: 'abc'")
    'недопустимое значение'
    >>> error_text("RuntimeError", "сбой для проверки")
    'ошибка выполнения: сбой для проверки'
    """
    name = str(ename).rsplit(".", 1)[-1]
    words = _EXCEPTION_WORDS.get(name)
    if words is None:
        words = next((w for n, w in _EXCEPTION_WORDS.items() if name.endswith(n)),
                     "ошибка Python")
    lines = str(evalue or "").strip().splitlines()
    value = printable(lines[0].strip())[:200] if lines else ""
    if value and (_CYRILLIC.search(value) or name == "KeyError"):
        return f"{words}: {value}"
    return words


def exception_text(exc: BaseException) -> str:
    """:func:`error_text` of an exception: an OSError by its reason, others by their kind."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return os_error_reason(exc)
    return error_text(type(exc).__name__, exc)


# --------------------------------------------------------------------------------------------
# Printing many problems: the first few of each kind, then how many more

#: How many problems of one kind (same file, sheet, column and message pattern) are printed
#: before the rest are counted in one line.
PROBLEMS_PER_KIND = 20

_QUOTED = re.compile(r"«[^»]*»")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def problem_kind(problem: Problem) -> tuple:
    """What makes two problems "the same kind": file, sheet, column (for a workbook cell, its
    column letters) and the message with quoted values and numbers taken out."""
    sheet = getattr(problem, "sheet", None)
    column = problem.column
    if sheet is not None and column is not None:
        column = re.sub(r"\d+$", "", column)
    pattern = _NUMBER.sub("#", _QUOTED.sub("«…»", problem.message))
    return (problem.file, sheet, column, problem.severity, pattern)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""``text`` with control characters written as ``U+0000``: a value quoted from a file never
    puts a NUL byte or a terminal escape sequence on the screen.

    >>> printable("sch\x00-1\x1b[2J")
    'schU+0000-1U+001B[2J'
    """
    return _CONTROL.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def capped_lines(problems: Sequence[Problem], per_kind: int | None = None) -> list[str]:
    """The lines to print for ``problems``: at most ``per_kind`` of each kind (see
    :func:`problem_kind`), in their order; where a kind goes beyond, one line says how many more
    there are («… и ещё 30 таких же ошибок в файле measures.csv (столбец «value»)»). Control
    characters quoted from the files are shown as ``U+0000`` (:func:`printable`).

    Parameters
    ----------
    problems : sequence of Problem
        In the order to print.
    per_kind : int, optional
        Default :data:`PROBLEMS_PER_KIND`.

    Returns
    -------
    list of str
    """
    per_kind = PROBLEMS_PER_KIND if per_kind is None else per_kind
    kinds = [problem_kind(p) for p in problems]
    totals = Counter(kinds)
    seen: Counter = Counter()
    lines = []
    for problem, kind in zip(problems, kinds, strict=True):
        seen[kind] += 1
        if seen[kind] <= per_kind:
            lines.append(printable(str(problem)))
        elif seen[kind] == per_kind + 1:
            lines.append(printable(_more_line(problem, kind, totals[kind] - per_kind)))
    return lines


def _more_line(problem: Problem, kind: tuple, more: int) -> str:
    _, sheet, column, severity, _ = kind
    what = "ошибок" if severity == "error" else "предупреждений"
    where = []
    if sheet is not None:
        where.append(f"лист «{sheet}»")
    if column is not None:
        where.append(f"столбец {column}" if sheet is not None else f"столбец «{column}»")
    place = f" ({', '.join(where)})" if where else ""
    return f"… и ещё {more} таких же {what} в файле {problem.file}{place}"


def size_text(n_bytes: int) -> str:
    """A file size the Russian way: ``20 МБ``, ``35,2 МБ``, ``512 КБ``, ``100 байт``.

    >>> size_text(20 * 1024 * 1024), size_text(36_909_875), size_text(2048), size_text(100)
    ('20 МБ', '35,2 МБ', '2 КБ', '100 байт')
    """
    for unit, size in (("ГБ", 1024 ** 3), ("МБ", 1024 ** 2), ("КБ", 1024)):
        if n_bytes >= size:
            value = n_bytes / size
            text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
            return f"{text.replace('.', ',')} {unit}"
    return f"{n_bytes} байт"
