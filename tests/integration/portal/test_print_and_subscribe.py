"""Small things a visitor notices: the icon, feeds and calendars where they apply, the demo
badge explained in words, a page that prints as a record, labels in the reader's language."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import login
from tracker.auth.models import User
from tracker.demo import data
from tracker.demo.accounts import admin_email
from tracker.demo.services import DemoReport
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency

CSS = Path(__file__).resolve().parents[3] / "tracker" / "static" / "css" / "app.css"


def test_the_favicon_is_served_and_every_page_names_it(client: FlaskClient) -> None:
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert match
    with client.get(match.group(1)) as linked:
        assert linked.status_code == 200


def test_regency_and_pact_pages_link_their_feeds_and_calendars(
    client: FlaskClient, session: Session, demo: DemoReport
) -> None:
    regency = session.scalars(select(Regency).where(Regency.slug == "paser")).one()
    page = client.get("/kabupaten/paser").get_data(as_text=True)
    for href in ("/kabupaten/paser/feed.atom", "/kabupaten/paser/tenggat.ics"):
        assert f'href="{href}"' in page
        assert client.get(href).status_code == 200
    assert 'href="/kabupaten/paser/komitmen.atom"' in page
    pact = session.scalars(
        select(Pact).join(Pact.agency).where(Pact.agency.has(regency_id=regency.id))
    ).first()
    assert pact is not None
    pact_page = client.get(f"/pakta/{pact.id}").get_data(as_text=True)
    assert f'href="/pakta/{pact.id}.ics"' in pact_page
    assert 'href="/kabupaten/paser/feed.atom"' in pact_page
    assert client.get(f"/pakta/{pact.id}.ics").status_code == 200


def test_the_demo_badge_is_explained_in_words_on_the_page(
    client: FlaskClient, demo: DemoReport
) -> None:
    page = client.get("/kabupaten/paser").get_data(as_text=True)
    assert 'class="badge demo"' in page
    legend = re.search(r'<p class="demo-legend"[^>]*>(.*?)</p>', page, re.S)
    assert legend
    assert "bukan fakta" in legend.group(1)
    # Shown (not only on hover) when the page's main part has a demo badge.
    css = CSS.read_text(encoding="utf-8")
    assert "body:has(main .badge.demo) .demo-legend { display: block; }" in css


def test_the_print_stylesheet_hides_navigation_and_forms_and_prints_link_addresses() -> None:
    css = CSS.read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    hidden = printed[: printed.index("display: none !important")]
    for part in (".site-header", "form", "button", ".follow-box", "nav"):
        assert part in hidden
    assert 'content: " (" attr(href) ")"' in printed


def test_the_notice_page_names_its_language_and_explains_its_key(
    app: Flask, session: Session, demo: DemoReport, now: datetime
) -> None:
    regency = session.scalars(select(Regency).where(Regency.slug == "paser")).one()
    notice = enqueue(
        session,
        Notice(
            key="uji:bahasa",
            kind="digest",
            regency_id=regency.id,
            pact_id=None,
            recipients=[Recipient(email="admin@paser.demo", role="to")],
            subject="Ringkasan",
            body_text="Isi",
            due_on=now.date(),
            lang="en",
        ),
        now=now,
        webhook=False,
    )
    assert notice is not None
    slug = regency.slug
    admin = session.scalars(select(User).where(User.email == admin_email(slug))).first()
    assert admin is not None
    session.commit()
    client = app.test_client()
    login(client, admin, data.DEMO_PASSWORD)
    page = client.get(f"/staf/kotak-keluar/{notice.id}").get_data(as_text=True)
    language = re.search(r"<dt>Bahasa</dt><dd>(.*?)</dd>", page)
    assert language
    assert language.group(1) == "Inggris"
    assert "<dt>Kunci</dt>" not in page
    assert "tidak pernah" in page
    agencies = client.get("/staf/daftar-opd/").get_data(as_text=True)
    assert ">Slug<" not in agencies
