"""The session cookie: its flags, a fresh value at login, and what logout and deactivation end."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import PASSWORD, form_token, login, sent_to_login
from tests.integration.pages import client_of
from tracker.auth.models import User


def _session_cookie(client: FlaskClient, app: Flask) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None, "no session cookie"
    return cookie.value


def _log_out(client: FlaskClient) -> None:
    token = form_token(client.get("/staf/").get_data(as_text=True))
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    login(client, admin)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    assert cookie.http_only is True
    assert cookie.same_site == "Lax"
    assert cookie.secure is False  # the default, for plain-http development


def test_the_session_cookie_is_secure_when_the_install_says_so(
    app: Flask, client: FlaskClient, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # monkeypatch puts the setting back after the test (the app is shared by the session).
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    login(client, admin)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    assert (cookie.secure, cookie.http_only, cookie.same_site) == (True, True, "Lax")


def test_the_session_cookie_gets_a_new_value_at_login(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    # Choosing a language gives an anonymous visitor a session cookie before logging in.
    client.get("/masuk?lang=en")
    before = _session_cookie(client, app)
    login(client, admin)
    after = _session_cookie(client, app)
    assert after != before
    # The language chosen before logging in is kept.
    assert 'lang="en"' in client.get("/staf/").get_data(as_text=True)


def test_replaying_the_cookie_of_a_logged_out_session_does_not_reach_staff_pages(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    login(client, admin)
    assert client.get("/staf/").status_code == 200
    stolen = _session_cookie(client, app)
    _log_out(client)

    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    response = replay.get("/staf/")
    assert sent_to_login(response)


def test_logging_out_in_one_browser_leaves_the_other_logged_in(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    login(client, admin)
    other_browser = client_of(app, admin)
    _log_out(client)
    assert client.get("/staf/").status_code == 302
    assert other_browser.get("/staf/").status_code == 200


def test_a_deactivated_account_is_logged_out_on_its_next_request(
    client: FlaskClient, session: Session, admin: User
) -> None:
    login(client, admin)
    assert client.get("/staf/").status_code == 200
    admin.is_active = False
    session.commit()
    response = client.get("/staf/")
    assert sent_to_login(response)


def test_a_deactivated_account_cannot_log_in_again(
    client: FlaskClient, session: Session, admin: User
) -> None:
    admin.is_active = False
    session.commit()
    page = client.get("/masuk").get_data(as_text=True)
    response = client.post(
        "/masuk",
        data={"email": admin.email, "password": PASSWORD, "csrf_token": form_token(page)},
    )
    assert response.status_code == 401
