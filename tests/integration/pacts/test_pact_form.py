"""The regent's office records a pact through the form and reads it back with its timeline."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.office import Office
from tests.integration.pages import client_of, error_beside, in_indonesian, post_form, refused_page
from tracker.audit.models import AuditEvent
from tracker.findings.models import Finding
from tracker.pacts.models import Pact

# The tables a refused pact form must leave as they were.
TABLES = (Pact, Finding, AuditEvent)


def _record(client: FlaskClient, office: Office, **fields: str) -> TestResponse:
    data = {
        "agency_id": str(office.a.id),
        "signatory_name": "Hj. Nurhayati",
        "signatory_title": "Kepala Dinas Sosial",
        "signed_on": "2019-01-08",
        "period_months": "3",
        "witnesses": "Bupati, Sekda, Ombudsman NTB, wartawan",
        "pledge": "Memperbaiki semua temuan dalam tiga bulan atau mengundurkan diri.",
        "sanction": "Mengundurkan diri",
        "findings-0-code": "IN-FAC-PLAY",
        "findings-1-title": "SOP pelayanan tidak dipajang",
        "findings-1-category": "process",
        "findings-1-description": "Alur layanan belum ditempel di ruang tunggu.",
        **fields,
    }
    return post_form(client, "/staf/pakta/baru", data)


def _timeline(page: str) -> list[tuple[str, str]]:
    """The (action key, text) of each timeline entry, oldest first."""
    section = page.split('id="timeline"', 1)[1]
    return [
        (action, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", body)).strip())
        for action, body in re.findall(r'<li data-action="([^"]+)">(.*?)</li>', section, re.S)
    ]


def test_a_recorded_pact_shows_both_findings_and_a_timeline_in_the_regency_time(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    response = _record(client, office)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-success"' in page
    # The catalogue pick is titled in the page's language; the free one as written.
    assert in_indonesian(app, "No children's play corner") in page
    assert "SOP pelayanan tidak dipajang" in page
    assert "8 Apr 2019" in page  # 8 January + 3 months
    entries = dict(_timeline(page))
    assert sorted(action for action, _ in _timeline(page)) == [
        "finding.recorded",
        "finding.recorded",
        "pact.recorded",
    ]
    recorded = entries["pact.recorded"]
    assert in_indonesian(app, "Pact recorded") in recorded
    assert office.admin_x.name in recorded
    assert "09.00" in recorded or "09:00" in recorded  # 25 March 09:00 WITA, not UTC's 01:00
    assert in_indonesian(app, "Finding recorded") in entries["finding.recorded"]
    pact = session.execute(select(Pact).order_by(Pact.id.desc())).scalars().first()
    assert pact is not None
    assert sorted((f.code or "", f.category.value) for f in pact.findings) == [
        ("", "process"),
        ("IN-FAC-PLAY", "input"),
    ]
    for finding in pact.findings:
        assert f'href="/staf/temuan/{finding.id}"' in page


def test_the_form_refuses_missing_fields_beside_each_one_in_indonesian(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    missing = {"signatory_title": "", "pledge": "", "period_months": "0"}
    page = refused_page(session, TABLES, 400, lambda: _record(client, office, **missing))
    required = in_indonesian(app, "This field is required.")
    assert error_beside(page, "signatory_title") == required
    assert error_beside(page, "pledge") == required
    assert error_beside(page, "period_months") is not None
    assert error_beside(page, "signatory_name") is None


def test_the_rules_refusals_land_beside_the_field_and_the_finding_row_they_concern(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    # Row 1 left blank (ignored), row 2 written freely without a dimension.
    rows = {
        "findings-1-title": "",
        "findings-1-category": "",
        "findings-1-description": "",
        "findings-2-title": "Tidak ada kanal pengaduan",
    }
    tomorrow = "2019-03-26"  # in Sumbawa Barat
    page = refused_page(
        session, TABLES, 422, lambda: _record(client, office, signed_on=tomorrow, **rows)
    )
    assert error_beside(page, "signed_on") == in_indonesian(
        app, "a signing date cannot be in the future"
    )
    assert error_beside(page, "findings-2-category") is not None
    assert error_beside(page, "findings-1-category") is None
    assert error_beside(page, "findings-0-category") is None
    # What was typed is kept for the correction.
    assert 'value="Tidak ada kanal pengaduan"' in page


def test_an_extension_before_the_current_deadline_is_explained_with_that_deadline(
    app: Flask, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    url = _record(client, office).headers["Location"]
    response = post_form(
        client,
        f"{url}/perpanjang",
        {"new_deadline": "2019-04-01", "reason": "Anggaran terlambat"},
        form=url,
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = error_beside(page, "new_deadline")
    assert error is not None and "2019" in error
    assert 'value="Anggaran terlambat"' in page or "Anggaran terlambat</textarea>" in page


def test_a_withdrawal_without_a_reason_is_explained_and_changes_nothing(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    url = _record(client, office).headers["Location"]
    response = post_form(client, f"{url}/batalkan", {"reason": "  "}, form=url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_beside(page, "reason") is not None
    pact = session.execute(select(Pact).order_by(Pact.id.desc())).scalars().first()
    assert pact is not None and pact.withdrawn_at is None
    public = client.get(url.replace("/staf/pakta/", "/pakta/")).get_data(as_text=True)
    assert 'data-status="withdrawn"' not in public
