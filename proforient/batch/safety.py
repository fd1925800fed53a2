"""The publication safety net: a page that shows a graduate id, or loads anything from
outside, is not published."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]*)""", re.I)
_EXTERNAL = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?(https?:|//)[^>]*>",
                       re.I)


# --------------------------------------------------------------------------------------------
# Privacy


def checkable(graduate_id: str) -> bool:
    # A short or purely numeric code cannot be told apart from an ordinary number or word.
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


def mask_ids(text: str, pattern: re.Pattern[str] | None) -> str:
    return pattern.sub("[код выпускника]", text) if pattern is not None else text


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
