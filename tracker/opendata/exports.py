"""CSV, XLSX and JSON writers for the public records, streamed in chunks.

CSV: UTF-8 with a byte-order mark (Excel on Windows otherwise reads Indonesian text as
cp1252; csv readers take ``encoding="utf-8-sig"``), comma separated, CRLF line ends, a header
row of stable English field names. A text cell that a spreadsheet could read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe;
numbers stay numbers. XLSX is written by XlsxWriter in constant-memory mode, every text as a
string cell (never a formula), with the same apostrophe rule. JSON keeps the values as they are.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import xlsxwriter
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows per CSV chunk handed to the server: big enough to be cheap, small enough to stream.
CHUNK_ROWS = 200
FILE_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Field:
    """One column of a dataset: its stable name, its type, and what it means."""

    name: str
    kind: str
    description: str | LazyString


FIELD_KINDS: dict[str, LazyString] = {
    "integer": _l("whole number"),
    "text": _l("text"),
    "date": _l("date (YYYY-MM-DD)"),
    "code": _l("code (values listed above)"),
    "boolean": _l("true or false"),
}

PACT_FIELDS = (
    Field(
        "pact_id", "integer", _l("The pact's number; its page is /pakta/ followed by the number.")
    ),
    Field("regency", "text", _l("The regency or city (pemda).")),
    Field("regency_slug", "text", _l("The regency's short name in addresses and filters.")),
    Field("agency", "text", _l("The agency (OPD) whose head signed.")),
    Field("signatory_name", "text", _l("Who signed; empty when the source does not say.")),
    Field("signatory_title", "text", _l("The signatory's position.")),
    Field("signed_on", "date", _l("Signing date; empty when unknown (then no deadline).")),
    Field("deadline_on", "date", _l("The deadline in force, after any extension.")),
    Field("original_deadline_on", "date", _l("The deadline as signed: signing date + period.")),
    Field("extensions", "integer", _l("How many times the deadline was extended.")),
    Field("status", "code", _l("Status on the day of the export, in the regency's local date.")),
    Field(
        "outcome",
        "text",
        _l(
            "The recorded outcome: the regent's decision (fulfilled, reprimand, replaced,"
            " resigned, other) or not_recorded when no source reports how the pact ended (never"
            " a breach); empty when nothing is recorded and the status is derived."
        ),
    ),
    Field("outcome_on", "date", _l("The date of the regent's decision; empty otherwise.")),
    Field("findings_total", "integer", _l("Findings the pact covers.")),
    Field("findings_closed", "integer", _l("Findings verified and closed.")),
    Field(
        "findings_unresolvable",
        "integer",
        _l("Findings the regent's office says cannot be followed up: not open, not a breach."),
    ),
    Field("is_demo", "boolean", _l("true for records invented for the demo: never cite them.")),
    Field("url", "text", _l("The pact's public page.")),
)

FINDING_FIELDS = (
    Field("finding_id", "integer", _l("The finding's number.")),
    Field("pact_id", "integer", _l("The pact that covers it.")),
    Field("regency", "text", _l("The regency or city (pemda).")),
    Field("regency_slug", "text", _l("The regency's short name in addresses and filters.")),
    Field("agency", "text", _l("The agency (OPD) that must fix it.")),
    Field("category", "code", _l("Assessment dimension: input, process, output, complaints.")),
    Field("code", "text", _l("Catalogue code; empty for a finding written freely.")),
    Field("title", "text", _l("What falls short.")),
    Field(
        "status",
        "code",
        _l(
            "open, in_progress, submitted, returned, closed or unresolvable (cannot be "
            "followed up)."
        ),
    ),
    Field("submitted_on", "date", _l("When last sent for verification (local date).")),
    Field("closed_on", "date", _l("When verified and closed (local date).")),
    Field(
        "unresolvable_on",
        "date",
        _l("When the regent's office said it cannot be followed up (local date)."),
    ),
    Field(
        "unresolvable_reason", "text", _l("Why it cannot be followed up, as the office gave it.")
    ),
    Field("is_demo", "boolean", _l("true for records invented for the demo: never cite them.")),
    Field("url", "text", _l("The public page of its pact.")),
)


def neutralise(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, int):
        return value
    return neutralise(str(value))


def csv_chunks(fields: tuple[Field, ...], records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """Yield a CSV file (BOM, header, rows) in UTF-8 chunks of a few hundred rows each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([f.name for f in fields])
    names = [f.name for f in fields]
    for n, record in enumerate(records, start=1):
        writer.writerow([_csv_cell(record.get(name)) for name in names])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def json_chunks(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """Yield a JSON array of the records, one object per line, in UTF-8."""
    yield b"["
    separator = b"\n"
    for record in records:
        item = {k: _json_value(v) for k, v in record.items()}
        yield separator + json.dumps(item, ensure_ascii=False).encode()
        separator = b",\n"
    yield b"\n]\n"


def write_xlsx(
    path: str, sheet_name: str, fields: tuple[Field, ...], records: Iterable[dict[str, Any]]
) -> int:
    """Write the records to an XLSX file at ``path`` row by row; return the number of rows."""
    workbook = xlsxwriter.Workbook(
        path,
        {
            # Rows are flushed to disk as they are written: memory stays flat at any size.
            "constant_memory": True,
            "tmpdir": os.path.dirname(path),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.freeze_panes(1, 0)
    for col, f in enumerate(fields):
        sheet.set_column(col, col, 40 if f.name in ("title", "url", "agency") else 14)
        sheet.write_string(0, col, f.name, bold)
    rows = 0
    for rows, record in enumerate(records, start=1):
        for col, f in enumerate(fields):
            value = record.get(f.name)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(rows, col, value)
            elif isinstance(value, int):
                sheet.write_number(rows, col, value)
            elif isinstance(value, date):
                sheet.write_datetime(rows, col, value, day)
            else:
                sheet.write_string(rows, col, neutralise(str(value)))
    workbook.close()
    return rows


def xlsx_file(
    sheet_name: str, fields: tuple[Field, ...], records: Iterable[dict[str, Any]]
) -> tuple[io.BufferedReader, int]:
    """Build an XLSX in a temporary file; return it open for reading, and its size.

    The file is already unlinked: it disappears when the returned handle is closed.
    """
    folder = tempfile.mkdtemp(prefix="pp-xlsx-")
    path = os.path.join(folder, "export.xlsx")
    try:
        write_xlsx(path, sheet_name, fields, records)
        handle = open(path, "rb")  # noqa: SIM115 - handed to the streaming response, closed there
    finally:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)
    size = os.fstat(handle.fileno()).st_size
    return handle, size


class FileChunks:
    """An open file as a response body, closed once read or when the server closes the body."""

    def __init__(self, handle: io.BufferedReader) -> None:
        self.handle = handle

    def __iter__(self) -> Iterator[bytes]:
        try:
            while chunk := self.handle.read(FILE_CHUNK_BYTES):
                yield chunk
        finally:
            self.handle.close()

    def close(self) -> None:
        """Close the file (the WSGI server calls this after sending the body)."""
        self.handle.close()
