"""Write API v1 refusals: bearer tokens, permissions, the workflow's rules, bad input and files."""

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
    # The original and its preview, both under random names of the store's choosing.
    stored = [p for p in world.uploads.rglob("*") if p.is_file()]
    assert stored and all(p.name != "x.png" and len(p.name) == 32 for p in stored)
    assert [p.read_bytes() for p in stored].count(png("white")) == 1
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
