"""The public home page: every pact with its deadline and status, in Indonesian first."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.pages import read_page
from tracker.demo.services import DemoReport


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-pact-id="\d+">(.*?)</tr>', html, flags=re.S)


def test_home_lists_every_pact_with_agency_signatory_dates_and_status(
    client: FlaskClient, demo: DemoReport
) -> None:
    html = read_page(client, "/")
    assert '<html lang="id">' in html
    rows = _rows(html)
    assert len(rows) == 17
    muslimin = next(r for r in rows if "Muslimin" in r)
    assert "Kabupaten Sumbawa Barat" in muslimin
    assert "Nakertrans" in muslimin
    assert "8 Jan 2019" in muslimin
    # The article reports no outcome: no countdown, never "due soon" or overdue.
    assert "sisa" not in muslimin and "lewat" not in muslimin
    assert 'data-status="not_recorded"' in muslimin
    assert "Hasil tidak tercatat" in muslimin


def test_invented_records_carry_a_visible_demo_flag(client: FlaskClient, demo: DemoReport) -> None:
    rows = _rows(client.get("/").get_data(as_text=True))
    flagged = [r for r in rows if 'class="badge demo"' in r]
    assert len(flagged) == 10
    assert not any('class="badge demo"' in r for r in rows if "Sumbawa Barat" in r)


def test_filter_by_regency_and_status(client: FlaskClient, demo: DemoReport) -> None:
    html = client.get("/?regency=sumbawa-barat").get_data(as_text=True)
    assert len(_rows(html)) == 7
    html = client.get("/?status=withdrawn").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 1 and 'data-status="withdrawn"' in rows[0]
    html = client.get("/?regency=sumbawa-barat&status=overdue").get_data(as_text=True)
    assert _rows(html) == []
    assert "Tidak ada pakta" in html


def test_unknown_filter_value_is_explained_beside_the_field(
    client: FlaskClient, demo: DemoReport
) -> None:
    response = client.get("/?status=late")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="field-error"' in html
    assert _rows(html) == []


def test_english_on_request_with_a_visible_switch(client: FlaskClient, demo: DemoReport) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/?lang=en"' in html
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Integrity pacts" in english and "Due soon" in english
    # The choice sticks for the next page.
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in client.get("/?lang=id").get_data(as_text=True)


def test_no_cookie_for_a_visitor_who_does_not_change_language(
    client: FlaskClient, demo: DemoReport
) -> None:
    response = client.get("/")
    assert "Set-Cookie" not in response.headers


def test_extended_deadline_shows_the_original_struck_through(
    client: FlaskClient, demo: DemoReport
) -> None:
    rows = _rows(client.get("/?regency=paser").get_data(as_text=True))
    extended = [r for r in rows if "<del" in r]
    assert len(extended) == 1


def test_pages_of_fifty(client: FlaskClient, session: Session, now) -> None:
    regency = make_regency(session, now=now, slug="kab-banyak")
    agency = make_agency(session, regency=regency, now=now)
    for _ in range(55):
        make_pact(session, agency=agency, now=now, signed_on=None, findings=0)
    first = client.get("/?regency=kab-banyak").get_data(as_text=True)
    second = client.get("/?regency=kab-banyak&page=2").get_data(as_text=True)
    assert len(_rows(first)) == 50 and len(_rows(second)) == 5
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_pact_page_shows_pledge_and_findings(client: FlaskClient, demo: DemoReport) -> None:
    html = client.get("/?regency=sumbawa-barat").get_data(as_text=True)
    # The first pact of the filtered table (the home page also lists the nearest deadlines).
    pact_id = re.search(r'href="/pakta/(\d+)"', _rows(html)[0]).group(1)  # type: ignore[union-attr]
    page = client.get(f"/pakta/{pact_id}").get_data(as_text=True)
    assert "tiga bulan" in page
    # The article's notes are the regency's, "in general": the pact lists no findings.
    assert page.count("data-finding-id") == 0
    html = client.get("/?regency=paser&status=on_track").get_data(as_text=True)
    pact_id = re.search(r'href="/pakta/(\d+)"', _rows(html)[0]).group(1)  # type: ignore[union-attr]
    page = client.get(f"/pakta/{pact_id}").get_data(as_text=True)
    assert page.count("data-finding-id") == 3


def test_unknown_page_is_a_404_in_the_layout(client: FlaskClient) -> None:
    for url in ("/tidak-ada", "/pakta/999999"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "Pantau Pakta" in html and 'class="lang-switch"' in html


def test_bad_page_number_is_a_400_not_a_500(client: FlaskClient, demo: DemoReport) -> None:
    assert client.get("/?page=abc").status_code == 400
    assert client.get("/?page=0").status_code == 400


def test_a_page_number_in_other_digits_is_a_400_that_says_why(
    client: FlaskClient, demo: DemoReport
) -> None:
    # "²" and "٣" are digits to str.isdigit() but no page number; 5,000 digits are past int().
    for page in ("²", "٣", "1" * 5000):
        response = client.get(f"/?page={page}&lang=en")
        assert response.status_code == 400, page
        assert "page must be a whole number from 1 to 10000" in response.get_data(as_text=True)
