"""Reading the district's YAML files (``parameters/*.yaml``, ``dataset.yaml``) with limits and
Russian messages that name the file and the line.

Every YAML file goes through :func:`load_yaml`: a file over :data:`MAX_YAML_BYTES` is refused
before it is read, anchors and aliases («&имя», «*имя») are refused before they are expanded
(600 bytes of aliases grow into gigabytes when a report copies the data), and so is nesting deeper
than :data:`MAX_YAML_DEPTH`. None of the district's files needs any of these.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from proforient.problems import InputError, Problem, os_error_reason, size_text

#: The largest YAML file read: the district's biggest parameter file is tens of kilobytes.
MAX_YAML_BYTES = 1024 * 1024

#: The deepest nesting of lists and mappings read (the roadmap needs four or five levels).
MAX_YAML_DEPTH = 32

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

_ALIASES = ("ссылки YAML («&имя» и «*имя») не допускаются; если «&» или «*» — часть значения, "
            "возьмите значение в кавычки")


def _in_russian(exc: yaml.YAMLError) -> str:
    text = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or ''}"
    for english, russian in _YAML_PROBLEMS:
        if english in text:
            return russian
    return "ошибка в разметке YAML (отступы, двоеточия, кавычки)"


class _Refused(Exception):
    """A limit of :class:`_LimitedLoader` was hit (the line as an editor shows it)."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases and with a depth limit: each node is
    checked before it is composed, so nothing is expanded or recursed into first."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(line, _ALIASES)
        if self._depth >= MAX_YAML_DEPTH:
            raise _Refused(line, f"вложенность глубже {MAX_YAML_DEPTH} уровней: это не файл "
                                 "параметров")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


#: libyaml's parser, when PyYAML was built with it (the wheels are): ten times faster than the
#: pure-Python one, which stays the reference and words every problem (:func:`_fast_load`).
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _fast_load(text: str) -> tuple[bool, object]:
    """Read ``text`` with libyaml: its events first — no anchor, alias or nesting beyond
    :data:`MAX_YAML_DEPTH`, as :class:`_LimitedLoader` checks node by node — then the document.

    Returns ``(True, data)``, or ``(False, None)`` when libyaml is missing or anything is
    wrong: the careful loader then reads the text again and says what, in its words.
    """
    if _FAST_LOADER is None:
        return False, None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_FAST_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                return False, None
            if isinstance(event, yaml.NodeEvent) and depth >= MAX_YAML_DEPTH:
                return False, None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return True, yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 — a safe loader
    except Exception:  # noqa: BLE001 — every problem is worded by the careful loader
        return False, None


def load_yaml(path: Path, *, what: str = "файл", limit: int | None = None) -> object:
    """Read one YAML document with limits; every failure is an :class:`InputError` in Russian.

    Parameters
    ----------
    path : Path
        The file.
    what : str
        How the message calls the file when it is missing («файл дорожной карты»).
    limit : int, optional
        The largest size read, in bytes (default :data:`MAX_YAML_BYTES`).

    Returns
    -------
    object
        What the file holds (``None`` for an empty file).

    Raises
    ------
    InputError
        With one problem naming the file (and the line when there is one): the file is missing
        or unreadable, bigger than ``limit``, not UTF-8, not valid YAML (PyYAML's English is not
        shown), uses anchors or aliases, is nested too deep, or holds a value PyYAML cannot build
        (a date such as 2021-02-30).
    """
    name = path.name
    limit = MAX_YAML_BYTES if limit is None else limit

    def refuse(line: int | None, reason: str) -> InputError:
        return InputError([Problem(name, line, None, reason)])

    try:
        with path.open("rb") as file:  # at most limit + 1 bytes: a huge file is never read whole
            raw = file.read(limit + 1)
    except FileNotFoundError:
        raise refuse(None, f"{what} не найден") from None
    except OSError as exc:
        raise refuse(None, f"файл не читается: {os_error_reason(exc)}") from None
    if len(raw) > limit:
        raise refuse(None, f"файл больше {size_text(limit)}: проверьте, тот ли это файл "
                           "(такой файл занимает несколько килобайт)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse(None, "файл не в кодировке UTF-8: сохраните его как UTF-8") from None
    read, data = _fast_load(text)
    if read:
        return data
    loader = _LimitedLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        raise refuse(exc.line, exc.reason) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        raise refuse(line, f"файл не читается как YAML: {_in_russian(exc)}") from None
    except (ValueError, TypeError, OverflowError, RecursionError):
        # PyYAML builds dates and numbers itself: «2021-02-30» raises a bare ValueError
        raise refuse(None, "в файле значение, которое не читается (например, несуществующая "
                           "дата вроде 2021-02-30): возьмите его в кавычки") from None
    finally:
        loader.dispose()


def read_yaml(path: Path, *, what: str = "файл") -> dict:
    """Read a YAML mapping through :func:`load_yaml`; every failure is an :class:`InputError`
    in Russian.

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
        Every failure of :func:`load_yaml`, or the file is not a mapping.
    """
    data = load_yaml(path, what=what)
    if not isinstance(data, dict):
        raise InputError([Problem(path.name, None, None,
                                  "ожидался словарь YAML (ключ: значение)")])
    return data
