"""The regent's office enters a year's results on one page; a superadmin edits the schemes.

Boundaries of every scheme go through the form: 77.99 and 78.00 land in different grades."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tests.integration.office import Office
from tests.integration.pages import client_of, post_form, read_page
from tracker.assessments.models import Assessment, AssessmentScheme, UnitResult
from tracker.assessments.queries import regency_results
from tracker.audit.models import AuditEvent
from tracker.clock import FixedClock

LATER = TEST_NOW.replace(year=2026)

# (year, score, zone, grade) at each edge of every scheme's bands.
BOUNDARIES = [
    (2014, "81.00", "green", None),
    (2014, "80.99", "yellow", None),
    (2018, "51.00", "yellow", None),
    (2018, "50.99", "red", None),
    (2021, "81.00", "green", None),
    (2022, "88.00", "green", "A"),
    (2023, "87.99", "green", "B"),
    (2023, "78.00", "green", "B"),
    (2024, "77.99", "yellow", "C"),
    (2024, "54.00", "yellow", "C"),
    (2022, "53.99", "red", "D"),
    (2022, "32.00", "red", "D"),
    (2022, "31.99", "red", "E"),
    (2025, "31.99", "black", "E"),
    (2026, "32.00", "red", "D"),
    (2025, "100.00", "green", "A"),
    (2025, "0.00", "black", "E"),
]


@pytest.fixture(autouse=True)
def in_2026(clock: FixedClock) -> None:
    clock.set(LATER)


def year_url(office: Office, year: int) -> str:
    return f"/staf/penilaian/{office.x.slug}/{year}"


def year_data(score: str = "", **values: str) -> dict[str, str]:
    """The year form as a browser posts it, the two agencies of regency X left empty."""
    data = {"result": "scored", "score": score, "zone": "", "rank": "", "rank_of": ""}
    data |= {"note": "", "source": ""}
    for i in range(2):
        data |= {f"units-{i}-{k}": "" for k in ("result", "score", "zone", "source")}
        data |= {
            f"units-{i}-{k}": ""
            for k in ("input_score", "process_score", "output_score", "complaints_score")
        }
    data |= values
    return data


def with_agencies(office: Office, data: dict[str, str]) -> dict[str, str]:
    agencies = sorted((office.a, office.b), key=lambda a: a.name)
    for i, agency in enumerate(agencies):
        data[f"units-{i}-agency_id"] = str(agency.id)
    return data


@pytest.mark.parametrize(("year", "score", "zone", "grade"), BOUNDARIES)
def test_every_boundary_through_the_form(
    app: Flask, session: Session, office: Office, year: int, score: str, zone: str, grade: str
) -> None:
    client = client_of(app, office.admin_x)
    response = post_form(client, year_url(office, year), with_agencies(office, year_data(score)))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    (result,) = regency_results(session, office.x.id)
    assert (result.score, result.zone and result.zone.value, result.grade) == (
        Decimal(score),
        zone,
        grade,
    )


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("100.01", "0 to 100"),
        ("-1", "0 to 100"),
        ("78.001", "two decimals"),
        ("tinggi", "number"),
    ],
)
def test_a_bad_score_is_refused_beside_its_field_and_stores_nothing(
    app: Flask, session: Session, office: Office, score: str, message: str
) -> None:
    client = client_of(app, office.admin_x)
    data = with_agencies(office, year_data("80", **{"units-0-score": score}))
    data["units-0-result"] = "scored"
    response = post_form(client, year_url(office, 2022), data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="units-0-score-error"' in page
    assert session.execute(select(Assessment)).first() is None
    assert session.execute(select(UnitResult)).first() is None


def test_a_year_with_units_then_corrected(app: Flask, session: Session, office: Office) -> None:
    client = client_of(app, office.admin_x)
    data = with_agencies(office, year_data("", result="zone_only", zone="yellow"))
    data |= {"rank": "128", "rank_of": "199", "source": "Ombudsman RI 2018"}
    data |= {"units-0-result": "scored", "units-0-score": "90,10", "units-0-input_score": "20"}
    data |= {"units-1-result": "not_assessed"}
    assert post_form(client, year_url(office, 2018), data).status_code == 302
    regency = session.execute(select(Assessment)).scalar_one()
    assert (regency.result.value, regency.zone.value, regency.rank) == ("zone_only", "yellow", 128)
    units = {u.agency_id: u for u in session.execute(select(UnitResult)).scalars()}
    assert len(units) == 2
    # The page shows what was recorded; clearing a unit's row removes its result.
    page = read_page(client, year_url(office, 2018))
    assert 'value="90.10"' in page
    data |= {"units-1-result": ""}
    assert post_form(client, year_url(office, 2018), data).status_code == 302
    assert len(session.execute(select(UnitResult)).all()) == 1
    actions = [e.action for e in session.execute(select(AuditEvent)).scalars()]
    assert "unit_result.removed" in actions
    years = read_page(client, f"/staf/penilaian/{office.x.slug}")
    assert 'data-year="2018"' in years


@pytest.mark.parametrize(
    ("persona", "status"),
    [("observer_x", 403), ("opd_a", 403), ("admin_y", 403), ("superadmin", 200)],
)
def test_who_opens_the_year_page(app: Flask, office: Office, persona: str, status: int) -> None:
    client = client_of(app, office.user(persona))
    assert client.get(year_url(office, 2022)).status_code == status


def test_the_superadmin_changes_the_provisional_bands(
    app: Flask, session: Session, office: Office
) -> None:
    scheme = session.execute(
        select(AssessmentScheme).where(AssessmentScheme.first_year == 2025)
    ).scalar_one()
    client = client_of(app, office.superadmin)
    url = f"/staf/skema/{scheme.id}"
    assert "Opini Ombudsman" in read_page(client, url)
    bands = [
        ("90.00", "100.00", "green", "A", "kualitas tertinggi"),
        ("0.00", "89.99", "black", "E", "kualitas terendah"),
    ]
    data = {"name": scheme.name, "first_year": "2025", "last_year": "", "is_provisional": "y"}
    for i, band in enumerate(bands):
        keys = ("min_score", "max_score", "zone", "grade", "label")
        data |= {f"bands-{i}-{k}": v for k, v in zip(keys, band, strict=True)}
    gap = data | {"bands-1-max_score": "89.98"}
    response = post_form(client, url, gap)
    assert response.status_code == 422
    assert "89.99" in response.get_data(as_text=True)
    assert post_form(client, url, data).status_code == 302
    session.refresh(scheme)
    assert [(str(b.min_score), b.zone.value) for b in scheme.bands] == [
        ("90.00", "green"),
        ("0.00", "black"),
    ]
    assert client_of(app, office.admin_x).get(url).status_code == 403
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "scheme.changed")
    ).scalar_one()
    assert event.actor_id == office.superadmin.id
