"""The /data page documents every dataset, its fields and filters, and how to cite it."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.opendata.conftest import DataWorld
from tracker.opendata.exports import FINDING_FIELDS, PACT_FIELDS


def test_the_data_page_documents_every_dataset_field_and_filter(
    client: FlaskClient, world: DataWorld
) -> None:
    response = client.get("/data?lang=en")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    for field in (*PACT_FIELDS, *FINDING_FIELDS):
        assert f"<code>{field.name}</code>" in page, field.name
    for url in (
        "/data/pakta.csv",
        "/data/pakta.xlsx",
        "/data/temuan.csv",
        "/data/temuan.xlsx",
        "/feed.atom",
        "/kabupaten/kab-data-x/feed.atom",
        "/kabupaten/kab-data-y/tenggat.ics",
        "/data/snapshot",
    ):
        assert f'href="{url}"' in page, url
    for value in ("kab-data-x", "due_soon", "fulfilled_late", "in_progress", "year"):
        assert f"<code>{value}</code>" in page, value
    assert "utf-8-sig" in page
    assert "CC BY 4.0" in page
    assert "No weekly snapshot has been taken yet" in page


def test_the_data_page_sets_no_cookie_and_answers_304(
    client: FlaskClient, world: DataWorld
) -> None:
    first = client.get("/data")
    again = client.get("/data", headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers
    assert again.status_code == 304
