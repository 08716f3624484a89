"""Landing pages: an OPD sees its own work with days left; the regent's office sees the queue."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact, png
from tests.integration.findings.forms import page, review, section, staff_browsers, submit, upload
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded
from tracker.findings.rules import FindingStatus


def _submitted(session: Session, finding, at: datetime) -> None:
    finding.status = FindingStatus.SUBMITTED
    finding.submitted_at = at
    session.commit()


def test_opd_landing_lists_its_pacts_and_open_findings_with_days_left(
    app: Flask, session: Session, office: Office, recorded: Recorded, now: datetime
) -> None:
    other = make_pact(session, agency=office.b, now=now, signed_on=date(2019, 1, 8))
    other.findings[0].title = "Temuan milik OPD lain"
    recorded.play_corner.status = FindingStatus.CLOSED
    recorded.play_corner.closed_at = now
    session.commit()

    html, _ = page(client_of(app, office.opd_a), "/staf/opd")

    pacts = section(html, "pacts")
    assert re.findall(r'<tr data-pact-id="(\d+)"', pacts) == [str(recorded.pact.id)]
    # Signed 1 March 2019 for three months: deadline 1 June; on 25 March (WITA) 68 days remain.
    assert "1 Jun 2019" in pacts and "sisa 68 hari" in pacts
    assert 'data-status="on_track"' in pacts
    open_findings = section(html, "open-findings")
    ids = re.findall(r'<li data-finding-id="(\d+)"', open_findings)
    assert ids == [str(recorded.ramp.id)], "only the open finding, only of its own agency"
    assert "sisa 68 hari" in open_findings
    assert f'href="/staf/temuan/{recorded.ramp.id}"' in open_findings
    assert 'data-status="open"' in open_findings
    assert "Temuan milik OPD lain" not in html


def test_opd_landing_shows_the_reviewers_comment_on_a_returned_finding_but_not_an_internal_one(
    app: Flask, session: Session, office: Office, recorded: Recorded, now: datetime
) -> None:
    opd, admin = staff_browsers(app, office)
    for finding in (recorded.ramp, recorded.play_corner):
        assert upload(opd, finding.id, png()).status_code == 302
        assert submit(opd, finding.id).status_code == 302
    returned = review(admin, recorded.ramp.id, "return", "Foto belum menunjukkan pegangan ramp.")
    assert returned.status_code == 302
    assert (
        review(
            admin,
            recorded.play_corner.id,
            "approve",
            "Catatan internal: cek ke lokasi.",
            internal=True,
        ).status_code
        == 302
    )

    html, _ = page(opd, "/staf/opd")
    ramp = html.split(f'data-finding-id="{recorded.ramp.id}"', 1)[1].split("</li>", 1)[0]
    assert 'data-status="returned"' in ramp
    assert "Foto belum menunjukkan pegangan ramp." in ramp
    assert "Catatan internal" not in html


def test_admin_landing_shows_the_verification_queue_oldest_submission_first(
    app: Flask, session: Session, office: Office, recorded: Recorded, now: datetime
) -> None:
    older = make_pact(session, agency=office.b, now=now, signed_on=date(2019, 2, 1))
    _submitted(session, recorded.ramp, now - timedelta(days=1))
    _submitted(session, older.findings[1], now - timedelta(days=6))
    _submitted(session, recorded.play_corner, now - timedelta(hours=2))

    html, _ = page(client_of(app, office.admin_x), "/staf/")

    queue = re.findall(r'<tr data-finding-id="(\d+)">', html)
    assert queue == [str(older.findings[1].id), str(recorded.ramp.id), str(recorded.play_corner.id)]
    waiting = re.findall(r'data-waiting-days="(\d+)"', html)
    assert waiting == ["6", "1", "0"]
    for finding_id in queue:
        assert f'href="/staf/temuan/{finding_id}"' in html
    assert office.b.name in html and office.a.name in html
    # Counts by status: both pacts run, none overdue.
    assert re.search(r'<li data-status="all"><a class="count" href="/staf/pakta/">2</a>', html)
    overdue = r'<li data-status="overdue"><a class="count" href="[^"]*=overdue">0</a>'
    assert re.search(overdue, html)


def test_full_queue_page_is_oldest_first_and_readable_by_the_observer(
    app: Flask, session: Session, office: Office, recorded: Recorded, now: datetime
) -> None:
    _submitted(session, recorded.play_corner, now - timedelta(days=3))
    _submitted(session, recorded.ramp, now - timedelta(days=4))
    for user in (office.admin_x, office.observer_x):
        html, _ = page(client_of(app, user), "/staf/temuan/verifikasi")
        assert re.findall(r'<tr data-finding-id="(\d+)">', html) == [
            str(recorded.ramp.id),
            str(recorded.play_corner.id),
        ]
    assert client_of(app, office.opd_a).get("/staf/temuan/verifikasi").status_code == 403
