"""``GET /api/v1/ping``: up, uncached, and without a single SQL statement."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tracker.extensions import db


def test_ping_answers_without_touching_the_database(app: Flask, client: FlaskClient) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get("/api/v1/ping")
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert statements == []
