"""The export writers: formulas made harmless, numbers kept, CSV and JSON read back exactly."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tracker.opendata.exports import (
    CHUNK_ROWS,
    Field,
    csv_chunks,
    json_chunks,
    neutralise,
    write_xlsx,
)

FIELDS = (
    Field("id", "integer", "id"),
    Field("name", "text", "name"),
    Field("day", "date", "day"),
    Field("flag", "boolean", "flag"),
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")', id="equals"),
        pytest.param("+62 812", "'+62 812", id="plus-phone-like"),
        pytest.param("-1+1", "'-1+1", id="minus"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\tcmd", "'\tcmd", id="tab"),
        pytest.param("\rcmd", "'\rcmd", id="carriage-return"),
        pytest.param("Dinas Sosial", "Dinas Sosial", id="plain-text"),
        pytest.param("a=b", "a=b", id="equals-inside"),
        pytest.param("", "", id="empty"),
    ],
)
def test_text_starting_like_a_formula_gets_an_apostrophe(value: str, expected: str) -> None:
    assert neutralise(value) == expected


RECORDS = [
    {"id": 1, "name": "=1+1", "day": date(2019, 1, 8), "flag": True},
    {"id": -2, "name": "Pojok bermain anak, ramp", "day": None, "flag": False},
    {"id": 3, "name": 'Kata "kutip"\nbaris baru', "day": date(2020, 2, 29), "flag": False},
]


def test_csv_has_a_bom_a_header_and_rows_that_read_back() -> None:
    raw = b"".join(csv_chunks(FIELDS, RECORDS))

    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["id", "name", "day", "flag"],
        ["1", "'=1+1", "2019-01-08", "true"],
        ["-2", "Pojok bermain anak, ramp", "", "false"],
        ["3", 'Kata "kutip"\nbaris baru', "2020-02-29", "false"],
    ]
    assert raw.count(b"\r\n") == 4


def test_csv_is_yielded_in_chunks_of_rows() -> None:
    many = ({"id": n, "name": "x", "day": None, "flag": False} for n in range(CHUNK_ROWS * 3 + 1))

    chunks = list(csv_chunks(FIELDS, many))

    assert len(chunks) == 4
    assert sum(chunk.count(b"\r\n") for chunk in chunks) == CHUNK_ROWS * 3 + 2


def test_json_keeps_types_and_text_unchanged() -> None:
    data = json.loads(b"".join(json_chunks(RECORDS)))

    assert data[0] == {"id": 1, "name": "=1+1", "day": "2019-01-08", "flag": True}
    assert data[1]["day"] is None
    assert json.loads(b"".join(json_chunks([]))) == []


def test_xlsx_cells_are_typed_and_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"

    assert write_xlsx(str(path), "uji", FIELDS, RECORDS) == 3

    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]] == ["id", "name", "day", "flag"]
    first = sheet[2]
    assert first[0].value == 1 and first[0].data_type == "n"
    assert first[1].value == "'=1+1" and first[1].data_type == "s"
    assert first[2].value.date() == date(2019, 1, 8)
    assert first[3].value is True
    assert sheet[3][0].value == -2
    assert sheet[3][2].value is None
