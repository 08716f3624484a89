"""The regent's office publishes a piece of evidence on the public pact page, or takes it off."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.findings.forms import page, upload
from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded
from tracker.audit.models import AuditEvent
from tracker.findings.models import Evidence

CAPTION = "Ramp sudah dibangun di pintu depan"


def _evidence(app: Flask, session: Session, office: Office, recorded: Recorded) -> Evidence:
    assert upload(client_of(app, office.opd_a), recorded.ramp.id, png()).status_code == 302
    return session.execute(select(Evidence)).scalar_one()


def _publish(
    browser: FlaskClient, recorded: Recorded, evidence: Evidence, value: str, token_from: str = ""
):
    token = page(browser, token_from or f"/staf/temuan/{recorded.ramp.id}")[1]
    return browser.post(
        f"/staf/temuan/bukti/{evidence.id}/publik", data={"csrf_token": token, "public": value}
    )


def test_admin_publishes_evidence_and_the_public_pact_page_shows_it_then_not(
    app: Flask, client: FlaskClient, session: Session, office: Office, recorded: Recorded
) -> None:
    evidence = _evidence(app, session, office, recorded)
    public_page = f"/pakta/{recorded.pact.id}"
    assert CAPTION not in client.get(public_page).get_data(as_text=True)
    assert client.get(f"/bukti/{evidence.id}").status_code == 404

    admin = client_of(app, office.admin_x)
    response = _publish(admin, recorded, evidence, "1")
    assert response.status_code == 302
    session.refresh(evidence)
    assert evidence.is_public
    assert CAPTION in client.get(public_page).get_data(as_text=True)
    served = client.get(f"/bukti/{evidence.id}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    served.close()
    staff_html = admin.get(f"/staf/temuan/{recorded.ramp.id}").get_data(as_text=True)
    assert 'data-public="yes"' in staff_html

    assert _publish(admin, recorded, evidence, "0").status_code == 302
    session.refresh(evidence)
    assert not evidence.is_public
    assert CAPTION not in client.get(public_page).get_data(as_text=True)
    assert client.get(f"/bukti/{evidence.id}").status_code == 404

    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("evidence.%published"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["evidence.published", "evidence.unpublished"]
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("evidence.%published"))
    )
    assert all(e.actor_id == office.admin_x.id for e in events)


def test_agency_staff_and_observers_cannot_publish(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    evidence = _evidence(app, session, office, recorded)
    for user in (office.opd_a, office.observer_x):
        browser = client_of(app, user)
        html = browser.get(f"/staf/temuan/{recorded.ramp.id}").get_data(as_text=True)
        assert "/publik" not in html
        assert _publish(browser, recorded, evidence, "1").status_code == 403
    # Another agency's staff do not even learn that the evidence exists.
    other = client_of(app, office.opd_b)
    assert _publish(other, recorded, evidence, "1", token_from="/staf/opd").status_code == 404
    session.refresh(evidence)
    assert not evidence.is_public


def test_a_missing_choice_is_a_form_error_not_a_change(
    app: Flask, session: Session, office: Office, recorded: Recorded
) -> None:
    evidence = _evidence(app, session, office, recorded)
    response = _publish(client_of(app, office.admin_x), recorded, evidence, "maybe")
    assert response.status_code == 422
    session.refresh(evidence)
    assert not evidence.is_public
