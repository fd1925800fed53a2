"""Reading the dataset's files: CSV (UTF-8 or Windows-1251, `,` or `;`) and Parquet.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from proforient.dataset.model import _LINE, COLUMNS
from proforient.parameters.files import load_yaml
from proforient.problems import InputError, Problem, os_error_reason, size_text

if TYPE_CHECKING:
    import pyarrow as pa

# --------------------------------------------------------------------------------------------
# Limits: a file far beyond any district's data is refused before it is read

#: The largest table file read (CSV or Parquet, on disk). A region's 200,000 measure rows take
#: about 8 MB; a file bigger than this is not a district's table (or it would exhaust memory).
MAX_TABLE_BYTES = 50 * 1024 * 1024
#: The most data rows a table may have.
MAX_TABLE_ROWS = 1_000_000


def _count_text(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def table_size_problem(path: Path) -> Problem | None:
    """The error for a table file bigger than :data:`MAX_TABLE_BYTES`, told before reading it;
    ``None`` when its size is fine (or it cannot be looked at: reading it will say why)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= MAX_TABLE_BYTES:
        return None
    return Problem(path.name, None, None,
                   f"файл слишком большой: {size_text(size)}, а читаются таблицы до "
                   f"{size_text(MAX_TABLE_BYTES)}; таблица района столько не занимает — "
                   "проверьте, тот ли это файл")


def _rows_problem(name: str, rows: int) -> Problem | None:
    if rows <= MAX_TABLE_ROWS:
        return None
    return Problem(name, None, None,
                   f"в файле {_count_text(rows)} строк данных, а читается не больше "
                   f"{_count_text(MAX_TABLE_ROWS)}; проверьте, тот ли это файл")


# --------------------------------------------------------------------------------------------
# Reading files


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the bytes look like UTF-16 without a BOM: a CSV's
    header and digits are Latin, so every other byte is NUL (odd ones little-endian)."""
    sample = raw[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= pairs * 0.3 and even <= pairs * 0.02:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd <= pairs * 0.02:
        return "utf-16-be"
    return None


def utf16_encoding(raw: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when ``raw`` is UTF-16 text (by its BOM, or by the NUL bytes
    of its Latin header), else ``None``.

    >>> utf16_encoding("year,org_id".encode("utf-16")), utf16_encoding(b"year,org_id")
    ('utf-16-le', None)
    """
    if raw.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if raw.startswith(b"\xfe\xff"):
        return "utf-16-be"
    return _utf16_without_bom(raw)


_SAVE_AS_UTF8 = "сохраните его как «CSV UTF-8 (разделитель — запятая)»"


def _decode(raw: bytes, name: str, problems: list[Problem]) -> bytes | None:
    """Return the file's bytes as UTF-8 without BOM, or ``None`` when they cannot be read.

    UTF-8 (with or without BOM), UTF-16 (Excel's «Юникод-текст», with a BOM or recognised by
    its NUL bytes) and Windows-1251 are read, the last two with a warning; a file with NUL bytes
    that is not UTF-16 is refused as not a text file (its bytes are never printed)."""
    utf16 = utf16_encoding(raw)
    if utf16 is not None:
        body = raw[2:] if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw
        try:
            text = body.decode(utf16)
        except UnicodeDecodeError:
            problems.append(Problem(name, None, None, "файл похож на «Юникод-текст» (UTF-16), "
                                                      f"но повреждён; {_SAVE_AS_UTF8}"))
            return None
        if "\x00" not in text:
            problems.append(Problem(name, None, None,
                                    "файл в кодировке UTF-16 («Юникод-текст» Excel); прочитан, "
                                    "но лучше сохранять как «CSV UTF-8»", "warning"))
            return text.lstrip("\ufeff").encode("utf-8")
    if b"\x00" in raw:
        problems.append(Problem(name, None, None, "в файле нулевые байты: это не текстовый файл "
                                                  f"CSV (или он повреждён); {_SAVE_AS_UTF8}"))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        problems.append(Problem(name, None, None,
                                f"файл не в кодировке UTF-8 и не читается; {_SAVE_AS_UTF8}"))
        return None
    problems.append(Problem(name, None, None,
                            "файл в кодировке Windows-1251 (старый Excel); прочитан, но лучше "
                            "сохранять как «CSV UTF-8»", "warning"))
    return text.encode("utf-8")


