"""The regent's office lists its agencies and records new ones."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import form_token
from tests.integration.staff_admin.conftest import (
    Office,
    client_of,
    count_rows,
    error_beside,
    in_indonesian,
)
from tracker.agencies.models import AGENCY_KINDS, Agency
from tracker.audit.models import AuditEvent


def test_admin_records_an_agency_of_its_regency_and_finds_it_in_the_list(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    form = client.get("/staf/daftar-opd/baru").get_data(as_text=True)
    # The suggested kinds are offered, but any kind may be typed.
    assert all(f'<option value="{kind}">' in form for kind in AGENCY_KINDS)
    response = client.post(
        "/staf/daftar-opd/baru",
        data={
            "csrf_token": form_token(form),
            "name": "Puskesmas Seteluk",
            "slug": "puskesmas-seteluk",
            "kind": "Puskesmas Rawat Inap",
        },
    )
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Puskesmas Seteluk" in listing
    assert 'class="flash flash-success"' in listing
    agency = session.execute(select(Agency).where(Agency.slug == "puskesmas-seteluk")).scalar_one()
    assert (agency.regency_id, agency.kind) == (office.x.id, "puskesmas rawat inap")
    assert session.execute(
        select(AuditEvent).where(AuditEvent.action == "agency.created")
    ).scalar_one()


def test_bad_agency_fields_are_explained_beside_each_field_in_indonesian(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    before = count_rows(session, Agency)
    token = form_token(client.get("/staf/daftar-opd/baru").get_data(as_text=True))
    response = client.post(
        "/staf/daftar-opd/baru",
        data={"csrf_token": token, "name": "", "slug": "Dinas Sosial!", "kind": "dinas"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_beside(page, "name") == in_indonesian(app, "This field is required.")
    assert count_rows(session, Agency) == before
    # The form is fine but the service refuses the slug: its reason shows beside the slug.
    response = client.post(
        "/staf/daftar-opd/baru",
        data={"csrf_token": token, "name": "Dinas Sosial", "slug": "dinsos", "kind": "dinas"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_beside(page, "slug") == in_indonesian(
        app, "already used by another agency of this regency"
    )
    assert error_beside(page, "name") is None
    assert count_rows(session, Agency) == before


def test_the_same_slug_may_be_used_in_another_regency(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_y)
    token = form_token(client.get("/staf/daftar-opd/baru").get_data(as_text=True))
    response = client.post(
        "/staf/daftar-opd/baru",
        data={"csrf_token": token, "name": "Dinas Sosial", "slug": "dinsos", "kind": "dinas"},
    )
    assert response.status_code == 302
    assert session.execute(
        select(Agency.regency_id).where(Agency.slug == "dinsos").order_by(Agency.regency_id)
    ).scalars().all() == sorted([office.x.id, office.y.id])


def test_without_a_csrf_token_no_agency_is_recorded(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    before = count_rows(session, Agency)
    response = client.post(
        "/staf/daftar-opd/baru", data={"name": "Dinas Baru", "slug": "dinas-baru", "kind": "dinas"}
    )
    assert response.status_code == 400
    assert count_rows(session, Agency) == before


def test_observer_reads_the_regency_agencies_only_and_cannot_add_one(
    app: Flask, office: Office
) -> None:
    page = client_of(app, office.observer_x).get("/staf/daftar-opd/").get_data(as_text=True)
    assert office.agency_a.name in page and office.agency_b.name in page
    assert office.agency_c.name not in page
    assert "/staf/daftar-opd/baru" not in page


def test_superadmin_sees_the_agencies_of_every_regency_with_their_regency(
    app: Flask, office: Office
) -> None:
    page = client_of(app, office.superadmin).get("/staf/daftar-opd/").get_data(as_text=True)
    for agency, regency in (
        (office.agency_a, office.x),
        (office.agency_c, office.y),
    ):
        row = page.split(f'data-agency-id="{agency.id}"', 1)[1].split("</tr>", 1)[0]
        assert agency.name in row and regency.name in row
