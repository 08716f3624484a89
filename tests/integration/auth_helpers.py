"""Accounts for tests: create one with the real service, log in through the real form."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import count

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tracker.accounts.services import create_user
from tracker.agencies.models import Agency
from tracker.auth import services
from tracker.auth.models import User
from tracker.regencies.models import Regency

PASSWORD = "kata-sandi-uji-123"
_seq = count(1)


def make_user(
    session: Session,
    *,
    role: str,
    now: datetime,
    regency: Regency | None = None,
    agency: Agency | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    """Create an account through tracker.accounts.services.create_user (as the CLI would)."""
    if agency is not None and regency is None:
        regency = session.get(Regency, agency.regency_id)
    user = create_user(
        session,
        actor=None,
        email=email or f"{role}{next(_seq)}@uji.go.id",
        name=f"Pengguna {role}",
        role=role,
        password=password,
        now=now,
        regency_slug=regency.slug if regency else None,
        agency_slug=agency.slug if agency else None,
    )
    session.commit()  # releases the builder's SAVEPOINT so that requests see the account
    return user


def form_token(html: str) -> str:
    """Read the CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Log in through the login form, CSRF token included."""
    page = client.get("/masuk").get_data(as_text=True)
    response = client.post(
        "/masuk", data={"email": user.email, "password": password, "csrf_token": form_token(page)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def api_token(session: Session, user: User, now: datetime) -> str:
    """Issue a bearer token for ``user`` and return its plain value."""
    issued = services.issue_token(session, actor=None, owner=user, now=now)
    session.commit()
    return issued.plaintext


def sent_to_login(response: TestResponse) -> bool:
    """Whether a response sends the browser to the login page."""
    return response.status_code == 302 and response.headers["Location"].startswith("/masuk")
