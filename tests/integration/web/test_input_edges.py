"""Inputs at the edges: ids past any column, NUL characters, texts past a column, far extensions.

Each is a clear 4xx on every database (PostgreSQL refuses NUL in text and ids past 2^31;
MariaDB's TEXT holds 64 KB), never a 500.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.auth_helpers import api_token, form_token, login
from tests.integration.office import Office
from tracker.errors import Conflict, Invalid
from tracker.pacts import services

HUGE = "99999999999"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        pytest.param(f"/api/v1/pacts/{HUGE}", 404, id="api-pact"),
        pytest.param(f"/api/v1/pacts?agency={HUGE}", 400, id="api-agency-filter"),
        pytest.param(f"/pakta/{HUGE}", 404, id="public-pact-page"),
        pytest.param("/?status=%00", 400, id="nul-in-a-query"),
    ],
)
def test_ids_past_any_column_and_nul_in_a_query_are_refused(
    client: FlaskClient, url: str, status: int
) -> None:
    assert client.get(url).status_code == status


def _pact_body(agency: int, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "agency_id": agency,
        "signatory_title": "Kepala Dinas",
        "signed_on": "2019-03-01",
        "pledge": "Janji",
        "findings": [{"title": "Ramp", "category": "input"}],
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        pytest.param({"pledge": "Janji\u0000"}, 400, id="nul-in-the-pledge"),
        pytest.param({"pledge": "x" * 70_000}, 422, id="pledge-past-a-text-column"),
        pytest.param({"agency_id": int(HUGE)}, 422, id="agency-id-past-any-column"),
    ],
)
def test_the_api_refuses_texts_and_ids_no_column_can_hold(
    client: FlaskClient, session: Session, now: datetime, office: Office, changes, status
) -> None:  # type: ignore[no-untyped-def]
    admin, agency = office.admin_x, office.a
    token = api_token(session, admin, now)
    response = client.post(
        "/api/v1/pacts",
        json=_pact_body(agency.id, **changes),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_a_form_with_a_nul_character_is_refused(
    client: FlaskClient, session: Session, now: datetime, office: Office
) -> None:  # type: ignore[no-untyped-def]
    admin, agency = office.admin_x, office.a
    login(client, admin)
    token = form_token(client.get("/staf/pakta/baru").get_data(as_text=True))
    response = client.post(
        "/staf/pakta/baru",
        data={"csrf_token": token, "agency_id": str(agency.id), "pledge": "a\x00b"},
    )
    assert response.status_code == 400


def test_an_extension_reaches_at_most_two_years_past_the_deadline(
    session: Session, now: datetime, office: Office
) -> None:  # type: ignore[no-untyped-def]
    admin, agency = office.admin_x, office.a
    pact = make_pact(session, agency=agency, now=now, signed_on=date(2019, 3, 1))
    with pytest.raises(Invalid) as caught:
        services.extend_pact(
            session, actor=admin, pact_id=pact.id, new_deadline_on=date(9999, 12, 31),
            reason="Anggaran", now=now,
        )  # fmt: skip
    assert "new_deadline" in caught.value.fields


def test_a_fulfilled_pact_cannot_be_withdrawn(
    session: Session, now: datetime, office: Office
) -> None:  # type: ignore[no-untyped-def]
    admin, agency = office.admin_x, office.a
    closed = now - timedelta(days=1)
    pact = make_pact(
        session, agency=agency, now=now, signed_on=date(2019, 3, 1), closed_at=[closed, closed]
    )
    with pytest.raises(Conflict):
        services.withdraw_pact(session, actor=admin, pact_id=pact.id, reason="x", now=now)
