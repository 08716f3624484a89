"""The regent's office records, extends and withdraws pacts through the staff pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.builders import jpeg, png
from tests.integration.auth_helpers import form_token, login
from tests.integration.office import Office
from tests.integration.pages import client_of, post_form, read_page, refused_page, rows_unchanged
from tracker.findings.models import Finding
from tracker.pacts.models import Pact

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _record(client: FlaskClient, office: Office, **extra: object) -> TestResponse:
    html = read_page(client, "/staf/pakta/baru")
    data: dict[str, object] = {
        "csrf_token": form_token(html),
        "agency_id": str(office.a.id),
        "signatory_name": "Hj. Contoh",
        "signatory_title": "Kepala Dinas Sosial",
        "signed_on": "2019-03-01",
        "period_months": "3",
        "witnesses": "Bupati, Sekda, wartawan",
        "pledge": "Memperbaiki semua temuan dalam tiga bulan.",
        "sanction": "Mengundurkan diri",
        "findings-0-code": "IN-FAC-PLAY",
        "findings-1-title": "Papan informasi layanan belum ada",
        "findings-1-category": "process",
    }
    data.update(extra)
    return client.post("/staf/pakta/baru", data=data, content_type="multipart/form-data")


def test_admin_records_a_pact_with_a_catalogue_finding_and_a_free_one(
    client: FlaskClient, session: Session, office: Office
) -> None:
    login(client, office.admin_x)
    response = _record(client, office)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Papan informasi layanan belum ada" in page
    # The catalogue pick filled the title in Indonesian.
    assert "Belum ada pojok bermain anak" in page
    assert "1 Jun 2019" in page  # 1 March + 3 months
    assert 'data-action="pact.recorded"' in page
    assert page.count('data-action="finding.recorded"') == 2
    pact = session.execute(select(Pact).order_by(Pact.id.desc())).scalars().first()
    assert pact is not None
    assert {f.code for f in pact.findings} == {"IN-FAC-PLAY", None}


def test_bad_fields_are_explained_beside_each_field_and_nothing_is_stored(
    client: FlaskClient, session: Session, office: Office
) -> None:
    login(client, office.admin_x)
    bad = {"signatory_title": "", "pledge": "", "period_months": "99", "signed_on": "2030-01-01"}
    with rows_unchanged(session, Pact, Finding):
        response = _record(client, office, **bad, **{"findings-1-category": ""})
    assert response.status_code in (400, 422)
    html = response.get_data(as_text=True)
    assert html.count('class="field-error"') >= 3


def test_a_future_signing_date_is_refused_by_the_rules(
    client: FlaskClient, session: Session, office: Office
) -> None:
    login(client, office.admin_x)
    response = _record(client, office, signed_on="2030-01-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="signed_on-error"' in html
    assert "tidak boleh melewati hari ini" in html


def test_without_a_csrf_token_nothing_is_recorded(
    client: FlaskClient, session: Session, office: Office
) -> None:
    login(client, office.admin_x)
    refused_page(session, (Pact,), 400, lambda: _record(client, office, csrf_token=""))


def test_the_scan_is_a_pdf_download_for_those_who_may_read_the_pact(
    client: FlaskClient, app: Flask, office: Office
) -> None:
    from io import BytesIO

    login(client, office.admin_x)
    response = _record(client, office, scan=(BytesIO(PDF), "../../pakta.pdf"))
    assert response.status_code == 302
    pact_url = response.headers["Location"]
    pact_id = pact_url.rstrip("/").split("/")[-1]
    download = client.get(f"/staf/pakta/{pact_id}/pindaian")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data == PDF
    download.close()
    assert client_of(app, office.opd_b).get(f"/staf/pakta/{pact_id}/pindaian").status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<html>nope</html>", id="html"),
        # A photo of the signed paper is evidence, not the scan: the scan is a PDF.
        pytest.param(png(), id="png-named-pdf"),
        pytest.param(jpeg(), id="jpeg-named-pdf"),
    ],
)
def test_a_scan_that_is_not_a_pdf_is_refused_beside_the_field(
    client: FlaskClient, session: Session, office: Office, content: bytes
) -> None:
    from io import BytesIO

    login(client, office.admin_x)
    scan = (BytesIO(content), "pakta.pdf")
    page = refused_page(session, (Pact,), 422, lambda: _record(client, office, scan=scan))
    assert 'id="scan-error"' in page


def _pact_id(client: FlaskClient, office: Office) -> str:
    """Log in as the admin of X and record a pact through the form; return its id."""
    login(client, office.admin_x)
    response = _record(client, office)
    return response.headers["Location"].rstrip("/").split("/")[-1]


def test_extending_to_an_earlier_date_is_explained_and_a_later_one_is_shown(
    client: FlaskClient, office: Office
) -> None:
    pact_id = _pact_id(client, office)
    url, extend = f"/staf/pakta/{pact_id}", f"/staf/pakta/{pact_id}/perpanjang"
    early = post_form(
        client, extend, {"new_deadline": "2019-05-01", "reason": "Anggaran"}, form=url
    )
    assert early.status_code == 422
    assert 'id="new_deadline-error"' in early.get_data(as_text=True)
    later = post_form(
        client, extend, {"new_deadline": "2019-07-01", "reason": "Menunggu anggaran"}, form=url
    )
    assert later.status_code == 302
    page = client.get(f"/staf/pakta/{pact_id}").get_data(as_text=True)
    assert "<del" in page and "1 Jul 2019" in page
    assert "Menunggu anggaran" in page
    assert 'data-action="pact.extended"' in page


def test_withdrawal_needs_a_reason_and_then_shows_on_the_public_page(
    client: FlaskClient, office: Office
) -> None:
    pact_id = _pact_id(client, office)
    url, withdraw = f"/staf/pakta/{pact_id}", f"/staf/pakta/{pact_id}/batalkan"
    empty = post_form(client, withdraw, {"reason": ""}, form=url)
    assert empty.status_code == 422
    assert 'id="reason-error"' in empty.get_data(as_text=True)
    unconfirmed = post_form(client, withdraw, {"reason": "OPD digabung"}, form=url)
    assert unconfirmed.status_code == 422
    assert "Centang kotak untuk memastikan pembatalan." in unconfirmed.get_data(as_text=True)
    done = post_form(client, withdraw, {"reason": "OPD digabung", "confirm": "y"}, form=url)
    assert done.status_code == 302
    public = client.get(f"/pakta/{pact_id}").get_data(as_text=True)
    assert 'data-status="withdrawn"' in public
    assert "OPD digabung" in public


def test_observer_reads_the_pact_but_gets_no_forms_and_cannot_change_it(
    app: Flask, client: FlaskClient, office: Office
) -> None:
    pact_id = _pact_id(client, office)
    observer = client_of(app, office.observer_x)
    page = read_page(observer, f"/staf/pakta/{pact_id}")
    assert "/perpanjang" not in page and "/batalkan" not in page
    token = form_token(page)
    response = observer.post(
        f"/staf/pakta/{pact_id}/batalkan", data={"csrf_token": token, "reason": "x"}
    )
    assert response.status_code == 403
    assert observer.get("/staf/pakta/baru").status_code == 403


def test_other_agencies_and_regencies_do_not_see_the_pact(
    app: Flask, client: FlaskClient, office: Office
) -> None:
    pact_id = _pact_id(client, office)
    for user in (office.opd_b, office.admin_y):
        assert client_of(app, user).get(f"/staf/pakta/{pact_id}").status_code == 404
    own = client_of(app, office.opd_a)
    assert own.get(f"/staf/pakta/{pact_id}").status_code == 200
    listing = own.get("/staf/pakta/").get_data(as_text=True)
    assert f'data-pact-id="{pact_id}"' in listing


def test_the_language_switch_on_a_form_with_errors_leads_to_a_page_that_exists(
    client: FlaskClient, office: Office
) -> None:
    import re

    pact_id = _pact_id(client, office)
    response = post_form(
        client,
        f"/staf/pakta/{pact_id}/perpanjang",
        {"new_deadline": "", "reason": ""},
        form=f"/staf/pakta/{pact_id}",
        headers={"Referer": f"http://localhost/staf/pakta/{pact_id}"},
    )
    assert response.status_code == 422
    link = re.search(r'href="([^"]+)" lang="en"', response.get_data(as_text=True))
    assert link is not None
    assert link.group(1).startswith(f"/staf/pakta/{pact_id}?")
    assert client.get(link.group(1).replace("&amp;", "&")).status_code == 200
