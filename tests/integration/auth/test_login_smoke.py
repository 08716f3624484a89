"""Logging in lands each role on its own page; logging out ends the session."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import form_token, login, make_user


def test_opd_staff_land_on_their_agency_page(client: FlaskClient, session: Session, now) -> None:
    regency = make_regency(session, now=now)
    agency = make_agency(session, regency=regency, now=now)
    user = make_user(session, role="opd", agency=agency, now=now)
    login(client, user)
    response = client.get("/staf/opd")
    assert response.status_code == 200
    assert client.get("/masuk").headers["Location"].endswith("/staf/opd")


def test_logout_ends_the_session(client: FlaskClient, session: Session, now) -> None:
    regency = make_regency(session, now=now)
    user = make_user(session, role="admin", regency=regency, now=now)
    login(client, user)
    assert client.get("/staf/").status_code == 200
    token = form_token(client.get("/staf/").get_data(as_text=True))
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    response = client.get("/staf/")
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]
