"""A database server that cannot be reached: the app waits a moment, then says so with a 503.

The app is pointed at a PostgreSQL address where nothing listens (as during a restart, for
longer than TRACKER_DATABASE_CONNECT_WAIT_SECONDS): the API answers a problem+json 503 with
Retry-After, a page answers 503 with the layout in Indonesian, and neither is a 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from config import TestConfig
from tests.smtp import free_port
from tracker import create_app
from tracker.extensions import db


@pytest.fixture
def unreachable(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        TestConfig,
        DATABASE_URL=f"postgresql://pantau@127.0.0.1:{free_port()}/pantau",
        DATABASE_CONNECT_WAIT_SECONDS=0.3,
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_api_answers_503_with_retry_after_when_the_database_cannot_be_reached(
    unreachable: Flask,
) -> None:
    response = unreachable.test_client().get("/api/v1/pacts")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith("/database-unavailable")
    assert problem["detail"] == (
        "The database cannot be reached for a moment. Try again in a few seconds."
    )


def test_a_page_answers_503_in_indonesian_when_the_database_cannot_be_reached(
    unreachable: Flask,
) -> None:
    response = unreachable.test_client().get("/")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "Basis data sedang tidak dapat dihubungi. Coba lagi dalam beberapa detik." in page
