"""A login session ends after two idle hours, and after twelve hours whatever its use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import login, sent_to_login
from tracker.auth.models import LoginSession, User
from tracker.clock import FixedClock


@pytest.fixture(autouse=True)
def production_timeouts(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults of config.Config (the suite's own are two weeks)."""
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 120)
    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 12)


def test_a_session_left_alone_for_two_hours_ends(
    client: FlaskClient, admin: User, clock: FixedClock
) -> None:
    login(client, admin)
    clock.advance(timedelta(hours=1, minutes=59))
    assert client.get("/staf/").status_code == 200
    clock.advance(timedelta(hours=1, minutes=59))
    assert client.get("/staf/").status_code == 200
    clock.advance(timedelta(hours=2, minutes=6))
    assert sent_to_login(client.get("/staf/"))


def test_a_busy_session_still_ends_after_twelve_hours(
    client: FlaskClient, admin: User, clock: FixedClock
) -> None:
    login(client, admin)
    for _ in range(23):
        clock.advance(timedelta(minutes=30))
        assert client.get("/staf/").status_code == 200
    clock.advance(timedelta(minutes=30, seconds=1))
    assert sent_to_login(client.get("/staf/"))


def test_the_last_request_is_noted_at_most_every_five_minutes(
    client: FlaskClient, session: Session, admin: User, clock: FixedClock
) -> None:
    login(client, admin)
    started = clock.now()

    def noted() -> object:
        row = session.scalars(select(LoginSession).where(LoginSession.user_id == admin.id)).one()
        session.refresh(row)
        return row.last_seen_at

    client.get("/staf/")
    assert noted() == started
    clock.advance(timedelta(minutes=4))
    client.get("/staf/")
    assert noted() == started  # a page every few seconds writes nothing
    clock.advance(timedelta(minutes=1))
    client.get("/staf/")
    assert noted() == clock.now()


def test_an_ended_session_cannot_be_revived_by_a_request(
    client: FlaskClient, admin: User, clock: FixedClock
) -> None:
    login(client, admin)
    clock.advance(timedelta(hours=3))
    assert sent_to_login(client.get("/staf/"))
    clock.advance(timedelta(minutes=1))
    assert sent_to_login(client.get("/staf/"))
