"""The regent's office lists its agencies, records new ones and names the head of each."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.builders import make_pact
from tests.integration.auth_helpers import form_token
from tests.integration.office import Office
from tests.integration.pages import client_of, error_beside, in_indonesian, post_form, refused_page
from tracker.agencies.models import AGENCY_KINDS, Agency
from tracker.audit.models import AuditEvent

NEW = "/staf/daftar-opd/baru"


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


def _add(client: FlaskClient, name: str, slug: str) -> TestResponse:
    return post_form(client, NEW, {"name": name, "slug": slug, "kind": "dinas"})


def test_bad_agency_fields_are_explained_beside_each_field_in_indonesian(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    page = refused_page(session, (Agency,), 400, lambda: _add(client, "", "Dinas Sosial!"))
    assert error_beside(page, "name") == in_indonesian(app, "This field is required.")
    # The form is fine but the service refuses the slug: its reason shows beside the slug.
    page = refused_page(session, (Agency,), 422, lambda: _add(client, "Dinas Sosial", "dinsos"))
    assert error_beside(page, "slug") == in_indonesian(
        app, "already used by another agency of this regency"
    )
    assert error_beside(page, "name") is None


def test_the_same_slug_may_be_used_in_another_regency(
    app: Flask, session: Session, office: Office
) -> None:
    response = _add(client_of(app, office.admin_y), "Dinas Sosial", "dinsos")
    assert response.status_code == 302
    assert session.execute(
        select(Agency.regency_id).where(Agency.slug == "dinsos").order_by(Agency.regency_id)
    ).scalars().all() == sorted([office.x.id, office.y.id])


def test_without_a_csrf_token_no_agency_is_recorded(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    data = {"name": "Dinas Baru", "slug": "dinas-baru", "kind": "dinas"}
    refused_page(session, (Agency,), 400, lambda: client.post(NEW, data=data))


def test_observer_reads_the_regency_agencies_only_and_cannot_add_one(
    app: Flask, office: Office
) -> None:
    page = client_of(app, office.observer_x).get("/staf/daftar-opd/").get_data(as_text=True)
    assert office.a.name in page and office.b.name in page
    assert office.c.name not in page
    assert "/staf/daftar-opd/baru" not in page


def test_superadmin_sees_the_agencies_of_every_regency_with_their_regency(
    app: Flask, office: Office
) -> None:
    page = client_of(app, office.superadmin).get("/staf/daftar-opd/").get_data(as_text=True)
    for agency, regency in (
        (office.a, office.x),
        (office.c, office.y),
    ):
        row = page.split(f'data-agency-id="{agency.id}"', 1)[1].split("</tr>", 1)[0]
        assert agency.name in row and regency.name in row


# --- agency heads --------------------------------------------------------------------------


def test_admin_records_an_agency_with_its_head_and_changes_the_head_later(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    response = post_form(
        client,
        NEW,
        {
            "name": "Dinas Perhubungan",
            "slug": "dishub",
            "kind": "dinas",
            "head_name": "Kepala Dishub",
            "head_email": "Kepala.Dishub@Kab-X.example",
        },
    )
    assert response.status_code == 302
    agency = session.execute(select(Agency).where(Agency.slug == "dishub")).scalar_one()
    assert (agency.head_name, agency.head_email) == ("Kepala Dishub", "kepala.dishub@kab-x.example")
    listing = client.get("/staf/daftar-opd/").get_data(as_text=True)
    assert "kepala.dishub@kab-x.example" in listing
    edit = f"/staf/daftar-opd/{agency.id}/ubah"
    assert f'href="{edit}"' in listing
    head = {"head_name": "Kepala Baru", "head_email": "baru@kab-x.example"}
    response = post_form(client, edit, {"name": "Dinas Perhubungan", "kind": "dinas", **head})
    assert response.status_code == 302
    session.expire_all()
    agency = session.get_one(Agency, agency.id)
    assert (agency.head_name, agency.head_email, agency.slug) == (
        "Kepala Baru",
        "baru@kab-x.example",
        "dishub",
    )
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "agency.changed")
    ).scalar_one()
    assert event.changes and event.changes["head_email"]["to"] == "baru@kab-x.example"


def test_a_bad_head_email_is_refused_beside_the_field(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    edit = f"/staf/daftar-opd/{office.a.id}/ubah"
    head = {"head_name": "Kepala", "head_email": "kepala-at-dinsos"}
    response = post_form(client, edit, {"name": "Dinas Sosial", "kind": "dinas", **head})
    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "head_email") == in_indonesian(
        app, "not an email address"
    )
    session.expire_all()
    assert session.get_one(Agency, office.a.id).head_email is None


def test_agency_heads_are_private_to_staff(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    agency = session.get_one(Agency, office.a.id)
    agency.head_name, agency.head_email = "Kepala Rahasia", "kepala.rahasia@kab-x.example"
    pact = make_pact(session, agency=agency, now=now, signed_on=now.date())
    session.commit()
    public = app.test_client()
    for url in ("/", f"/pakta/{pact.id}", "/api/v1/agencies", f"/api/v1/pacts/{pact.id}"):
        assert "kepala.rahasia@kab-x.example" not in public.get(url).get_data(as_text=True), url


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin_y", 404), ("observer_x", 403), ("opd_a", 403), ("superadmin", 403)],
)
def test_only_the_regencys_admin_changes_its_agencies(
    app: Flask, office: Office, persona: str, status: int
) -> None:
    client = client_of(app, office.user(persona))
    assert client.get(f"/staf/daftar-opd/{office.a.id}/ubah").status_code == status
    assert client.get("/staf/daftar-opd/2147483648/ubah").status_code == 404
