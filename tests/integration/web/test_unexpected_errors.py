"""An unexpected error answers like every other error: problem+json under /api/, a page elsewhere.

Under TESTING Flask re-raises exceptions, so no other test reaches the 500 handler; this app
is built with PROPAGATE_EXCEPTIONS off, as in production, and a route that fails on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from config import TestConfig
from tracker import create_app

SECRET = "a stack trace names this secret"


@pytest.fixture
def failing_app(tmp_path: Path) -> Flask:
    app = create_app(
        TestConfig,
        DATABASE_URL="sqlite:///" + str(tmp_path / "unused.sqlite3"),
        PROPAGATE_EXCEPTIONS=False,
    )
    app.instance_path = str(tmp_path)

    def fail() -> str:
        raise RuntimeError(SECRET)

    app.add_url_rule("/api/v1/_fails", "api_fails", fail)
    app.add_url_rule("/_fails", "page_fails", fail)
    return app


def test_an_unexpected_error_under_the_api_is_problem_json(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/api/v1/_fails")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 500 and body["title"] == "Internal error"
    assert body["type"].endswith("internal-error")
    assert SECRET not in response.get_data(as_text=True)


def test_an_unexpected_error_on_a_page_is_the_error_page(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/_fails", headers={"Accept-Language": "id"})
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "<html" in text and SECRET not in text and "Traceback" not in text
