"""Fixtures shared by the integration, migration and browser tests.

The database is SQLite in a temporary folder unless TRACKER_TEST_DATABASE_URL points at
PostgreSQL or MariaDB (what .ci/run does). The schema always comes from the migrations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from config import TestConfig
from tracker import create_app
from tracker.clock import FixedClock, parse_instant
from tracker.extensions import db
from tracker.web.caching import pages

# The instant TestConfig freezes: 25 March 2019, 09:00 in Sumbawa Barat (WITA).
TEST_NOW = parse_instant(TestConfig.FROZEN_NOW or "")


def external_database_url() -> str | None:
    """Return the server database the suite should use, or None for SQLite."""
    return os.environ.get("TRACKER_TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of this test session, migrated to head once."""
    return external_database_url() or "sqlite:///" + str(
        tmp_path_factory.mktemp("db") / "tracker.sqlite3"
    )


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application under test, on a migrated database (never create_all)."""
    application = create_app(
        TestConfig,
        DATABASE_URL=database_url,
    )
    application.instance_path = str(tmp_path_factory.mktemp("instance"))
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    # Close the pool's connections now, not at interpreter exit (psycopg warns about those).
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def clock(app: Flask) -> Iterator[FixedClock]:
    """The app's clock, reset to TEST_NOW after each test."""
    fixed = app.extensions["tracker.clock"]
    assert isinstance(fixed, FixedClock)
    fixed.set(TEST_NOW)
    yield fixed
    fixed.set(TEST_NOW)


@pytest.fixture
def session(app: Flask, clock: FixedClock) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test.

    Code under test may commit: with create_savepoint, a commit only releases a SAVEPOINT.
    """
    # No app context stays pushed during the test: each request must get its own (and its own g).
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    # Requests and commands get sessions from this factory (removed after each request); the
    # test body has its own. All of them share the connection, so each sees what the other
    # flushed, and every SAVEPOINT disappears with the outer rollback.
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    original = db.session
    db.session = scoped_session(factory)  # type: ignore[assignment]
    test_session = factory()
    try:
        yield test_session
    finally:
        test_session.close()
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()
        # The rolled-back rows never existed: SQLite gives their ids again, and the data
        # version (the newest ids) with them; pages rendered from those rows go with them.
        with app.app_context():
            pages.clear()


@pytest.fixture
def client(app: Flask, session: Session) -> FlaskClient:
    """A test client whose requests share the test's transaction."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask, session: Session) -> FlaskCliRunner:
    """A CLI runner whose commands share the test's transaction."""
    return app.test_cli_runner()


@pytest.fixture
def now(clock: FixedClock) -> datetime:
    """The frozen instant of the test."""
    return clock.now()


@pytest.fixture
def csrf_token() -> Callable[[str], str]:
    """Read the CSRF token from a rendered form (CSRF stays on in tests)."""

    def read(html: str) -> str:
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        assert match, "the page has no CSRF token"
        return match.group(1)

    return read


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database the suite runs on."""
    url = external_database_url()
    return f"database: {url.split('@')[-1] if url else 'SQLite (temporary file)'}"


REPO_ROOT = Path(__file__).resolve().parent.parent
