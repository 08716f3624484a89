"""No public page, feed, export or file shows anything private.

The world of public_world.py puts a marker in every private field (account emails and
names, agency heads, escalation contacts, the webhook, followers, unpublished evidence,
submission notes, reviewers' comments, notices, pact references, photo EXIF and PDF
authors); the demo data adds its own accounts, heads and contacts. Every URL of
public_urls.py is fetched, and neither a marker nor any of those private values may appear
in a response's body or headers.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound as RoutingNotFound

from tests.integration.portal.public_urls import public_urls
from tests.integration.portal.public_world import MARK, PublicWorld
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.demo.services import DemoReport
from tracker.followers.models import Follower
from tracker.opendata.snapshots import take_due_snapshot
from tracker.regencies.models import EscalationContact, Regency

# Endpoints a visitor reaches only with a secret from a mail (never listed on a page).
TOKEN_ENDPOINTS = {"follow.confirm", "follow.unsubscribe"}
# Public endpoints the URL list must reach at least once.
PUBLIC_BLUEPRINTS = ("portal", "opendata")


def _private_values(session: Session, world: PublicWorld) -> dict[str, str]:
    """Collect private values stored without a marker (demo accounts, heads, contacts)."""
    values: dict[str, str] = {f"world: {k}": v for k, v in world.secrets.items() if v}
    private_columns: list[tuple[type, tuple[str, ...]]] = [
        (User, ("email", "name")),
        (Agency, ("head_email", "head_name")),
        (EscalationContact, ("email", "name")),
        (Regency, ("webhook_url", "webhook_secret")),
        (Follower, ("email",)),
    ]
    for model, columns in private_columns:
        for row in session.execute(select(model)).scalars():
            for column in columns:
                if value := getattr(row, column):
                    values[f"{model.__name__}.{column} {row.id}"] = value
    # Short values would match ordinary words; every real secret here is longer.
    return {k: v for k, v in values.items() if len(v) >= 8}


def test_no_public_url_shows_private_data(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: DemoReport,
    world: PublicWorld,
    now: datetime,
) -> None:
    with app.app_context():
        take_due_snapshot(session, now)
    session.commit()
    private = _private_values(session, world)
    assert len(private) > 40, "the fixture should hold many private values"
    urls = public_urls(session)
    leaks: list[str] = []
    statuses: dict[str, int] = {}
    for url in urls:
        response = client.get(url)
        statuses[url] = response.status_code
        body = response.get_data()
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        for where, content in (("body", body.decode("utf-8", "replace")), ("headers", headers)):
            lowered = content.lower()
            for found in sorted(set(re.findall(MARK + r"[a-z0-9-]*", lowered))):
                leaks.append(f"{url} ({where}): {found}")
            for name, value in private.items():
                if value.lower() in lowered:
                    leaks.append(f"{url} ({where}): {name} = {value!r}")
        response.close()
        if response.status_code == 200 and "text/html" in response.content_type:
            # And no page reveals an account, whoever it belongs to.
            assert not re.search(r"[\w.+-]+@[\w-]+\.demo\b", body.decode()), url
    assert not leaks, "private data on public URLs:\n" + "\n".join(leaks)
    server_errors = {u: s for u, s in statuses.items() if s >= 500}
    assert not server_errors, server_errors
    # The check means something only if the pages were rendered, not refused.
    published = {f"/bukti/{e.id}" for e in (world.published_photo, world.published_png)}
    for url, status in statuses.items():
        if url in published or re.fullmatch(r"/(pakta|opd)/\d+|/kabupaten/[a-z-]+", url):
            assert status == 200 or url.endswith(("/2147483647", "/tidak-ada")), (url, status)
    print(f"\n{len(urls)} public URLs checked:", dict(sorted(Counter(statuses.values()).items())))


def test_the_url_list_reaches_every_public_page(
    app: Flask, session: Session, demo: DemoReport, world: PublicWorld, now: datetime
) -> None:
    with app.app_context():
        take_due_snapshot(session, now)
    session.commit()
    adapter = app.url_map.bind("localhost")
    reached = set()
    for url in public_urls(session):
        try:
            endpoint, _ = adapter.match(url.split("?")[0], method="GET")
        except RoutingNotFound:
            continue
        reached.add(endpoint)
    expected = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS
        and "GET" in (rule.methods or set())
        and rule.endpoint not in TOKEN_ENDPOINTS
    }
    assert expected - reached == set(), "add these to tests/integration/portal/public_urls.py"
