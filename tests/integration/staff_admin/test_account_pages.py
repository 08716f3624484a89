"""Superadmins and regency admins create staff accounts, each within their own reach."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import form_token, login
from tests.integration.staff_admin.conftest import (
    Office,
    client_of,
    count_rows,
    error_beside,
    in_indonesian,
)
from tracker.auth.models import User, UserRole

PASSWORD = "sandi-awal-OPD-2019"


def _create(client: FlaskClient, **fields: str) -> TestResponse:
    token = form_token(client.get("/staf/akun/baru").get_data(as_text=True))
    data = {"csrf_token": token, "name": "Siti Aminah", "password": PASSWORD, **fields}
    return client.post("/staf/akun/baru", data=data)


def test_admin_creates_an_agency_account_that_can_log_in(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    response = _create(
        client,
        email="siti@dinsos.go.id",
        role="opd",
        regency=office.x.slug,
        agency=str(office.agency_a.id),
    )
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "siti@dinsos.go.id" in listing
    user = session.execute(select(User).where(User.email == "siti@dinsos.go.id")).scalar_one()
    assert (user.role, user.regency_id, user.agency_id) == (
        UserRole.OPD,
        office.x.id,
        office.agency_a.id,
    )
    newcomer = app.test_client()
    login(newcomer, user, PASSWORD)
    assert newcomer.get("/staf/opd").status_code == 200


def test_admin_form_offers_only_its_own_regency_and_its_agencies(
    app: Flask, office: Office
) -> None:
    page = client_of(app, office.admin_x).get("/staf/akun/baru").get_data(as_text=True)
    assert f'value="{office.x.slug}"' in page and f'value="{office.y.slug}"' not in page
    assert f'value="{office.agency_a.id}"' in page
    assert f'value="{office.agency_c.id}"' not in page
    assert 'value="superadmin"' not in page


def test_admin_of_one_regency_cannot_create_an_account_in_another(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    before = count_rows(session, User)
    response = _create(client, email="orang@kab-y.go.id", role="admin", regency=office.y.slug)
    assert response.status_code == 403
    assert in_indonesian(app, "You may not create this account.") in response.get_data(as_text=True)
    assert count_rows(session, User) == before


def test_admin_cannot_create_a_superadmin(app: Flask, session: Session, office: Office) -> None:
    client = client_of(app, office.admin_x)
    before = count_rows(session, User)
    response = _create(client, email="super@kab-x.go.id", role="superadmin", regency="")
    assert response.status_code == 403
    assert count_rows(session, User) == before


def test_admin_cannot_attach_an_account_to_an_agency_of_another_regency(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    before = count_rows(session, User)
    response = _create(
        client,
        email="staf@dinkes.go.id",
        role="opd",
        regency=office.x.slug,
        agency=str(office.agency_c.id),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_beside(page, "agency") == in_indonesian(app, "unknown agency of this regency")
    assert count_rows(session, User) == before


def test_an_agency_value_in_other_digits_is_refused_beside_the_field(
    app: Flask, session: Session, office: Office
) -> None:
    # "²" is a digit to str.isdigit() but no id: refused like an unknown agency, not a 500.
    client = client_of(app, office.admin_x)
    before = count_rows(session, User)
    for value in ("²", "9" * 30):
        response = _create(
            client, email="staf@dinkes.go.id", role="opd", regency=office.x.slug, agency=value
        )
        assert response.status_code == 422, value
        page = response.get_data(as_text=True)
        assert error_beside(page, "agency") == in_indonesian(app, "unknown agency of this regency")
    assert count_rows(session, User) == before


def test_bad_account_fields_are_explained_beside_each_field_in_indonesian(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    before = count_rows(session, User)
    response = _create(
        client,
        email=office.opd_a.email,
        role="opd",
        regency=office.x.slug,
        agency="",
        password="pendek",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_beside(page, "email") == in_indonesian(app, "already has an account")
    assert error_beside(page, "agency") == in_indonesian(app, "an OPD account needs its agency")
    assert error_beside(page, "password") == in_indonesian(app, "at least %(n)s characters", n=10)
    assert error_beside(page, "name") is None
    assert count_rows(session, User) == before


def test_without_a_csrf_token_no_account_is_created(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    before = count_rows(session, User)
    response = client.post(
        "/staf/akun/baru",
        data={"name": "Tanpa Token", "email": "tanpa@kab-x.go.id", "role": "observer",
              "regency": office.x.slug, "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 400
    assert count_rows(session, User) == before


def test_superadmin_creates_the_first_admin_of_a_regency(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.superadmin)
    response = _create(client, email="admin@kab-y.go.id", role="admin", regency=office.y.slug)
    assert response.status_code == 302
    user = session.execute(select(User).where(User.email == "admin@kab-y.go.id")).scalar_one()
    assert (user.role, user.regency_id) == (UserRole.ADMIN, office.y.id)


def test_admin_lists_the_accounts_of_its_regency_only(app: Flask, office: Office) -> None:
    page = client_of(app, office.admin_x).get("/staf/akun/").get_data(as_text=True)
    for user in (office.admin_x, office.observer_x, office.opd_a, office.opd_b):
        assert user.email in page
    assert office.admin_y.email not in page
    assert office.superadmin.email not in page


def test_superadmin_lists_every_account_with_its_regency(app: Flask, office: Office) -> None:
    page = client_of(app, office.superadmin).get("/staf/akun/").get_data(as_text=True)
    row = page.split(f'data-user-id="{office.admin_y.id}"', 1)[1].split("</tr>", 1)[0]
    assert office.admin_y.email in row and office.y.name in row
    assert office.superadmin.email in page
