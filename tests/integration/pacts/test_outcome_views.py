"""The regent's office records the regent's decision from the pact's staff page ("Keputusan
Bupati"), corrects or clears it; a pact from the past may be recorded as "outcome not
recorded" from the new-pact form."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_pact, pdf, png
from tests.integration.auth_helpers import form_token, login
from tests.integration.office import Office
from tests.integration.pages import client_of, error_beside, read_page
from tracker.audit.models import AuditEvent
from tracker.pacts.models import Pact
from tracker.pacts.rules import PactOutcome


@pytest.fixture
def old_pact(session: Session, office: Office, now: datetime) -> Pact:
    pact = make_pact(session, agency=office.a, now=now, signed_on=date(2018, 6, 4))
    session.commit()
    return pact


def _decide(client: FlaskClient, pact: Pact, **data: object) -> object:
    url = f"/staf/pakta/{pact.id}"
    token = form_token(read_page(client, url))
    return client.post(
        url + "/keputusan",
        data={"csrf_token": token, **data},
        content_type="multipart/form-data",
    )


def test_the_admin_records_a_decision_with_its_document_and_the_page_shows_it(
    client: FlaskClient, session: Session, office: Office, old_pact: Pact
) -> None:
    login(client, office.admin_x)
    page = read_page(client, f"/staf/pakta/{old_pact.id}")
    assert "Keputusan Bupati" in page and "data-outcome-none" in page
    response = _decide(
        client, old_pact, kind="reprimand", decided_on="2019-03-20",
        note="Teguran tertulis dari Bupati", document=(BytesIO(pdf()), "sk.pdf"),
    )  # fmt: skip
    assert response.status_code == 302  # type: ignore[attr-defined]
    page = read_page(client, f"/staf/pakta/{old_pact.id}")
    assert 'data-status="decided"' in page
    assert "Teguran" in page and "20 Mar 2019" in page and "Teguran tertulis dari Bupati" in page
    assert f"/pakta/{old_pact.id}/keputusan.pdf" in page
    assert 'data-action="pact.outcome_recorded"' in page
    session.refresh(old_pact)
    assert old_pact.outcome is PactOutcome.REPRIMAND

    # A mistake: cleared, and the status is derived again.
    token = form_token(page)
    cleared = client.post(f"/staf/pakta/{old_pact.id}/keputusan/hapus", data={"csrf_token": token})
    assert cleared.status_code == 302
    page = read_page(client, f"/staf/pakta/{old_pact.id}")
    assert 'data-status="overdue"' in page and 'data-action="pact.outcome_cleared"' in page


def test_a_future_date_is_refused_beside_the_field(
    client: FlaskClient, session: Session, office: Office, old_pact: Pact
) -> None:
    login(client, office.admin_x)
    response = _decide(client, old_pact, kind="fulfilled", decided_on="2019-04-01")
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert error_beside(page, "decided_on")
    assert session.get(Pact, old_pact.id).outcome is None  # type: ignore[union-attr]


def test_a_photo_as_the_document_is_refused_beside_the_field(
    client: FlaskClient, session: Session, office: Office, old_pact: Pact
) -> None:
    login(client, office.admin_x)
    response = _decide(
        client, old_pact, kind="replaced", decided_on="2019-03-01",
        document=(BytesIO(png()), "sk.pdf"),
    )  # fmt: skip
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert error_beside(response.get_data(as_text=True), "document")  # type: ignore[attr-defined]


def test_not_recorded_and_extended_from_the_form(
    client: FlaskClient, session: Session, office: Office, old_pact: Pact, now: datetime
) -> None:
    login(client, office.admin_x)
    assert _decide(client, old_pact, kind="not_recorded").status_code == 302  # type: ignore[attr-defined]
    page = read_page(client, f"/staf/pakta/{old_pact.id}")
    assert "Hasil tidak tercatat: sumber tidak melaporkan bagaimana pakta ini berakhir" in page
    assert not re.search(r"melewati tenggat [\d.]+ hari", page)
    running = make_pact(session, agency=office.a, now=now, signed_on=date(2019, 3, 1))
    session.commit()
    refused = _decide(client, running, kind="not_recorded")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert error_beside(refused.get_data(as_text=True), "kind")  # type: ignore[attr-defined]
    extended = _decide(
        client, running, kind="extended", new_deadline="2019-07-15", reason="Menunggu APBD-P"
    )
    assert extended.status_code == 302  # type: ignore[attr-defined]
    session.refresh(running)
    assert running.deadline_on == date(2019, 7, 15) and running.outcome is None


@pytest.mark.parametrize(("persona", "status"), [("observer_x", 403), ("opd_a", 403)])
def test_observers_and_agency_staff_see_no_form_and_are_refused(
    app: Flask, session: Session, office: Office, old_pact: Pact, persona: str, status: int
) -> None:
    client = client_of(app, office.user(persona))
    page = read_page(client, f"/staf/pakta/{old_pact.id}")
    assert "Keputusan Bupati" in page and "/keputusan" not in page.split("Keputusan Bupati")[1]
    token = form_token(read_page(client, "/akun/kata-sandi"))
    before = session.query(AuditEvent).count()
    response = client.post(
        f"/staf/pakta/{old_pact.id}/keputusan",
        data={"csrf_token": token, "kind": "reprimand", "decided_on": "2019-03-01"},
    )
    assert response.status_code == status
    assert session.query(AuditEvent).count() == before


def test_the_new_pact_form_records_a_pact_from_the_past_as_not_recorded(
    client: FlaskClient, session: Session, office: Office
) -> None:
    login(client, office.admin_x)
    html = read_page(client, "/staf/pakta/baru")
    data = {
        "csrf_token": form_token(html),
        "agency_id": str(office.a.id),
        "signatory_title": "Kepala Dinas Sosial",
        "signed_on": "2018-06-04",
        "period_months": "3",
        "pledge": "Memperbaiki semua temuan dalam tiga bulan.",
        "outcome_not_recorded": "y",
    }
    response = client.post("/staf/pakta/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = read_page(client, response.headers["Location"])
    assert 'data-status="not_recorded"' in page
    # A running pact cannot be "not recorded": said beside the box, nothing stored.
    count = session.query(Pact).count()
    data["signed_on"] = "2019-03-01"
    refused = client.post("/staf/pakta/baru", data=data, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert error_beside(refused.get_data(as_text=True), "outcome_not_recorded")
    assert session.query(Pact).count() == count
