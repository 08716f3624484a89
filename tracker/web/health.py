"""``GET /api/v1/ping``: the app answers, touching no database (the bench's baseline, probes).

A blueprint of its own, apart from the API's: it reads no request data, no session, no clock and
no table, so its cost is the framework's alone: ``make bench`` measures every page against it.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

bp = Blueprint("health", __name__)


@bp.get("/api/v1/ping")
def ping() -> Response:
    """Answer that the app is up; never cached, never reading the database."""
    response = jsonify(status="ok")
    response.cache_control.no_store = True
    return response
