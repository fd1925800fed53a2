"""Problems found in user input, and the exception that carries them.

A :class:`Problem` names the file, the line as an editor shows it (header = line 1), the column
and the reason, in Russian. Validation collects every problem instead of stopping at the first;
the CLI prints them without a traceback.
"""

from __future__ import annotations

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
