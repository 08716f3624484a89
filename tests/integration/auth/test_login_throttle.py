"""The login slow-down as an attacker meets it: per address string typed, known or not, decaying;
the owner's own browser counted apart; the same answer, in the same time, for every address; and
a limit on refused logins per client address (Flask-Limiter)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from statistics import median
from time import perf_counter

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.conftest import TEST_NOW
from tests.integration.auth_helpers import PASSWORD, form_token, make_user
from tests.live import sqlite_app
from tracker.auth import services
from tracker.auth.models import User
from tracker.auth.ratelimit import app_limiter
from tracker.clock import FixedClock
from tracker.extensions import db

WRONG = "bukan-kata-sandinya"
UNKNOWN = "tidak-ada-akunnya@uji.go.id"


def _log_in(client: FlaskClient, email: str, password: str) -> TestResponse:
    page = client.get("/masuk?lang=en").get_data(as_text=True)
    return client.post(
        "/masuk?lang=en",
        data={"email": email, "password": password, "csrf_token": form_token(page)},
    )


def _from(app: Flask, address: str) -> FlaskClient:
    """A browser at another client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_strangers_trickle_never_locks_the_owner_out(
    app: Flask, admin: User, clock: FixedClock
) -> None:
    stranger = app.test_client()
    # One wrong guess every ten minutes for half a day, and the owner, in a browser that
    # never logged in before, trying now and then: never turned away.
    for guess in range(6 * 12):
        assert _log_in(stranger, admin.email, WRONG).status_code == 401
        if guess % 17 == 0:
            owner = app.test_client()
            assert _log_in(owner, admin.email, PASSWORD).status_code == 302
        clock.advance(timedelta(minutes=10))


def test_the_owners_own_browser_gets_in_while_a_stranger_floods_the_address(
    app: Flask, client: FlaskClient, admin: User, clock: FixedClock
) -> None:
    assert _log_in(client, admin.email, PASSWORD).status_code == 302
    client.post("/keluar", data={"csrf_token": form_token(client.get("/staf/").text)})
    stranger = app.test_client()
    answers = [_log_in(stranger, admin.email, WRONG).status_code for _ in range(30)]
    assert answers == [401] * 5 + [429] * 25
    # A new browser waits like the stranger; the one the owner used before does not.
    assert _log_in(app.test_client(), admin.email, PASSWORD).status_code == 429
    assert _log_in(client, admin.email, PASSWORD).status_code == 302


