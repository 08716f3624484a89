"""The spreadsheet of a regency's assessment results for one year: columns, reading, writing.

One format for the template, the export and the import (XLSX or CSV), one row per result:

- the regency's own result: ``agency`` empty;
- one row per agency (service unit), named in ``agency`` by its slug or its name (case and
  spaces do not matter).

Columns (the header row; English names, or the Indonesian ones in ``COLUMNS``; order free,
unknown columns are ignored and named in the preview):

=================  =========================================================================
``year``           the assessment year, the same on every row (required)
``agency``         empty for the regency's row, else the agency's slug or name (required)
``result``         ``scored``, ``zone only`` or ``not assessed`` (also *dinilai*,
                   *zona saja*, *tidak dinilai*); empty: scored when a score is given, zone
                   only when only a zone is given
``score``          0–100, at most two decimals, a dot or a comma (``81,22``) (required)
``zone``           ``green``/``hijau``, ``yellow``/``kuning``, ``red``/``merah``,
                   ``black``/``hitam``: the zone for a zone-only result; beside a score it
                   must be the zone the year's scheme gives that score (it is not stored)
``rank``           the regency's published rank (regency row only) ...
``rank_of``        ... out of how many regencies
``input_score``    the unit's four dimension scores (agency rows only), two decimals each
``process_score``
``output_score``
``complaints_score``
``source``         where the result comes from (a report, an article)
``note``           a note on the regency's result (regency row only)
``regency``        optional: when given, the regency's slug or name, checked against the
                   regency being imported into
=================  =========================================================================

A column the file leaves out is left as it is in the records; a column that is there but
empty in a row clears that value. Rows the file does not list are not touched.

Excel numbers are read as Excel shows them: to 15 significant digits (so 78.33999999999999,
a sum Excel displays as 78.34, is 78.34, while a typed 78.339999 keeps its decimals and is
refused). The export writes scores as numbers with two decimals shown, text as text cells
(never formulas), and in CSV a text that starts like a formula (or with an apostrophe) gets a
leading apostrophe, which the import takes off again: export then import changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import filetype  # type: ignore[import-untyped]
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

XLSX = "xlsx"
CSV = "csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
# Far above a regency's 7–30 agencies; a file longer than this is refused, never read on.
MAX_ROWS = 20_000
MAX_COLUMNS = 60
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
SHEET_NAME = "hasil"
HELP_SHEET_NAME = "petunjuk"
_NEITHER = _l("The file is neither an Excel workbook (.xlsx) nor a CSV file.")


@dataclass(frozen=True)
class Column:
    """A column of the format: its name, the other names a header may use, and what it holds."""

    name: str
    aliases: tuple[str, ...]
    description: LazyString
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("year", ("tahun",), _l("The assessment year, the same on every row."), True),
    Column(
        "agency",
        ("opd", "unit", "unit_layanan", "instansi", "perangkat_daerah"),
        _l("Empty for the regency's own result; otherwise the agency's short name or name."),
        True,
    ),
    Column(
        "result",
        ("hasil", "jenis_hasil"),
        _l("scored, zone only or not assessed (dinilai, zona saja, tidak dinilai)."),
    ),
    Column(
        "score",
        ("nilai", "skor"),
        _l("0 to 100 with at most two decimals; a comma or a dot (81,22)."),
        True,
    ),
    Column(
        "zone",
        ("zona",),
        _l(
            "green, yellow, red or black (hijau, kuning, merah, hitam); beside a score it must "
            "match the year's scheme."
        ),
    ),
    Column("rank", ("peringkat",), _l("The regency's published rank (regency row only).")),
    Column(
        "rank_of",
        ("peringkat_dari", "dari", "jumlah_dinilai"),
        _l("Out of how many regencies (regency row only)."),
    ),
    Column("input_score", ("nilai_input",), _l("The unit's input dimension score.")),
    Column("process_score", ("nilai_proses",), _l("The unit's process dimension score.")),
    Column("output_score", ("nilai_output",), _l("The unit's output dimension score.")),
    Column(
        "complaints_score",
        ("nilai_pengaduan",),
        _l("The unit's complaint handling dimension score."),
    ),
    Column("source", ("sumber",), _l("Where the result comes from (a report, an article).")),
    Column(
        "note", ("catatan", "keterangan"), _l("A note on the regency's result (regency row only).")
    ),
    Column(
        "regency",
        ("kabupaten", "kota", "pemda"),
        _l("Optional: the regency's short name, checked against the regency imported into."),
    ),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
# The order of the template and the export.
EXPORT_ORDER: tuple[str, ...] = (
    "year",
    "regency",
    "agency",
    "result",
    "score",
    "zone",
    "rank",
    "rank_of",
    "input_score",
    "process_score",
    "output_score",
    "complaints_score",
    "source",
    "note",
)
SCORE_COLUMNS = frozenset(
    {"score", "input_score", "process_score", "output_score", "complaints_score"}
)


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "_", text.strip().casefold()).strip("_")


_BY_HEADER: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.name, *_column.aliases):
        _BY_HEADER[_key(_name)] = _column.name


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


def read(data: bytes) -> RawSheet:
    """Read an XLSX or CSV file (decided by its content, never by its name).

    Raise NotASpreadsheet for anything else (a PDF, a photo, an old .xls, an empty file).
    """
    if not data.strip():
        raise NotASpreadsheet(_l("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise NotASpreadsheet(
            _l("This is an old Excel file (.xls): save it as .xlsx or CSV and upload it again.")
        )
    kind = filetype.guess(data[:8192])
    if kind is not None:
        # A PDF, a photo, an archive...: not a spreadsheet, whatever its name says.
        raise NotASpreadsheet(_NEITHER)
    return _read_csv(data)


def _header(cells: Sequence[Any], kind: str) -> tuple[list[str | None], RawSheet]:
    names: list[str | None] = []
    found: list[str] = []
    ignored: list[str] = []
    problems: list[LazyString] = []
    for cell in cells[:MAX_COLUMNS]:
        text = "" if cell is None else str(cell).strip().lstrip(BOM)
        name = _BY_HEADER.get(_key(text)) if text else None
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
    missing = [name for name in REQUIRED if name not in found]
    if missing and not found:
        raise NotASpreadsheet(
            _l(
                "The first row holds no column of the format (year, agency, score): this is "
                "not a results spreadsheet."
            )
        )
    for name in missing:
        problems.append(_l("The column “%(name)s” is missing.", name=name))
    sheet = RawSheet(kind=kind, columns=tuple(found), ignored=tuple(ignored), problems=problems)
    return names, sheet


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _collect(
    sheet: RawSheet, names: list[str | None], rows: Iterable[tuple[int, Sequence[Any]]]
) -> RawSheet:
    for line, values in rows:
        cells = {
            name: value
            for name, value in zip(names, values, strict=False)
            if name is not None and not _blank(value)
        }
        if not cells:
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise NotASpreadsheet(_l("The file has more than %(n)s rows: split it.", n=MAX_ROWS))
        sheet.rows.append(RawRow(line=line, cells=cells))
    return sheet


def _read_xlsx(data: bytes) -> RawSheet:
    # Imported here: only an upload needs openpyxl.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise NotASpreadsheet(
            _l("The file could not be read as an Excel workbook (.xlsx).")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        first = next(rows, None)
        if first is None:
            raise NotASpreadsheet(_l("The workbook's first sheet is empty."))
        names, raw = _header(list(first), XLSX)
        return _collect(raw, names, enumerate(rows, start=2))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise NotASpreadsheet(
            _l("The file could not be read as an Excel workbook (.xlsx).")
        ) from None
    finally:
        workbook.close()


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


def _read_csv(data: bytes) -> RawSheet:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader, None)
        if header is None:
            raise NotASpreadsheet(_l("The file is empty."))
        names, raw = _header(header, CSV)
        rows = ((reader.line_num, [uncsv(v) for v in values]) for values in reader)
        return _collect(raw, names, rows)
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


def _csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    shown = str(value)
    return "'" + shown if shown.startswith(FORMULA_STARTS) else shown


def write_csv(records: Iterable[dict[str, Any]]) -> bytes:
    """Write the rows as CSV: UTF-8 with a BOM, comma separated, CRLF, the export's columns."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_ORDER)
    for record in records:
        writer.writerow([_csv_cell(name, record.get(name)) for name in EXPORT_ORDER])
    return buffer.getvalue().encode()


