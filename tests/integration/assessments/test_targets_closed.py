"""The loop closed: a pact's target is set when it is recorded, and the pact page says whether the
agency's assessment of the target year met it once that result is recorded."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tests.integration.office import Office
from tests.integration.pages import client_of, post_form
from tracker.assessments.queries import pact_target
from tracker.assessments.rules import TargetKind, TargetState
from tracker.assessments.services import save_unit_result
from tracker.clock import FixedClock
from tracker.errors import Invalid
from tracker.pacts.models import Pact
from tracker.pacts.services import record_pact

LATER = TEST_NOW.replace(year=2026)


@pytest.fixture(autouse=True)
def in_2026(clock: FixedClock) -> None:
    clock.set(LATER)


def _pact(session: Session, office: Office, **target: object) -> Pact:
    return record_pact(
        session, actor=office.admin_x, agency_id=office.a.id, signatory_name="Kepala",
        signatory_title="Kepala Dinas", signed_on=date(2025, 2, 7), pledge="Naik ke zona hijau.",
        now=LATER, **target,  # type: ignore[arg-type]
    )  # fmt: skip


def _unit(session: Session, office: Office, year: int, score: str) -> None:
    save_unit_result(
        session, actor=office.admin_x, agency_id=office.a.id, year=year, result=None,
        score=score, zone=None, source=None, now=LATER,
    )  # fmt: skip


def test_grade_target_awaiting_then_met_on_the_public_page(
    client: FlaskClient, session: Session, office: Office
) -> None:
    pact = _pact(session, office, target_kind="grade", target_value="b", target_year=2026)
    assert (pact.target_kind, pact.target_value, pact.target_year) == (TargetKind.GRADE, "B", 2026)
    target = pact_target(session, pact.id)
    assert target is not None and target.state is TargetState.AWAITING
    _unit(session, office, 2026, "77.99")
    assert pact_target(session, pact.id).state is TargetState.NOT_MET  # type: ignore[union-attr]
    _unit(session, office, 2026, "78.00")
    session.commit()
    response = client.get(f"/pakta/{pact.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    section = re.search(r'<section id="target".*?</section>', html, re.S)
    assert section and 'data-target-state="met"' in section.group(0)
    assert "Target tercapai" in section.group(0) and "78,00" in section.group(0)


def test_the_pact_api_carries_the_target_and_whether_it_was_met(
    client: FlaskClient, session: Session, office: Office
) -> None:
    pact = _pact(session, office, target_kind="zone", target_value="green", target_year=2026)
    session.commit()
    target = client.get(f"/api/v1/pacts/{pact.id}").get_json()["target"]
    assert target == {"kind": "zone", "value": "green", "year": 2026, "state": "awaiting"}
    _unit(session, office, 2026, "77.99")  # C, yellow
    session.commit()
    assert client.get(f"/api/v1/pacts/{pact.id}").get_json()["target"]["state"] == "not_met"
    untargeted = _pact(session, office)
    session.commit()
    assert client.get(f"/api/v1/pacts/{untargeted.id}").get_json()["target"] is None


def test_improve_compares_with_the_last_assessed_year(session: Session, office: Office) -> None:
    pact = _pact(session, office, target_kind="improve", target_year=2025)
    _unit(session, office, 2024, "64.80")
    _unit(session, office, 2025, "64.79")
    target = pact_target(session, pact.id)
    assert target is not None and target.state is TargetState.NOT_MET
    assert target.previous is not None and target.previous.year == 2024


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ({"target_kind": "grade", "target_value": "F", "target_year": 2026}, "target_value"),
        ({"target_kind": "zone", "target_value": "ungu", "target_year": 2026}, "target_value"),
        ({"target_kind": "score", "target_value": "78.001", "target_year": 2026}, "target_value"),
        ({"target_kind": "improve", "target_value": "80", "target_year": 2026}, "target_value"),
        ({"target_kind": "grade", "target_value": "B"}, "target_year"),
        ({"target_kind": "best", "target_year": 2026}, "target_kind"),
    ],
)
def test_a_bad_target_is_refused(
    session: Session, office: Office, target: dict[str, object], field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        _pact(session, office, **target)
    assert field in caught.value.fields
    assert session.execute(select(Pact)).first() is None


def test_target_through_the_form(app: Flask, session: Session, office: Office) -> None:
    client = client_of(app, office.admin_x)
    data = {
        "agency_id": str(office.a.id),
        "signatory_title": "Kepala Dinas",
        "signed_on": "2025-02-07",
        "period_months": "3",
        "pledge": "Naik ke zona hijau.",
        "target_kind": "zone",
        "target_value": "hijau",
        "target_year": "2026",
    }
    refused = post_form(client, "/staf/pakta/baru", data | {"target_value": "ungu"})
    assert refused.status_code in (400, 422)
    assert 'id="target_value-error"' in refused.get_data(as_text=True)
    assert post_form(client, "/staf/pakta/baru", data).status_code == 302
    pact = session.execute(select(Pact)).scalar_one()
    assert (pact.target_kind, pact.target_value, pact.target_year) == (
        TargetKind.ZONE,
        "green",
        2026,
    )
