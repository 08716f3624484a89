"""The outcome of a pact through the API: POST and DELETE /api/v1/pacts/<id>/outcome, the pact's
``outcome`` object, and "outcome not recorded" when a pact from the past is recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.integration.api.conftest import PROBLEM, Api
from tracker.audit.models import AuditEvent
from tracker.pacts.models import Pact

# Signed 4 June 2018: its deadline passed long before the test's 25 March 2019.
PAST = "2018-06-04"


def _invalid(response: Any) -> set[str]:
    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    return {p["name"] for p in response.get_json()["invalid_params"]}


def test_a_decision_is_recorded_shown_and_cleared(api: Api) -> None:
    pact = api.record_pact(signed_on=PAST)
    assert pact["status"] == "overdue" and pact["outcome"] is None
    url = f"/pacts/{pact['id']}/outcome"
    decision = {"kind": "reprimand", "decided_on": "2019-03-20", "note": "Teguran tertulis"}
    response = api("POST", url, "admin_x", json=decision)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "decided"
    assert body["outcome"] == {
        "kind": "reprimand",
        "label": "Teguran",
        "decided_on": "2019-03-20",
        "note": "Teguran tertulis",
        "document_url": None,
    }
    listed = api("GET", "/pacts?status=decided").get_json()["items"]
    assert [p["id"] for p in listed] == [pact["id"]] and listed[0]["outcome"]["kind"] == "reprimand"
    english = api("GET", f"/pacts/{pact['id']}", headers={"Accept-Language": "en"})
    assert english.get_json()["outcome"]["decided_on"] == "2019-03-20"
    cleared = api("DELETE", url, "admin_x")
    assert cleared.status_code == 200 and cleared.get_json()["outcome"] is None
    assert cleared.get_json()["status"] == "overdue"
    again = api("DELETE", url, "admin_x")
    assert again.status_code == 409 and again.content_type == PROBLEM


def test_not_recorded_has_no_date_and_is_never_overdue(api: Api) -> None:
    pact = api.record_pact(signed_on=PAST)
    url = f"/pacts/{pact['id']}/outcome"
    assert _invalid(api("POST", url, "admin_x", json={"kind": "not_recorded", "decided_on": PAST}))
    body = api("POST", url, "admin_x", json={"kind": "not_recorded"}).get_json()
    # No days counted, not even as a number a reader could turn into "overdue N days".
    assert body["status"] == "not_recorded" and body["days_left"] is None
    assert body["outcome"]["kind"] == "not_recorded" and body["outcome"]["decided_on"] is None
    assert body["outcome"]["label"] == "Hasil tidak tercatat"


def test_bad_input_is_a_problem_naming_every_field(api: Api, session: Session) -> None:
    pact = api.record_pact(signed_on=PAST)
    url = f"/pacts/{pact['id']}/outcome"
    before = session.query(AuditEvent).count()
    assert _invalid(api("POST", url, "admin_x", json={})) == {"kind"}
    assert _invalid(
        api("POST", url, "admin_x", json={"kind": "other", "decided_on": "2030-01-01"})
    ) == {"decided_on", "note"}
    assert _invalid(
        api("POST", url, "admin_x", json={"kind": "fulfilled", "decided_on": "20-03-2019"})
    ) >= {"decided_on"}
    assert _invalid(
        api("POST", url, "admin_x", json={"kind": "reprimand", "decided_on": "2018-06-01"})
    ) == {"decided_on"}
    assert _invalid(api("POST", url, "admin_x", json={"kind": "fired", "x": 1})) == {"kind", "x"}
    malformed = api("POST", url, "admin_x", data="[", content_type="application/json")
    assert malformed.status_code == 400 and malformed.content_type == PROBLEM
    assert session.query(AuditEvent).count() == before
    assert session.get(Pact, pact["id"]).outcome is None  # type: ignore[union-attr]


def test_only_the_regent_s_office_decides(api: Api) -> None:
    pact = api.record_pact(signed_on=PAST)
    url = f"/pacts/{pact['id']}/outcome"
    decision = {"kind": "fulfilled", "decided_on": "2019-03-20"}
    for who, status in (
        (None, 401),
        ("observer_x", 403),
        ("opd_a", 403),
        ("opd_b", 404),
        ("admin_y", 404),
    ):
        for method in ("POST", "DELETE"):
            response = api(method, url, who, json=decision if method == "POST" else None)
            assert response.status_code == status, (who, method)
            assert response.content_type == PROBLEM
    assert api("POST", url, "superadmin", json=decision).status_code == 200


def test_extended_moves_the_deadline_and_records_no_outcome(api: Api) -> None:
    pact = api.record_pact()  # signed 8 January 2019, deadline 8 April
    url = f"/pacts/{pact['id']}/outcome"
    assert _invalid(api("POST", url, "admin_x", json={"kind": "extended"})) >= {
        "new_deadline",
        "reason",
    }
    body = api(
        "POST",
        url,
        "admin_x",
        json={"kind": "extended", "new_deadline": "2019-06-30", "reason": "APBD-P"},
    ).get_json()
    assert body["deadline"] == "2019-06-30" and body["outcome"] is None
    assert body["original_deadline"] == "2019-04-08"


def test_a_pact_from_the_past_is_recorded_with_its_outcome_not_recorded(api: Api) -> None:
    response = api(
        "POST", "/pacts", "admin_x", json=api.pact_body(signed_on=PAST, outcome_not_recorded=True)
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "not_recorded"
    refused = api(
        "POST", "/pacts", "admin_x", json=api.pact_body(outcome_not_recorded=True)
    )  # deadline 8 April 2019 still ahead
    assert _invalid(refused) == {"outcome_not_recorded"}
    assert _invalid(
        api("POST", "/pacts", "admin_x", json=api.pact_body(outcome_not_recorded="yes"))
    ) >= {"outcome_not_recorded"}
