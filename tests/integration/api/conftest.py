"""Fixtures of the API tests: the office with a token for each account, and an API caller."""

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
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.builders import png
from tests.integration.auth_helpers import api_token
from tests.integration.office import Office, make_office

PROBLEM = "application/problem+json"


@dataclass
class World:
    """The office (X with agencies A and B, Y with C) with a bearer token for each persona."""

    office: Office
    tokens: dict[str, str]
    uploads: Path


PERSONAS = ("superadmin", "admin_x", "admin_of_a", "admin_y", "observer_x", "opd_a", "opd_b")


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
            "agency_id": self.world.office.a.id,
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
                "file": (io.BytesIO(png("white") if data is None else data), name),
                "caption": caption,
            },
            content_type="multipart/form-data",
        )


@pytest.fixture
def world(session: Session, now: datetime, upload_folder: Path) -> World:
    # Agencies opd-a, opd-b and opd-c: the tests add a "dinsos" and a "dukcapil" of their own.
    office = make_office(
        session,
        now=now,
        agencies=("opd-a", "opd-b", "opd-c"),
        timezones=("Asia/Makassar", "Asia/Jakarta"),
    )
    tokens = {persona: api_token(session, office.user(persona), now) for persona in PERSONAS}
    return World(office, tokens, upload_folder)


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
