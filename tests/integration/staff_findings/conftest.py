"""A regency with two agencies, their staff, and a pact of agency A with two findings."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import form_token, login, make_user
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.findings.models import Finding
from tracker.pacts.models import Pact
from tracker.pacts.services import FindingInput, record_pact
from tracker.regencies.models import Regency


@pytest.fixture
def upload_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Store uploads in a fresh folder for the test; the app's setting comes back afterwards."""
    folder = tmp_path / "uploads"
    original = app.config.get("UPLOAD_FOLDER")
    app.config["UPLOAD_FOLDER"] = str(folder)
    yield folder
    app.config["UPLOAD_FOLDER"] = original


def stored_files(folder: Path) -> list[Path]:
    """Every file the store wrote (none when the folder was never created)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def png_bytes(colour: str = "green") -> bytes:
    """A real PNG photo, drawn in memory."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF document, written by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PDF")
    return buffer.getvalue()


@dataclass
class World:
    regency: Regency
    agency_a: Agency
    agency_b: Agency
    admin: User
    observer: User
    opd_a: User
    opd_b: User
    pact: Pact
    ramp: Finding
    play_corner: Finding


@pytest.fixture
def world(session: Session, now: datetime) -> World:
    """Sumbawa-like regency (WITA): the admin records agency A's pact with two findings."""
    regency = make_regency(session, now=now, timezone="Asia/Makassar")
    agency_a = make_agency(session, regency=regency, now=now)
    agency_b = make_agency(session, regency=regency, now=now)
    admin = make_user(session, role="admin", regency=regency, now=now)
    observer = make_user(session, role="observer", regency=regency, now=now)
    opd_a = make_user(session, role="opd", agency=agency_a, now=now)
    opd_b = make_user(session, role="opd", agency=agency_b, now=now)
    pact = record_pact(
        session,
        actor=admin,
        agency_id=agency_a.id,
        signatory_name="Kepala Dinas A",
        signatory_title="Kepala Dinas",
        signed_on=date(2019, 3, 1),
        pledge="Memperbaiki temuan dalam tiga bulan atau mengundurkan diri.",
        now=now,
        findings=[
            FindingInput(title="Belum ada ramp untuk kursi roda", code="IN-FAC-RAMP"),
            FindingInput(title="Belum ada ruang bermain anak", code="IN-FAC-PLAY"),
        ],
    )
    session.commit()
    ramp, play_corner = pact.findings
    return World(
        regency, agency_a, agency_b, admin, observer, opd_a, opd_b, pact, ramp, play_corner
    )


def client_for(app: Flask, user: User) -> FlaskClient:
    """A browser of its own, logged in as ``user`` through the login form."""
    browser = app.test_client()
    login(browser, user)
    return browser


def page(browser: FlaskClient, url: str) -> tuple[str, str]:
    """GET a page that must answer 200; return its HTML and a CSRF token from it."""
    response = browser.get(url)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return html, form_token(html)


def upload(
    browser: FlaskClient,
    finding_id: int,
    data: bytes,
    *,
    filename: str = "foto.png",
    caption: str = "Ramp sudah dibangun di pintu depan",
):
    """Post the evidence form with a CSRF token read from the finding's page."""
    _html, token = page(browser, f"/staf/temuan/{finding_id}")
    return post_multipart(
        browser,
        f"/staf/temuan/{finding_id}/bukti",
        {"csrf_token": token, "caption": caption, "file": (io.BytesIO(data), filename)},
    )


def post_multipart(browser: FlaskClient, url: str, data: dict[str, object]):
    """POST a multipart form; close the body the test client spooled to a temporary file."""
    response = browser.post(url, data=data, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()
    return response


def submit(browser: FlaskClient, finding_id: int, note: str = ""):
    _html, token = page(browser, f"/staf/temuan/{finding_id}")
    return browser.post(
        f"/staf/temuan/{finding_id}/ajukan", data={"csrf_token": token, "note": note}
    )


def review(
    browser: FlaskClient, finding_id: int, decision: str, comment: str = "", internal: bool = False
):
    _html, token = page(browser, f"/staf/temuan/{finding_id}")
    data = {"csrf_token": token, "decision": decision, "comment": comment}
    if internal:
        data["internal"] = "y"
    return browser.post(f"/staf/temuan/{finding_id}/verifikasi", data=data)


def section(html: str, element_id: str) -> str:
    """The HTML of the element with this id (a section or a form), up to its closing tag."""
    match = re.search(rf'<(section|form)[^>]*id="{element_id}".*?</\1>', html, flags=re.S)
    return match.group(0) if match else ""
