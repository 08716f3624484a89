"""Sessions end when they should: after a password change, after two weeks, and never for free."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import PASSWORD, form_token, login, sent_to_login
from tests.integration.pages import client_of
from tracker.auth.models import User
from tracker.demo.services import load_demo


def test_changing_the_password_logs_out_every_other_browser(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    login(client, admin)
    other_browser = client_of(app, admin)
    page = client.get("/akun/kata-sandi").get_data(as_text=True)
    response = client.post(
        "/akun/kata-sandi",
        data={
            "csrf_token": form_token(page),
            "current_password": PASSWORD,
            "new_password": "sandi-baru-yang-panjang-1",
            "confirm": "sandi-baru-yang-panjang-1",
        },
    )
    assert response.status_code == 302
    # The browser that changed it stays in; the other one is out.
    assert client.get("/staf/").status_code == 200
    assert other_browser.get("/staf/").status_code == 302


def test_a_login_expires_after_two_weeks(client: FlaskClient, admin: User, clock) -> None:
    login(client, admin)
    clock.advance(timedelta(days=13))
    assert client.get("/staf/").status_code == 200
    clock.advance(timedelta(days=2))
    response = client.get("/staf/")
    assert sent_to_login(response)


def test_a_throttled_login_says_when_to_try_again(client: FlaskClient, admin: User) -> None:
    for _ in range(6):
        page = client.get("/masuk").get_data(as_text=True)
        response = client.post(
            "/masuk",
            data={"csrf_token": form_token(page), "email": admin.email, "password": "salah-sekali"},
        )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1


def test_next_with_a_backslash_does_not_leave_the_site(client: FlaskClient, admin: User) -> None:
    page = client.get("/masuk").get_data(as_text=True)
    response = client.post(
        "/masuk?next=/\\evil.example",
        data={"csrf_token": form_token(page), "email": admin.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/staf/"


def test_demo_accounts_are_never_added_to_an_install_with_real_accounts(
    session: Session, admin: User, now: datetime
) -> None:
    report = load_demo(session, now=now)
    assert report.accounts_refused
    demo_users = session.execute(
        select(func.count()).select_from(User).where(User.email.like("%.demo"))
    ).scalar_one()
    assert demo_users == 0
