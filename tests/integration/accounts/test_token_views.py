"""Every staff member manages their own API tokens: create one, see it once, revoke it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.pages import client_of, post_form
from tracker.auth.models import ApiToken
from tracker.auth.services import user_for_token
from tracker.clock import FixedClock


def _new_token(client: FlaskClient, label: str) -> tuple[str, str]:
    """Create a token through the page; return the page and the plain token it shows."""
    response = post_form(client, "/staf/akun/token/baru", {"label": label}, form="/staf/akun/token")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    match = re.search(r"<code [^>]*data-token>(pp_[^<]+)</code>", page)
    assert match, "the new token is not on the page"
    return page, match.group(1)


def _stored(session: Session, label: str) -> ApiToken:
    return session.execute(select(ApiToken).where(ApiToken.label == label)).scalar_one()


def _session_cookie(app: Flask, client: FlaskClient) -> str:
    """What the browser's session cookie holds, decoded."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        return ""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return repr(serializer.loads(cookie.value))


def test_a_new_token_is_shown_once_and_works_as_a_bearer_token(
    app: Flask, session: Session, now: datetime, office: Office
) -> None:
    client = client_of(app, office.observer_x)
    page, plaintext = _new_token(client, "Lembar kerja Ombudsman")
    assert "Lembar kerja Ombudsman" in page
    # Not in a cookie, and gone from the page as soon as it is reloaded.
    cookie = _session_cookie(app, client)
    assert "login_key" in cookie and plaintext not in cookie
    later = client.get("/staf/akun/token").get_data(as_text=True)
    assert plaintext not in later
    assert plaintext[:10] in later  # the prefix tells tokens apart
    api = app.test_client()
    response = api.get("/api/v1/pacts", headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 200
    assert user_for_token(session, plaintext=plaintext, now=now) == office.observer_x


def test_each_user_sees_only_their_own_tokens(app: Flask, office: Office) -> None:
    _, mine = _new_token(client_of(app, office.admin_x), "milik admin X")
    page = client_of(app, office.admin_y).get("/staf/akun/token").get_data(as_text=True)
    assert mine[:10] not in page and "milik admin X" not in page


def test_a_revoked_token_stops_working_at_once(
    app: Flask, session: Session, clock: FixedClock, office: Office
) -> None:
    client = client_of(app, office.opd_a)
    plaintext = _new_token(client, "skrip OPD")[1]
    token = _stored(session, "skrip OPD")
    clock.set(clock.now() + timedelta(minutes=5))
    revoke = f"/staf/akun/token/{token.id}/cabut"
    response = post_form(client, revoke, {}, form="/staf/akun/token")
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    row = listing.split(f'data-token-id="{token.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="revoked"' in listing
    assert "/cabut" not in row  # nothing left to revoke
    assert "09.05" in row or "09:05" in row  # when, in the regency's time (WITA)
    session.expire_all()  # the request revoked it through its own session
    assert user_for_token(session, plaintext=plaintext, now=clock.now()) is None
    assert post_form(client, revoke, {}, form="/staf/akun/token").status_code == 302
    assert 'class="flash flash-error"' in client.get("/staf/akun/token").get_data(as_text=True)


def test_revoking_without_a_csrf_token_leaves_the_token_alive(
    app: Flask, session: Session, now: datetime, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    plaintext = _new_token(client, "tetap hidup")[1]
    revoke = f"/staf/akun/token/{_stored(session, 'tetap hidup').id}/cabut"
    assert client.post(revoke).status_code == 400
    assert user_for_token(session, plaintext=plaintext, now=now) == office.admin_x
