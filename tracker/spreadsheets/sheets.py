"""Spreadsheet formats: columns with header aliases, reading XLSX/CSV by content, cells, writing.

A ``SheetFormat`` names its columns (the English name and the other names a header may use,
Indonesian ones included; case, spaces, dashes and underscores do not matter), which are
required, and the order of the template and the export. ``read`` decides the kind of a file
by its bytes, never by its name: an XLSX workbook (its first sheet) or a CSV file (UTF-8 or
Windows' code page, separated by commas, semicolons or tabs), and refuses anything else.

Excel numbers are read as Excel shows them: to 15 significant digits (so 78.33999999999999,
a sum Excel displays as 78.34, is 78.34, while a typed 78.339999 keeps its decimals). The
writers put text in text cells (never formulas), and in CSV a text that starts like a formula
(or with an apostrophe) gets a leading apostrophe, which reading takes off again: export then
import changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat
from xml.parsers.expat import ExpatError

import filetype  # type: ignore[import-untyped]
from defusedxml import ElementTree as DefusedTree
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

XLSX = "xlsx"
CSV = "csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
MAX_COLUMNS = 60
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
HELP_SHEET_NAME = "petunjuk"
# What the file picker offers; the server still decides the kind by the bytes themselves.
ACCEPTED = ".xlsx,.csv," + XLSX_MIME + ",text/csv"
_NEITHER = _l("The file is neither an Excel workbook (.xlsx) nor a CSV file.")


@dataclass(frozen=True)
class Column:
    """A column of a format: its name, the other names a header may use, and what it holds."""

    name: str
    aliases: tuple[str, ...]
    description: LazyString
    required: bool = False


def header_key(text: str) -> str:
    """Return a header as it is matched: lowercase, spaces/dashes/underscores as one "_"."""
    return re.sub(r"[\s_\-]+", "_", text.strip().casefold()).strip("_")


@dataclass(frozen=True)
class SheetFormat:
    """The columns of one kind of spreadsheet, how it is named and how long it may be."""

    columns: tuple[Column, ...]
    # The order of the template and the export.
    export_order: tuple[str, ...]
    # The data sheet's name in a written workbook.
    sheet_name: str
    # Said when the first row holds no column of the format at all.
    not_this_format: LazyString
    # A file longer than this is refused, never read on.
    max_rows: int = 20_000
    # Column widths in a written workbook (others: 12).
    widths: Mapping[str, int] = field(default_factory=dict)
    # Drop-down lists offered in a written workbook's columns.
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Every column's name."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """The columns a file must have."""
        return tuple(c.name for c in self.columns if c.required)

    def by_header(self) -> dict[str, str]:
        """Return the column named by each accepted header (its key)."""
        found: dict[str, str] = {}
        for column in self.columns:
            for name in (column.name, *column.aliases):
                found[header_key(name)] = column.name
        return found

    def read(self, data: bytes) -> RawSheet:
        """Read ``data`` in this format (see the module's ``read``)."""
        return read(data, self)


class NotASpreadsheet(Exception):
    """The bytes are not a file this format can be read from; ``reason`` says why."""

    def __init__(self, reason: LazyString) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class RawRow:
    """One data row as found: its line in the file and its cells by column name."""

    line: int
    cells: dict[str, Any]


@dataclass
class RawSheet:
    """What a file holds: its kind, the columns found, those ignored, and its rows."""

    kind: str
    columns: tuple[str, ...]
    ignored: tuple[str, ...]
    rows: list[RawRow] = field(default_factory=list)
    # Whole-file problems: a missing column, a column given twice.
    problems: list[LazyString] = field(default_factory=list)


# --- reading --------------------------------------------------------------------------------


def read(data: bytes, fmt: SheetFormat) -> RawSheet:
    """Read an XLSX or CSV file (decided by its content, never by its name).

    Raise NotASpreadsheet for anything else (a PDF, a photo, an old .xls, an empty file, a
    file whose first row names no column of ``fmt``, a file longer than ``fmt.max_rows``).
    """
    if not data.strip():
        raise NotASpreadsheet(_l("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, fmt)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise NotASpreadsheet(
            _l("This is an old Excel file (.xls): save it as .xlsx or CSV and upload it again.")
        )
    kind = filetype.guess(data[:8192])
    if kind is not None:
        # A PDF, a photo, an archive...: not a spreadsheet, whatever its name says.
        raise NotASpreadsheet(_NEITHER)
    return _read_csv(data, fmt)


def _header(cells: Sequence[Any], kind: str, fmt: SheetFormat) -> tuple[list[str | None], RawSheet]:
    by_header = fmt.by_header()
    names: list[str | None] = []
    found: list[str] = []
    ignored: list[str] = []
    problems: list[LazyString] = []
    for cell in cells[:MAX_COLUMNS]:
        text = "" if cell is None else str(cell).strip().lstrip(BOM)
        name = by_header.get(header_key(text)) if text else None
        if name is None:
            if text:
                ignored.append(text)
            names.append(None)
        elif name in found:
            problems.append(_l("The column “%(name)s” appears twice.", name=name))
            names.append(None)
        else:
            found.append(name)
            names.append(name)
    missing = [name for name in fmt.required if name not in found]
    if missing and not found:
        raise NotASpreadsheet(fmt.not_this_format)
    for name in missing:
        problems.append(_l("The column “%(name)s” is missing.", name=name))
    sheet = RawSheet(kind=kind, columns=tuple(found), ignored=tuple(ignored), problems=problems)
    return names, sheet


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _collect(
    sheet: RawSheet,
    names: list[str | None],
    rows: Iterable[tuple[int, Sequence[Any]]],
    max_rows: int,
) -> RawSheet:
    for line, values in rows:
        cells = {
            name: value
            for name, value in zip(names, values, strict=False)
            if name is not None and not _blank(value)
        }
        if not cells:
            continue
        if len(sheet.rows) >= max_rows:
            raise NotASpreadsheet(_l("The file has more than %(n)s rows: split it.", n=max_rows))
        sheet.rows.append(RawRow(line=line, cells=cells))
    return sheet


def _read_xlsx(data: bytes, fmt: SheetFormat) -> RawSheet:
    unreadable = _l("The file could not be read as an Excel workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotASpreadsheet(unreadable) from None
    with archive:
        try:
            rows = _xlsx_rows(archive)
            first = next(rows, None)
            if first is None or first[0] != 1:
                raise NotASpreadsheet(_l("The workbook's first sheet is empty."))
            names, raw = _header(first[1], XLSX, fmt)
            return _collect(raw, names, rows, fmt.max_rows)
        except (
            zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError,
            OverflowError, ExpatError, ElementTree.ParseError,
        ):  # fmt: skip
            raise NotASpreadsheet(unreadable) from None


# --- a streaming reader of an XLSX workbook's first sheet -----------------------------------
#
# openpyxl's read-only mode builds an element per cell: a 30,000-row file took 20 s to read.
# This reads the sheet's XML with expat callbacks (no tree), the shared strings and the styles
# (to tell a date cell from a number) once, and gives each cell as openpyxl would: text, an
# int or a float, True/False, a datetime for a date-formatted number. Document type
# declarations are refused (no entity expansion).

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _no_doctype(*_: Any) -> None:
    raise ValueError("a document type declaration")


def _tree(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    # defusedxml refuses a document type declaration however the part is encoded (a byte search
    # for "<!DOCTYPE" misses one in UTF-16), and with it every entity: DTDForbidden is a ValueError.
    return DefusedTree.fromstring(archive.read(name), forbid_dtd=True)


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, bool]:
    """Return the first sheet's part name, and whether dates count from 1904."""
    book = _tree(archive, "xl/workbook.xml")
    sheet = book.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if sheet is None:
        raise KeyError("no sheet")
    rel_id = sheet.get(f"{_REL}id")
    props = book.find(f"{_MAIN}workbookPr")
    date1904 = props is not None and props.get("date1904") in ("1", "true")
    rels = _tree(archive, "xl/_rels/workbook.xml.rels")
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target") or ""
            name = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return name, date1904
    raise KeyError("no sheet part")


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    for item in _tree(archive, "xl/sharedStrings.xml").iter(f"{_MAIN}si"):
        # Rich text: the runs' texts; phonetic hints (rPh) are not part of the value.
        parts = [t.text or "" for t in item.iter(f"{_MAIN}t")]
        for hint in item.iter(f"{_MAIN}rPh"):
            for t in hint.iter(f"{_MAIN}t"):
                parts.remove(t.text or "")
        strings.append("".join(parts))
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Return the style indexes whose number format shows a date."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = _tree(archive, "xl/styles.xml")
    formats = dict(BUILTIN_FORMATS)
    for item in styles.iter(f"{_MAIN}numFmt"):
        formats[int(item.get("numFmtId", "0"))] = item.get("formatCode", "")
    xfs = styles.find(f"{_MAIN}cellXfs")
    dates = set()
    for index, xf in enumerate(xfs if xfs is not None else []):
        code = formats.get(int(xf.get("numFmtId", "0")))
        if code and is_date_format(code):
            dates.add(index)
    return dates


def _column(ref: str) -> int:
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number - 1


def _xlsx_rows(archive: zipfile.ZipFile) -> Iterator[tuple[int, list[Any]]]:
    """Yield (row number, cells) of the first sheet, in order, cells by column position."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    part, date1904 = _first_sheet(archive)
    strings = _shared_strings(archive)
    date_styles = _date_styles(archive)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    done: list[tuple[int, list[Any]]] = []
    row: list[Any] = []
    state: dict[str, Any] = {"row": 0, "col": -1, "type": "n", "style": 0, "text": None}
    texts: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r")
            state["col"] = _column(ref) if ref else state["col"] + 1
            state["type"] = attrs.get("t", "n")
            state["style"] = int(attrs.get("s", "0"))
            state["text"] = None
        elif name in ("v", "is"):
            texts.clear()
            state["collect"] = True
        elif name == "rPh":
            state["collect"] = False
        elif name == "row":
            number = attrs.get("r")
            state["row"] = int(number) if number else state["row"] + 1
            state["col"] = -1
            row.clear()

    def chars(data: str) -> None:
        if state.get("collect"):
            texts.append(data)

    def end(name: str) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name in ("v", "is"):
            state["text"] = "".join(texts)
            state["collect"] = False
        elif name == "rPh":
            state["collect"] = True
        elif name == "c":
            col = state["col"]
            if 0 <= col < MAX_COLUMNS and state["text"] is not None:
                while len(row) <= col:
                    row.append(None)
                row[col] = _value(state["type"], state["text"], state["style"])
        elif name == "row":
            done.append((state["row"], list(row)))

    def _value(kind: str, raw: str, style: int) -> Any:
        if kind == "s":
            return strings[int(raw)]
        if kind in ("str", "inlineStr", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return datetime.fromisoformat(raw.strip().rstrip("Z"))
        text = raw.strip()
        if not text:
            # A formula Excel never computed: no value, as openpyxl's data_only reads it.
            return None
        number: int | float = float(text) if any(c in text for c in ".eE") else int(text)
        if style in date_styles:
            return from_excel(number, epoch)
        return number

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
            yield from done
            done.clear()
        parser.Parse(b"", True)
        yield from done


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise NotASpreadsheet(_NEITHER)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the system's code page.
        text = data.decode("cp1252", errors="replace")
    return text


def _delimiter(first_line: str) -> str:
    # Excel with Indonesian settings separates with semicolons (the comma is the decimal mark).
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def uncsv(value: str) -> str:
    """Undo the export's protection of a CSV text cell (one leading apostrophe)."""
    return value[1:] if value.startswith("'") else value


def _read_csv(data: bytes, fmt: SheetFormat) -> RawSheet:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader, None)
        if header is None:
            raise NotASpreadsheet(_l("The file is empty."))
        names, raw = _header(header, CSV, fmt)
        rows = ((reader.line_num, [uncsv(v) for v in values]) for values in reader)
        return _collect(raw, names, rows, fmt.max_rows)
    except csv.Error:
        raise NotASpreadsheet(_l("The file could not be read as CSV.")) from None


# --- cells ----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; ``reason`` says why."""

    def __init__(self, reason: LazyString) -> None:
        super().__init__(str(reason))
        self.reason = reason


def number_text(value: Any) -> str:
    """Return a number cell as the text of its value, as Excel shows it.

    Text is returned stripped, with a comma read as the decimal mark ("81,22" → "81.22"). An
    Excel number (a float) is taken to 15 significant digits, Excel's own precision: the float
    nearest 78.3 is "78.3", a sum stored as 78.33999999999999 is "78.34", and a typed 78.339999
    stays "78.339999" (then refused for its decimals). Raise CellError for anything else.
    """
    if isinstance(value, bool | date | datetime | time):
        raise CellError(_l("a date or a true/false, not a number"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(_l("not a number"))
        text = format(value, ".15g")
        return format(Decimal(text), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return text


def whole_number(value: Any) -> int:
    """Return a whole-number cell (a year, a rank); raise CellError otherwise."""
    text = number_text(value)
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise CellError(_l("not a whole number")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_l("not a whole number"))
    return int(number)


_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def day(value: Any) -> date:
    """Return a date cell: an Excel date, or text as 2024-03-05 or 05/03/2024 (day first).

    Raise CellError for anything else (an Excel serial number typed as a number included).
    """
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError(_l("a date without a time of day"))
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        given = value.strip()
        for pattern in _DAY_FORMATS:
            try:
                return datetime.strptime(given, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
    raise CellError(_l("not a date: write it as 2024-03-05 or 05/03/2024"))


def text(value: Any) -> str:
    """Return a text cell, stripped (a number cell as its shown text)."""
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def words(value: Any) -> str:
    """Return a cell as lowercase words, for matching: "Zona  Saja" → "zona saja"."""
    return re.sub(r"[\s_\-]+", " ", text(value).casefold()).strip()


# --- writing --------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    shown = str(value)
    return "'" + shown if shown.startswith(FORMULA_STARTS) else shown


def write_csv(fmt: SheetFormat, records: Iterable[Mapping[str, Any]]) -> bytes:
    """Write the rows as CSV: UTF-8 with a BOM, comma separated, CRLF, the export's columns."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fmt.export_order)
    for record in records:
        writer.writerow([_csv_cell(record.get(name)) for name in fmt.export_order])
    return buffer.getvalue().encode()


def write_xlsx(
    fmt: SheetFormat,
    records: Iterable[Mapping[str, Any]],
    *,
    help_rows: Sequence[tuple[str, str]] = (),
) -> bytes:
    """Write the rows as an XLSX workbook: the format's sheet, then "petunjuk" (the format).

    Decimals are numbers shown with two decimals, dates are dates; every text is a text cell,
    never a formula.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    order = fmt.export_order
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = fmt.sheet_name
    bold = Font(bold=True)
    sheet.append(list(order))
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    for col, name in enumerate(order, start=1):
        letter = sheet.cell(row=1, column=col).column_letter
        sheet.column_dimensions[letter].width = fmt.widths.get(name, 12)
    rows = 1
    for rows, record in enumerate(records, start=2):
        for col, name in enumerate(order, start=1):
            value = record.get(name)
            if value is None:
                continue
            cell = sheet.cell(row=rows, column=col)
            if isinstance(value, Decimal):
                cell.value = float(value)
                cell.number_format = "0.00"
            elif isinstance(value, int):
                cell.value = value
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = str(value)
                # A text that starts with "=" stays text: openpyxl would make it a formula.
                cell.data_type = "s"
    last = max(rows, 2) + 200
    for name, allowed in fmt.choices.items():
        if name not in order:
            continue
        validation = DataValidation(
            type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True
        )
        sheet.add_data_validation(validation)
        letter = sheet.cell(row=1, column=order.index(name) + 1).column_letter
        validation.add(f"{letter}2:{letter}{last}")
    if help_rows:
        helper = workbook.create_sheet(HELP_SHEET_NAME)
        helper.column_dimensions["A"].width = 22
        helper.column_dimensions["B"].width = 100
        for left, right in help_rows:
            helper.append([left, right])
            for cell in helper[helper.max_row]:
                cell.data_type = "s"
        for cell in helper[1]:
            cell.font = bold
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def help_rows(fmt: SheetFormat, notes: Iterable[Any]) -> list[tuple[str, str]]:
    """The help sheet: what each column holds (required or not, other names), then ``notes``."""
    rows = [("column", str(_l("What it holds")))]
    order = {name: i for i, name in enumerate(fmt.export_order)}
    for column in sorted(fmt.columns, key=lambda c: order.get(c.name, 99)):
        also = f" ({', '.join(column.aliases)})" if column.aliases else ""
        required = f" [{_l('required')}]" if column.required else ""
        rows.append((column.name, f"{column.description}{required}{also}"))
    for line in notes:
        rows.append(("", str(line)))
    return rows
