"""The login form: right and wrong passwords, slowing down guessers, ``next=``, CSRF."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import PASSWORD, form_token, make_user
from tests.integration.office import Office
from tracker.auth.models import LoginThrottle, User
from tracker.clock import FixedClock

WRONG = "bukan-kata-sandinya"


def _log_in(
    client: FlaskClient, email: str, password: str, *, url: str = "/masuk?lang=en"
) -> TestResponse:
    """Open the login page (in English) and submit it, CSRF token included."""
    page = client.get(url).get_data(as_text=True)
    return client.post(
        url, data={"email": email, "password": password, "csrf_token": form_token(page)}
    )


def _form_error(response: TestResponse) -> str:
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', response.text, re.S)
    assert match, "the page shows no form error"
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        pytest.param("admin", "/staf/", id="admin-to-overview"),
        pytest.param("observer", "/staf/", id="observer-to-overview"),
        pytest.param("opd", "/staf/opd", id="opd-to-own-agency"),
        pytest.param("superadmin", "/staf/kabupaten/", id="superadmin-to-regencies"),
    ],
)
def test_the_right_password_logs_in_and_lands_on_the_roles_page(
    client: FlaskClient, office: Office, role: str, landing: str
) -> None:
    persona = {"admin": "admin_x", "observer": "observer_x", "opd": "opd_a"}.get(role, role)
    user = office.user(persona)
    response = _log_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert client.get(landing).status_code == 200


def test_a_wrong_password_is_refused_and_the_page_stays_on_the_form(
    client: FlaskClient, admin: User
) -> None:
    response = _log_in(client, admin.email, WRONG)
    assert response.status_code == 401
    assert "Wrong email address or password." in _form_error(response)
    assert 'name="password"' in response.text
    assert client.get("/staf/").status_code == 302


def test_the_error_does_not_say_whether_the_email_or_the_password_was_wrong(
    client: FlaskClient, admin: User
) -> None:
    wrong_password = _log_in(client, admin.email, WRONG)
    unknown_email = _log_in(client, "tidak-ada@uji.go.id", WRONG)
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert _form_error(wrong_password) == _form_error(unknown_email)


def test_after_five_failures_in_a_row_the_next_attempt_waits_even_with_the_right_password(
    client: FlaskClient, admin: User, clock: FixedClock
) -> None:
    for _ in range(5):
        assert _log_in(client, admin.email, WRONG).status_code == 401
    clock.advance(timedelta(seconds=1))
    throttled = _log_in(client, admin.email, PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed attempts" in _form_error(throttled)
    # One failure drains every 10 minutes: the wait is what is left of the first one.
    assert throttled.headers["Retry-After"] == str(10 * 60 - 1)
    assert client.get("/staf/").status_code == 302
    clock.advance(timedelta(minutes=10) - timedelta(seconds=2))
    assert _log_in(client, admin.email, PASSWORD).status_code == 429
    clock.advance(timedelta(seconds=1))
    assert _log_in(client, admin.email, PASSWORD).status_code == 302


def test_a_successful_login_empties_the_bucket_of_its_address(
    client: FlaskClient, session: Session, admin: User
) -> None:
    for _ in range(4):
        _log_in(client, admin.email, WRONG)
    assert _log_in(client, admin.email, PASSWORD).status_code == 302
    assert session.scalars(select(LoginThrottle)).all() == []
    client.post("/keluar", data={"csrf_token": form_token(client.get("/staf/").text)})
    # Had the four failures stayed, the second of these would have waited.
    assert _log_in(client, admin.email, WRONG).status_code == 401
    assert _log_in(client, admin.email, WRONG).status_code == 401
    assert _log_in(client, admin.email, PASSWORD).status_code == 302


def test_an_address_guessed_at_all_day_lets_the_owner_in_once_the_guessing_slows(
    app: Flask, client: FlaskClient, admin: User, clock: FixedClock
) -> None:
    stranger = app.test_client()
    # A burst fills the bucket; the stranger then keeps hammering, refused without a check.
    for _ in range(5):
        _log_in(stranger, admin.email, WRONG)
    for _ in range(20):
        clock.advance(timedelta(minutes=1))
        assert _log_in(stranger, admin.email, WRONG).status_code in (401, 429)
    # Ten quiet minutes give the owner one attempt back (no lockout that never ends).
    clock.advance(timedelta(minutes=10))
    assert _log_in(client, admin.email, PASSWORD).status_code == 302


def test_failures_of_one_account_do_not_slow_down_another(
    client: FlaskClient, session: Session, admin: User, now: datetime
) -> None:
    other = make_user(session, role="observer", regency=admin.regency, now=now)
    for _ in range(6):
        _log_in(client, admin.email, WRONG)
    assert _log_in(client, admin.email, PASSWORD).status_code == 429
    assert _log_in(client, other.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("https://evil.example", id="absolute-url"),
        pytest.param("//evil.example", id="scheme-relative-url"),
        pytest.param("https:evil.example", id="scheme-without-slashes"),
        pytest.param("javascript:alert(1)", id="javascript-url"),
        pytest.param("/%09/evil.example", id="tab-between-slashes"),
    ],
)
def test_next_pointing_off_site_is_ignored_and_the_user_lands_on_the_roles_page(
    client: FlaskClient, admin: User, target: str
) -> None:
    response = _log_in(client, admin.email, PASSWORD, url=f"/masuk?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staf/"


def test_next_with_a_backslash_cannot_send_the_browser_off_site(
    client: FlaskClient, admin: User
) -> None:
    response = _log_in(client, admin.email, PASSWORD, url="/masuk?next=/%5Cevil.example")
    location = response.headers["Location"]
    # Browsers read a backslash in an http(s) URL as a slash: "/\evil.example" would leave.
    as_a_browser_reads_it = urljoin("http://localhost/masuk", location.replace("\\", "/"))
    assert urlsplit(as_a_browser_reads_it).netloc == "localhost"


def test_next_pointing_to_a_page_of_this_site_is_followed(client: FlaskClient, admin: User) -> None:
    response = _log_in(client, admin.email, PASSWORD, url="/masuk?next=/akun/kata-sandi")
    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/kata-sandi"


def test_a_staff_page_sends_an_anonymous_visitor_to_login_and_back_after_it(
    client: FlaskClient, admin: User
) -> None:
    bounced = client.get("/akun/kata-sandi")
    assert bounced.status_code == 302
    login_url = bounced.headers["Location"]
    assert login_url.startswith("/masuk?next=")
    response = _log_in(client, admin.email, PASSWORD, url=login_url)
    assert response.headers["Location"] == "/akun/kata-sandi"


def test_the_login_form_without_its_csrf_token_is_refused(client: FlaskClient, admin: User) -> None:
    client.get("/masuk")
    response = client.post("/masuk", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staf/").status_code == 302
