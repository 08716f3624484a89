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

Reading and writing are the shared machinery's (tracker/spreadsheets/sheets.py): Excel
numbers are read as Excel shows them (78.33999999999999 is 78.34, a typed 78.339999 is
refused for its decimals); the export writes scores as numbers with two decimals shown, text
as text cells (never formulas), and export then import changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

from tracker.spreadsheets.sheets import (
    CSV,
    CSV_MIME,
    XLSX,
    XLSX_MIME,
    CellError,
    Column,
    NotASpreadsheet,
    RawRow,
    RawSheet,
    SheetFormat,
    number_text,
    text,
    whole_number,
    words,
)
from tracker.spreadsheets.sheets import write_csv as _write_csv
from tracker.spreadsheets.sheets import write_xlsx as _write_xlsx

__all__ = [
    "CSV", "CSV_MIME", "XLSX", "XLSX_MIME", "CellError", "Column", "NotASpreadsheet", "RawRow",
    "RawSheet", "number_text", "text", "whole_number", "words",
]  # fmt: skip

# Far above a regency's 7–30 agencies; a file longer than this is refused, never read on.
MAX_ROWS = 20_000
SHEET_NAME = "hasil"

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


FORMAT = SheetFormat(
    columns=COLUMNS,
    export_order=EXPORT_ORDER,
    sheet_name=SHEET_NAME,
    not_this_format=_l(
        "The first row holds no column of the format (year, agency, score): this is "
        "not a results spreadsheet."
    ),
    max_rows=MAX_ROWS,
    widths={"agency": 36, "source": 40, "note": 40, "result": 14, "regency": 18},
    choices={
        "result": ("scored", "zone only", "not assessed"),
        "zone": ("green", "yellow", "red", "black"),
    },
)


def read(data: bytes) -> RawSheet:
    """Read an XLSX or CSV file of results (see tracker.spreadsheets.sheets.read)."""
    return FORMAT.read(data)


def write_csv(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Write result rows as CSV (the export's columns)."""
    return _write_csv(FORMAT, records)


def write_xlsx(
    records: Iterable[Mapping[str, Any]], *, help_rows: Sequence[tuple[str, str]] = ()
) -> bytes:
    """Write result rows as an XLSX workbook: the sheet "hasil", then "petunjuk"."""
    return _write_xlsx(FORMAT, records, help_rows=help_rows)
