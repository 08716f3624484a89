"""Logging in lands each role on its own page; logging out ends the session."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.auth_helpers import form_token, login, sent_to_login
from tests.integration.office import Office


def test_opd_staff_land_on_their_agency_page(client: FlaskClient, office: Office) -> None:
    login(client, office.opd_a)
    response = client.get("/staf/opd")
    assert response.status_code == 200
    assert client.get("/masuk").headers["Location"].endswith("/staf/opd")


def test_logout_ends_the_session(client: FlaskClient, office: Office) -> None:
    login(client, office.admin_x)
    assert client.get("/staf/").status_code == 200
    token = form_token(client.get("/staf/").get_data(as_text=True))
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert sent_to_login(client.get("/staf/"))
