"""The regent's office records, extends and withdraws pacts through the staff pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import form_token, login, make_user
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.findings.models import Finding
from tracker.pacts.models import Pact

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Office:
    agency: Agency
    other_agency: Agency
    admin: User
    observer: User
    opd: User
    opd_other: User
    admin_elsewhere: User


@pytest.fixture
def office(session: Session, now: datetime, app: Flask, tmp_path: Path) -> Iterator[Office]:
    x = make_regency(session, now=now, slug="kab-x")
    y = make_regency(session, now=now, slug="kab-y")
    a = make_agency(session, regency=x, now=now, slug="dinsos")
    b = make_agency(session, regency=x, now=now, slug="dukcapil")
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    yield Office(
        agency=a,
        other_agency=b,
        admin=make_user(session, role="admin", regency=x, now=now),
        observer=make_user(session, role="observer", regency=x, now=now),
        opd=make_user(session, role="opd", agency=a, now=now),
        opd_other=make_user(session, role="opd", agency=b, now=now),
        admin_elsewhere=make_user(session, role="admin", regency=y, now=now),
    )
    app.config["UPLOAD_FOLDER"] = None


def _count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _form(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _record(client: FlaskClient, office: Office, **extra: object) -> object:
    html = _form(client, "/staf/pakta/baru")
    data: dict[str, object] = {
        "csrf_token": form_token(html),
        "agency_id": str(office.agency.id),
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
    login(client, office.admin)
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
    login(client, office.admin)
    before = (_count(session, Pact), _count(session, Finding))
    response = _record(
        client,
        office,
        signatory_title="",
        pledge="",
        period_months="99",
        signed_on="2030-01-01",
        **{"findings-1-category": ""},
    )
    assert response.status_code in (400, 422)
    html = response.get_data(as_text=True)
    assert html.count('class="field-error"') >= 3
    assert (_count(session, Pact), _count(session, Finding)) == before


def test_a_future_signing_date_is_refused_by_the_rules(
    client: FlaskClient, session: Session, office: Office
) -> None:
    login(client, office.admin)
    response = _record(client, office, signed_on="2030-01-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="signed_on-error"' in html
    assert "tidak boleh melewati hari ini" in html


def test_without_a_csrf_token_nothing_is_recorded(
    client: FlaskClient, session: Session, office: Office
) -> None:
    login(client, office.admin)
    before = _count(session, Pact)
    response = _record(client, office, csrf_token="")
    assert response.status_code == 400
    assert _count(session, Pact) == before


def test_the_scan_is_a_pdf_download_for_those_who_may_read_the_pact(
    client: FlaskClient, app: Flask, office: Office
) -> None:
    from io import BytesIO

    login(client, office.admin)
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
    other = app.test_client()
    login(other, office.opd_other)
    assert other.get(f"/staf/pakta/{pact_id}/pindaian").status_code == 404


def test_a_scan_that_is_not_a_pdf_is_refused_beside_the_field(
    client: FlaskClient, session: Session, office: Office
) -> None:
    from io import BytesIO

    login(client, office.admin)
    before = _count(session, Pact)
    response = _record(client, office, scan=(BytesIO(b"<html>nope</html>"), "pakta.pdf"))
    assert response.status_code == 422
    assert 'id="scan-error"' in response.get_data(as_text=True)
    assert _count(session, Pact) == before


def _pact_id(client: FlaskClient, office: Office) -> str:
    response = _record(client, office)
    return response.headers["Location"].rstrip("/").split("/")[-1]


def test_extending_to_an_earlier_date_is_explained_and_a_later_one_is_shown(
    client: FlaskClient, office: Office
) -> None:
    login(client, office.admin)
    pact_id = _pact_id(client, office)
    token = form_token(_form(client, f"/staf/pakta/{pact_id}"))
    early = client.post(
        f"/staf/pakta/{pact_id}/perpanjang",
        data={"csrf_token": token, "new_deadline": "2019-05-01", "reason": "Anggaran"},
    )
    assert early.status_code == 422
    assert 'id="new_deadline-error"' in early.get_data(as_text=True)
    later = client.post(
        f"/staf/pakta/{pact_id}/perpanjang",
        data={"csrf_token": token, "new_deadline": "2019-07-01", "reason": "Menunggu anggaran"},
    )
    assert later.status_code == 302
    page = client.get(f"/staf/pakta/{pact_id}").get_data(as_text=True)
    assert "<del" in page and "1 Jul 2019" in page
    assert "Menunggu anggaran" in page
    assert 'data-action="pact.extended"' in page


def test_withdrawal_needs_a_reason_and_then_shows_on_the_public_page(
    client: FlaskClient, office: Office
) -> None:
    login(client, office.admin)
    pact_id = _pact_id(client, office)
    token = form_token(_form(client, f"/staf/pakta/{pact_id}"))
    empty = client.post(f"/staf/pakta/{pact_id}/batalkan", data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 422
    assert 'id="reason-error"' in empty.get_data(as_text=True)
    done = client.post(
        f"/staf/pakta/{pact_id}/batalkan",
        data={"csrf_token": token, "reason": "OPD digabung"},
    )
    assert done.status_code == 302
    public = client.get(f"/pakta/{pact_id}").get_data(as_text=True)
    assert 'data-status="withdrawn"' in public
    assert "OPD digabung" in public


def test_observer_reads_the_pact_but_gets_no_forms_and_cannot_change_it(
    app: Flask, client: FlaskClient, office: Office
) -> None:
    login(client, office.admin)
    pact_id = _pact_id(client, office)
    observer = app.test_client()
    login(observer, office.observer)
    page = _form(observer, f"/staf/pakta/{pact_id}")
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
    login(client, office.admin)
    pact_id = _pact_id(client, office)
    for user in (office.opd_other, office.admin_elsewhere):
        other = app.test_client()
        login(other, user)
        assert other.get(f"/staf/pakta/{pact_id}").status_code == 404
    own = app.test_client()
    login(own, office.opd)
    assert own.get(f"/staf/pakta/{pact_id}").status_code == 200
    listing = own.get("/staf/pakta/").get_data(as_text=True)
    assert f'data-pact-id="{pact_id}"' in listing


def test_the_language_switch_on_a_form_with_errors_leads_to_a_page_that_exists(
    client: FlaskClient, office: Office
) -> None:
    import re

    login(client, office.admin)
    pact_id = _pact_id(client, office)
    token = form_token(_form(client, f"/staf/pakta/{pact_id}"))
    response = client.post(
        f"/staf/pakta/{pact_id}/perpanjang",
        data={"csrf_token": token, "new_deadline": "", "reason": ""},
        headers={"Referer": f"http://localhost/staf/pakta/{pact_id}"},
    )
    assert response.status_code == 422
    link = re.search(r'href="([^"]+)" lang="en"', response.get_data(as_text=True))
    assert link is not None
    assert link.group(1).startswith(f"/staf/pakta/{pact_id}?")
    assert client.get(link.group(1).replace("&amp;", "&")).status_code == 200
