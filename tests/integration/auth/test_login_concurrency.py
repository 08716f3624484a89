"""Thirty wrong passwords for one address at once, against a live server with real commits: no
more than the free attempts are checked (the bucket's row is locked from the first read to the
commit), on SQLite, PostgreSQL and MariaDB alike (.ci/run repeats it on the servers)."""

from __future__ import annotations

import http.client
import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tests.integration.auth_helpers import make_user
from tests.live import serving
from tracker.audit.models import AuditEvent
from tracker.auth.models import LoginSession, LoginThrottle, User
from tracker.auth.services import throttle_key
from tracker.extensions import db

pytestmark = pytest.mark.committing

GUESSES = 30
EMAIL = "serbuan@uji.go.id"


@pytest.fixture
def target(app: Flask) -> Iterator[int]:
    """A committed superadmin account (no regency needed); removed with its traces after."""
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        user_id = make_user(session, role="superadmin", now=TEST_NOW, email=EMAIL).id
    try:
        yield user_id
    finally:
        with Session(engine) as session:
            session.execute(delete(AuditEvent).where(AuditEvent.target_id == user_id))
            session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
            session.execute(
                delete(LoginThrottle).where(LoginThrottle.key_hash == throttle_key(EMAIL))
            )
            session.execute(delete(User).where(User.id == user_id))
            session.commit()


def _guess(port: int, start: threading.Barrier) -> int:
    def call(method: str, body: str | None = None, cookie: str = "") -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        connection.request(method, "/masuk", body=body, headers=headers)
        return connection.getresponse()

    page = call("GET")
    cookie = SimpleCookie(page.headers["Set-Cookie"])
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.read())
    assert token is not None
    form = {"email": EMAIL, "password": "tebakan-yang-salah", "csrf_token": token.group(1).decode()}
    start.wait()
    answer = call("POST", urlencode(form), "; ".join(f"{k}={v.value}" for k, v in cookie.items()))
    answer.read()
    return answer.status


def test_thirty_parallel_guesses_get_only_the_free_attempts_checked(
    app: Flask, target: int
) -> None:
    free = int(app.config["LOGIN_FREE_ATTEMPTS"])
    start = threading.Barrier(GUESSES)
    with serving(app, "login-guesses") as port, ThreadPoolExecutor(GUESSES) as pool:
        answers = Counter(pool.map(lambda _: _guess(port, start), range(GUESSES)))
    assert answers == Counter({401: free, 429: GUESSES - free})
    with app.app_context(), Session(db.engine) as session:
        checked = session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.target_id == target, AuditEvent.action == "user.login_failed")
        ).scalar_one()
    # Each password checked and found wrong leaves one audit event: five, not thirty.
    assert checked == free
