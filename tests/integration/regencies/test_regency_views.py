"""A superadmin adds regencies, each with the time zone its dates are kept in."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.office import Office
from tests.integration.pages import client_of, error_beside, in_indonesian, post_form, refused_page
from tracker.regencies.models import Regency


def _post(client: FlaskClient, **fields: str) -> TestResponse:
    return post_form(client, "/staf/kabupaten/baru", fields)


def test_superadmin_adds_a_regency_in_one_of_indonesias_zones(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.superadmin)
    form = client.get("/staf/kabupaten/baru").get_data(as_text=True)
    zone_select = form[form.index('<select id="timezone"') : form.index("</select>")]
    for zone in ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"):
        assert f'value="{zone}"' in zone_select
    response = _post(
        client,
        name="Kabupaten Sumbawa Barat",
        slug="sumbawa-barat",
        province="Nusa Tenggara Barat",
        timezone="Asia/Makassar",
    )
    assert response.status_code == 302
    listing = client.get("/staf/kabupaten/").get_data(as_text=True)
    assert "Kabupaten Sumbawa Barat" in listing
    regency = session.execute(select(Regency).where(Regency.slug == "sumbawa-barat")).scalar_one()
    assert regency.timezone == "Asia/Makassar"


def test_another_iana_zone_may_be_typed(app: Flask, session: Session, office: Office) -> None:
    client = client_of(app, office.superadmin)
    response = _post(
        client,
        name="Kota Contoh",
        slug="kota-contoh",
        province="Provinsi Contoh",
        timezone="other",
        other_timezone="Asia/Dili",
    )
    assert response.status_code == 302
    regency = session.execute(select(Regency).where(Regency.slug == "kota-contoh")).scalar_one()
    assert regency.timezone == "Asia/Dili"


def test_an_unknown_zone_and_a_taken_slug_are_explained_beside_their_fields(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.superadmin)
    fields = {"name": "Kabupaten Baru", "slug": office.x.slug, "province": "Provinsi Baru",
              "timezone": "other", "other_timezone": "Asia/Atlantis"}  # fmt: skip
    page = refused_page(session, (Regency,), 422, lambda: _post(client, **fields))
    assert '<html lang="id">' in page
    assert error_beside(page, "other_timezone") == in_indonesian(
        app, "an IANA time zone such as Asia/Makassar"
    )
    assert error_beside(page, "slug") == in_indonesian(app, "already used by another regency")


def test_an_admin_cannot_add_a_regency(app: Flask, session: Session, office: Office) -> None:
    client = client_of(app, office.admin_x)
    data = {"name": "Kabupaten Lain", "slug": "kabupaten-lain", "province": "Provinsi Lain",
            "timezone": "Asia/Jakarta"}  # fmt: skip
    # The token comes from a page the admin may open: the refusal is the route's, not CSRF's.
    form, url = "/staf/akun/token", "/staf/kabupaten/baru"
    refused_page(session, (Regency,), 403, lambda: post_form(client, url, data, form=form))
