"""Each page of the regent's office opens for the roles allowed and refuses everyone else."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import api_token, form_token
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import record
from tracker.auth.models import ApiToken
from tracker.storage import FileStore

PERSONAS = ("anonymous", "opd_a", "observer_x", "admin_x", "admin_y", "superadmin")


def _table(*allowed: str) -> dict[str, str]:
    """Allowed personas get the page; anonymous goes to the login page; the rest get 403."""
    return {p: ("ok" if p in allowed else "login" if p == "anonymous" else "403") for p in PERSONAS}


PAGES = {
    "/staf/pakta/": _table("opd_a", "observer_x", "admin_x", "admin_y", "superadmin"),
    "/staf/pakta/baru": _table("admin_x", "admin_y"),
    "/staf/daftar-opd/": _table("observer_x", "admin_x", "admin_y", "superadmin"),
    "/staf/daftar-opd/baru": _table("admin_x", "admin_y"),
    "/staf/kabupaten/": _table("superadmin"),
    "/staf/kabupaten/baru": _table("superadmin"),
    "/staf/akun/": _table("admin_x", "admin_y", "superadmin"),
    "/staf/akun/baru": _table("admin_x", "admin_y", "superadmin"),
    "/staf/akun/token": _table("opd_a", "observer_x", "admin_x", "admin_y", "superadmin"),
}


def _outcome(status: int, location: str) -> str:
    if status == 200:
        return "ok"
    if status == 302 and "/masuk" in location:
        return "login"
    return str(status)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_opens_only_for_the_roles_that_may_use_it(
    app: Flask, office: Office, persona: str
) -> None:
    client = client_of(app, None if persona == "anonymous" else office.user(persona))
    got = {}
    for url in PAGES:
        response = client.get(url)
        got[url] = _outcome(response.status_code, response.headers.get("Location", ""))
    assert got == {url: table[persona] for url, table in PAGES.items()}


def test_a_refused_page_says_so_in_the_layout(app: Flask, office: Office) -> None:
    response = client_of(app, office.opd_a).get("/staf/akun/")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert '<html lang="id">' in page
    assert 'class="error-code"' in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("opd_a", "ok"),
        ("observer_x", "ok"),
        ("admin_x", "ok"),
        ("superadmin", "ok"),
        ("opd_b", "404"),
        ("admin_y", "404"),
    ],
)
def test_a_pact_and_its_scan_are_hidden_from_other_agencies_and_regencies(
    app: Flask,
    session: Session,
    now: datetime,
    office: Office,
    store: FileStore,
    persona: str,
    expected: str,
) -> None:
    scan = b"%PDF-1.4\n%%EOF\n"
    pact = record(session, actor=office.admin_x, agency_id=office.a.id, titles=["Belum ada ramp"],
                  signed_on=now.date(), scan=scan, store=store, now=now)  # fmt: skip
    session.commit()
    client = client_of(app, None if persona == "anonymous" else getattr(office, persona))
    for url in (f"/staf/pakta/{pact.id}", f"/staf/pakta/{pact.id}/pindaian"):
        response = client.get(url)
        assert _outcome(response.status_code, response.headers.get("Location", "")) == expected
        response.close()


def test_a_token_of_someone_else_cannot_be_revoked_and_its_existence_does_not_leak(
    app: Flask, session: Session, now: datetime, office: Office
) -> None:
    plaintext = api_token(session, office.admin_x, now)
    token = session.execute(
        select(ApiToken).where(ApiToken.user_id == office.admin_x.id)
    ).scalar_one()
    client = client_of(app, office.admin_y)
    csrf = form_token(client.get("/staf/akun/token").get_data(as_text=True))
    for token_id in (token.id, token.id + 1000):
        response = client.post(f"/staf/akun/token/{token_id}/cabut", data={"csrf_token": csrf})
        assert response.status_code == 404
    session.refresh(token)
    assert token.revoked_at is None
    assert plaintext.startswith("pp_")
