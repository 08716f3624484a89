"""Read API v1: regencies, agencies, pacts; pagination; problem+json errors."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tracker.demo.services import DemoReport

PROBLEM = "application/problem+json"


def test_regencies_lists_the_five_seed_regencies_by_name(
    client: FlaskClient, demo: DemoReport
) -> None:
    body = client.get("/api/v1/regencies").get_json()
    assert [r["slug"] for r in body["items"]] == [
        "bangka-barat",
        "barito-selatan",
        "paser",
        "solok-selatan",
        "sumbawa-barat",
    ]
    assert body["items"][0] == {
        "slug": "bangka-barat",
        "name": "Kabupaten Bangka Barat",
        "province": "Kepulauan Bangka Belitung",
        "timezone": "Asia/Jakarta",
    }
    assert body["total"] == 5 and body["page"] == 1 and body["next"] is None


def test_agencies_filtered_by_regency(client: FlaskClient, demo: DemoReport) -> None:
    body = client.get("/api/v1/agencies?regency=sumbawa-barat").get_json()
    assert body["total"] == 7
    assert {a["regency"] for a in body["items"]} == {"sumbawa-barat"}
    assert all(a["is_demo"] is False for a in body["items"])


def test_pact_list_carries_the_fields_a_journalist_needs(
    client: FlaskClient, demo: DemoReport
) -> None:
    body = client.get("/api/v1/pacts?regency=sumbawa-barat&per_page=100").get_json()
    assert body["total"] == 7
    pact = body["items"][0]
    for key in (
        "id",
        "regency",
        "agency",
        "signatory_name",
        "signatory_title",
        "signed_on",
        "deadline",
        "status",
        "days_left",
        "findings_total",
        "findings_closed",
    ):
        assert key in pact
    assert pact["signed_on"] == "2019-01-08"
    assert pact["deadline"] == "2019-04-08"
    # The article reports no outcome: "not recorded", never due soon or overdue.
    assert pact["status"] == "not_recorded"
    assert (pact["findings_total"], pact["findings_closed"]) == (0, 0)
    assert pact["source"] and pact["is_demo"] is False


def test_single_pact_lists_its_findings(client: FlaskClient, demo: DemoReport) -> None:
    first = client.get("/api/v1/pacts?regency=paser&status=on_track").get_json()["items"][0]
    body = client.get(f"/api/v1/pacts/{first['id']}").get_json()
    assert len(body["findings"]) == 3
    assert {f["category"] for f in body["findings"]} == {"input", "process", "complaints"}
    assert all(set(f) >= {"id", "title", "category", "status"} for f in body["findings"])
    assert body["pledge"]


def test_status_filter_returns_only_that_status(client: FlaskClient, demo: DemoReport) -> None:
    for status in ("on_track", "due_soon", "overdue", "fulfilled", "fulfilled_late", "withdrawn"):
        body = client.get(f"/api/v1/pacts?status={status}&per_page=200").get_json()
        assert body["total"] >= 1, status
        assert {p["status"] for p in body["items"]} == {status}


def test_agency_filter(client: FlaskClient, demo: DemoReport) -> None:
    agency = client.get("/api/v1/agencies?regency=paser").get_json()["items"][0]
    body = client.get(f"/api/v1/pacts?agency={agency['id']}").get_json()
    assert all(p["agency"]["id"] == agency["id"] for p in body["items"])


def test_pages_walk_every_pact_once_in_a_stable_order(
    client: FlaskClient, demo: DemoReport
) -> None:
    seen: list[int] = []
    url: str | None = "/api/v1/pacts?per_page=4"
    while url:
        body = client.get(url).get_json()
        seen += [p["id"] for p in body["items"]]
        url = body["next"]
    everything = [p["id"] for p in client.get("/api/v1/pacts?per_page=200").get_json()["items"]]
    assert seen == everything
    assert len(set(seen)) == len(seen) == 17


def test_pact_without_signing_date_has_no_deadline_and_is_not_overdue(
    client: FlaskClient, session: Session, now
) -> None:
    regency = make_regency(session, now=now)
    pact = make_pact(
        session, agency=make_agency(session, regency=regency, now=now), now=now, signed_on=None
    )
    body = client.get(f"/api/v1/pacts/{pact.id}").get_json()
    assert body["deadline"] is None and body["days_left"] is None
    assert body["status"] == "undated"


def test_status_uses_the_regency_local_date(
    client: FlaskClient, session: Session, clock, now
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    makassar = make_regency(session, now=now, timezone="Asia/Makassar")
    jakarta = make_regency(session, now=now, timezone="Asia/Jakarta")
    signed = date(2024, 11, 30)  # deadline 2025-02-28
    p_mks = make_pact(
        session, agency=make_agency(session, regency=makassar, now=now), now=now, signed_on=signed
    )
    p_jkt = make_pact(
        session, agency=make_agency(session, regency=jakarta, now=now), now=now, signed_on=signed
    )
    # 00:30 on 1 March in Makassar is still 23:30 on 28 February in Jakarta.
    clock.set(datetime(2025, 3, 1, 0, 30, tzinfo=ZoneInfo("Asia/Makassar")))
    assert client.get(f"/api/v1/pacts/{p_mks.id}").get_json()["status"] == "overdue"
    jkt = client.get(f"/api/v1/pacts/{p_jkt.id}").get_json()
    assert (jkt["status"], jkt["days_left"]) == ("due_soon", 0)


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        pytest.param("/api/v1/pacts/999999", 404, None, id="unknown-pact"),
        pytest.param("/api/v1/pacts/abc", 404, None, id="non-numeric-pact-id"),
        pytest.param("/api/v1/pacts?status=late", 400, "status", id="unknown-status"),
        pytest.param("/api/v1/pacts?regency=atlantis", 400, "regency", id="unknown-regency"),
        pytest.param("/api/v1/pacts?agency=x", 400, "agency", id="non-numeric-agency"),
        pytest.param("/api/v1/pacts?page=0", 400, "page", id="page-zero"),
        pytest.param("/api/v1/pacts?page=²", 400, "page", id="superscript-page"),
        pytest.param("/api/v1/pacts?per_page=٣", 400, "per_page", id="arabic-indic-per-page"),
        pytest.param("/api/v1/pacts?agency=²", 400, "agency", id="superscript-agency"),
        pytest.param("/api/v1/pacts?agency=" + "1" * 5000, 400, "agency", id="huge-agency"),
        pytest.param("/api/v1/pacts?page=-1", 400, "page", id="negative-page"),
        pytest.param("/api/v1/pacts?per_page=100000", 400, "per_page", id="page-too-large"),
        pytest.param(
            "/api/v1/agencies?regency=atlantis", 400, "regency", id="agencies-unknown-regency"
        ),
        pytest.param("/api/v1/nothing-here", 404, None, id="unknown-endpoint"),
    ],
)
def test_bad_requests_get_problem_json_with_a_reason(
    client: FlaskClient, demo: DemoReport, url: str, status: int, field: str | None
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"]
    if field:
        assert [p["name"] for p in body["invalid_params"]] == [field]


def test_method_not_allowed_is_problem_json(client: FlaskClient) -> None:
    response = client.delete("/api/v1/pacts")
    assert response.status_code == 405
    assert response.mimetype == PROBLEM


def test_page_past_the_end_is_empty_not_an_error(client: FlaskClient, demo: DemoReport) -> None:
    body = client.get("/api/v1/pacts?page=99").get_json()
    assert body["items"] == [] and body["total"] == 17


def test_pacts_come_newest_signing_first_with_undated_ones_last(
    client: FlaskClient, session: Session, now
) -> None:
    # PostgreSQL sorts NULL first in a descending order and SQLite last: the order is the
    # API's, not the database's (CI runs this on all three).
    regency = make_regency(session, now=now, slug="kab-urut")
    agency = make_agency(session, regency=regency, now=now)
    january = make_pact(session, agency=agency, now=now, signed_on=date(2019, 1, 8))
    undated = make_pact(session, agency=agency, now=now, signed_on=None)
    march = make_pact(session, agency=agency, now=now, signed_on=date(2019, 3, 1))
    march_later = make_pact(session, agency=agency, now=now, signed_on=date(2019, 3, 1))
    body = client.get("/api/v1/pacts?regency=kab-urut").get_json()
    assert [p["id"] for p in body["items"]] == [march_later.id, march.id, january.id, undated.id]