def test_a_forged_device_cookie_counts_like_none(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    stranger = app.test_client()
    stranger.set_cookie("pp_device", "eyJpZCI6ImFiYyJ9.tandatangan-palsu", path="/masuk")
    answers = [_log_in(stranger, admin.email, WRONG).status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]
    assert _log_in(client, admin.email, PASSWORD).status_code == 429


def _answer(response: TestResponse, email: str) -> tuple[int, str | None, str]:
    body = response.get_data(as_text=True).replace(email, "ADDRESS")
    body = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", body)
    return response.status_code, response.headers.get("Retry-After"), body


@pytest.mark.parametrize("other", [UNKNOWN, "nonaktif@uji.go.id"], ids=["unknown", "deactivated"])
def test_a_real_address_and_another_get_the_same_answers(
    app: Flask, session: Session, admin: User, clock: FixedClock, other: str
) -> None:
    if other.startswith("nonaktif"):
        inactive = make_user(session, role="observer", regency=admin.regency, now=TEST_NOW)
        inactive.email, inactive.is_active = other, False
        session.commit()
    real, fake = app.test_client(), app.test_client()
    for _ in range(8):
        # Typed with a stray space and capitals: still one bucket per address string.
        known = _answer(_log_in(real, f" {admin.email.upper()}", WRONG), admin.email.upper())
        unknown = _answer(_log_in(fake, f" {other.upper()}", WRONG), other.upper())
        assert known == unknown
        clock.advance(timedelta(seconds=30))
    assert known[0] == 429


def test_an_unknown_address_costs_as_much_time_as_a_known_one(
    app: Flask, session: Session, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The suite's cheap hash would hide a difference: hash like a server does (~tens of ms).
    monkeypatch.setattr(services, "password_method", "pbkdf2:sha256:150000")
    user = make_user(
        session, role="observer", regency=admin.regency, now=TEST_NOW, email="lambat@uji.go.id"
    )
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for _ in range(4):
        for kind, email in (("known", user.email), ("unknown", UNKNOWN)):
            client = app.test_client()
            page = client.get("/masuk").get_data(as_text=True)
            data = {"email": email, "password": WRONG, "csrf_token": form_token(page)}
            started = perf_counter()
            assert client.post("/masuk", data=data).status_code == 401
            timings[kind].append(perf_counter() - started)
    known, unknown = median(timings["known"]), median(timings["unknown"])
    # Before: 5 ms for an unknown address against 95 ms for a real one.
    assert 0.5 < unknown / known < 2, timings


@pytest.fixture
def address_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Three refused logins per client address per ten minutes, counted afresh."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per 10 minutes")
    app_limiter(app).reset()
    yield
    app_limiter(app).reset()


@pytest.mark.usefixtures("address_limit")
def test_one_address_spraying_many_accounts_is_stopped(app: Flask, admin: User) -> None:
    sprayer = _from(app, "203.0.113.9")
    answers = [_log_in(sprayer, f"orang{n}@uji.go.id", WRONG).status_code for n in range(3)]
    assert answers == [401, 401, 401]
    # The fourth, even with a right password, gets the form again with 429 and a wait.
    refused = _log_in(sprayer, admin.email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed logins from your network" in refused.get_data(as_text=True)
    assert 1 <= int(refused.headers["Retry-After"]) <= 601
    assert 'name="password"' in refused.get_data(as_text=True)
    # Another address is not concerned.
    assert _log_in(_from(app, "198.51.100.4"), admin.email, PASSWORD).status_code == 302


@pytest.mark.usefixtures("address_limit")
def test_logins_that_succeed_do_not_count_against_the_address(
    app: Flask, session: Session, admin: User
) -> None:
    office = _from(app, "203.0.113.10")
    for n in range(6):
        user = make_user(
            session, role="observer", regency=admin.regency, now=TEST_NOW, email=f"s{n}@uji.go.id"
        )
        assert _log_in(office, user.email, PASSWORD).status_code == 302
        office.post("/keluar", data={"csrf_token": form_token(office.get("/staf/").text)})


@pytest.mark.usefixtures("address_limit")
def test_ipv6_clients_are_counted_by_their_64_network(app: Flask) -> None:
    for n in range(3):
        client = _from(app, f"2001:db8:1:2::{n + 1}")
        assert _log_in(client, f"orang{n}@uji.go.id", WRONG).status_code == 401
    assert _log_in(_from(app, "2001:db8:1:2::ff"), UNKNOWN, WRONG).status_code == 429
    assert _log_in(_from(app, "2001:db8:1:3::1"), UNKNOWN, WRONG).status_code == 401


@pytest.mark.usefixtures("address_limit")
def test_behind_a_proxy_the_app_was_not_told_of_no_one_is_locked_out_by_another(
    app: Flask, admin: User
) -> None:
    # nginx in front, TRACKER_PROXY_COUNT left at 0: every visitor would share its address.
    proxy = _from(app, "127.0.0.1")
    for n in range(5):
        proxy.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{n + 1}"
        assert _log_in(proxy, f"orang{n}@uji.go.id", WRONG).status_code == 401
    proxy.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    assert _log_in(proxy, admin.email, PASSWORD).status_code == 302


@pytest.fixture
def proxied_app(tmp_path: Path) -> Iterator[Flask]:
    """An app told of one reverse proxy in front (TRACKER_PROXY_COUNT=1)."""
    proxied = sqlite_app(tmp_path, PROXY_COUNT=1, LOGIN_LIMIT_PER_ADDRESS="3 per 10 minutes")
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_behind_a_known_proxy_each_client_is_counted_by_its_forwarded_address(
    proxied_app: Flask,
) -> None:
    def through_proxy(client_address: str) -> FlaskClient:
        client = _from(proxied_app, "127.0.0.1")
        client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
        return client

    sprayer = through_proxy("203.0.113.50")
    assert [_log_in(sprayer, f"o{n}@uji.go.id", WRONG).status_code for n in range(4)] == [
        401,
        401,
        401,
        429,
    ]
    assert _log_in(through_proxy("198.51.100.8"), UNKNOWN, WRONG).status_code == 401
