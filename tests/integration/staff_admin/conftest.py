"""Two regencies, their agencies and staff, for the regent's office pages."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import login, make_user
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.regencies.models import Regency


@dataclass
class Office:
    """Regency X (agencies A and B) and regency Y (agency C), with one account per role."""

    x: Regency
    y: Regency
    agency_a: Agency
    agency_b: Agency
    agency_c: Agency
    admin_x: User
    observer_x: User
    opd_a: User
    opd_b: User
    admin_y: User
    superadmin: User

    def user(self, persona: str) -> User:
        """Return the account of a persona named like the attributes ("admin_x", ...)."""
        user = getattr(self, persona)
        assert isinstance(user, User)
        return user


@pytest.fixture
def upload_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Store uploads in a fresh folder for the test; the app's setting comes back afterwards."""
    folder = tmp_path / "uploads"
    original = app.config.get("UPLOAD_FOLDER")
    app.config["UPLOAD_FOLDER"] = str(folder)
    yield folder
    app.config["UPLOAD_FOLDER"] = original


@pytest.fixture
def office(session: Session, now: datetime, upload_folder: Path) -> Office:
    """The two regencies and their staff, committed so that requests see them."""
    x = make_regency(session, now=now, slug="kab-x", timezone="Asia/Makassar")
    y = make_regency(session, now=now, slug="kab-y", timezone="Asia/Jayapura")
    a = make_agency(session, regency=x, now=now, slug="dinsos")
    b = make_agency(session, regency=x, now=now, slug="dukcapil")
    c = make_agency(session, regency=y, now=now, slug="dinkes")
    return Office(
        x=x,
        y=y,
        agency_a=a,
        agency_b=b,
        agency_c=c,
        admin_x=make_user(session, role="admin", regency=x, now=now),
        observer_x=make_user(session, role="observer", regency=x, now=now),
        opd_a=make_user(session, role="opd", agency=a, now=now),
        opd_b=make_user(session, role="opd", agency=b, now=now),
        admin_y=make_user(session, role="admin", regency=y, now=now),
        superadmin=make_user(session, role="superadmin", now=now),
    )


def client_of(app: Flask, user: User | None) -> FlaskClient:
    """A new browser, logged in as ``user`` (anonymous for None)."""
    client = app.test_client()
    if user is not None:
        login(client, user)
    return client


def count_rows(session: Session, model: type) -> int:
    """How many rows a table holds (as the test's transaction sees them)."""
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def in_indonesian(app: Flask, message: str, **variables: object) -> str:
    """The Indonesian text of an English message id, as an HTML page shows it."""
    with app.test_request_context(), force_locale("id"):
        return html.escape(gettext(message, **variables), quote=False)


def error_beside(page: str, field_id: str) -> str | None:
    """The error text shown under the field with this id, or None when there is none."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page)
    return match.group(1) if match else None
