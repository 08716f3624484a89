"""Commitments and events as open data: CSV, XLSX, the data dictionary and the Atom feeds."""

from __future__ import annotations

import csv
import io
import re

from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.integration.pages import read_page
from tracker.demo.services import DemoReport
from tracker.opendata.commitments import COMMITMENT_FIELDS, EVENT_FIELDS


def _csv(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_commitments_csv_says_only_what_the_sources_say(
    client: FlaskClient, seeds: DemoReport
) -> None:
    rows = {r["regency_slug"]: r for r in _csv(client, "/data/komitmen.csv")}
    assert set(rows) == {"solok-selatan", "barito-selatan", "paser"}
    solsel = rows["solok-selatan"]
    assert (solsel["kind"], solsel["signed_on"], solsel["target_state"]) == (
        "regency_pact",
        "2023-02-07",
        "awaiting",
    )
    paser = rows["paser"]
    assert (paser["signed_on"], paser["signed_year"], paser["target_state"]) == ("", "2024", "")
    assert all(r["source"] and r["is_demo"] == "false" for r in rows.values())
    assert list(rows["paser"]) == [f.name for f in COMMITMENT_FIELDS]
    only = _csv(client, "/data/komitmen.csv?regency=paser&year=2024")
    assert [r["regency_slug"] for r in only] == ["paser"]
    assert _csv(client, "/data/komitmen.csv?year=2019") == []


def test_events_csv_and_xlsx(client: FlaskClient, seeds: DemoReport) -> None:
    rows = _csv(client, "/data/kegiatan.csv?regency=bangka-barat")
    assert [(r["kind"], r["happened_on"], r["happened_year"]) for r in rows] == [
        ("mentoring", "2021-06-03", "2021"),
        ("coordination", "", ""),
    ]
    assert list(rows[0]) == [f.name for f in EVENT_FIELDS]
    response = client.get("/data/kegiatan.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == [f.name for f in EVENT_FIELDS]


def test_a_status_filter_is_refused_for_commitments(client: FlaskClient, seeds: DemoReport) -> None:
    assert client.get("/data/komitmen.csv?status=overdue").status_code == 400


def test_the_data_dictionary_documents_both_datasets(client: FlaskClient) -> None:
    html = read_page(client, "/data")
    for stem, fields in (("komitmen", COMMITMENT_FIELDS), ("kegiatan", EVENT_FIELDS)):
        section = re.search(rf'data-dataset="{stem}">(.*?)</section>', html, re.S)
        assert section, stem
        for f in fields:
            assert f"<code>{f.name}</code>" in section.group(1), (stem, f.name)
    assert "/komitmen.atom" in html


def test_the_feeds_carry_commitments_and_events_without_an_invented_hour(
    client: FlaskClient, seeds: DemoReport
) -> None:
    response = client.get("/komitmen.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    xml = response.get_data(as_text=True)
    assert xml.count("<entry>") == 5
    assert "/komitmen/" in xml and "#kegiatan" in xml
    assert "tanggal tidak tercatat" in xml
    assert "DEMO" not in xml  # every seed case is real
    one = client.get("/kabupaten/bangka-barat/komitmen.atom").get_data(as_text=True)
    assert one.count("<entry>") == 2 and "3 Jun 2021" in one
    assert client.get("/kabupaten/atlantis/komitmen.atom").status_code == 404
