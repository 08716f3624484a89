"""Changing one's own password: the current one first, errors beside the fields."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import PASSWORD, form_token, login, sent_to_login
from tracker.auth.models import User

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
