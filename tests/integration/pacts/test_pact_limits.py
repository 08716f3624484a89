"""A pact carries a sane number of findings and sane dates, whichever door it comes through."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.pages import client_of
from tests.integration.workflow import Recorded, record
from tracker.errors import Invalid
from tracker.pacts import services
from tracker.pacts.models import Pact
from tracker.pacts.rules import PactLimit


def _titles(n: int) -> list[str]:
    return [f"Temuan {i}" for i in range(n)]


def test_a_pact_takes_at_most_the_limit_of_findings(
    session: Session, office: Office, now: datetime
) -> None:
    with pytest.raises(Invalid) as refused:
        record(
            session, actor=office.admin_x, agency_id=office.a.id,
            titles=_titles(PactLimit.FINDINGS + 1), now=now,
        )  # fmt: skip
    assert str(refused.value.fields["findings"]) == "at most 100 findings on one pact"
    assert session.execute(select(func.count(Pact.id))).scalar_one() == 0
    pact = record(
        session, actor=office.admin_x, agency_id=office.a.id,
        titles=_titles(PactLimit.FINDINGS - 1), now=now,
    )  # fmt: skip
    # Adding after signing counts those already there.
    with pytest.raises(Invalid) as refused:
        services.add_findings(
            session, actor=office.admin_x, pact_id=pact.id, now=now,
            findings=[services.FindingInput(title=t, category="input") for t in _titles(2)],
        )  # fmt: skip
    assert "findings" in refused.value.fields
    services.add_findings(
        session, actor=office.admin_x, pact_id=pact.id, now=now,
        findings=[services.FindingInput(title="Yang terakhir", category="input")],
    )  # fmt: skip
    assert len(pact.findings) == PactLimit.FINDINGS


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31)], ids=str)
def test_a_pact_is_not_signed_or_decided_before_2000(
    session: Session, office: Office, recorded: Recorded, now: datetime, day: date
) -> None:
    with pytest.raises(Invalid) as refused:
        record(session, actor=office.admin_x, agency_id=office.a.id, titles=["T"], now=now,
               signed_on=day)  # fmt: skip
    assert str(refused.value.fields["signed_on"]) == "not before 2000-01-01"
    with pytest.raises(Invalid) as refused:
        services.correct_pact(
            session, actor=office.admin_x, pact_id=recorded.pact.id, now=now,
            changes={"signed_on": day}, reason="Salah ketik",
        )  # fmt: skip
    assert "signed_on" in refused.value.fields
    undated = record(session, actor=office.admin_x, agency_id=office.a.id, titles=["T"],
                     now=now, signed_on=None)  # fmt: skip
    with pytest.raises(Invalid) as refused:
        services.record_outcome(
            session, actor=office.admin_x, pact_id=undated.id, kind="reprimand",
            decided_on=day, note="Diberhentikan", now=now,
        )  # fmt: skip
    assert "decided_on" in refused.value.fields


def test_the_form_refuses_a_signing_in_year_one_beside_the_field(
    app: Flask, session: Session, office: Office
) -> None:
    browser = client_of(app, office.admin_x)
    html = browser.get("/staf/pakta/baru").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = browser.post(
        "/staf/pakta/baru",
        data={
            "csrf_token": token, "agency_id": str(office.a.id), "signatory_name": "Kepala",
            "signatory_title": "Kepala Dinas", "signed_on": "0001-01-01", "period_months": "3",
            "pledge": "Janji", "findings-0-title": "Ramp", "findings-0-category": "input",
        },
    )  # fmt: skip
    assert response.status_code == 422
    assert 'id="signed_on-error"' in response.get_data(as_text=True)
    assert session.execute(select(func.count(Pact.id))).scalar_one() == 0
