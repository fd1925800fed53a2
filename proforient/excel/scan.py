"""A look into a workbook file before openpyxl loads it: its size, the rows really filled on
the sheets collect reads, and formulas without a computed value.

An ``.xlsx`` is a zip of XML parts. The look is bounded whatever the file holds: the file's size
and the parts' total size (as the zip declares them, and as :mod:`zipfile` enforces) are checked
first; each sheet is then streamed once through the XML parser, one row at a time, and the
stream stops at the first value beyond :data:`MAX_SHEET_ROWS`. Streaming the XML costs a
fraction of openpyxl's load (no cell objects, no styles, no shared strings), so checking first
does not double the work for a large book, and a hostile one is refused before it costs memory.

Formulas: a workbook saved by a program rather than by Excel (openpyxl writes ``=A1+1`` and
nobody opened the file in Excel) holds formulas whose value was never computed; read with the
values only, such a cell looks empty, and collect would delete the value it replaces.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from openpyxl.utils import column_index_from_string, get_column_letter

from proforient.problems import size_text

#: The largest workbook file read (on disk). A filled template takes well under 1 MB.
MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
#: The largest total size of the parts inside the workbook (the XML, unpacked).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: Rows of a sheet that may hold values: a school's graduates fit many times over.
MAX_SHEET_ROWS = 10_000
#: How many formula cells without a value are listed per sheet (the rest are counted).
MAX_FORMULAS_LISTED = 200

_REL_OFFICE_DOCUMENT = "/officeDocument"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class SheetScan:
    """What one sheet holds, seen from its XML.

    Attributes
    ----------
    last_row : int
        The last row with a value or a formula (0: none); never above :data:`MAX_SHEET_ROWS`.
    beyond : int or None
        The first row beyond :data:`MAX_SHEET_ROWS` holding a value (the scan stopped there).
    formulas : list of str
        Cells (``D5``) with a formula and no computed value, at most
        :data:`MAX_FORMULAS_LISTED`; ``formula_count`` counts them all.
    """

    last_row: int = 0
    beyond: int | None = None
    formulas: list[str] = field(default_factory=list)
    formula_count: int = 0
    row_limit: int = 0

    @property
    def problem(self) -> str | None:
        """Why the sheet is refused (Russian), or ``None``."""
        if self.beyond is None:
            return None
        return (f"на листе заполнена строка {self.beyond}, а читаются только первые "
                f"{self.row_limit} строк: это не заполненный шаблон или ниже таблицы остались "
                "лишние данные — удалите лишние строки или возьмите чистый шаблон")


@dataclass
class WorkbookScan:
    """The look into one workbook file.

    ``problem`` is the Russian reason to refuse it before loading (size), ``None`` when it may
    be loaded; ``sheets`` has a :class:`SheetScan` for each wanted sheet found. ``readable`` is
    false when the file is not a zip at all (openpyxl then says the book does not open).
    """

    problem: str | None = None
    readable: bool = True
    sheets: dict[str, SheetScan] = field(default_factory=dict)


def scan_workbook(path: Path, sheets: tuple[str, ...]) -> WorkbookScan:
    """Look into the workbook ``path``: its size, and each of ``sheets`` (by name).

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file.
    sheets : tuple of str
        The sheets to look at; others are not read.

    Returns
    -------
    WorkbookScan
    """
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        return WorkbookScan(f"файл книги слишком большой: {size_text(size)}, а принимаются книги "
                            f"до {size_text(MAX_WORKBOOK_BYTES)}; в заполненном шаблоне столько "
                            "не бывает — удалите лишние листы, картинки и строки или возьмите "
                            "чистый шаблон")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return WorkbookScan(readable=False)
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            return WorkbookScan(f"книга слишком большая: внутри файла {size_text(unpacked)} "
                                f"данных, а принимаются книги до {size_text(MAX_UNPACKED_BYTES)}; "
                                "удалите лишние листы, картинки и строки или возьмите чистый "
                                "шаблон")
        try:
            parts = _sheet_parts(archive)
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, ValueError):
            return WorkbookScan(readable=False)
        result = WorkbookScan()
        for name in sheets:
            part = parts.get(name)
            if part is None or part not in archive.NameToInfo:
                continue
            try:
                with archive.open(part) as stream:
                    result.sheets[name] = _scan_sheet(stream)
            except (ElementTree.ParseError, zipfile.BadZipFile, ValueError):
                return WorkbookScan(readable=False)
        return result


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _relationships(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target part) of the relationships of ``part``."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.NameToInfo:
        return []
    root = ElementTree.fromstring(archive.read(rels))
    found = []
    for rel in root:
        target = rel.get("Target", "")
        resolved = (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
        found.append((rel.get("Id", ""), rel.get("Type", ""), resolved))
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip part holding it (through the package's relationships)."""
    workbook = next((target for _, kind, target in _relationships(archive, "")
                     if kind.endswith(_REL_OFFICE_DOCUMENT)), "xl/workbook.xml")
    targets = {rid: target for rid, _, target in _relationships(archive, workbook)}
    root = ElementTree.fromstring(archive.read(workbook))
    parts = {}
    for element in root.iter():
        if _local(element.tag) == "sheet" and element.get(_REL_ID) in targets:
            parts[element.get("name", "")] = targets[element.get(_REL_ID)]
    return parts


