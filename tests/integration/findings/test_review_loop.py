"""The whole loop through the web forms: evidence, submission, return, resubmission, approval."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.findings.forms import page, review, section, staff_browsers, submit, upload
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded
from tracker.clock import FixedClock


def _status_on_page(browser: FlaskClient, finding_id: int) -> str:
    html, _ = page(browser, f"/staf/temuan/{finding_id}")
    lead = html.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    return lead.split('data-status="', 1)[1].split('"', 1)[0]


def test_agency_fixes_both_findings_and_the_public_sees_the_pact_fulfilled(
    app: Flask,
    client: FlaskClient,
    office: Office,
    recorded: Recorded,
    clock: FixedClock,
    now: datetime,
) -> None:
    opd, admin = staff_browsers(app, office)
    ramp, play = recorded.ramp.id, recorded.play_corner.id

    # The agency photographs both fixes and sends them for verification.
    clock.advance(timedelta(days=1))
    for finding_id, caption in ((ramp, "Ramp di pintu depan"), (play, "Pojok bermain anak")):
        response = upload(opd, finding_id, png(), caption=caption)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/staf/temuan/{finding_id}")
        assert _status_on_page(opd, finding_id) == "in_progress"
        assert submit(opd, finding_id, note="Mohon diverifikasi").status_code == 302
        assert _status_on_page(opd, finding_id) == "submitted"

    # The regent's office sees both in its queue, returns one with a comment, approves the other.
    html, _ = page(admin, "/staf/")
    assert f'data-finding-id="{ramp}"' in html and f'data-finding-id="{play}"' in html
    clock.advance(timedelta(days=1))
    assert 'id="review-form"' in page(admin, f"/staf/temuan/{ramp}")[0]
    assert review(admin, ramp, "return", "Ramp belum ada pegangan tangan.").status_code == 302
    assert review(admin, play, "approve").status_code == 302
    assert _status_on_page(admin, ramp) == "returned"
    assert _status_on_page(admin, play) == "closed"
    assert client.get(f"/api/v1/pacts/{recorded.pact.id}").get_json()["status"] == "on_track"

    # The agency reads the comment, adds a better photo and sends the finding again.
    landing, _ = page(opd, "/staf/opd")
    assert "Ramp belum ada pegangan tangan." in landing
    detail, _ = page(opd, f"/staf/temuan/{ramp}")
    assert "Ramp belum ada pegangan tangan." in section(detail, "reviews")
    assert 'id="evidence-form"' in detail
    assert 'id="submit-form"' not in detail, "a returned finding needs new evidence first"
    clock.advance(timedelta(days=1))
    response = upload(opd, ramp, png("blue"), caption="Ramp dengan pegangan tangan")
    assert response.status_code == 302
    assert submit(opd, ramp).status_code == 302

    # Approved: every finding closed before the deadline.
    clock.advance(timedelta(days=1))
    assert review(admin, ramp, "approve").status_code == 302
    assert _status_on_page(opd, ramp) == "closed"
    body = client.get(f"/api/v1/pacts/{recorded.pact.id}").get_json()
    assert body["status"] == "fulfilled"
    landing, _ = page(opd, "/staf/opd")
    assert 'data-finding-id="' not in section(landing, "open-findings")
    detail, _ = page(opd, f"/staf/temuan/{ramp}")
    assert detail.count("data-evidence-id=") == 2
    assert 'id="evidence-form"' not in detail and 'id="submit-form"' not in detail


def test_returning_without_a_comment_is_refused_beside_the_comment_field(
    app: Flask, office: Office, recorded: Recorded, session: Session
) -> None:
    opd, admin = staff_browsers(app, office)
    upload(opd, recorded.ramp.id, png())
    submit(opd, recorded.ramp.id)

    response = review(admin, recorded.ramp.id, "return", "   ")

    assert response.status_code == 422
    form = section(response.get_data(as_text=True), "review-form")
    assert 'id="comment-error"' in form
    assert _status_on_page(admin, recorded.ramp.id) == "submitted"


def test_submitting_without_evidence_is_explained_and_changes_nothing(
    app: Flask, office: Office, recorded: Recorded
) -> None:
    opd = client_of(app, office.opd_a)
    html, _ = page(opd, f"/staf/temuan/{recorded.ramp.id}")
    assert 'id="submit-form"' not in html

    response = submit(opd, recorded.ramp.id)

    assert response.status_code == 302
    html = opd.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' in html
    assert _status_on_page(opd, recorded.ramp.id) == "open"