def write_xlsx(
    records: Iterable[dict[str, Any]], *, help_rows: Sequence[tuple[str, str]] = ()
) -> bytes:
    """Write the rows as an XLSX workbook: the sheet "hasil", then "petunjuk" (the format).

    Scores are numbers shown with two decimals; every text is a text cell, never a formula.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    bold = Font(bold=True)
    sheet.append(list(EXPORT_ORDER))
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    widths = {"agency": 36, "source": 40, "note": 40, "result": 14, "regency": 18}
    for col, name in enumerate(EXPORT_ORDER, start=1):
        letter = sheet.cell(row=1, column=col).column_letter
        sheet.column_dimensions[letter].width = widths.get(name, 12)
    rows = 1
    for rows, record in enumerate(records, start=2):
        for col, name in enumerate(EXPORT_ORDER, start=1):
            value = record.get(name)
            if value is None:
                continue
            cell = sheet.cell(row=rows, column=col)
            if isinstance(value, Decimal):
                cell.value = float(value)
                cell.number_format = "0.00"
            elif isinstance(value, int):
                cell.value = value
            else:
                cell.value = str(value)
                # A text that starts with "=" stays text: openpyxl would make it a formula.
                cell.data_type = "s"
    last = max(rows, 2) + 200
    choices = DataValidation(
        type="list", formula1='"scored,zone only,not assessed"', allow_blank=True
    )
    zones = DataValidation(type="list", formula1='"green,yellow,red,black"', allow_blank=True)
    sheet.add_data_validation(choices)
    sheet.add_data_validation(zones)
    result_col = sheet.cell(row=1, column=EXPORT_ORDER.index("result") + 1).column_letter
    zone_col = sheet.cell(row=1, column=EXPORT_ORDER.index("zone") + 1).column_letter
    choices.add(f"{result_col}2:{result_col}{last}")
    zones.add(f"{zone_col}2:{zone_col}{last}")
    if help_rows:
        helper = workbook.create_sheet(HELP_SHEET_NAME)
        helper.column_dimensions["A"].width = 20
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
