"""Driving the staff pages as a browser does: log in, post a form with its CSRF token, read
the errors beside the fields."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.integration.auth_helpers import form_token, login
from tracker.auth.models import User


def client_of(app: Flask, user: User | None) -> FlaskClient:
    """A new browser, logged in as ``user`` through the login form (anonymous for None)."""
    client = app.test_client()
    if user is not None:
        login(client, user)
    return client


def read_page(client: FlaskClient, url: str) -> str:
    """GET a page that must answer 200 and return its HTML."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], *, form: str | None = None, **kwargs: Any
) -> TestResponse:
    """POST ``data`` to ``url`` with the CSRF token read from the page ``form`` (else ``url``)."""
    token = form_token(client.get(form or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def count_rows(session: Session, model: type) -> int:
    """How many rows a table holds (as the test's transaction sees them)."""
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@contextmanager
def rows_unchanged(session: Session, *models: type) -> Iterator[None]:
    """Assert that the block leaves as many rows in each table as it found."""
    before = [count_rows(session, model) for model in models]
    yield
    assert [count_rows(session, model) for model in models] == before, "a refusal stored rows"


def refused_page(
    session: Session, models: tuple[type, ...], status: int, send: Callable[[], TestResponse]
) -> str:
    """Send a request the app must refuse with ``status``, storing no row; return the page."""
    with rows_unchanged(session, *models):
        response = send()
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def in_indonesian(app: Flask, message: str, **variables: object) -> str:
    """The Indonesian text of an English message id, as an HTML page shows it."""
    with app.test_request_context(), force_locale("id"):
        return html.escape(gettext(message, **variables), quote=False)


def error_beside(page: str, field_id: str) -> str | None:
    """The error text shown under the field with this id, or None when there is none."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page)
    return match.group(1) if match else None
