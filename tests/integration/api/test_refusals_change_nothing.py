"""Nothing stored is lost or changed by a refused API request: the database and the files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.integration.api.conftest import Api, World
from tests.integration.workflow import WORKFLOW_TABLES, snapshot
from tracker.auth.models import ApiToken
from tracker.auth.services import revoke_token

# Everything a write could touch; api_tokens is left out (a token's use is noted on purpose).
TABLES = ("regencies", "agencies", *WORKFLOW_TABLES, "notifications")


def _state(api: Api) -> dict[str, int]:
    """A pact of agency A with a finding submitted, one closed and one being worked on."""
    pact = api.record_pact(
        findings=[
            {"title": "Ruang bermain", "category": "input"},
            {"title": "Ramp", "category": "input"},
            {"title": "SOP", "category": "process"},
        ]
    )
    submitted, closed, working = (f["id"] for f in pact["findings"])
    for finding_id in (submitted, closed):
        assert api.upload(finding_id).status_code == 201
        assert api("POST", f"/findings/{finding_id}/submit", "opd_a").status_code == 200
    assert (
        api(
            "POST", f"/findings/{closed}/review", "admin_x", json={"decision": "approve"}
        ).status_code
        == 200
    )
    assert api.upload(working).status_code == 201
    return {"pact": pact["id"], "submitted": submitted, "closed": closed, "working": working}


JSON = "application/json"

# (who, method, path, request arguments, expected status). {pact}, {submitted}, {closed} and
# {working} are filled in from the state above.
CASES: dict[str, tuple[str | None, str, str, dict[str, Any], int]] = {
    "no-token": (None, "POST", "/pacts", {"json": {}}, 401),
    "garbage-token": ("garbage", "POST", "/findings/{working}/submit", {}, 401),
    "revoked-token": ("revoked", "POST", "/findings/{working}/submit", {}, 401),
    "malformed-json": ("admin_x", "POST", "/pacts", {"data": "{", "content_type": JSON}, 400),
    # The service itself would accept these; the refused field alone must undo its work.
    "submit-body-not-an-object": (
        "opd_a", "POST", "/findings/{working}/submit", {"data": "[]", "content_type": JSON}, 400,
    ),
    "submit-note-not-text": (
        "opd_a", "POST", "/findings/{working}/submit", {"json": {"note": 1}}, 422,
    ),
    "approve-with-bad-flag": (
        "admin_x", "POST", "/findings/{submitted}/review",
        {"json": {"decision": "approve", "internal": "yes"}}, 422,
    ),
    "pact-period-as-text": ("admin_x", "POST", "/pacts", {"pact": {"period_months": "3"}}, 422),
    "pact-unknown-field": ("admin_x", "POST", "/pacts", {"pact": {"deadline": "2019-05-01"}}, 422),
    "pact-many-bad-fields": (
        "admin_x", "POST", "/pacts",
        {"pact": {"pledge": "", "signatory_title": "", "findings": [{"title": ""}]}}, 422,
    ),
    "regency-bad-fields": (
        "superadmin", "POST", "/regencies", {"json": {"slug": "X", "timezone": "Mars"}}, 422,
    ),
    "extend-earlier": (
        "admin_x", "POST", "/pacts/{pact}/extend",
        {"json": {"new_deadline": "2019-01-01", "reason": "x"}}, 422,
    ),
    "return-without-comment": (
        "admin_x", "POST", "/findings/{submitted}/review", {"json": {"decision": "return"}}, 422,
    ),
    "html-named-png": ("opd_a", "POST", "/findings/{working}/evidence", {"file": b"<html>"}, 422),
    "observer-records-pact": ("observer_x", "POST", "/pacts", {"pact": {}}, 403),
    "opd-reviews": (
        "opd_a", "POST", "/findings/{submitted}/review", {"json": {"decision": "approve"}}, 403,
    ),
    "own-agency-admin-reviews": (
        "admin_of_a", "POST", "/findings/{submitted}/review",
        {"json": {"decision": "approve"}}, 403,
    ),
    "admin-uploads": ("admin_x", "POST", "/findings/{working}/evidence", {"file": None}, 403),
    "other-regency-withdraws": (
        "admin_y", "POST", "/pacts/{pact}/withdraw", {"json": {"reason": "x"}}, 404,
    ),
    "other-agency-submits": ("opd_b", "POST", "/findings/{working}/submit", {}, 404),
    "approve-closed": (
        "admin_x", "POST", "/findings/{closed}/review", {"json": {"decision": "approve"}}, 409,
    ),
    "submit-submitted": ("opd_a", "POST", "/findings/{submitted}/submit", {}, 409),
    "evidence-on-closed": ("opd_a", "POST", "/findings/{closed}/evidence", {"file": None}, 409),
    "body-over-limit": (
        "opd_a", "POST", "/findings/{working}/evidence", {"file": b"\x89PNG" + b"0" * 8000}, 413,
    ),
    "file-over-limit": (
        "opd_a", "POST", "/findings/{working}/evidence", {"file": b"\x89PNG" + b"0" * 3000}, 413,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_request_leaves_everything_as_it_was(
    api: Api, world: World, session: Session, now: datetime, small_uploads: int, case: str
) -> None:
    who, method, path, arguments, status = CASES[case]
    ids = _state(api)
    url = path.format(**ids)
    if who == "garbage":
        world.tokens["garbage"] = "pp_" + "x" * 43
    if who == "revoked":
        world.tokens["revoked"] = world.tokens["opd_a"]
        token = session.execute(
            select(ApiToken).where(ApiToken.user_id == world.office.opd_a.id)
        ).scalar_one()
        revoke_token(session, actor=None, token_id=token.id, now=now)
        session.commit()
    before = snapshot(session, TABLES, world.uploads)

    if "file" in arguments:
        data = arguments["file"]
        response = api.upload(int(url.split("/")[2]), who=str(who), data=data)
    elif "pact" in arguments:
        response = api(method, url, who, json=api.pact_body(**arguments["pact"]))
    else:
        response = api(method, url, who, **arguments)

    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    session.expire_all()
    assert snapshot(session, TABLES, world.uploads) == before
    # And the database still answers: the refused request left no transaction open.
    assert session.execute(text("select 1")).scalar_one() == 1
