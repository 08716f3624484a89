"""SIPTL's fourth state, "tidak dapat ditindaklanjuti": the regent's office says a finding cannot be
followed up, with a public reason, and can take that back (DOMAIN.md section 5)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.builders import png
from tests.integration.findings.forms import page, review, section, staff_browsers, submit, upload
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded
from tracker.audit.models import AuditEvent
from tracker.clock import FixedClock

REASON = "Ramp menunggu anggaran perubahan (APBD-P) 2019."


def declare(browser: FlaskClient, finding_id: int, reason: str = REASON) -> TestResponse:
    _html, token = page(browser, f"/staf/temuan/{finding_id}")
    return browser.post(
        f"/staf/temuan/{finding_id}/tidak-dapat-ditindaklanjuti",
        data={"csrf_token": token, "reason": reason},
    )


def reopen(browser: FlaskClient, finding_id: int, reason: str) -> TestResponse:
    _html, token = page(browser, f"/staf/temuan/{finding_id}")
    return browser.post(
        f"/staf/temuan/{finding_id}/buka-kembali", data={"csrf_token": token, "reason": reason}
    )


def _status(browser: FlaskClient, finding_id: int) -> str:
    html, _ = page(browser, f"/staf/temuan/{finding_id}")
    lead = html.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    return lead.split('data-status="', 1)[1].split('"', 1)[0]


def test_the_last_open_finding_declared_unresolvable_fulfils_the_pact_and_the_public_reads_why(
    app: Flask, client: FlaskClient, office: Office, recorded: Recorded, clock: FixedClock
) -> None:
    opd, admin = staff_browsers(app, office)
    ramp, play = recorded.ramp.id, recorded.play_corner.id
    upload(opd, play, png())
    submit(opd, play)
    review(admin, play, "approve")
    assert 'id="unresolvable-form"' in page(admin, f"/staf/temuan/{ramp}")[0]
    assert 'id="unresolvable-form"' not in page(opd, f"/staf/temuan/{ramp}")[0]

    clock.advance(timedelta(days=1))
    response = declare(admin, ramp)

    assert response.status_code == 302
    assert _status(admin, ramp) == "unresolvable"
    staff = page(admin, f"/staf/temuan/{ramp}")[0]
    assert REASON in staff and 'id="reopen-form"' in staff
    assert 'id="unresolvable-form"' not in staff
    pact = client.get(f"/api/v1/pacts/{recorded.pact.id}").get_json()
    assert pact["status"] == "fulfilled"
    assert (pact["findings_closed"], pact["findings_unresolvable"]) == (1, 1)
    listed = {f["id"]: f for f in pact["findings"]}[ramp]
    assert listed["status"] == "unresolvable"
    assert listed["unresolvable_reason"] == REASON
    public = client.get(f"/pakta/{recorded.pact.id}").get_data(as_text=True)
    item = public.split(f'id="temuan-{ramp}"', 1)[1].split("</li>", 1)[0]
    assert 'data-status="unresolvable"' in item and "Tidak dapat ditindaklanjuti" in item
    assert REASON in item
    assert "Ditindaklanjuti tidak dapat" not in public


def test_reopening_needs_a_reason_and_puts_the_finding_back_against_the_deadline(
    app: Flask, client: FlaskClient, office: Office, recorded: Recorded, session: Session
) -> None:
    opd, admin = staff_browsers(app, office)
    ramp = recorded.ramp.id
    upload(opd, ramp, png())
    declare(admin, ramp)
    assert _status(opd, ramp) == "unresolvable"
    detail = page(opd, f"/staf/temuan/{ramp}")[0]
    assert 'id="evidence-form"' not in detail and 'id="submit-form"' not in detail

    refused = reopen(admin, ramp, "  ")
    assert refused.status_code == 422
    assert 'id="reason-error"' in section(refused.get_data(as_text=True), "reopen-form")
    assert _status(admin, ramp) == "unresolvable"

    assert reopen(admin, ramp, "APBD-P disahkan; ramp bisa dibangun.").status_code == 302
    # It had evidence already, so it is in progress again, not "not yet followed up".
    assert _status(opd, ramp) == "in_progress"
    pact = client.get(f"/api/v1/pacts/{recorded.pact.id}").get_json()
    assert pact["findings_unresolvable"] == 0
    assert pact["status"] in ("on_track", "due_soon", "overdue")
    listed = {f["id"]: f for f in pact["findings"]}[ramp]
    assert listed["unresolvable_reason"] is None
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.target_type == "finding", AuditEvent.target_id == ramp)
        .order_by(AuditEvent.id)
    ).all()
    assert actions[-2:] == ["finding.unresolvable", "finding.reopened"]
    timeline = section(page(admin, f"/staf/temuan/{ramp}")[0], "timeline")
    assert "APBD-P disahkan" in timeline and REASON in timeline


def test_only_the_regent_office_decides_and_never_for_its_own_agency_nor_a_closed_finding(
    app: Flask, office: Office, recorded: Recorded
) -> None:
    opd, admin = staff_browsers(app, office)
    ramp = recorded.ramp.id
    assert declare(opd, ramp).status_code == 403
    assert declare(client_of(app, office.observer_x), ramp).status_code == 403
    assert declare(client_of(app, office.admin_of_a), ramp).status_code == 403
    stranger = client_of(app, office.admin_y)
    token = page(stranger, "/staf/")[1]
    assert (
        stranger.post(
            f"/staf/temuan/{ramp}/tidak-dapat-ditindaklanjuti",
            data={"csrf_token": token, "reason": REASON},
        ).status_code
        == 404
    )
    assert _status(admin, ramp) == "open"

    empty = declare(admin, ramp, reason="")
    assert empty.status_code == 422
    assert 'id="reason-error"' in section(empty.get_data(as_text=True), "unresolvable-form")

    play = recorded.play_corner.id
    upload(opd, play, png())
    submit(opd, play)
    review(admin, play, "approve")
    closed = declare(admin, play)
    assert closed.status_code == 302
    flashed = admin.get(closed.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' in flashed
    assert _status(admin, play) == "closed"


def test_a_submitted_finding_may_be_declared_unresolvable_and_leaves_the_queue(
    app: Flask, office: Office, recorded: Recorded
) -> None:
    opd, admin = staff_browsers(app, office)
    ramp = recorded.ramp.id
    upload(opd, ramp, png())
    submit(opd, ramp)
    assert f'data-finding-id="{ramp}"' in page(admin, "/staf/temuan/verifikasi")[0]

    assert declare(admin, ramp).status_code == 302

    assert f'data-finding-id="{ramp}"' not in page(admin, "/staf/temuan/verifikasi")[0]
    assert submit(opd, ramp).status_code == 302
    assert _status(opd, ramp) == "unresolvable"


def test_the_agency_sees_the_state_and_its_reason_after_the_findings_it_must_fix(
    app: Flask, office: Office, recorded: Recorded
) -> None:
    opd, admin = staff_browsers(app, office)
    declare(admin, recorded.ramp.id)

    html = section(page(opd, "/staf/opd")[0], "open-findings")

    ids = [int(i) for i in re.findall(r'data-finding-id="(\d+)"', html)]
    assert ids == [recorded.play_corner.id, recorded.ramp.id]
    assert 'data-status="unresolvable"' in html and REASON in html
