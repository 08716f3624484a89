"""GET and POST /api/v1/assessments: every scheme's boundaries, refusals that store nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tests.integration.api.conftest import PROBLEM, Api, World
from tests.integration.assessments.test_assessment_pages import BOUNDARIES
from tracker.assessments.models import Assessment, UnitResult
from tracker.audit.models import AuditEvent
from tracker.clock import FixedClock


@pytest.fixture(autouse=True)
def in_2026(clock: FixedClock) -> None:
    clock.set(TEST_NOW.replace(year=2026))


def body(**values: Any) -> dict[str, Any]:
    return {"regency": "kab-x", "year": 2022, **values}


@pytest.mark.parametrize(("year", "score", "zone", "grade"), BOUNDARIES)
def test_every_boundary_through_the_api(
    api: Api, year: int, score: str, zone: str, grade: str | None
) -> None:
    # Both ways of writing a score: a JSON string and a JSON number.
    number = float(score)
    response = api("POST", "/assessments", "admin_x", json=body(year=year, score=number))
    assert response.status_code == 200, response.get_json()
    (result,) = response.get_json()["results"]
    assert (result["score"], result["zone"], result["grade"]) == (score, zone, grade)
    assert result["is_provisional"] is (year >= 2025 or year <= 2014)
    again = api("POST", "/assessments", "admin_x", json=body(year=year, score=score))
    assert again.get_json()["changes"]["regency"] == "unchanged"
    public = api("GET", f"/assessments?regency=kab-x&year={year}").get_json()
    assert public["results"][0]["score"] == score


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"score": "100.01"}, "score"),
        ({"score": -0.01}, "score"),
        ({"score": 77.999}, "score"),
        ({"score": "tinggi"}, "score"),
        ({"score": True}, "score"),
        ({"year": 2020, "score": "70"}, "year"),
        ({"year": "2022", "score": "70"}, "year"),
        ({"result": "zone_only", "zone": "black"}, "zone"),
        ({"score": "70", "units": [{"agency": "atlantis", "score": "70"}]}, "units[0].agency"),
        ({"score": "70", "units": [{"agency": "opd-a", "score": "7000"}]}, "units[0].score"),
        ({"score": "70", "colour": "green"}, "colour"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(
    api: Api, session: Session, values: dict[str, Any], field: str
) -> None:
    events = len(session.execute(select(AuditEvent)).all())
    response = api("POST", "/assessments", "admin_x", json=body(**values))
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    names = {p["name"] for p in response.get_json()["invalid_params"]}
    assert field in names
    assert session.execute(select(Assessment)).first() is None
    assert session.execute(select(UnitResult)).first() is None
    assert len(session.execute(select(AuditEvent)).all()) == events


def test_units_and_zone_only_read_back(api: Api, world: World) -> None:
    payload = body(
        year=2018,
        result="zone_only",
        zone="kuning",
        rank=128,
        rank_of=199,
        source="Ombudsman RI",
        units=[
            {"agency": "opd-a", "score": "90.10", "input_score": "20.5"},
            {"agency_id": world.office.b.id, "result": "not_assessed"},
        ],
    )
    response = api("POST", "/assessments", "admin_x", json=payload)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["changes"] == {"regency": "new", "units": {"opd-a": "new", "opd-b": "new"}}
    public = api("GET", "/assessments?regency=kab-x").get_json()
    (regency,) = public["results"]
    assert (regency["result"], regency["score"], regency["zone"]) == ("zone_only", None, "yellow")
    assert (regency["rank"], regency["rank_of"], regency["is_demo"]) == (128, 199, False)
    units = {u["agency"]["slug"]: u for u in public["unit_results"]}
    assert units["opd-a"]["input_score"] == "20.50"
    assert units["opd-b"]["result"] == "not_assessed"


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("observer_x", 403), ("admin_y", 403)])
def test_only_the_regency_admin_writes(api: Api, who: str | None, status: int) -> None:
    assert api("POST", "/assessments", who, json=body(score="70")).status_code == status


def test_bad_filters(api: Api) -> None:
    assert api("GET", "/assessments").status_code == 400
    assert api("GET", "/assessments?regency=atlantis").status_code == 400
    assert api("GET", "/assessments?regency=kab-x&year=dua").status_code == 400
    assert api("GET", "/assessments?regency=kab-x").get_json()["results"] == []
