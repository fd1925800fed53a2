"""Reading the district's parameter files (YAML) with Russian messages that name the line."""

from __future__ import annotations

from pathlib import Path

import yaml

from proforient.problems import InputError, Problem, os_error_reason

#: PyYAML's own words for the usual mistakes, said the way a district's analyst reads them.
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "табуляция вместо пробелов: отступы в YAML делаются пробелами"),
    ("mapping values are not allowed", "лишнее двоеточие или неверный отступ"),
    ("could not find expected ':'", "нет двоеточия после названия ключа"),
    ("expected <block end>", "неверный отступ: строки одного уровня должны начинаться с одного "
                            "столбца"),
    ("found undefined alias", "символ «*» в начале значения: возьмите значение в кавычки"),
    ("found unexpected end of stream", "незакрытая кавычка или скобка"),
    ("found duplicate anchor", "символ «&» в начале значения: возьмите значение в кавычки"),
    ("did not find expected", "незакрытая кавычка, скобка или неверный отступ"),
    ("while scanning", "незакрытая кавычка или недопустимый символ"),
)


def _in_russian(exc: yaml.YAMLError) -> str:
    text = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or ''}"
    for english, russian in _YAML_PROBLEMS:
        if english in text:
            return russian
    return "ошибка в разметке YAML (отступы, двоеточия, кавычки)"


def read_yaml(path: Path, *, what: str = "файл") -> dict:
    """Read a YAML mapping; every failure is an :class:`InputError` in Russian.

    Parameters
    ----------
    path : Path
        The file.
    what : str
        How the message calls the file when it is missing («файл дорожной карты»).

    Returns
    -------
    dict
        The top-level mapping.

    Raises
    ------
    InputError
        The file is missing or unreadable, is not UTF-8, is not valid YAML (the line is named,
        PyYAML's English explanation is not shown), or is not a mapping.
    """
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(name, None, None, f"{what} не найден")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(name, None, None, "файл не в кодировке UTF-8: сохраните его "
                                                    "как UTF-8")]) from None
    except OSError as exc:
        raise InputError([Problem(name, None, None, f"файл не читается ({os_error_reason(exc)})")]
                         ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        raise InputError([Problem(name, line, None,
                                  f"файл не читается как YAML: {_in_russian(exc)}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(name, None, None, "ожидался словарь YAML (ключ: значение)")])
    return data
