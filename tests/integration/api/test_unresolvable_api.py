"""The API's door to SIPTL's fourth state: declare a finding unresolvable (with its reason), reopen
it."""

from __future__ import annotations

from tests.integration.api.conftest import Api

REASON = "Menunggu APBD-P 2019"


def test_a_finding_declared_unresolvable_carries_its_reason_and_settles_the_pact(api: Api) -> None:
    pact = api("POST", "/pacts", "admin_x", json=api.pact_body()).get_json()
    first, second = (f["id"] for f in pact["findings"])
    for finding_id in (first, second):
        answer = api(
            "POST", f"/findings/{finding_id}/unresolvable", "admin_x", json={"reason": REASON}
        )
        assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "unresolvable"
    assert body["unresolvable_reason"] == REASON and body["unresolvable_at"]

    listed = api("GET", f"/pacts/{pact['id']}").get_json()
    assert listed["findings_unresolvable"] == 2
    # Nothing is left to fix: never overdue, whatever the date.
    assert listed["status"] == "fulfilled"

    again = api("POST", f"/findings/{second}/reopen", "admin_x", json={"reason": "Anggaran ada"})
    assert again.status_code == 200
    assert (again.get_json()["status"], again.get_json()["unresolvable_reason"]) == ("open", None)
    assert api("GET", f"/pacts/{pact['id']}").get_json()["findings_unresolvable"] == 1


def test_refusals_say_why(api: Api) -> None:
    pact = api("POST", "/pacts", "admin_x", json=api.pact_body()).get_json()
    first = pact["findings"][0]["id"]
    url = f"/findings/{first}/unresolvable"

    missing = api("POST", url, "admin_x", json={})
    assert missing.status_code == 422
    assert [p["name"] for p in missing.get_json()["invalid_params"]] == ["reason"]
    assert api("POST", url, "opd_a", json={"reason": REASON}).status_code == 403
    assert (
        api("POST", f"/findings/{first}/reopen", "admin_x", json={"reason": "x"}).status_code == 409
    )
