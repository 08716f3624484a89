"""Write API v1: each write endpoint, its effect seen through the read API, the whole follow-up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.api.conftest import Api, World
from tracker.auth.models import ApiToken

# --- each endpoint, its effect visible through the read API -----------------------------------


def test_superadmin_adds_a_regency_that_the_list_then_shows(api: Api) -> None:
    payload = {
        "slug": "sumbawa",
        "name": "Kabupaten Sumbawa",
        "province": "NTB",
        "timezone": "Asia/Makassar",
    }
    response = api("POST", "/regencies", "superadmin", json=payload)
    assert response.status_code == 201
    assert response.get_json() == payload
    assert api("GET", response.headers["Location"].removeprefix("/api/v1")).get_json() == payload
    listed = api("GET", "/regencies?per_page=200").get_json()["items"]
    assert payload in listed


def test_admin_records_an_agency_of_its_regency(api: Api) -> None:
    payload = {"regency": "kab-x", "slug": "dukcapil", "name": "Dinas Dukcapil", "kind": "Dinas"}
    response = api("POST", "/agencies", "admin_x", json=payload)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["regency"], body["slug"], body["kind"]) == ("kab-x", "dukcapil", "dinas")
    listed = api("GET", "/agencies?regency=kab-x").get_json()["items"]
    assert body["id"] in {a["id"] for a in listed}


def test_recorded_pact_appears_in_the_public_list_with_its_deadline(api: Api, world: World) -> None:
    response = api("POST", "/pacts", "admin_x", json=api.pact_body())
    assert response.status_code == 201
    pact = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/pacts/{pact['id']}")
    assert [f["title"] for f in pact["findings"]] == [
        "Belum ada ruang bermain anak",
        "SOP tidak dipajang",
    ]
    assert all(isinstance(f["id"], int) for f in pact["findings"])
    listed = api("GET", "/pacts?regency=kab-x").get_json()["items"]
    [row] = [p for p in listed if p["id"] == pact["id"]]
    # Signed 8 January 2019 for three months; today is 25 March 2019 in Makassar.
    assert (row["deadline"], row["days_left"], row["status"]) == ("2019-04-08", 14, "due_soon")
    assert (row["findings_total"], row["findings_closed"]) == (2, 0)


def test_pact_from_catalogue_codes_takes_the_category_from_the_catalogue(api: Api) -> None:
    from tracker.findings.catalogue import CATALOGUE

    entry = CATALOGUE[0]
    pact = api.record_pact(findings=[{"title": "Dari katalog", "code": entry.code}])
    assert pact["findings"][0]["category"] == entry.category.value
    assert pact["findings"][0]["code"] == entry.code


def test_extension_moves_the_deadline_and_keeps_the_original(api: Api) -> None:
    pact = api.record_pact()
    response = api(
        "POST",
        f"/pacts/{pact['id']}/extend",
        "admin_x",
        json={"new_deadline": "2019-05-31", "reason": "Renovasi belum selesai"},
    )
    assert response.status_code == 200
    shown = api("GET", f"/pacts/{pact['id']}").get_json()
    assert (shown["original_deadline"], shown["deadline"]) == ("2019-04-08", "2019-05-31")
    assert shown["status"] == "on_track"


def test_withdrawn_pact_shows_its_reason(api: Api) -> None:
    pact = api.record_pact()
    response = api(
        "POST", f"/pacts/{pact['id']}/withdraw", "admin_x", json={"reason": "Dicatat ganda"}
    )
    assert response.status_code == 200
    shown = api("GET", f"/pacts/{pact['id']}").get_json()
    assert (shown["status"], shown["withdrawal_reason"]) == ("withdrawn", "Dicatat ganda")


def test_the_whole_follow_up_through_the_api_ends_fulfilled(api: Api, world: World) -> None:
    pact = api.record_pact()
    first, second = (f["id"] for f in pact["findings"])

    for finding_id in (first, second):
        evidence = api.upload(finding_id)
        assert evidence.status_code == 201, evidence.get_json()
        assert evidence.get_json()["content_type"] == "image/png"
        assert api("POST", f"/findings/{finding_id}/submit", "opd_a").status_code == 200

    returned = api(
        "POST",
        f"/findings/{first}/review",
        "admin_x",
        json={"decision": "return", "comment": "Foto tidak menunjukkan ruang bermain"},
    )
    assert returned.get_json()["status"] == "returned"
    approved = api("POST", f"/findings/{second}/review", "admin_x", json={"decision": "approve"})
    assert approved.get_json()["status"] == "closed"
    assert api("GET", f"/pacts/{pact['id']}").get_json()["status"] == "due_soon"

    # The agency reads why, adds new evidence and sends it again.
    seen = api("GET", f"/findings/{first}", "opd_a").get_json()
    assert seen["reviews"][0]["comment"] == "Foto tidak menunjukkan ruang bermain"
    assert api.upload(first, data=png("green"), caption="Ruang bermain").status_code == 201
    assert api("POST", f"/findings/{first}/submit", "opd_a").status_code == 200
    final = api("POST", f"/findings/{first}/review", "admin_x", json={"decision": "approve"})
    assert final.status_code == 200
    assert [r["decision"] for r in final.get_json()["reviews"]] == ["return", "approve"]
    assert len(final.get_json()["evidence"]) == 2

    shown = api("GET", f"/pacts/{pact['id']}").get_json()
    assert shown["status"] == "fulfilled"
    assert (shown["findings_total"], shown["findings_closed"]) == (2, 2)

    timeline = api("GET", f"/pacts/{pact['id']}/timeline", "observer_x").get_json()["items"]
    steps = [(e["action"], e["actor_role"]) for e in timeline]
    assert steps == [
        ("pact.recorded", "admin"),
        ("finding.recorded", "admin"),
        ("finding.recorded", "admin"),
        ("evidence.added", "opd"),
        ("finding.submitted", "opd"),
        ("evidence.added", "opd"),
        ("finding.submitted", "opd"),
        ("finding.returned", "admin"),
        ("finding.approved", "admin"),
        ("evidence.added", "opd"),
        ("finding.submitted", "opd"),
        ("finding.approved", "admin"),
    ]
    # 09:00 in Makassar is 01:00 UTC.
    assert timeline[0]["at"] == "2019-03-25T01:00:00+00:00"
    assert timeline[0]["local_at"] == "2019-03-25T09:00:00+08:00"


def test_internal_review_comments_are_hidden_from_the_agency(api: Api) -> None:
    pact = api.record_pact()
    finding_id = pact["findings"][0]["id"]
    api.upload(finding_id)
    api("POST", f"/findings/{finding_id}/submit", "opd_a")
    api(
        "POST",
        f"/findings/{finding_id}/review",
        "admin_x",
        json={"decision": "approve", "comment": "Cek ulang saat penilaian", "internal": True},
    )
    for_agency = api("GET", f"/findings/{finding_id}", "opd_a").get_json()
    for_observer = api("GET", f"/findings/{finding_id}", "observer_x").get_json()
    assert for_agency["status"] == "closed" and for_agency["reviews"] == []
    assert [r["comment"] for r in for_observer["reviews"]] == ["Cek ulang saat penilaian"]
    assert for_observer["reviews"][0]["internal"] is True


def test_a_token_use_is_noted(api: Api, world: World, session: Session) -> None:
    api("GET", f"/pacts/{api.record_pact()['id']}/timeline", "opd_a")
    token = session.execute(
        select(ApiToken).where(ApiToken.user_id == world.office.opd_a.id)
    ).scalar_one()
    assert token.last_used_at is not None
