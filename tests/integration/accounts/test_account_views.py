"""Superadmins and regency admins create staff accounts, each within their own reach; everyone
chooses the language of their own notices."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import login
from tests.integration.office import Office
from tests.integration.pages import client_of, error_beside, in_indonesian, post_form, refused_page
from tracker.auth.models import User, UserRole

PASSWORD = "sandi-awal-OPD-2019"


def _create(client: FlaskClient, **fields: str) -> TestResponse:
    data = {"name": "Siti Aminah", "password": PASSWORD, **fields}
    return post_form(client, "/staf/akun/baru", data)


def test_admin_creates_an_agency_account_that_can_log_in(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    response = _create(
        client,
        email="siti@dinsos.go.id",
        role="opd",
        regency=office.x.slug,
        agency=str(office.a.id),
    )
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "siti@dinsos.go.id" in listing
    user = session.execute(select(User).where(User.email == "siti@dinsos.go.id")).scalar_one()
    assert (user.role, user.regency_id, user.agency_id) == (
        UserRole.OPD,
        office.x.id,
        office.a.id,
    )
    newcomer = app.test_client()
    login(newcomer, user, PASSWORD)
    assert newcomer.get("/staf/opd").status_code == 200


def test_admin_form_offers_only_its_own_regency_and_its_agencies(
    app: Flask, office: Office
) -> None:
    page = client_of(app, office.admin_x).get("/staf/akun/baru").get_data(as_text=True)
    assert f'value="{office.x.slug}"' in page and f'value="{office.y.slug}"' not in page
    assert f'value="{office.a.id}"' in page
    assert f'value="{office.c.id}"' not in page
    assert 'value="superadmin"' not in page


def _refused(client: FlaskClient, session: Session, status: int, **fields: str) -> str:
    """Post the account form, which must be refused with ``status``; no account is created."""
    return refused_page(session, (User,), status, lambda: _create(client, **fields))


def test_admin_of_one_regency_cannot_create_an_account_in_another(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    fields = {"email": "orang@kab-y.go.id", "role": "admin", "regency": office.y.slug}
    page = _refused(client, session, 403, **fields)
    assert in_indonesian(app, "You may not create this account.") in page


def test_admin_cannot_create_a_superadmin(app: Flask, session: Session, office: Office) -> None:
    client = client_of(app, office.admin_x)
    _refused(client, session, 403, email="super@kab-x.go.id", role="superadmin", regency="")


def test_admin_cannot_attach_an_account_to_an_agency_of_another_regency(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    fields = {"email": "staf@dinkes.go.id", "role": "opd", "regency": office.x.slug}
    page = _refused(client, session, 422, agency=str(office.c.id), **fields)
    assert error_beside(page, "agency") == in_indonesian(app, "unknown agency of this regency")


def test_an_agency_value_in_other_digits_is_refused_beside_the_field(
    app: Flask, session: Session, office: Office
) -> None:
    # "²" is a digit to str.isdigit() but no id: refused like an unknown agency, not a 500.
    client = client_of(app, office.admin_x)
    fields = {"email": "staf@dinkes.go.id", "role": "opd", "regency": office.x.slug}
    for value in ("²", "9" * 30):
        page = _refused(client, session, 422, agency=value, **fields)
        assert error_beside(page, "agency") == in_indonesian(app, "unknown agency of this regency")


def test_bad_account_fields_are_explained_beside_each_field_in_indonesian(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    page = _refused(
        client, session, 422, email=office.opd_a.email, role="opd", regency=office.x.slug,
        agency="", password="pendek",
    )  # fmt: skip
    assert error_beside(page, "email") == in_indonesian(app, "already has an account")
    assert error_beside(page, "agency") == in_indonesian(app, "an OPD account needs its agency")
    assert error_beside(page, "password") == in_indonesian(app, "at least %(n)s characters", n=10)
    assert error_beside(page, "name") is None


def test_without_a_csrf_token_no_account_is_created(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    data = {"name": "Tanpa Token", "email": "tanpa@kab-x.go.id", "role": "observer",
            "regency": office.x.slug, "password": PASSWORD}  # fmt: skip
    refused_page(session, (User,), 400, lambda: client.post("/staf/akun/baru", data=data))


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


# --- the language of an account's notices ---------------------------------------------------


def test_an_account_is_created_with_the_language_of_its_notices(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    assert 'name="locale"' in client.get("/staf/akun/baru").get_data(as_text=True)
    response = _create(
        client, name="Staf Inggris", email="en@kab-x.example", role="observer", regency="kab-x",
        agency="", locale="en", password="sebuah-kata-sandi-panjang",
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    user = session.execute(select(User).where(User.email == "en@kab-x.example")).scalar_one()
    assert user.locale == "en"
    listing = client.get("/staf/akun/").get_data(as_text=True)
    assert f'<tr data-user-id="{user.id}">' in listing


def test_an_unknown_language_is_refused_when_creating_an_account(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    page = _refused(
        client, session, 422, name="X", email="x@kab-x.example", role="observer",
        regency="kab-x", agency="", locale="fr", password="sebuah-kata-sandi-panjang",
    )  # fmt: skip
    assert error_beside(page, "locale") == in_indonesian(app, "Indonesian or English")


def test_admin_changes_the_language_of_an_account_of_its_regency(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    edit = f"/staf/akun/{office.opd_a.id}/ubah"
    response = post_form(client, edit, {"name": "Staf Dinsos", "locale": "en"})
    assert response.status_code == 302
    session.expire_all()
    user = session.get_one(User, office.opd_a.id)
    assert (user.name, user.locale) == ("Staf Dinsos", "en")
    response = post_form(client, edit, {"name": "Staf Dinsos", "locale": "xx"})
    assert response.status_code == 422
    # Another regency's account, or one that does not exist, is not found.
    assert client.get(f"/staf/akun/{office.admin_y.id}/ubah").status_code == 404
    assert client.get("/staf/akun/2147483648/ubah").status_code == 404
    assert client_of(app, office.admin_y).get(edit).status_code == 404


def test_everyone_chooses_the_language_of_their_own_notices(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.opd_a)
    assert 'href="/staf/akun/bahasa"' in client.get("/akun/kata-sandi").get_data(as_text=True)
    response = post_form(client, "/staf/akun/bahasa", {"locale": "en"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get_one(User, office.opd_a.id).locale == "en"
    response = post_form(client, "/staf/akun/bahasa", {"locale": "de"})
    assert response.status_code == 422
    session.expire_all()
    assert session.get_one(User, office.opd_a.id).locale == "en"