#: What Python's ``str.strip`` takes off (``str.isspace``), as a regular-expression class.
_SPACES = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}" \
          "\\x{202f}\\x{205f}\\x{3000}"


def _trimmed(text: str | None) -> str:
    return "" if text is None or text != text else str(text).replace("\u00a0", " ").strip()


def _as_categories(values: pd.Series) -> pd.Categorical:
    """Text column → categorical of trimmed strings, so that every later check looks at each
    distinct value once instead of once per row (a region has 200,000 measure rows and a few
    hundred distinct values)."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        import pyarrow as pa

        return _arrow_categories(pa.chunked_array(pa.array(values.array)))
    codes, found = pd.factorize(values, use_na_sentinel=False)
    stripped = [_trimmed(v) for v in np.asarray(found, dtype=object)]
    inner, categories = pd.factorize(np.array(stripped, dtype=object), sort=True)
    return pd.Categorical.from_codes(inner[codes], categories=categories)


def _arrow_categories(column: pa.ChunkedArray) -> pd.Categorical:
    """:func:`_as_categories` of a column pyarrow holds (text, or text it dictionary-encoded
    while reading), done by pyarrow: the distinct values, trimmed (in Python only those that
    need it: a space at an end, or a no-break space), sorted as Python sorts them (by code
    point, which is UTF-8's byte order).

    A region's 220,000 graduate ids, each distinct: made into Python strings, trimmed and sorted
    as objects, they cost 0.58 s; here 0.13 s."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = column.combine_chunks()  # one dictionary for every chunk
    encoded = column if pa.types.is_dictionary(column.type) \
        else pc.dictionary_encode(column, null_encoding="encode")
    uniques = pc.fill_null(encoded.dictionary, "")
    odd = pc.or_(pc.match_substring(uniques, "\u00a0"),
                 pc.match_substring_regex(uniques, f"^[{_SPACES}]|[{_SPACES}]$"))
    odd_at = np.flatnonzero(odd.to_numpy(zero_copy_only=False))
    if len(odd_at):
        texts = uniques.to_pylist()
        for i in odd_at:
            texts[i] = _trimmed(texts[i])
        uniques = pa.array(texts, pa.string())
    merged = None  # the dictionary's values are distinct, unless …
    if len(odd_at) or encoded.dictionary.null_count:  # … trimmed, or a missing value is «»
        distinct = pc.dictionary_encode(uniques)
        uniques, merged = distinct.dictionary, distinct.indices.to_numpy()
    order = pc.sort_indices(uniques).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    if merged is not None:
        rank = rank[merged]
    codes = rank[encoded.indices.to_numpy()]
    categories = uniques.take(order).to_numpy(zero_copy_only=False)
    return pd.Categorical.from_codes(codes, categories=np.asarray(categories, dtype=object))


def _first_line(data: bytes) -> bytes:
    """The header line (without copying the rest of a 40 MB file, as ``split`` did)."""
    end = data.find(b"\n")
    return data if end < 0 else data[:end]


def _data_lines(data: bytes) -> int:
    """Lines after the header, trailing line breaks not counted (without copying the file)."""
    end = len(data)
    while end and data[end - 1] in b"\r\n":
        end -= 1
    return data.count(b"\n", 0, end)


def _parse_regular(data: bytes, sep: str, lines: int) -> pd.DataFrame | None:
    """Parse a regular CSV — a unique header, every later line one record with as many fields,
    no blank lines — with pyarrow's reader into text columns as typed, each already the
    categorical of trimmed values :func:`_as_categories` makes; ``None`` for anything else,
    which the pandas parser then reads (and explains).

    pyarrow dictionary-encodes the text while it parses, so no row's text is ever copied into
    a string column. A region's 800,000 measure rows: pandas' parser made Python strings of
    every field and factorised them afterwards, twice the time of reading them as strings with
    pyarrow; reading them as strings, then converting to pandas and encoding, took twice the
    time of this."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    first = _first_line(data).rstrip(b"\r").decode("utf-8", errors="replace")
    names = next(csv.reader([first], delimiter=sep), [])
    if not names or len(set(names)) != len(names):
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(data), parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.dictionary(pa.int32(), pa.string()) for n in names},
                null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows != lines or table.column_names != names:
        return None  # blank lines or line breaks inside quotes: line numbers would not agree
    return pd.DataFrame({name: _arrow_categories(column)
                         for name, column in zip(names, table.columns, strict=True)})


def _plain_utf8(raw: bytes) -> bytes | None:
    """The file's bytes without a BOM when they may be plain UTF-8 that :func:`_parse_regular`
    can take as they are (no UTF-16, no NUL, not empty, a UTF-8 header);
    ``None`` otherwise. pyarrow checks that every field is UTF-8, so the 40 MB of a region's
    file are not decoded in Python first; a file it refuses goes to :func:`_read_explained`."""
    if utf16_encoding(raw) is not None or b"\x00" in raw:
        return None
    data = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        _first_line(data).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if not data or data.isspace() else data


def _layout(data: bytes) -> tuple[str, int]:
    """The separator (by the header: «;» from a Russian Excel's CSV, a tab from its
    «Юникод-текст», «,» otherwise) and the number of data lines."""
    header = _first_line(data)
    return max((",", ";", "\t"), key=lambda c: header.count(c.encode())), _data_lines(data)


def _read_explained(raw: bytes, name: str, problems: list[Problem],
                    tried: bytes | None) -> pd.DataFrame | None:
    """Read a file that is not plain regular UTF-8 (``tried``: the bytes pyarrow already
    refused, if any), saying in ``problems`` why it is read as it is or not at all."""
    data = _decode(raw, name, problems)
    if data is None:
        return None
    if not data or data.isspace():
        problems.append(Problem(name, None, None, "файл пуст"))
        return None
    sep, lines = _layout(data)
    too_long = _rows_problem(name, lines)
    if too_long is not None:
        problems.append(too_long)
        return None
    frame = _parse_regular(data, sep, lines) if data != tried else None
    if frame is None:
        try:
            # every column as text, exactly as typed: parsing straight into categoricals let
            # pandas infer the categories' type, and «001» became 1, «1e3» 1000.0, «Infinity» inf
            frame = pd.read_csv(io.BytesIO(data), sep=sep, dtype=str, keep_default_na=False,
                                skip_blank_lines=False, encoding="utf-8")
        except (pd.errors.ParserError, ValueError) as exc:
            line = re.search(r"line (\d+)", str(exc))
            problems.append(Problem(name, int(line.group(1)) if line else None, None,
                                    "строка не разбирается: неверное число столбцов или кавычки"))
            return None
    return frame


def _read_csv(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    name = path.name
    too_big = table_size_problem(path)
    if too_big is not None:
        problems.append(too_big)
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, None, f"файл не читается: {os_error_reason(exc)}"))
        return None
    plain, frame = _plain_utf8(raw), None
    if plain is not None:
        sep, lines = _layout(plain)
        if _rows_problem(name, lines) is None:
            frame = _parse_regular(plain, sep, lines)
    if frame is None:  # not UTF-8, irregular, empty or too long: read and explained slowly
        frame = _read_explained(raw, name, problems, tried=plain)
        if frame is None:
            return None
    frame.columns = [str(c).strip().lstrip("\ufeff").strip() for c in frame.columns]
    frame[_LINE] = np.arange(len(frame)) + 2  # header is line 1
    return frame


def _float_text(value: float) -> str:
    """A float as the CSV would write it: ``5`` for 5.0 (every digit kept: ``{:g}`` made
    1234567 into ``1.23457e+06``), ``0.5``; ``inf`` and huge values stay non-plain numbers so
    that the checks refuse them."""
    if pd.isna(value):
        return ""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _read_parquet(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    too_big = table_size_problem(path)
    if too_big is not None:
        problems.append(too_big)
        return None
    try:
        import pyarrow.parquet as pq

        too_long = _rows_problem(path.name, pq.read_metadata(path).num_rows)
        if too_long is not None:  # a compressed file may hold far more rows than its size says
            problems.append(too_long)
            return None
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a broken file
        problems.append(Problem(path.name, None, None,
                                f"файл Parquet не читается ({type(exc).__name__})"))
        return None
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_float_dtype(values):
            # 5.0 → "5": Parquet written from pandas turns nullable ints into floats
            as_text = values.map(_float_text)
        else:
            as_text = values.astype(object).where(values.notna(), "").astype(str)
        out[str(col).strip()] = as_text
    out = out.reset_index(drop=True)
    out[_LINE] = np.arange(len(out)) + 1  # no header row in Parquet
    return out


def _filled(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Rows with some text in ``columns`` (categoricals), found by codes: a column without an
    empty value settles every row at once."""
    filled = np.zeros(len(frame), dtype=bool)
    for column in columns:
        values = frame[column].array
        if "" not in values.categories:
            return np.ones(len(frame), dtype=bool)
        filled |= values.codes != values.categories.get_loc("")
    return filled


def read_table(folder: Path, stem: str, required: bool,
                problems: list[Problem]) -> tuple[str, pd.DataFrame | None]:
    csv, parquet = folder / f"{stem}.csv", folder / f"{stem}.parquet"
    if csv.exists() and parquet.exists():
        problems.append(Problem(csv.name, None, None,
                                f"есть и {csv.name}, и {parquet.name}; используется {csv.name}",
                                "warning"))
    if csv.exists():
        name, frame = csv.name, _read_csv(csv, problems)
    elif parquet.exists():
        name, frame = parquet.name, _read_parquet(parquet, problems)
    else:
        if required:
            problems.append(Problem(csv.name, None, None,
                                    f"файл не найден в папке {folder} (ожидался {csv.name} "
                                    f"или {parquet.name})"))
        else:
            problems.append(Problem(csv.name, None, None, "файла нет: таблица считается пустой",
                                    "warning"))
        return csv.name, None
    if frame is None:
        return name, None
    required_cols, optional_cols = COLUMNS[stem]
    missing = [c for c in required_cols if c not in frame.columns]
    for col in missing:
        problems.append(Problem(name, 1, col, "нет обязательного столбца"))
    unknown = [c for c in frame.columns if c not in (*required_cols, *optional_cols, _LINE)]
    for col in unknown:
        problems.append(Problem(name, 1, col, "неизвестный столбец, не используется", "warning"))
    if missing:
        return name, None
    for col in optional_cols:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame[[*required_cols, *optional_cols, _LINE]]
    # strip spaces and drop fully empty lines (keeping the line numbers of the others)
    text_cols = [*required_cols, *optional_cols]
    frame = frame.assign(**{c: frame[c] if isinstance(frame[c].dtype, pd.CategoricalDtype)
                            else _as_categories(frame[c])  # pyarrow's are trimmed already
                            for c in text_cols})
    frame = frame[_filled(frame, text_cols)].reset_index(drop=True)
    if frame.empty and required:
        problems.append(Problem(name, None, None, "в файле нет ни одной строки данных"))
        return name, None
    return name, frame



#: ``dataset.yaml`` holds a name and a flag or two; a bigger file is not metadata.
MAX_META_BYTES = 1024 * 1024


def read_meta(folder: Path, problems: list[Problem]) -> dict:
    """Read the optional ``dataset.yaml`` with the limits of every YAML file
    (:func:`~proforient.parameters.files.load_yaml`: size, no anchors or aliases, depth); a file
    that cannot be used is a warning (in Russian, with the line when there is one) and the
    dataset goes on without it. ``validate`` and ``report`` both read it here."""
    path = folder / "dataset.yaml"
    if not path.exists():
        return {}

    def unused(line: int | None, reason: str) -> dict:
        problems.append(Problem(path.name, line, None, f"{reason}; файл не используется",
                                "warning"))
        return {}

    try:
        meta = load_yaml(path, limit=MAX_META_BYTES)
    except InputError as exc:
        (problem,) = exc.problems
        return unused(problem.line, problem.message)
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        return unused(None, "ожидался словарь YAML (строки вида «ключ: значение»)")
    return meta
