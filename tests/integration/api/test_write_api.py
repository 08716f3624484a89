"""Write API v1: bearer tokens, each write endpoint, the whole follow-up, and each refusal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.api.conftest import PROBLEM, Api, World
from tests.integration.auth_helpers import login
from tracker.auth.models import ApiToken
from tracker.auth.services import revoke_token


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def _fields(body: dict[str, Any]) -> set[str]:
    return {p["name"] for p in body.get("invalid_params", [])}


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


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no-token"),
        pytest.param("Bearer pp_not-a-real-token", id="unknown-token"),
        pytest.param("Bearer", id="bearer-without-token"),
        pytest.param("Basic YWRtaW46YWRtaW4=", id="basic-auth"),
        pytest.param("Bearer one two", id="two-values"),
    ],
)
def test_writes_without_a_valid_token_are_refused_with_a_challenge(
    api: Api, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = api("POST", "/pacts", json=api.pact_body(), headers=headers)
    _problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api("GET", "/pacts?regency=kab-x").get_json()["total"] == 0


def test_a_revoked_token_no_longer_works(
    api: Api, world: World, session: Session, now: datetime
) -> None:
    assert api("GET", "/findings/1", "opd_a").status_code == 404  # the token works
    token = session.execute(
        select(ApiToken).where(ApiToken.user_id == world.office.opd_a.id)
    ).scalar_one()
    revoke_token(session, actor=None, token_id=token.id, now=now)
    session.commit()
    _problem(api("GET", "/findings/1", "opd_a"), 401)


def test_a_logged_in_browser_cannot_write_through_the_api(
    api: Api, client: FlaskClient, world: World
) -> None:
    login(client, world.office.admin_x)
    _problem(client.post("/api/v1/pacts", json=api.pact_body()), 401)
    assert api("GET", "/pacts?regency=kab-x").get_json()["total"] == 0


def test_forbidden_writes(api: Api) -> None:
    _problem(api("POST", "/pacts", "observer_x", json=api.pact_body()), 403)
    _problem(
        api(
            "POST",
            "/regencies",
            "admin_x",
            json={"slug": "baru", "name": "Baru", "province": "P", "timezone": "Asia/Jakarta"},
        ),
        403,
    )
    pact = api.record_pact()
    finding_id = pact["findings"][0]["id"]
    api.upload(finding_id)
    api("POST", f"/findings/{finding_id}/submit", "opd_a")
    approve = {"decision": "approve"}
    _problem(api("POST", f"/findings/{finding_id}/review", "opd_a", json=approve), 403)
    # An admin who belongs to agency A never verifies A's findings.
    _problem(api("POST", f"/findings/{finding_id}/review", "admin_of_a", json=approve), 403)
    _problem(api("POST", f"/pacts/{pact['id']}/withdraw", "observer_x", json={"reason": "x"}), 403)
    _problem(api.upload(finding_id, who="admin_x"), 403)
    assert api("GET", f"/findings/{finding_id}", "opd_a").get_json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("who", "method", "path", "payload"),
    [
        pytest.param("admin_y", "GET", "/pacts/{pact}/timeline", None, id="y-timeline"),
        pytest.param("admin_y", "GET", "/findings/{finding}", None, id="y-finding"),
        pytest.param("admin_y", "POST", "/pacts/{pact}/withdraw", {"reason": "x"}, id="y-withdraw"),
        pytest.param(
            "admin_y", "POST", "/findings/{finding}/review", {"decision": "approve"}, id="y-review"
        ),
        pytest.param("opd_b", "GET", "/findings/{finding}", None, id="b-finding"),
        pytest.param("opd_b", "POST", "/findings/{finding}/submit", None, id="b-submit"),
        pytest.param("opd_b", "GET", "/pacts/{pact}/timeline", None, id="b-timeline"),
        pytest.param("opd_a", "GET", "/findings/999999", None, id="unknown-finding"),
    ],
)
def test_objects_of_others_are_not_found(
    api: Api, who: str, method: str, path: str, payload: dict[str, Any] | None
) -> None:
    pact = api.record_pact()
    url = path.format(pact=pact["id"], finding=pact["findings"][0]["id"])
    body = _problem(api(method, url, who, json=payload), 404)
    assert "There is no" in body["detail"]


def test_other_regency_agency_reads_as_unknown_when_recording(api: Api, world: World) -> None:
    body = _problem(api("POST", "/pacts", "admin_y", json=api.pact_body()), 422)
    assert _fields(body) == {"agency_id"}


def test_transitions_the_workflow_does_not_allow_conflict(api: Api) -> None:
    pact = api.record_pact()
    finding_id = pact["findings"][0]["id"]
    # Approving a finding that nobody has submitted.
    _problem(
        api("POST", f"/findings/{finding_id}/review", "admin_x", json={"decision": "approve"}), 409
    )
    # Submitting without evidence.
    _problem(api("POST", f"/findings/{finding_id}/submit", "opd_a"), 409)
    api.upload(finding_id)
    api("POST", f"/findings/{finding_id}/submit", "opd_a")
    api("POST", f"/findings/{finding_id}/review", "admin_x", json={"decision": "approve"})
    # Submitting, or adding evidence to, a closed finding.
    _problem(api("POST", f"/findings/{finding_id}/submit", "opd_a"), 409)
    _problem(api.upload(finding_id), 409)
    api("POST", f"/pacts/{pact['id']}/withdraw", "admin_x", json={"reason": "Ganda"})
    _problem(api("POST", f"/pacts/{pact['id']}/withdraw", "admin_x", json={"reason": "x"}), 409)


def test_invalid_pact_names_every_bad_field_at_once(api: Api) -> None:
    payload = api.pact_body(
        signatory_title="",
        pledge=None,
        signed_on="08-01-2019",
        period_months="tiga",
        sanction=["mundur"],
        findings=[{"title": "", "category": "nothing"}, "SOP", {"title": "Ok", "colour": "red"}],
        deadline="2019-04-08",
    )
    body = _problem(api("POST", "/pacts", "admin_x", json=payload), 422)
    assert _fields(body) == {
        "signatory_title",
        "pledge",
        "signed_on",
        "period_months",
        "sanction",
        "findings[0].title",
        "findings[0].category",
        "findings[1]",
        "findings[2].category",
        "findings[2].colour",
        "deadline",
    }
    assert api("GET", "/pacts?regency=kab-x").get_json()["total"] == 0


@pytest.mark.parametrize(
    ("path", "payload", "fields"),
    [
        pytest.param(
            "/regencies",
            {"slug": "Bad Slug", "name": "", "province": "P", "timezone": "Mars/Olympus"},
            {"slug", "name", "timezone"},
            id="regency",
        ),
        pytest.param(
            "/agencies",
            {"regency": "kab-x", "slug": "-", "name": 7, "kind": ""},
            {"slug", "name", "kind"},
            id="agency",
        ),
        pytest.param(
            "/pacts",
            {"agency_id": True, "pledge": "x", "signatory_title": "y"},
            {"agency_id"},
            id="agency-id-boolean",
        ),
        pytest.param(
            "/pacts/{pact}/extend",
            {"new_deadline": "2019-04-01", "reason": " "},
            {"new_deadline", "reason"},
            id="extend-earlier-no-reason",
        ),
        pytest.param(
            "/pacts/{pact}/extend",
            {"new_deadline": "soon"},
            {"new_deadline", "reason"},
            id="extend-not-a-date",
        ),
        pytest.param("/pacts/{pact}/withdraw", {}, {"reason"}, id="withdraw-no-reason"),
    ],
)
def test_invalid_input_is_422_naming_each_field(
    api: Api, path: str, payload: dict[str, Any], fields: set[str]
) -> None:
    pact = api.record_pact()
    who = "superadmin" if path == "/regencies" else "admin_x"
    body = _problem(api("POST", path.format(pact=pact["id"]), who, json=payload), 422)
    assert _fields(body) == fields


def test_review_needs_a_decision_and_a_return_needs_a_comment(api: Api) -> None:
    finding_id = api.record_pact()["findings"][0]["id"]
    api.upload(finding_id)
    api("POST", f"/findings/{finding_id}/submit", "opd_a")
    url = f"/findings/{finding_id}/review"
    assert _fields(_problem(api("POST", url, "admin_x", json={"decision": "maybe"}), 422)) == {
        "decision"
    }
    assert _fields(_problem(api("POST", url, "admin_x", json={"decision": "return"}), 422)) == {
        "comment"
    }
    bad_flag = {"decision": "approve", "internal": "yes"}
    assert _fields(_problem(api("POST", url, "admin_x", json=bad_flag), 422)) == {"internal"}
    assert api("GET", f"/findings/{finding_id}", "admin_x").get_json()["status"] == "submitted"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("{not json", id="malformed"),
        pytest.param("[1, 2]", id="a-list"),
        pytest.param('"text"', id="a-string"),
        pytest.param("\xff\xfe", id="not-utf8"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(api: Api, raw: str) -> None:
    response = api(
        "POST", "/pacts", "admin_x", data=raw.encode("latin-1"), content_type="application/json"
    )
    _problem(response, 400)


def test_upload_over_the_limit_is_413_with_the_limit(
    api: Api, world: World, small_uploads: int
) -> None:
    finding_id = api.record_pact()["findings"][0]["id"]
    # Larger than the whole request may be: Flask refuses it before the view reads it.
    body = _problem(api.upload(finding_id, data=b"\x89PNG" + b"0" * 8000), 413)
    assert "2048 bytes" in body["detail"]
    # Within the request limit but larger than a file may be: the store refuses it.
    body = _problem(api.upload(finding_id, data=b"\x89PNG" + b"0" * 3000), 413)
    assert body["invalid_params"][0]["name"] == "file"
    assert api("GET", f"/findings/{finding_id}", "opd_a").get_json()["evidence"] == []
    assert not world.uploads.exists() or not any(world.uploads.rglob("*"))


def test_client_file_name_has_no_effect_on_where_the_file_goes(api: Api, world: World) -> None:
    finding_id = api.record_pact()["findings"][0]["id"]
    response = api.upload(finding_id, name="../../x.png")
    assert response.status_code == 201
    stored = [p for p in world.uploads.rglob("*") if p.is_file()]
    assert len(stored) == 1
    assert stored[0].name != "x.png" and len(stored[0].name) == 32
    assert stored[0].read_bytes() == png("white")
    assert not (world.uploads.parent / "x.png").exists()
    assert not (world.uploads.parent.parent / "x.png").exists()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, id="exe"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 8, id="png-magic-only"),
    ],
)
def test_a_png_named_file_that_is_not_an_image_is_refused(
    api: Api, world: World, data: bytes
) -> None:
    finding_id = api.record_pact()["findings"][0]["id"]
    body = _problem(api.upload(finding_id, data=data, name="foto.png"), 422)
    assert _fields(body) == {"file"}
    assert not world.uploads.exists() or not any(world.uploads.rglob("*"))


def test_evidence_needs_a_file_and_a_caption(api: Api) -> None:
    finding_id = api.record_pact()["findings"][0]["id"]
    response = api(
        "POST",
        f"/findings/{finding_id}/evidence",
        "opd_a",
        data={"caption": ""},
        content_type="multipart/form-data",
    )
    assert _fields(_problem(response, 422)) == {"file", "caption"}