def _scan_sheet(stream) -> SheetScan:
    """One pass over a sheet's XML, one row in memory at a time."""
    scan = SheetScan(row_limit=MAX_SHEET_ROWS)
    row = column = 0
    sheet_data = None
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                number = element.get("r")
                row = int(number) if number and number.isdigit() else row + 1
                column = 0
            elif tag == "sheetData":
                sheet_data = element
            continue
        if tag == "c":
            coordinate = element.get("r")
            letters = (coordinate or "").rstrip("0123456789")
            column = column_index_from_string(letters) if letters else column + 1
            formula = value = None
            for child in element:
                kind = _local(child.tag)
                if kind == "f":
                    formula = child
                elif kind in ("v", "is"):  # a value, or an inline string
                    value = child
            computed = value is not None and (bool(value.text) or _local(value.tag) == "is"
                                              or element.get("t") == "str")
            if formula is None and not computed:
                continue  # an empty (formatted) cell
            if row > scan.row_limit:
                scan.beyond = row
                break
            scan.last_row = row
            if formula is not None and not computed:
                scan.formula_count += 1
                if len(scan.formulas) < MAX_FORMULAS_LISTED:
                    scan.formulas.append(coordinate or f"{get_column_letter(column)}{row}")
        elif tag == "row" and sheet_data is not None:
            sheet_data.clear()  # the row is done: keep memory flat
        elif tag == "sheetData":
            break  # the rest of the sheet (merged cells, validations) holds no values
    return scan


# --------------------------------------------------------------------------------------------
# What a file that does not open as a workbook is

#: The first bytes of an OLE2 (Compound File) container: an old .xls book, or an .xlsx book
#: saved with a password (Excel encrypts the whole book into such a container).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The name of the stream that holds an encrypted .xlsx inside its container (UTF-16 in CFB).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def unreadable_reason(path: Path) -> str:
    """Why ``path`` does not open as an .xlsx book, said as what the file is: empty,
    password-protected, an old .xls book, another kind of archive, a text file, a damaged book.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     empty = Path(folder) / "пустая.xlsx"
    ...     _ = empty.write_bytes(b"")
    ...     unreadable_reason(empty)
    'файл пуст (0 байт): книга не сохранилась или скопирована не до конца; возьмите её ещё раз'
    """
    try:
        with path.open("rb") as file:
            head = file.read(MAX_WORKBOOK_BYTES)  # a container names its streams anywhere
    except OSError:
        return "файл не читается: повреждён или это не книга Excel .xlsx"
    if not head:
        return ("файл пуст (0 байт): книга не сохранилась или скопирована не до конца; возьмите "
                "её ещё раз")
    if head.startswith(OLE2_MAGIC):
        if _ENCRYPTED_PACKAGE in head:
            return ("книга защищена паролем: откройте её в Excel, снимите пароль (Файл → "
                    "Сведения → Защитить книгу → Зашифровать с использованием пароля, очистите "
                    "поле) и сохраните снова")
        return ("это книга старого формата Excel 97–2003 (.xls), переименованная в .xlsx: "
                "откройте её в Excel и сохраните как «Книга Excel (*.xlsx)»")
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return ("файл повреждён: архив книги не читается (скопирован не до конца?); "
                    "сохраните книгу снова или возьмите её ещё раз")
        if "xl/workbook.xml" not in names:
            other = (" (это документ Word)" if "word/document.xml" in names else
                     " (это книга LibreOffice .ods)" if "content.xml" in names else "")
            return (f"это не книга Excel: архив ZIP без листов книги{other}; нужен заполненный "
                    "шаблон .xlsx")
        return ("книга повреждена: её части не читаются; откройте её в Excel и сохраните снова "
                "или возьмите чистый шаблон")
    sample = head[:4096]
    if not any(byte < 0x20 and byte not in b"\t\r\n" for byte in sample):
        return ("это не книга Excel, а текстовый файл (например, CSV или веб-страница), "
                    "переименованный в .xlsx: нужен заполненный шаблон .xlsx")
    return "это не книга Excel .xlsx (неизвестный формат файла): нужен заполненный шаблон .xlsx"
