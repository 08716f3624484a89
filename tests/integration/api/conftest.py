"""Fixtures of the API tests: two regencies, their accounts with tokens, an upload folder."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import api_token, make_user
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.regencies.models import Regency

PROBLEM = "application/problem+json"


def png_bytes(colour: str = "white") -> bytes:
    """Return a real (tiny) PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class World:
    """Regency X with agencies A and B, regency Y with agency C, and one account per role."""

    x: Regency
    y: Regency
    a: Agency
    b: Agency
    c: Agency
    users: dict[str, User]
    tokens: dict[str, str]
    uploads: Path


class Api:
    """Calls to API v1 as one persona of the world (or without a token)."""

    def __init__(self, client: FlaskClient, world: World) -> None:
        self.client = client
        self.world = world

    def __call__(
        self, method: str, path: str, who: str | None = None, **kwargs: Any
    ) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {self.world.tokens[who]}"
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def pact_body(self, **changes: Any) -> dict[str, Any]:
        """A valid pact of agency A signed on 8 January 2019 with two findings."""
        body: dict[str, Any] = {
            "agency_id": self.world.a.id,
            "signatory_name": "H. Abdul Muis",
            "signatory_title": "Kepala Dinas Sosial",
            "signed_on": "2019-01-08",
            "period_months": 3,
            "pledge": "Memperbaiki seluruh temuan dalam tiga bulan atau mengundurkan diri.",
            "sanction": "Mengundurkan diri",
            "witnesses": "Bupati, Ombudsman NTB, wartawan",
            "findings": [
                {"title": "Belum ada ruang bermain anak", "category": "input"},
                {"title": "SOP tidak dipajang", "category": "process", "description": "Loket 1"},
            ],
        }
        body.update(changes)
        return body

    def record_pact(self, **changes: Any) -> dict[str, Any]:
        response = self("POST", "/pacts", "admin_x", json=self.pact_body(**changes))
        assert response.status_code == 201, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body

    def upload(
        self,
        finding_id: int,
        who: str = "opd_a",
        data: bytes | None = None,
        name: str = "foto.png",
        caption: str = "Foto perbaikan",
    ) -> TestResponse:
        return self(
            "POST",
            f"/findings/{finding_id}/evidence",
            who,
            data={
                "file": (io.BytesIO(png_bytes() if data is None else data), name),
                "caption": caption,
            },
            content_type="multipart/form-data",
        )


@pytest.fixture
def world(app: Flask, session: Session, now: datetime, tmp_path: Path) -> Iterator[World]:
    x = make_regency(session, now=now, slug="kab-x", timezone="Asia/Makassar")
    y = make_regency(session, now=now, slug="kab-y", timezone="Asia/Jakarta")
    a = make_agency(session, regency=x, now=now, slug="opd-a")
    b = make_agency(session, regency=x, now=now, slug="opd-b")
    c = make_agency(session, regency=y, now=now, slug="opd-c")
    users = {
        "superadmin": make_user(session, role="superadmin", now=now),
        "admin_x": make_user(session, role="admin", regency=x, now=now),
        # An admin who belongs to agency A (the Inspektorat case): never reviews A's findings.
        "admin_of_a": make_user(session, role="admin", agency=a, now=now),
        "admin_y": make_user(session, role="admin", regency=y, now=now),
        "observer_x": make_user(session, role="observer", regency=x, now=now),
        "opd_a": make_user(session, role="opd", agency=a, now=now),
        "opd_b": make_user(session, role="opd", agency=b, now=now),
    }
    tokens = {name: api_token(session, user, now) for name, user in users.items()}
    uploads = tmp_path / "uploads"
    saved = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(uploads)
    yield World(x, y, a, b, c, users, tokens, uploads)
    app.config["UPLOAD_FOLDER"] = saved


@pytest.fixture
def api(client: FlaskClient, world: World) -> Api:
    return Api(client, world)


@pytest.fixture
def small_uploads(app: Flask) -> Iterator[int]:
    """Limit uploads to 2 KiB (bodies to 4 KiB) for the test; return the file limit."""
    saved = app.config["MAX_UPLOAD_BYTES"], app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_UPLOAD_BYTES"], app.config["MAX_CONTENT_LENGTH"] = 2048, 4096
    yield 2048
    app.config["MAX_UPLOAD_BYTES"], app.config["MAX_CONTENT_LENGTH"] = saved
