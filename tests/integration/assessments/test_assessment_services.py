"""Recording a year's result (DOMAIN.md section 3): a score, a zone only, or not assessed; the same
values again write nothing; every change leaves one audit event; every refusal stores nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_NOW
from tests.integration.office import Office
from tests.integration.workflow import events_after, last_event_id, snapshot
from tracker.assessments.models import Assessment, UnitResult
from tracker.assessments.rules import AssessmentResult, Zone
from tracker.assessments.services import Change, save_regency_result, save_unit_result
from tracker.clock import FixedClock
from tracker.errors import Forbidden, Invalid, NotFound

TABLES = ("assessments", "unit_results", "audit_events")
LATER = TEST_NOW.replace(year=2026)


@pytest.fixture(autouse=True)
def in_2026(clock: FixedClock) -> None:
    """Results up to 2027 may be entered (the assessment of next year)."""
    clock.set(LATER)


def regency(session: Session, office: Office, **values: object) -> Change:
    arguments: dict[str, object] = {
        "actor": office.admin_x, "regency_id": office.x.id, "year": 2022, "result": None,
        "score": None, "zone": None, "rank": None, "rank_of": None, "note": None,
        "source": None, "now": LATER,
    }  # fmt: skip
    arguments.update(values)
    return save_regency_result(session, **arguments)  # type: ignore[arg-type]


def unit(session: Session, office: Office, **values: object) -> Change:
    arguments: dict[str, object] = {
        "actor": office.admin_x, "agency_id": office.a.id, "year": 2022, "result": None,
        "score": None, "zone": None, "source": None, "now": LATER,
    }  # fmt: skip
    arguments.update(values)
    return save_unit_result(session, **arguments)  # type: ignore[arg-type]


def refused_fields(session: Session, change: object, **values: object) -> set[str]:
    before = snapshot(session, TABLES)
    with pytest.raises(Invalid) as caught:
        change(**values)  # type: ignore[operator]
    assert snapshot(session, TABLES) == before
    return set(caught.value.fields)


def test_a_new_score_then_a_correction_then_the_same_again(
    session: Session, office: Office
) -> None:
    since = last_event_id(session)
    assert regency(session, office, score="78,34", rank="3", rank_of="19") is Change.NEW
    assert regency(session, office, score="78.34", rank=3, rank_of=19) is Change.UNCHANGED
    assert regency(session, office, score="77.99", rank=3, rank_of=19) is Change.CHANGED
    row = session.execute(select(Assessment)).scalar_one()
    assert (row.result, row.score, row.zone, row.rank) == (
        AssessmentResult.SCORED,
        Decimal("77.99"),
        None,
        3,
    )
    events = events_after(session, since)
    assert [e.action for e in events] == ["assessment.recorded", "assessment.corrected"]
    assert events[1].changes == {"year": 2022, "score": ["78.34", "77.99"]}
    assert (events[1].actor_id, events[1].regency_id) == (office.admin_x.id, office.x.id)


def test_zone_only_and_not_assessed(session: Session, office: Office) -> None:
    assert regency(session, office, year=2018, zone="kuning") is Change.NEW
    assert regency(session, office, year=2020, result="not_assessed") is Change.NEW
    rows = {r.year: r for r in session.execute(select(Assessment)).scalars()}
    assert (rows[2018].result, rows[2018].zone) == (AssessmentResult.ZONE_ONLY, Zone.YELLOW)
    assert rows[2020].result is AssessmentResult.NOT_ASSESSED


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"score": "100.01"}, "score"),
        ({"score": "-0.01"}, "score"),
        ({"score": "77.999"}, "score"),
        ({"score": "tujuh puluh"}, "score"),
        ({"year": 2020, "score": "70"}, "year"),
        ({"year": 2012, "result": "not_assessed"}, "year"),
        ({"year": 2028, "result": "not_assessed"}, "year"),
        ({"result": "zone_only", "zone": "black"}, "zone"),
        ({"result": "zone_only"}, "zone"),
        ({"result": "not_assessed", "score": "50"}, "score"),
        ({"score": "70", "zone": "green"}, "zone"),
        ({"score": "70", "rank": "5"}, "rank_of"),
        ({"score": "70", "rank": "20", "rank_of": "19"}, "rank"),
        ({}, "result"),
    ],
)
def test_refusals_store_nothing(
    session: Session, office: Office, values: dict[str, object], field: str
) -> None:
    assert field in refused_fields(session, lambda **v: regency(session, office, **v), **values)


def test_unit_result_with_dimensions(session: Session, office: Office) -> None:
    dims = {
        "input_score": "18.50",
        "process_score": "30.00",
        "output_score": "20.10",
        "complaints_score": "21.50",
    }
    assert unit(session, office, score="90.10", **dims) is Change.NEW
    assert unit(session, office, score="90.10", **dims) is Change.UNCHANGED
    row = session.execute(select(UnitResult)).scalar_one()
    assert row.process_score == Decimal("30.00")
    fields = refused_fields(
        session, lambda **v: unit(session, office, **v), result="not_assessed", input_score="1"
    )
    assert fields == {"input_score"}


def test_who_may_record(session: Session, office: Office) -> None:
    assert regency(session, office, actor=office.superadmin, score="50") is Change.NEW
    for persona in ("observer_x", "opd_a", "admin_y"):
        with pytest.raises(Forbidden):
            regency(session, office, actor=office.user(persona), score="51")
    with pytest.raises(NotFound):
        regency(session, office, regency_id=office.y.id + 1000, score="51")
    with pytest.raises(Invalid):
        unit(session, office, actor=office.admin_y, score="51")
