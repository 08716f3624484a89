"""The export files as a reader opens them: long CSVs whole, JSON in plain UTF-8, the XLSX laid
out to read (bold frozen header, wide text columns, dates as dates) and streamed from a file
that leaves nothing behind. Found by `make mutation`: these tests kill mutants the older
export tests let live.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tracker.opendata.exports import (
    CHUNK_ROWS,
    FILE_CHUNK_BYTES,
    Field,
    FileChunks,
    csv_chunks,
    json_chunks,
    write_xlsx,
    xlsx_file,
)

FIELDS = (
    Field("id", "integer", "id"),
    Field("title", "text", "title"),
    Field("name", "text", "name"),
    Field("url", "text", "url"),
    Field("day", "date", "day"),
    Field("agency", "text", "agency"),
)
RECORD = {
    "id": 1,
    "title": "=Pojok bermain anak",
    "name": "Penataan Ruang – Sumbawa Barat",
    "url": "https://example.org/pakta/1",
    "day": date(2019, 1, 8),
    "agency": "Dinas Sosial",
}


def test_a_csv_longer_than_one_chunk_reads_back_row_for_row() -> None:
    records = [{"id": n, "name": f"baris {n}"} for n in range(1, CHUNK_ROWS * 2 + 2)]
    chunks = list(csv_chunks((Field("id", "integer", ""), Field("name", "text", "")), records))
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"), newline="")))
    assert rows == [["id", "name"]] + [[str(n), f"baris {n}"] for n in range(1, CHUNK_ROWS * 2 + 2)]
    # The first chunk holds the header and exactly CHUNK_ROWS rows.
    assert chunks[0].decode("utf-8-sig").endswith(f"{CHUNK_ROWS},baris {CHUNK_ROWS}\r\n")


def test_json_writes_indonesian_text_as_utf8_not_escapes() -> None:
    raw = b"".join(json_chunks([RECORD]))
    assert "Penataan Ruang – Sumbawa Barat".encode() in raw
    assert b"\\u2013" not in raw


@pytest.fixture
def sheet(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "export.xlsx"
    assert write_xlsx(str(path), "pakta", FIELDS, [RECORD, RECORD]) == 2
    return load_workbook(path).worksheets[0]


def test_the_xlsx_sheet_is_named_and_its_header_bold_and_frozen(sheet) -> None:  # type: ignore[no-untyped-def]
    assert sheet.title == "pakta"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])


def test_the_xlsx_text_columns_are_wide_and_dates_are_dates(sheet) -> None:  # type: ignore[no-untyped-def]
    widths = {
        letter: round(sheet.column_dimensions[letter].width)
        for letter in ("A", "B", "C", "D", "E", "F")
    }
    assert widths == {"A": 15, "B": 41, "C": 15, "D": 41, "E": 15, "F": 41}
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["E2"].value.date() == date(2019, 1, 8)
    assert sheet["B2"].value == "'=Pojok bermain anak"
    assert sheet["D2"].value == "https://example.org/pakta/1"
    assert sheet["D2"].hyperlink is None


def test_an_empty_export_has_its_header_and_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    assert write_xlsx(str(path), "pakta", FIELDS, []) == 0
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]] == [f.name for f in FIELDS]
    assert sheet.max_row == 1


def test_the_xlsx_file_streams_whole_and_leaves_no_file_behind() -> None:
    before = set(os.listdir(tempfile.gettempdir()))
    handle, size = xlsx_file("pakta", FIELDS, [RECORD] * 3)
    assert not {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("pp-xlsx-")} - before
    body = FileChunks(handle)
    data = b"".join(body)
    assert handle.closed
    assert len(data) == size > 0
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "pakta"
    assert sheet.max_row == 4
    assert sheet["C4"].value == "Penataan Ruang – Sumbawa Barat"


def test_a_big_file_is_sent_in_chunks_and_closed_when_the_server_closes_the_body(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (FILE_CHUNK_BYTES * 2 + 1))
    chunks = list(FileChunks(path.open("rb")))
    assert [len(c) for c in chunks] == [FILE_CHUNK_BYTES, FILE_CHUNK_BYTES, 1]
    handle = path.open("rb")
    body = FileChunks(handle)
    body.close()
    assert handle.closed


def test_an_empty_cell_leaves_the_rest_of_its_row_written(tmp_path: Path) -> None:
    path = tmp_path / "gaps.xlsx"
    write_xlsx(str(path), "pakta", FIELDS, [{**RECORD, "name": None, "day": None}])
    row = [c.value for c in load_workbook(path).worksheets[0][2]]
    assert row == [
        1,
        "'=Pojok bermain anak",
        None,
        "https://example.org/pakta/1",
        None,
        "Dinas Sosial",
    ]


def test_building_an_xlsx_writes_nothing_outside_its_own_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, temporary = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    temporary.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    handle, size = xlsx_file("pakta", FIELDS, [RECORD])
    with handle:
        assert len(handle.read()) == size
    assert list(work.iterdir()) == []
    assert list(temporary.iterdir()) == []
