"""Changing one's own password: the current one first, errors beside the fields."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import PASSWORD, api_token, form_token, login, sent_to_login
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.auth.services import user_for_token

NEW = "sandi-baru-yang-kuat"


def _change(
    client: FlaskClient, current: str, new: str, confirm: str | None = None
) -> TestResponse:
    page = client.get("/akun/kata-sandi?lang=en").get_data(as_text=True)
    return client.post(
        "/akun/kata-sandi",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
            "csrf_token": form_token(page),
        },
    )


def _error_beside(response: TestResponse, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', response.text, re.S)
    assert match, f"no error beside {field}"
    return match.group(1).strip()


def _log_in_status(client: FlaskClient, email: str, password: str) -> int:
    page = client.get("/masuk").get_data(as_text=True)
    return client.post(
        "/masuk", data={"email": email, "password": password, "csrf_token": form_token(page)}
    ).status_code


def test_the_new_password_works_and_the_old_one_no_longer_does(
    app, client: FlaskClient, admin: User
) -> None:
    login(client, admin)
    response = _change(client, PASSWORD, NEW)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staf/"
    assert "Your password has been changed." in client.get("/staf/").get_data(as_text=True)

    browser = app.test_client()
    assert _log_in_status(browser, admin.email, PASSWORD) == 401
    assert _log_in_status(browser, admin.email, NEW) == 302


def test_a_wrong_current_password_is_refused_beside_its_field(
    app, client: FlaskClient, admin: User
) -> None:
    login(client, admin)
    response = _change(client, "bukan-sandi-lama", NEW)
    assert response.status_code == 400
    assert _error_beside(response, "current_password") == "this is not your current password"
    assert _log_in_status(app.test_client(), admin.email, PASSWORD) == 302


@pytest.mark.parametrize(
    ("new", "confirm", "field", "reason"),
    [
        pytest.param(
            "aaaaaaaaaaaa", None, "new_password", "use more different characters", id="too-simple"
        ),
        pytest.param(
            "pendek", None, "new_password", "between 10 and 200 characters", id="too-short"
        ),
        pytest.param(NEW, NEW + "x", "confirm", "The two new passwords do not match.", id="typo"),
    ],
)
def test_a_weak_or_mistyped_new_password_is_refused_beside_its_field(
    app, client: FlaskClient, admin: User, new: str, confirm: str | None, field: str, reason: str
) -> None:
    login(client, admin)
    response = _change(client, PASSWORD, new, confirm)
    assert response.status_code == 400
    assert reason in _error_beside(response, field)
    assert _log_in_status(app.test_client(), admin.email, PASSWORD) == 302


def test_changing_the_password_needs_a_login(client: FlaskClient) -> None:
    response = client.get("/akun/kata-sandi")
    assert sent_to_login(response)


def _change_with(client: FlaskClient, **extra: str) -> TestResponse:
    page = client.get("/akun/kata-sandi?lang=en").get_data(as_text=True)
    data = {"current_password": PASSWORD, "new_password": NEW, "confirm": NEW}
    return client.post("/akun/kata-sandi", data={**data, **extra, "csrf_token": form_token(page)})


def test_changing_the_password_revokes_the_accounts_api_tokens_by_default(
    app, client: FlaskClient, session, admin: User, now
) -> None:
    token = api_token(session, admin, now)
    login(client, admin)
    page = client.get("/akun/kata-sandi?lang=en").get_data(as_text=True)
    # Offered, ticked, with how many tokens would stop.
    assert re.search(r'<input [^>]*checked[^>]*name="revoke_tokens"', page)
    assert "You have 1 API token that still works." in page
    assert _works(session, token, now)
    assert _change_with(client, revoke_tokens="y").status_code == 302
    assert not _works(session, token, now)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.password_changed")
    ).one()
    assert event.changes == {"sessions_ended": 1, "tokens_revoked": 1}


def test_the_owner_may_keep_the_tokens_by_unticking_the_box(
    app, client: FlaskClient, session, admin: User, now
) -> None:
    token = api_token(session, admin, now)
    login(client, admin)
    assert _change_with(client).status_code == 302  # the box unticked: not sent
    assert _works(session, token, now)


def test_without_tokens_the_box_is_not_shown_yet_a_token_made_meanwhile_is_revoked(
    app, client: FlaskClient, session, admin: User, now
) -> None:
    login(client, admin)
    page = client.get("/akun/kata-sandi?lang=en").get_data(as_text=True)
    assert 'type="checkbox"' not in page
    token = api_token(session, admin, now)  # another tab, meanwhile
    response = client.post(
        "/akun/kata-sandi",
        data={
            "current_password": PASSWORD,
            "new_password": NEW,
            "confirm": NEW,
            "revoke_tokens": "y",
            "csrf_token": form_token(page),
        },
    )
    assert response.status_code == 302
    assert not _works(session, token, now)


def _works(session, token: str, now) -> bool:
    return user_for_token(session, plaintext=token, now=now, note_use=False) is not None
