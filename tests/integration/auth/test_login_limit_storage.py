"""The per-address login limit on the database: Flask-Limiter's windows in rate_limit_counters,
counted together by every worker (process) of an install."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tests.integration.auth_helpers import PASSWORD, form_token, make_user
from tests.live import sqlite_app
from tracker.auth import ratelimit
from tracker.auth.ratelimit import DatabaseStorage, app_limiter
from tracker.extensions import db

pytestmark = pytest.mark.committing


class WallClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def storage(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[DatabaseStorage, WallClock]]:
    """The storage on the suite's database (SQLite, PostgreSQL or MariaDB), emptied after."""
    wall = WallClock()
    monkeypatch.setattr(ratelimit, "_wall_now", wall)
    with app.app_context():
        found = DatabaseStorage("tracker+database://", engine=db.engine)
        found.reset()
        yield found, wall
        found.reset()


def test_the_database_storage_counts_a_window_and_starts_a_new_one_after_it(
    storage: tuple[DatabaseStorage, WallClock],
) -> None:
    counters, wall = storage
    assert counters.check()
    assert [counters.incr("LIMITER/203.0.113.9/login", 600) for _ in range(3)] == [1, 2, 3]
    assert counters.get("LIMITER/203.0.113.9/login") == 3
    assert counters.get("LIMITER/198.51.100.1/login") == 0
    assert (
        counters.get_expiry("LIMITER/203.0.113.9/login")
        == (wall.now + timedelta(minutes=10)).timestamp()
    )
    wall.now += timedelta(minutes=10)
    assert counters.get("LIMITER/203.0.113.9/login") == 0
    assert counters.incr("LIMITER/203.0.113.9/login", 600) == 1
    counters.clear("LIMITER/203.0.113.9/login")
    assert counters.get("LIMITER/203.0.113.9/login") == 0


def test_expired_windows_are_deleted_when_a_new_one_starts(
    storage: tuple[DatabaseStorage, WallClock],
) -> None:
    counters, wall = storage
    for n in range(5):
        counters.incr(f"LIMITER/192.0.2.{n}/login", 60)
    wall.now += timedelta(days=2)
    counters.incr("LIMITER/192.0.2.200/login", 60)
    assert counters.reset() == 1


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[FlaskClient, FlaskClient]]:
    """Two apps (two gunicorn workers) on one SQLite file, counting in that database."""
    settings = {
        "LOGIN_LIMIT_STORAGE_URI": "tracker+database://",
        "LOGIN_LIMIT_PER_ADDRESS": "3 per 10 minutes",
    }
    first = sqlite_app(tmp_path, **settings)
    second = sqlite_app(tmp_path, **settings)
    with first.app_context(), Session(db.engine) as session:
        make_user(session, role="superadmin", now=TEST_NOW, email="pemilik@uji.go.id")
    try:
        yield first.test_client(), second.test_client()
    finally:
        for app in (first, second):
            with app.app_context():
                app_limiter(app).reset()
                db.engine.dispose()


def _log_in(client: FlaskClient, email: str, password: str) -> int:
    page = client.get("/masuk").get_data(as_text=True)
    data = {"email": email, "password": password, "csrf_token": form_token(page)}
    return client.post("/masuk", data=data).status_code


def test_refused_logins_from_one_address_are_counted_across_workers(
    two_workers: tuple[FlaskClient, FlaskClient],
) -> None:
    first, second = two_workers
    assert _log_in(first, "a@uji.go.id", "salah-salah-salah") == 401
    assert _log_in(second, "b@uji.go.id", "salah-salah-salah") == 401
    assert _log_in(first, "c@uji.go.id", "salah-salah-salah") == 401
    # The fourth reaches the other worker: refused all the same, before any password check.
    assert _log_in(second, "pemilik@uji.go.id", PASSWORD) == 429
