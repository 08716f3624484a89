"""What the notices say: links that work, names escaped in HTML, the digest's three lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact
from tests.integration.notifications.sweep_helpers import local, make_office, rows, run_sweep
from tracker.clock import FixedClock
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.notifications.models import Notification


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """Serve the install under a path prefix, as a regency behind its own domain might."""
    original = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://pantau.example.go.id/pakta/"
    try:
        yield "https://pantau.example.go.id/pakta"
    finally:
        app.config["BASE_URL"] = original


def by_key(session: Session, key: str) -> Notification:
    return session.scalars(select(Notification).where(Notification.key == key)).one()


def test_reminder_links_each_open_finding_and_escapes_names_in_html(
    app: Flask, session: Session, clock: FixedClock, base_url: str
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    office.agency.name = 'Dinas <b>PU</b> & "Tata Ruang"'
    pact = make_pact(session, agency=office.agency, now=recorded, signed_on=date(2024, 11, 30))
    findings = list(session.scalars(select(Finding).where(Finding.pact_id == pact.id)))
    findings[0].status = FindingStatus.CLOSED
    findings[0].closed_at = recorded
    session.flush()

    run_sweep(app, session, local("2025-02-27T08:00:00+08:00"))
    english = by_key(session, f"reminder-1d:pact:{pact.id}:2025-02-28:en")
    assert english.subject == (
        'Reminder: 1 day left on the integrity pact of Dinas <b>PU</b> & "Tata Ruang"'
    )
    assert "\n" not in english.subject
    assert "February 28, 2025" in english.body_text
    # Only the open finding, with a link that reaches its staff page under the prefix.
    assert f"{base_url}/staf/temuan/{findings[1].id}" in english.body_text
    assert f"/staf/temuan/{findings[0].id}\n" not in english.body_text
    assert f"{base_url}/staf/pakta/{pact.id}" in english.body_text
    assert english.body_html is not None
    assert "<b>PU</b>" not in english.body_html
    assert "Dinas &lt;b&gt;PU&lt;/b&gt; &amp; &#34;Tata Ruang&#34;" in english.body_html
    assert f'href="{base_url}/staf/temuan/{findings[1].id}"' in english.body_html
    # Indonesian copy: dates in the Indonesian calendar words, whatever the catalogue says.
    indonesian = by_key(session, f"reminder-1d:pact:{pact.id}:2025-02-28")
    assert "28 Februari 2025" in indonesian.body_text
    assert indonesian.lang == "id"
    assert indonesian.due_on == date(2025, 2, 27)


def test_digest_lists_overdue_pacts_pacts_due_soon_and_findings_waiting_for_verification(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    second = make_agency(session, regency=office.regency, now=recorded)
    second.name = "Puskesmas Taliwang"
    late = make_pact(session, agency=office.agency, now=recorded, signed_on=date(2024, 11, 30))
    soon = make_pact(session, agency=second, now=recorded, signed_on=date(2024, 12, 31))
    waiting = session.scalars(select(Finding).where(Finding.pact_id == soon.id)).first()
    assert waiting is not None
    waiting.title = "Tidak ada kotak pengaduan"
    waiting.status = FindingStatus.SUBMITTED
    waiting.submitted_at = local("2025-03-12T16:00:00+08:00")
    office.admin.locale = "en"  # the assertions read the English copy
    session.flush()

    monday = local("2025-03-17T08:00:00+08:00")
    run_sweep(app, session, monday)
    digest = by_key(session, f"digest:regency:{office.regency.id}:2025-03-17:en")
    assert digest.pact_id is None
    assert {r["email"] for r in digest.recipients} == {office.admin.email}
    text = digest.body_text
    overdue_part, rest = text.split("Pacts due within 14 days (1):")
    due_part, waiting_part = rest.split("Findings waiting for verification")
    assert "Overdue pacts (1):" in overdue_part
    assert f"{office.agency.name}: deadline February 28, 2025, 17 days past" in overdue_part
    assert f"/staf/pakta/{late.id}" in overdue_part
    assert "Puskesmas Taliwang: deadline March 31, 2025, 14 days left" in due_part
    assert "Tidak ada kotak pengaduan (Puskesmas Taliwang): waiting 5 days" in waiting_part
    assert "since March 12, 2025" in waiting_part
    # One digest per Monday: later sweeps that week add nothing.
    assert run_sweep(app, session, local("2025-03-20T10:00:00+08:00")).created["digest"] == 0
    assert len([n for n in rows(session, regency=office.regency) if n.kind == "digest"]) == 1
