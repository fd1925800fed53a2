"""The publication safety net: the last look at a rendered page before it is shared.

A page is not published when it shows a graduate's id, a folder of the analyst's machine, or
loads anything from outside (an image that is not embedded, a script or stylesheet from the
internet). The page is read with an HTML parser, as a browser reads it: an organisation called
``МБОУ <img src=x> СОШ`` is text in a heading or in an image's ``alt`` — not an image.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["Guard", "check_html", "checkable", "find_graduate_id", "graduate_id_pattern",
           "machine_paths", "mask_ids", "read_page"]

#: Attributes whose value a reader sees (or a screen reader reads out).
_SHOWN_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder", "value"})
#: Attributes that make the browser load something.
_LOADING_ATTRIBUTES = frozenset({"src", "href", "srcset", "data", "poster", "background"})
#: Elements whose ``href``/``src`` is loaded rather than followed.
_LOADING_ELEMENTS = frozenset({"img", "script", "link", "iframe", "embed", "object", "video",
                               "audio", "source", "input", "image", "use"})
#: Folders of a user's files on common systems (a path under them names a person's machine).
_HOME_PATH = re.compile(r"(?<![\w.])(?:/home/|/Users/|/root/|[A-Za-z]:\\\\?Users\\)[^\s<>\"']+")


class _Page(HTMLParser):
    """What a browser would show and load from a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.loads: list[tuple[str, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:
            if value is None:
                continue
            if name in _SHOWN_ATTRIBUTES:
                self.text.append(value)
            elif name in _LOADING_ATTRIBUTES and (tag in _LOADING_ELEMENTS or name != "href"):
                self.loads.append((tag, value.strip()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def read_page(page: str) -> tuple[str, list[tuple[str, str]]]:
    """The text a reader sees (with ``alt`` and ``title`` texts) and what the page loads
    (element, address), as parsed by :class:`html.parser.HTMLParser`."""
    parser = _Page()
    parser.feed(page)
    parser.close()
    return "\n".join(parser.text), parser.loads


# --------------------------------------------------------------------------------------------
# Privacy


def checkable(graduate_id: str) -> bool:
    """Whether an id can be told apart from the ordinary words and numbers of a report."""
    return (len(graduate_id) >= 3 and not graduate_id.isdigit()) or len(graduate_id) >= 6


def graduate_id_pattern(graduate_ids: Iterable[str]) -> re.Pattern[str] | None:
    """A regex matching any of the given graduate ids as a whole word (``None`` if none).

    Ids of fewer than three characters, and purely numeric ids shorter than six digits, are left
    out: they cannot be told apart from ordinary numbers and words of a report.
    """
    ids = sorted({str(g) for g in graduate_ids if checkable(str(g))}, key=len, reverse=True)
    if not ids:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ids)) + r")(?![\w-])")


def find_graduate_id(page: str, pattern: re.Pattern[str] | None) -> str | None:
    """A graduate id a reader of the page would see, or ``None`` (entities decoded; embedded
    images and stylesheets are not text)."""
    if pattern is None:
        return None
    match = pattern.search(read_page(page)[0])
    return match.group(0) if match else None


def mask_ids(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` with every graduate id replaced by «[код выпускника]»."""
    return pattern.sub("[код выпускника]", text) if pattern is not None else text


def machine_paths(*folders: str | Path | None) -> list[str]:
    """The absolute paths of this run that must not appear in a shared page: the given folders
    (the data, the notebooks, the output, the temporary folders), the home folder and the
    working directory, each as written on this machine."""
    out = set()
    for folder in (*folders, Path.home(), Path.cwd()):
        if folder is None:
            continue
        for form in {str(folder), str(Path(folder).resolve())}:
            if len(form) > 4:  # «/», «/tmp», «C:\» say nothing about the machine
                out.add(form.rstrip("/\\"))
    return sorted(out, key=len, reverse=True)


def _found_path(text: str, paths: Iterable[str]) -> str | None:
    for path in paths:
        if path in text:
            return path
    match = _HOME_PATH.search(text)
    return match.group(0) if match else None


def check_html(page: str, pattern: re.Pattern[str] | None,
               paths: Iterable[str] = ()) -> str | None:
    """Why a rendered page must not be published (Russian), or ``None`` if it may.

    Parameters
    ----------
    page : str
        The rendered HTML.
    pattern : regex, optional
        :func:`graduate_id_pattern` of the dataset.
    paths : iterable of str
        :func:`machine_paths` of the run.
    """
    text, loads = read_page(page)
    if pattern is not None and pattern.search(text):
        return ("в отчёте найден код выпускника (graduate_id): отчёт не опубликован, "
                "чтобы не раскрыть персональные данные; уберите из блокнота вывод строк "
                "о выпускниках")
    found = _found_path(text, paths) or next(
        (p for _, address in loads if (p := _found_path(address, paths))), None)
    if found:
        return (f"в отчёте указана папка компьютера аналитика («{found[:80]}»): отчёт не "
                "опубликован; уберите из блокнота вывод путей к файлам")
    for tag, address in loads:
        if address.startswith("data:") or address.startswith("#"):
            continue
        if tag == "img":
            return (f"картинка «{address[:80]}» не встроена в отчёт: на другом компьютере её "
                    "не будет видно")
        return (f"отчёт загружает внешний файл «{address[:80]}»: он должен открываться без "
                "интернета и без других файлов")
    return None


@dataclass(frozen=True)
class Guard:
    """The safety net of one run: the dataset's graduate ids and the run's folders."""

    pattern: re.Pattern[str] | None
    paths: tuple[str, ...] = ()

    def check(self, page: str) -> str | None:
        """:func:`check_html` of a rendered page."""
        return check_html(page, self.pattern, self.paths)

    def mask(self, text: str) -> str:
        """A message fit for the index: graduate ids and the run's folders taken out."""
        for path in self.paths:
            text = text.replace(path, "…")
        return _HOME_PATH.sub("…", mask_ids(text, self.pattern))

