"""The shared spreadsheet reader: XLSX cells as Excel shows them, CSV dialects, refusals."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from tracker.spreadsheets import sheets

FORMAT = sheets.SheetFormat(
    columns=(
        sheets.Column("name", ("nama",), _l("x"), True),
        sheets.Column("day", ("tanggal",), _l("x")),
        sheets.Column("score", ("nilai",), _l("x")),
    ),
    export_order=("name", "day", "score"),
    sheet_name="data",
    not_this_format=_l("not this format"),
    max_rows=3,
)


def workbook(rows: list[list[object]], *, date1904: bool = False) -> bytes:
    book = Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("date1904", [False, True])
def test_xlsx_cells_are_read_as_excel_shows_them(date1904: bool) -> None:
    data = workbook(
        [
            ["Nama", "TANGGAL", "nilai", "other"],
            ["Budi", date(2024, 3, 5), 78.33999999999999, "x"],
            ["=1+1", None, 3, None],
            [None, None, None, None],
            ["Sari", "05/03/2024", "81,22"],
        ],
        date1904=date1904,
    )
    sheet = FORMAT.read(data)
    assert sheet.kind == sheets.XLSX
    assert sheet.columns == ("name", "day", "score") and sheet.ignored == ("other",)
    assert [row.line for row in sheet.rows] == [2, 3, 5]
    first, second, third = (row.cells for row in sheet.rows)
    assert sheets.day(first["day"]) == date(2024, 3, 5)
    assert sheets.number_text(first["score"]) == "78.34"
    # A formula never computed by Excel has no value (as openpyxl's data_only reads it).
    assert second == {"score": 3}
    assert sheets.day(third["day"]) == date(2024, 3, 5)
    assert sheets.number_text(third["score"]) == "81.22"


def test_the_writer_and_the_reader_agree() -> None:
    records = [{"name": "=SUM(A1)", "day": date(2019, 1, 2), "score": 4}]
    for data in (sheets.write_xlsx(FORMAT, records), sheets.write_csv(FORMAT, records)):
        (row,) = FORMAT.read(data).rows
        assert row.cells["name"] == "=SUM(A1)"
        assert sheets.day(row.cells["day"]) == date(2019, 1, 2)
        assert sheets.whole_number(row.cells["score"]) == 4


def test_a_semicolon_csv_in_windows_code_page() -> None:
    sheet = FORMAT.read("nama;nilai\r\nJosé;81,5\r\n".encode("cp1252"))
    assert sheet.rows[0].cells == {"name": "José", "score": "81,5"}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 x", "neither"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old Excel"),
        (b"PK\x03\x04 broken", "could not be read"),
        (b"a,b\n1,2\n", "not this format"),
        (b"name\n1\n2\n3\n4\n", "more than 3 rows"),
    ],
)
def test_files_that_cannot_be_read(data: bytes, reason: str) -> None:
    with pytest.raises(sheets.NotASpreadsheet) as refused:
        FORMAT.read(data)
    assert reason in str(refused.value)


def _with_doctype(body: bytes, encoding: str) -> bytes:
    text = body.decode("utf-8")
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :]
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'
    return (declaration + '<!DOCTYPE x [<!ENTITY a "b">]>' + text).encode(encoding)


# UTF-16 too: a byte search for "<!DOCTYPE" does not see one in UTF-16.
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_workbook_with_a_doctype_is_refused(encoding: str) -> None:
    data = workbook([["name"], ["Budi"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                body = _with_doctype(body, encoding)
            target.writestr(item, body)
    with pytest.raises(sheets.NotASpreadsheet):
        FORMAT.read(out.getvalue())


# An Excel date with a time of day (naive, as Excel stores it).
NINE_O_CLOCK = datetime.fromisoformat("2024-01-01T09:00:00")


@pytest.mark.parametrize("value", ["2024-02-30", "5 Maret 2024", 45000, NINE_O_CLOCK])
def test_what_is_not_a_date(value: object) -> None:
    with pytest.raises(sheets.CellError):
        sheets.day(value)
