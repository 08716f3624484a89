"""Numbers and times as Indonesians read them (issue 12 item 6): "2.798 hari" and "81,22" in
Indonesian, "2,798 days" and "81.22" in English, and the regency's zone as WIB, WITA or WIT in
both languages; pages, mails and the escalation letter alike. Machine outputs stay as they were."""

from __future__ import annotations

import io
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.notifications.sweep_helpers import local, make_office, run_sweep
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded
from tracker.clock import FixedClock
from tracker.i18n import format_local_time, format_number, format_score, zone_abbreviation
from tracker.notifications.models import Notification

# The Sumbawa Barat pacts of 8 January 2019 were due on 8 April 2019: 2798 days before this day.
SIGNED = date(2019, 1, 8)
TODAY = local("2026-12-05T09:00:00+08:00")


@pytest.mark.parametrize(
    ("lang", "days", "score", "low"),
    [("id", "2.798", "81,22", "64,80"), ("en", "2,798", "81.22", "64.80")],
)
def test_counts_and_scores_follow_the_language(
    app: Flask, lang: str, days: str, score: str, low: str
) -> None:
    with app.test_request_context(), force_locale(lang):
        assert format_number(2798) == days
        assert format_score("81.22") == score
        assert format_score(64.8) == low
        assert format_score(None) == "—"


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    ("zone", "abbreviation"),
    [
        ("Asia/Jakarta", "WIB"),
        ("Asia/Pontianak", "WIB"),
        ("Asia/Makassar", "WITA"),
        ("Asia/Jayapura", "WIT"),
    ],
)
def test_times_carry_the_regency_zone_abbreviation_in_both_languages(
    app: Flask, lang: str, zone: str, abbreviation: str
) -> None:
    at = TODAY.astimezone(ZoneInfo(zone))
    with app.test_request_context(), force_locale(lang):
        assert zone_abbreviation(zone) == abbreviation
        assert zone_abbreviation(at) == abbreviation
        shown = format_local_time(at)
        assert shown.endswith(f" {abbreviation}") and "+0" not in shown


def test_the_public_pact_page_counts_days_as_each_language_writes_them(
    client: FlaskClient, session: Session, office: Office, clock: FixedClock
) -> None:
    clock.set(TODAY)
    pact = make_pact(session, agency=office.a, now=TODAY, signed_on=SIGNED)

    indonesian = client.get(f"/pakta/{pact.id}?lang=id").get_data(as_text=True)
    english = client.get(f"/pakta/{pact.id}?lang=en").get_data(as_text=True)

    assert "melewati tenggat 2.798 hari" in indonesian and "2798" not in indonesian
    assert "overdue 2,798 days" in english
    api = client.get(f"/api/v1/pacts/{pact.id}").get_json()
    assert api["days_left"] == -2798


@pytest.mark.parametrize("lang", ["id", "en"])
def test_staff_timelines_show_wita_not_an_offset(
    app: Flask, office: Office, recorded: Recorded, lang: str
) -> None:
    admin = client_of(app, office.admin_x)
    html = admin.get(f"/staf/temuan/{recorded.ramp.id}?lang={lang}").get_data(as_text=True)
    timeline = html.split('id="timeline"', 1)[1]
    assert " WITA</time>" in timeline
    assert "+0800" not in html and "GMT+8" not in html


def test_the_escalation_mail_and_letter_write_2798_days_the_indonesian_way(
    app: Flask, session: Session
) -> None:
    office = make_office(session, now=local("2026-12-01T09:00:00+08:00"))
    pact = make_pact(session, agency=office.agency, now=local("2026-12-01T09:00:00+08:00"),
                     signed_on=SIGNED)  # fmt: skip

    run_sweep(app, session, TODAY)

    notices = list(session.scalars(select(Notification).where(Notification.pact_id == pact.id)))
    letter = next(n for n in notices if n.kind.startswith("escalation") and n.lang == "id")
    assert "melewati tenggat 2.798 hari" in letter.subject
    assert "2.798 hari" in letter.body_text and "2798" not in letter.body_text
    assert letter.attachment is not None
    reader = PdfReader(io.BytesIO(letter.attachment))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    assert "melewati tenggat 2.798 hari" in text
    english = [n for n in notices if n.kind.startswith("escalation") and n.lang == "en"]
    for notice in english:
        assert "2,798 days" in notice.body_text
