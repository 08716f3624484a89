"""A public page is rendered once per data version and handed to every later visitor of its
address (tracker.web.caching.pages): never stale, never someone's private page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import login
from tests.integration.portal.public_world import PASSWORD, PublicWorld
from tracker.extensions import db
from tracker.pacts import services as pact_services
from tracker.web import caching

REDIS_URL = "redis://127.0.0.1:6379/13"


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements run meanwhile (savepoints of the test's transaction aside)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "SAVEPOINT" not in statement.upper():
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@contextmanager
def page_cache(app: Flask, setting: str) -> Iterator[None]:
    """Run with PAGE_CACHE set to ``setting``, then back to the test configuration's."""
    before = app.config["PAGE_CACHE"]
    app.config["PAGE_CACHE"] = setting
    caching.init_page_cache(app)
    try:
        yield
    finally:
        with app.app_context(), suppress(redis.RedisError):
            caching.pages.clear()
        app.config["PAGE_CACHE"] = before
        caching.init_page_cache(app)


def _urls(world: PublicWorld) -> list[str]:
    return [
        "/",
        f"/kabupaten/{world.regency.slug}",
        f"/pakta/{world.pact.id}",
        "/api/v1/pacts",
        f"/api/v1/pacts/{world.pact.id}",
    ]


def test_a_second_visitor_gets_the_same_page_for_one_statement(
    app: Flask, client: FlaskClient, world: PublicWorld
) -> None:
    for url in _urls(world):
        first = client.get(url)
        with statements(app) as seen:
            second = app.test_client().get(url)
        assert second.status_code == 200, url
        assert second.get_data() == first.get_data(), url
        assert second.headers["ETag"] == first.headers["ETag"], url
        assert second.headers["Content-Type"] == first.headers["Content-Type"], url
        # Only the data version is read: nothing about pacts, whatever the country's size.
        assert len(seen) == 1, (url, seen)


def test_a_change_shows_on_the_next_visit(
    client: FlaskClient, session: Session, world: PublicWorld, now: datetime
) -> None:
    url, api = f"/pakta/{world.pact.id}", f"/api/v1/pacts/{world.pact.id}"
    assert "Cuaca buruk" not in client.get(url).get_data(as_text=True)
    deadline = client.get(api).get_json()["deadline"]
    later = world.pact.deadline_on + timedelta(days=10)  # type: ignore[operator]
    pact_services.extend_pact(
        session, actor=world.admin, pact_id=world.pact.id, new_deadline_on=later,
        reason="Cuaca buruk.", now=now,
    )  # fmt: skip
    session.commit()
    assert "Cuaca buruk" in client.get(url).get_data(as_text=True)
    assert client.get(api).get_json()["deadline"] == later.isoformat() != deadline


def test_a_staff_members_page_is_never_handed_to_the_public(app: Flask, world: PublicWorld) -> None:
    url = f"/pakta/{world.pact.id}"
    staff = app.test_client()
    login(staff, world.admin, PASSWORD)
    assert world.admin.name in staff.get(url).get_data(as_text=True)
    public = app.test_client().get(url).get_data(as_text=True)
    assert world.admin.name not in public
    # And the public's page, kept now, is not what the staff member gets.
    assert world.admin.name in staff.get(url).get_data(as_text=True)


def test_each_language_is_kept_apart(app: Flask, world: PublicWorld) -> None:
    url = f"/kabupaten/{world.regency.slug}"
    indonesian = app.test_client().get(url).get_data(as_text=True)
    english = app.test_client().get(url + "?lang=en").get_data(as_text=True)
    assert 'lang="id"' in indonesian and 'lang="en"' in english
    assert 'lang="id"' in app.test_client().get(url).get_data(as_text=True)


def test_off_renders_every_visit(app: Flask, client: FlaskClient, world: PublicWorld) -> None:
    url = f"/pakta/{world.pact.id}"
    with page_cache(app, "off"):
        client.get(url)
        with statements(app) as seen:
            assert app.test_client().get(url).status_code == 200
    assert len(seen) > 1


def test_workers_share_the_pages_kept_in_redis(app: Flask, world: PublicWorld) -> None:
    url = f"/pakta/{world.pact.id}"
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    with page_cache(app, REDIS_URL):
        first = app.test_client().get(url)
        assert store.keys("pantau-pakta-page:*"), "the page is kept in Redis"
        # Another worker's memory is empty; Redis is not: it renders nothing either.
        with statements(app) as seen:
            second = app.test_client().get(url)
    assert second.get_data() == first.get_data()
    assert len(seen) == 1
    store.flushdb()


def test_a_store_that_is_down_costs_a_rendering_not_the_page(
    app: Flask, world: PublicWorld, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"/pakta/{world.pact.id}"
    with page_cache(app, "redis://127.0.0.1:1/0"):
        response = app.test_client().get(url)
    assert response.status_code == 200
    assert world.pact.signatory_name in response.get_data(as_text=True)
    assert "page cache could not be" in caplog.text


def test_an_unknown_setting_stops_the_start(app: Flask) -> None:
    app.config["PAGE_CACHE"] = "memcached://x"
    try:
        with pytest.raises(ValueError, match="TRACKER_PAGE_CACHE"):
            caching.init_page_cache(app)
    finally:
        app.config["PAGE_CACHE"] = "memory"
        caching.init_page_cache(app)
