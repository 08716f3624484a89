"""The defaults a user meets, read where the app reads them (not a constant beside its literal)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.auth_helpers import api_token, login
from tests.integration.office import Office
from tracker.clock import local_today


def test_a_pact_recorded_without_a_period_is_due_three_months_after_signing(
    client: FlaskClient, session: Session, office: Office, now: datetime
) -> None:
    # DOMAIN.md section 4: "fix the findings within three months"; Sumbawa Barat 2019-01-08.
    login(client, office.admin_x)
    form = client.get("/staf/pakta/baru").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="period_months"[^>]*>', form)
    assert field and 'value="3"' in field.group(0)
    answer = client.post(
        "/api/v1/pacts",
        json={
            "agency_id": office.a.id,
            "signatory_title": "Kepala Dinas",
            "signed_on": "2019-01-08",
            "pledge": "Memperbaiki temuan.",
        },
        headers={"Authorization": f"Bearer {api_token(session, office.admin_x, now)}"},
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.get_json()["deadline"] == "2019-04-08"


@pytest.mark.parametrize(("left", "status"), [(15, "on_track"), (14, "due_soon"), (0, "due_soon")])
def test_a_pact_is_due_soon_from_fourteen_days_before_its_deadline(
    client: FlaskClient, session: Session, now: datetime, left: int, status: str
) -> None:
    regency = make_regency(session, now=now, slug=f"kab-sisa-{left}")
    deadline = local_today(now, ZoneInfo(regency.timezone)) + timedelta(days=left)
    signed: date = deadline - relativedelta(months=3)
    agency = make_agency(session, regency=regency, now=now)
    pact = make_pact(session, agency=agency, now=now, signed_on=signed)
    body = client.get(f"/api/v1/pacts/{pact.id}").get_json()
    assert (body["deadline"], body["days_left"]) == (deadline.isoformat(), left)
    assert body["status"] == status
