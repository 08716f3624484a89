"""The second login step for admins and superadmins: turned on with the password and a first
code, asked after the password, each code good once, guesses slowed like passwords; its secret
sealed in the database, and a login that says so when the install's key no longer opens it."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import PASSWORD, form_token, login, sent_to_login
from tests.integration.office import Office
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.auth.sealing import Sealer, Unsealable
from tracker.clock import FixedClock


def _turn_on(
    client: FlaskClient, clock: FixedClock, *, code: str | None = None
) -> tuple[TestResponse, str]:
    page = client.get("/akun/dua-langkah?lang=en").get_data(as_text=True)
    key = re.search(r"data-secret-key>([A-Z2-7 ]+)<", page)
    assert key, "the page shows no key"
    secret = key.group(1).replace(" ", "")
    response = client.post(
        "/akun/dua-langkah",
        data={
            "password": PASSWORD,
            "code": code or pyotp.TOTP(secret).at(clock.now()),
            "csrf_token": form_token(page),
        },
    )
    return response, secret


def _password_step(client: FlaskClient, user: User) -> TestResponse:
    page = client.get("/masuk?lang=en").get_data(as_text=True)
    return client.post(
        "/masuk?lang=en",
        data={"email": user.email, "password": PASSWORD, "csrf_token": form_token(page)},
    )


def _code_step(client: FlaskClient, code: str) -> TestResponse:
    page = client.get("/masuk/kode?lang=en").get_data(as_text=True)
    return client.post("/masuk/kode?lang=en", data={"code": code, "csrf_token": form_token(page)})


def _with_second_factor(app: Flask, user: User, clock: FixedClock) -> str:
    client = app.test_client()
    login(client, user)
    response, secret = _turn_on(client, clock)
    assert response.status_code == 302
    clock.advance(timedelta(seconds=30))  # the next code, not the one just used
    return secret


def test_an_admin_turns_it_on_with_the_password_and_a_first_code(
    client: FlaskClient, session: Session, admin: User, clock: FixedClock
) -> None:
    login(client, admin)
    refused, _ = _turn_on(client, clock, code="000000")
    assert refused.status_code == 422
    assert "this code is not the one the app shows now" in refused.get_data(as_text=True)
    session.refresh(admin)
    assert admin.totp_secret_sealed is None
    response, _secret = _turn_on(client, clock)
    assert response.status_code == 302
    session.refresh(admin)
    assert admin.totp_secret_sealed is not None and admin.totp_enabled_at == clock.now()
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == admin.id))
    assert "user.second_factor_enabled" in list(actions)


def test_the_login_asks_for_the_code_after_the_password(
    app: Flask, admin: User, clock: FixedClock
) -> None:
    secret = _with_second_factor(app, admin, clock)
    browser = app.test_client()
    response = _password_step(browser, admin)
    assert response.headers["Location"] == "/masuk/kode"
    # The password alone opens nothing.
    assert sent_to_login(browser.get("/staf/"))
    wrong = _code_step(browser, "123456")
    assert wrong.status_code == 401
    assert "This code is not the one the app shows now." in wrong.get_data(as_text=True)
    right = _code_step(browser, pyotp.TOTP(secret).at(clock.now()))
    assert right.status_code == 302 and right.headers["Location"] == "/staf/"
    assert browser.get("/staf/").status_code == 200


def test_a_code_is_good_once(app: Flask, admin: User, clock: FixedClock) -> None:
    secret = _with_second_factor(app, admin, clock)
    code = pyotp.TOTP(secret).at(clock.now())
    first = app.test_client()
    _password_step(first, admin)
    assert _code_step(first, code).status_code == 302
    # Someone who watched it typed, within the same half minute: refused.
    second = app.test_client()
    _password_step(second, admin)
    assert _code_step(second, code).status_code == 401


def test_guessing_codes_is_slowed_like_passwords(
    app: Flask, admin: User, clock: FixedClock
) -> None:
    secret = _with_second_factor(app, admin, clock)
    browser = app.test_client()
    _password_step(browser, admin)
    answers = [_code_step(browser, f"{n:06d}").status_code for n in range(6)]
    assert answers == [401] * 5 + [429]
    assert _code_step(browser, pyotp.TOTP(secret).at(clock.now())).status_code == 429


def test_a_login_waiting_for_its_code_lapses_after_five_minutes(
    app: Flask, admin: User, clock: FixedClock
) -> None:
    secret = _with_second_factor(app, admin, clock)
    browser = app.test_client()
    _password_step(browser, admin)
    token = form_token(browser.get("/masuk/kode").get_data(as_text=True))
    clock.advance(timedelta(minutes=5, seconds=1))
    code = pyotp.TOTP(secret).at(clock.now())
    response = browser.post("/masuk/kode", data={"code": code, "csrf_token": token})
    assert sent_to_login(response)
    assert sent_to_login(browser.get("/staf/"))


def test_it_is_turned_off_with_the_password_and_a_current_code(
    app: Flask, session: Session, admin: User, clock: FixedClock
) -> None:
    secret = _with_second_factor(app, admin, clock)
    browser = app.test_client()
    _password_step(browser, admin)
    _code_step(browser, pyotp.TOTP(secret).at(clock.now()))
    clock.advance(timedelta(seconds=30))
    page = browser.get("/akun/dua-langkah?lang=en").get_data(as_text=True)
    assert "Turn two-step login off" in page
    response = browser.post(
        "/akun/dua-langkah",
        data={
            "password": PASSWORD,
            "code": pyotp.TOTP(secret).at(clock.now()),
            "csrf_token": form_token(page),
        },
    )
    assert response.status_code == 302
    session.refresh(admin)
    assert admin.totp_secret_sealed is None
    login(app.test_client(), admin)  # the password alone again


def test_opd_staff_and_observers_have_no_second_step_to_turn_on(app: Flask, office: Office) -> None:
    for persona in ("opd_a", "observer_x"):
        client = app.test_client()
        login(client, office.user(persona))
        assert client.get("/akun/dua-langkah").status_code == 403
        assert "/akun/dua-langkah" not in client.get("/akun/kata-sandi").get_data(as_text=True)


def test_the_operator_turns_it_off_for_a_lost_phone(
    app: Flask, runner: FlaskCliRunner, session: Session, admin: User, clock: FixedClock
) -> None:
    _with_second_factor(app, admin, clock)
    result: Result = runner.invoke(args=["users", "second-factor-off", admin.email])
    assert result.exit_code == 0, result.output
    session.refresh(admin)
    assert admin.totp_secret_sealed is None
    assert runner.invoke(args=["users", "second-factor-off", admin.email]).exit_code == 1


BASE32_SECRET = re.compile(r"[A-Z2-7]{16,}")


def test_the_secret_is_stored_sealed_not_as_the_app_shows_it(
    app: Flask, session: Session, admin: User, clock: FixedClock
) -> None:
    secret = _with_second_factor(app, admin, clock)
    [stored] = session.execute(
        text("SELECT totp_secret_sealed FROM users WHERE id = :id"), {"id": admin.id}
    ).one()
    # Neither the secret nor any base32 run: a copy of the database does not give the codes.
    assert secret not in stored and not BASE32_SECRET.search(stored)
    assert stored.startswith("v1$")
    # It opens with the install's key, for this account only.
    sealer = Sealer.from_config(app.config)
    assert sealer.open(stored, user_id=admin.id) == secret
    with pytest.raises(Unsealable):
        sealer.open(stored, user_id=admin.id + 1)
    # And the login with the app's code works from it.
    browser = app.test_client()
    _password_step(browser, admin)
    assert _code_step(browser, pyotp.TOTP(secret).at(clock.now())).status_code == 302
    assert browser.get("/staf/").status_code == 200


def test_after_the_key_changes_the_login_says_so_and_the_operator_turns_it_off(
    app: Flask,
    runner: FlaskCliRunner,
    session: Session,
    admin: User,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = _with_second_factor(app, admin, clock)
    monkeypatch.setitem(app.config, "TOTP_KEY", "another install key, not the one that sealed")
    browser = app.test_client()
    _password_step(browser, admin)
    refused = _code_step(browser, pyotp.TOTP(secret).at(clock.now()))
    assert refused.status_code == 401
    page = refused.get_data(as_text=True)
    assert "two-step login can no longer be checked: the server&#39;s key has changed" in page
    assert "Ask the operator to turn it off for your account" in page
    assert sent_to_login(browser.get("/staf/"))
    # The operator's log names the account and the way out.
    assert f"Account {admin.id}: its two-step login secret does not open" in caplog.text
    assert "second-factor-off" in caplog.text
    # The way out: the operator turns it off, the owner logs in with the password and can turn
    # it on again under the new key.
    result: Result = runner.invoke(args=["users", "second-factor-off", admin.email])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    login(client, admin)
    clock.advance(timedelta(seconds=30))
    response, _again = _turn_on(client, clock)
    assert response.status_code == 302
