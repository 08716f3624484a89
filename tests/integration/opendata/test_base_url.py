"""TRACKER_BASE_URL: every absolute link in mails, feeds, calendars and CSV starts with it."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.integration.opendata.conftest import DataWorld
from tracker.notifications.models import Notification
from tracker.notifications.sweep import sweep

BASE = "https://pakta.example.go.id"
LINK = re.compile(r"https?://[^\s\"'<>)\\,;]+")
# Namespaces and schemas, which name a format, not a page of this install.
FORMATS = ("http://www.w3.org/", "https://www.w3.org/", "http://purl.org/")


def links(text: str) -> list[str]:
    return [url for url in LINK.findall(text) if not url.startswith(FORMATS)]


@pytest.fixture
def base_url(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    return BASE


@pytest.mark.usefixtures("base_url")
def test_feeds_calendars_and_csv_link_only_to_the_configured_base_url(
    client: FlaskClient, world: DataWorld
) -> None:
    slug = world.x.slug
    found: dict[str, list[str]] = {}
    for path in (
        "/feed.atom",
        f"/kabupaten/{slug}/feed.atom",
        "/komitmen.atom",
        f"/kabupaten/{slug}/tenggat.ics",
        f"/pakta/{world.pact.id}.ics",
        "/data/pakta.csv",
        "/data/temuan.csv",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = links(response.get_data(as_text=True).replace("\r\n ", ""))
    assert all(found[p] for p in ("/feed.atom", f"/pakta/{world.pact.id}.ics", "/data/pakta.csv"))
    stray = {
        path: [u for u in urls if not u.startswith(BASE + "/")] for path, urls in found.items()
    }
    assert stray == {path: [] for path in found}
    assert f"{BASE}/pakta/{world.pact.id}" in found["/data/pakta.csv"]


def test_mails_link_only_to_the_configured_base_url(
    app: Flask, world: DataWorld, base_url: str
) -> None:
    session = world.session
    with app.app_context():
        sweep(session, world.now)
    mails = list(session.scalars(select(Notification)))
    assert {m.kind for m in mails} >= {"reminder-14d"}
    for mail in mails:
        urls = links(mail.body_text) + links(mail.body_html or "")
        assert urls, mail.kind
        assert [u for u in urls if not u.startswith(base_url + "/")] == [], mail.kind


def test_an_unset_base_url_warns_at_start_outside_development(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: object
) -> None:
    from config import Config, TestConfig
    from tracker import create_app

    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("TRACKER_BASE_URL", raising=False)
    with caplog.at_level("WARNING", logger="tracker.app"):
        app = create_app(Config, SECRET_KEY="x" * 64)
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    assert "TRACKER_BASE_URL is not set" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="tracker.app"):
        create_app(TestConfig)
        create_app(Config, DEBUG=True)
        configured = create_app(
            Config, SECRET_KEY="x" * 64, BASE_URL="https://pakta.example.go.id/"
        )
    assert "TRACKER_BASE_URL" not in caplog.text
    assert configured.config["BASE_URL"] == "https://pakta.example.go.id"
