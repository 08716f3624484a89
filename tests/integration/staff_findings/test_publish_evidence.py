"""The regent's office publishes a piece of evidence on the public pact page, or takes it off."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.staff_findings.conftest import (
    World,
    client_for,
    page,
    png_bytes,
    upload,
)
from tracker.audit.models import AuditEvent
from tracker.findings.models import Evidence

CAPTION = "Ramp sudah dibangun di pintu depan"


def _evidence(app: Flask, session: Session, world: World) -> Evidence:
    assert upload(client_for(app, world.opd_a), world.ramp.id, png_bytes()).status_code == 302
    return session.execute(select(Evidence)).scalar_one()


def _publish(
    browser: FlaskClient, world: World, evidence: Evidence, value: str, token_from: str = ""
):
    token = page(browser, token_from or f"/staf/temuan/{world.ramp.id}")[1]
    return browser.post(
        f"/staf/temuan/bukti/{evidence.id}/publik", data={"csrf_token": token, "public": value}
    )


def test_admin_publishes_evidence_and_the_public_pact_page_shows_it_then_not(
    app: Flask, client: FlaskClient, session: Session, world: World, upload_folder: Path
) -> None:
    evidence = _evidence(app, session, world)
    public_page = f"/pakta/{world.pact.id}"
    assert CAPTION not in client.get(public_page).get_data(as_text=True)
    assert client.get(f"/bukti/{evidence.id}").status_code == 404

    admin = client_for(app, world.admin)
    response = _publish(admin, world, evidence, "1")
    assert response.status_code == 302
    session.refresh(evidence)
    assert evidence.is_public
    assert CAPTION in client.get(public_page).get_data(as_text=True)
    served = client.get(f"/bukti/{evidence.id}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    served.close()
    staff_html = admin.get(f"/staf/temuan/{world.ramp.id}").get_data(as_text=True)
    assert 'data-public="yes"' in staff_html

    assert _publish(admin, world, evidence, "0").status_code == 302
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
    assert all(e.actor_id == world.admin.id for e in events)


def test_agency_staff_and_observers_cannot_publish(
    app: Flask, session: Session, world: World, upload_folder: Path
) -> None:
    evidence = _evidence(app, session, world)
    for user in (world.opd_a, world.observer):
        browser = client_for(app, user)
        html = browser.get(f"/staf/temuan/{world.ramp.id}").get_data(as_text=True)
        assert "/publik" not in html
        assert _publish(browser, world, evidence, "1").status_code == 403
    # Another agency's staff do not even learn that the evidence exists.
    other = client_for(app, world.opd_b)
    assert _publish(other, world, evidence, "1", token_from="/staf/opd").status_code == 404
    session.refresh(evidence)
    assert not evidence.is_public


def test_a_missing_choice_is_a_form_error_not_a_change(
    app: Flask, session: Session, world: World, upload_folder: Path
) -> None:
    evidence = _evidence(app, session, world)
    response = _publish(client_for(app, world.admin), world, evidence, "maybe")
    assert response.status_code == 422
    session.refresh(evidence)
    assert not evidence.is_public
