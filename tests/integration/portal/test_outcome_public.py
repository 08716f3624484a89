"""Every public surface says plainly how a pact ended, or that no source says (never a breach):
the pact page and its timeline, the lists, the API, the exports, the feeds, the calendars, the
status definitions, the followers' mail and the staff dashboard."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.office import Office
from tests.integration.pages import client_of, read_page
from tests.integration.portal.public_world import authored_pdf
from tracker.followers.models import Follower
from tracker.followers.services import sweep_followers
from tracker.notifications.models import Notification
from tracker.pacts import services
from tracker.pacts.models import Pact
from tracker.storage import FileStore

SIGNED = date(2018, 6, 4)  # deadline 4 September 2018: long past on 25 March 2019
OVERDUE_DAYS = re.compile(r"melewati tenggat [\d.]+ hari|overdue [\d,]+ days")


@dataclass
class Pacts:
    not_recorded: Pact
    decided: Pact
    undated: Pact


@pytest.fixture
def pacts(session: Session, office: Office, now: datetime, store: FileStore) -> Pacts:
    """Three pacts of regency X: one whose end no source reports, loaded as a loader dates it
    (recorded at 10:00 on its signing day), one the regent decided, one without a date."""
    tz = ZoneInfo(office.x.timezone)
    at_signing = datetime.combine(SIGNED, time(10), tzinfo=tz).astimezone(UTC)
    findings = [services.FindingInput(title="Belum ada ruang bermain anak", category="input")]
    not_recorded = services.record_pact(
        session, actor=office.admin_x, agency_id=office.a.id, signatory_name="H. Contoh",
        signatory_title="Kepala Dinas Sosial", signed_on=SIGNED, pledge="Tiga bulan.",
        findings=findings, now=at_signing,
    )  # fmt: skip
    services.record_outcome(
        session, actor=office.admin_x, pact_id=not_recorded.id, kind="not_recorded",
        decided_on=None, note="Artikel tidak menyebut akhir tindak lanjut.", now=now,
    )  # fmt: skip
    decided = make_pact(session, agency=office.b, now=now, signed_on=SIGNED, findings=1)
    services.record_outcome(
        session, actor=office.admin_x, pact_id=decided.id, kind="replaced",
        decided_on=date(2019, 3, 18), note="Kepala dinas diganti melalui mutasi.",
        document=authored_pdf(), store=store, now=now,
    )  # fmt: skip
    undated = make_pact(session, agency=office.b, now=now, signed_on=None, findings=1)
    session.commit()
    return Pacts(not_recorded, decided, undated)


def test_a_pact_whose_end_no_source_reports_says_so_and_counts_no_days(
    client: FlaskClient, pacts: Pacts
) -> None:
    html = read_page(client, f"/pakta/{pacts.not_recorded.id}")
    assert "Hasil tidak tercatat: sumber tidak melaporkan bagaimana pakta ini berakhir" in html
    assert 'data-status="not_recorded"' in html
    assert not OVERDUE_DAYS.search(html)
    assert "Hari dihitung menurut tanggal setempat" not in html
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert timeline
    # The signing by its date only: the hour the loader gave it is no fact of the pact.
    signed = re.search(r'<li data-action="pact.signed">(.*?)</li>', timeline.group(1), re.S)
    assert signed and "4 Jun 2018" in signed.group(1) and "10.00" not in signed.group(1)
    assert 'data-action="pact.outcome_recorded"' in timeline.group(1)
    english = read_page(client, f"/pakta/{pacts.not_recorded.id}?lang=en")
    assert "Outcome not recorded: the source does not report how this pact ended." in english
    assert not OVERDUE_DAYS.search(english)


def test_a_decided_pact_shows_the_decision_its_date_note_and_document(
    client: FlaskClient, pacts: Pacts
) -> None:
    html = read_page(client, f"/pakta/{pacts.decided.id}?lang=en")
    decision = re.search(r"<dl class=\"facts\" data-outcome-decided>(.*?)</dl>", html, re.S)
    assert decision
    text = decision.group(1)
    assert "Replaced" in text and "Mar 18, 2019" in text
    assert "Kepala dinas diganti melalui mutasi." in text
    url = f"/pakta/{pacts.decided.id}/keputusan.pdf"
    assert url in text and str(pacts.decided.outcome_document_sha256) in text
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert timeline and "Replaced, decided Mar 18, 2019" in " ".join(timeline.group(1).split())
    assert "Regent's office" in timeline.group(1)
    document = client.get(url)
    assert document.status_code == 200 and document.data.startswith(b"%PDF")
    assert document.headers["Content-Disposition"].startswith("attachment")
    assert b"zqxleak" not in document.data  # the author in the original's metadata
    assert client.get(f"/pakta/{pacts.undated.id}/keputusan.pdf").status_code == 404


def test_an_undated_pact_says_its_date_is_not_recorded_never_on_track(
    client: FlaskClient, pacts: Pacts
) -> None:
    html = read_page(client, f"/pakta/{pacts.undated.id}")
    assert "Tanggal tidak tercatat" in html and 'data-status="undated"' in html
    assert "Sesuai jadwal" not in html
    assert not re.search(r"\d+ hari lagi", html)


def test_lists_filter_the_new_statuses_and_never_call_them_overdue(
    client: FlaskClient, pacts: Pacts, office: Office
) -> None:
    home = read_page(client, "/")
    overdue_list = re.search(r'data-list="overdue">(.*?)</ol>', home, re.S)
    assert overdue_list is None or f'data-pact="{pacts.not_recorded.id}"' not in overdue_list.group(
        1
    )
    for status, pact in (
        ("not_recorded", pacts.not_recorded),
        ("decided", pacts.decided),
        ("undated", pacts.undated),
    ):
        for url in (f"/?status={status}", f"/kabupaten/{office.x.slug}?status={status}"):
            page = read_page(client, url)
            assert re.findall(r'<tr data-pact-id="(\d+)"', page) == [str(pact.id)], url
    assert f'data-pact-id="{pacts.not_recorded.id}"' not in read_page(client, "/?status=overdue")
    agency = read_page(client, f"/opd/{office.a.id}")
    assert 'data-status="not_recorded"' in agency and not OVERDUE_DAYS.search(agency)


def test_the_exports_carry_the_outcome_and_its_date(client: FlaskClient, pacts: Pacts) -> None:
    response = client.get("/data/pakta.csv")
    rows = {r["pact_id"]: r for r in csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))}
    assert (
        rows[str(pacts.not_recorded.id)]["status"],
        rows[str(pacts.not_recorded.id)]["outcome"],
    ) == (
        "not_recorded",
        "not_recorded",
    )
    assert rows[str(pacts.not_recorded.id)]["outcome_on"] == ""
    decided = rows[str(pacts.decided.id)]
    assert (decided["status"], decided["outcome"], decided["outcome_on"]) == (
        "decided",
        "replaced",
        "2019-03-18",
    )
    assert rows[str(pacts.undated.id)]["status"] == "undated"
    assert client.get("/data/pakta.csv?status=not_recorded").status_code == 200
    data_page = read_page(client, "/data?lang=en")
    for status in ("decided", "not_recorded", "undated"):
        assert f'<dt data-status="{status}">' in data_page
    assert "<code>outcome</code>" in data_page and "<code>outcome_on</code>" in data_page


def test_feeds_and_calendars_say_how_the_pact_ended(
    client: FlaskClient, pacts: Pacts, office: Office
) -> None:
    feed = client.get(f"/kabupaten/{office.x.slug}/feed.atom").get_data(as_text=True)
    entries = re.findall(r"<entry>(.*?)</entry>", feed, re.S)
    about = [
        e
        for e in entries
        if f"/pakta/{pacts.not_recorded.id}<" in e or f'/pakta/{pacts.not_recorded.id}"' in e
    ]
    assert about and all("Hasil tidak tercatat" in e for e in about)
    assert any("Diganti" in e and "mutasi" in e for e in entries)
    calendar = client.get(f"/kabupaten/{office.x.slug}/tenggat.ics").get_data(as_text=True)
    unfolded = calendar.replace("\r\n ", "")
    assert "BEGIN:VALARM" not in unfolded
    event = re.search(
        rf"BEGIN:VEVENT(?:(?!END:VEVENT).)*?UID:pakta-{pacts.not_recorded.id}@.*?END:VEVENT",
        unfolded,
        re.S,
    )
    assert event and "hasil tidak tercatat" in event.group(0)
    assert "SEQUENCE:1" in event.group(0)  # the outcome changed the event
    single = client.get(f"/pakta/{pacts.decided.id}.ics").get_data(as_text=True)
    assert "diputuskan Bupati" in single.replace("\r\n ", "")


def test_followers_hear_of_the_decision_when_the_status_changes(
    app: Flask, session: Session, office: Office, now: datetime
) -> None:
    pact = make_pact(session, agency=office.a, now=now, signed_on=SIGNED, findings=1)
    session.add(
        Follower(
            pact_id=pact.id, email="warga@contoh.id", confirm_token_hash="c" * 64,
            unsubscribe_token_hash="d" * 64, created_at=now, confirmed_at=now,
            confirm_expires_at=now + timedelta(days=3), last_status="overdue",
        )
    )  # fmt: skip
    services.record_outcome(
        session, actor=office.admin_x, pact_id=pact.id, kind="reprimand",
        decided_on=date(2019, 3, 22), note=None, now=now,
    )  # fmt: skip
    with app.app_context():
        assert sweep_followers(session, now) == 1
        assert sweep_followers(session, now) == 0
    mail = session.scalars(select(Notification).where(Notification.pact_id == pact.id)).one()
    assert "Diputuskan Bupati" in mail.subject
    assert "Keputusan Bupati: Teguran" in mail.body_text and not OVERDUE_DAYS.search(mail.body_text)


def test_the_staff_dashboard_counts_them_apart_from_overdue(
    app: Flask, pacts: Pacts, office: Office
) -> None:
    page = read_page(client_of(app, office.admin_x), "/staf/")
    counts = dict(re.findall(r'<li data-status="([a-z_]+)"><a class="count"[^>]*>(\d+)</a>', page))
    assert (counts["not_recorded"], counts["decided"], counts["undated"]) == ("1", "1", "1")
    assert counts["overdue"] == "0"
