"""Nothing in the demo says more than its source: every seeded record, listed with its source.

A real (non-demo) record fails this test when it carries a state its source does not give: a
pact with findings of its own, a derived countdown or breach, a decision, an extension; a score,
year, day or hour no article reports; a record without a source. Invented records must say so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, AssessmentNote, UnitResult
from tracker.assessments.queries import regency_target
from tracker.assessments.rules import TargetState
from tracker.audit.models import AuditEvent
from tracker.clock import FixedClock
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.demo import data
from tracker.demo.services import load_demo
from tracker.findings.models import Finding
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.queries import list_pacts
from tracker.pacts.rules import PactOutcome, PactStatus
from tracker.regencies.models import Regency

SUMBAWA = "beritalima.com"
SOLSEL = "Diskominfo Solok Selatan"
PASER = "Nomorsatukaltim"
BARSEL = "tampetu"
BABAR = "Swakarya.com"
PUBLIC_2018 = "Ombudsman RI 2018"

# What the sources give, record by record: (natural key) -> (what it holds, whose words).
REAL_AGENCIES = {
    "sumbawa-barat": {"dpmptsp", "dikpora", "dinsos", "dlh", "dishub", "disnakertrans",
                      "disdukcapil"},
    "paser": {"dpmptsp", "disdukcapil", "disdikbud", "dinkes", "dinsos", "puskesmas-senaken",
              "puskesmas-kuaro"},
    "solok-selatan": {"disdukcapil", "dpm-ptsp", "disdik", "dinkes", "dinsos",
                      "puskesmas-lubuk-gadang", "puskesmas-sungai-pagu"},
}  # fmt: skip
ASSESSMENTS = {
    ("sumbawa-barat", 2018): ("57.69", 128, 199, PUBLIC_2018),
    ("solok-selatan", 2021): ("64.80", None, None, SOLSEL),
    ("solok-selatan", 2022): ("78.34", None, None, SOLSEL),
    ("paser", 2023): ("81.22", None, None, PASER),
}
UNIT_RESULTS = {
    ("solok-selatan", "disdukcapil", 2022): ("90.10", SOLSEL),
    ("solok-selatan", "dpm-ptsp", 2022): ("86.02", SOLSEL),
}
NOTES = {("sumbawa-barat", 2018, code): SUMBAWA for code in ("IN-FAC-PLAY", "IN-FAC-RAMP",
                                                             "PR-INFO-SOP")}  # fmt: skip
# (regency, kind) -> (signed_on, signed_year, target, source)
COMMITMENTS = {
    ("solok-selatan", "regency_pact"): (date(2023, 2, 7), None, ("improve", None, 2023), SOLSEL),
    ("barito-selatan", "mou"): (date(2018, 3, 22), None, None, BARSEL),
    ("paser", "cooperation"): (None, 2024, None, PASER),
}
# (regency, kind) -> (happened_on, happened_year, source)
EVENTS = {
    ("bangka-barat", "mentoring"): (date(2021, 6, 3), 2021, BABAR),
    ("bangka-barat", "coordination"): (None, None, BABAR),
}
SOURCED = (Pact, Assessment, UnitResult, AssessmentNote, Commitment, RegencyEvent)


def _slug(session: Session, regency_id: int) -> str:
    return session.execute(select(Regency.slug).where(Regency.id == regency_id)).scalar_one()


def _seeded(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """List every seeded record with its source, by table (what a reviewer reads first)."""
    listing: dict[str, list[tuple[Any, ...]]] = {}
    for model in SOURCED:
        rows = session.execute(select(model)).scalars().all()
        listing[model.__tablename__] = [(r.id, r.is_demo, r.source) for r in rows]
    return listing


@pytest.fixture(params=["2019-03-25T01:00:00+00:00", "2026-12-01T02:00:00+00:00"])
def loaded(
    request: pytest.FixtureRequest, app: Flask, session: Session, clock: FixedClock
) -> datetime:
    """Load the demo on the tests' 25 March 2019 and again on 1 December 2026."""
    at = datetime.fromisoformat(request.param)
    clock.set(at)
    with app.app_context():
        load_demo(session, now=at)
    return at


def test_every_seeded_record_has_a_source_and_invented_ones_say_so(
    session: Session, loaded: datetime
) -> None:
    listing = _seeded(session)
    print("\n".join(f"{table}: {rows}" for table, rows in listing.items()))
    for table, rows in listing.items():
        for record_id, is_demo, source in rows:
            assert source, f"{table} {record_id} has no source"
            if is_demo:
                assert source == data.DEMO_SOURCE, (table, record_id, source)
            else:
                assert source != data.DEMO_SOURCE, (table, record_id)
    for pact in session.execute(select(Pact).where(Pact.is_demo)).scalars():
        assert "Contoh" in (pact.signatory_name or ""), pact.reference


def test_real_agencies_are_the_ones_the_articles_name(session: Session, loaded: datetime) -> None:
    real: dict[str, set[str]] = {}
    for agency in session.execute(select(Agency)).scalars():
        if not agency.is_demo:
            real.setdefault(_slug(session, agency.regency_id), set()).add(agency.slug)
    assert real == REAL_AGENCIES


def test_real_pacts_carry_no_state_their_article_does_not_give(
    session: Session, loaded: datetime
) -> None:
    pacts = session.execute(select(Pact).where(~Pact.is_demo)).scalars().all()
    assert len(pacts) == 7
    ids = [p.id for p in pacts]
    for pact in pacts:
        assert pact.source and SUMBAWA in pact.source
        assert pact.signed_on == date(2019, 1, 8)
        assert pact.outcome is PactOutcome.NOT_RECORDED and pact.outcome_on is None
        assert pact.withdrawn_at is None
        # Entered when loaded: never at an hour of 8 January 2019 the article does not give.
        assert pact.created_at.replace(tzinfo=UTC) == loaded
    assert session.execute(select(Finding.id).where(Finding.pact_id.in_(ids))).first() is None
    assert (
        session.execute(select(PactExtension.id).where(PactExtension.pact_id.in_(ids))).first()
        is None
    )
    trail = session.execute(
        select(AuditEvent.action, AuditEvent.at).where(AuditEvent.pact_id.in_(ids))
    ).all()
    assert {action for action, _ in trail} == {"pact.recorded", "pact.outcome_recorded"}
    assert {at.replace(tzinfo=UTC) for _, at in trail} == {loaded}
    # Neither now nor ten years on is any of them due, overdue or decided.
    for when in (loaded, loaded.replace(year=loaded.year + 10)):
        rows = [r for r in list_pacts(session, now=when, due_soon_days=14) if not r.is_demo]
        assert {r.status for r in rows} == {PactStatus.NOT_RECORDED}


def test_results_notes_commitments_and_events_are_exactly_the_reported_ones(
    session: Session, loaded: datetime
) -> None:
    results = {
        (_slug(session, a.regency_id), a.year): (str(a.score), a.rank, a.rank_of, a.source)
        for a in session.execute(select(Assessment).where(~Assessment.is_demo)).scalars()
    }
    assert set(results) == set(ASSESSMENTS)
    for key, (score, rank, rank_of, source) in ASSESSMENTS.items():
        assert results[key][:3] == (score, rank, rank_of), key
        assert source in (results[key][3] or ""), key
    units = {
        (_slug(session, u.agency.regency_id), u.agency.slug, u.year): (str(u.score), u.source)
        for u in session.execute(select(UnitResult).where(~UnitResult.is_demo)).scalars()
    }
    assert {k: v[0] for k, v in units.items()} == {k: v[0] for k, v in UNIT_RESULTS.items()}
    notes = {
        (_slug(session, n.regency_id), n.year, n.code): n.source
        for n in session.execute(select(AssessmentNote).where(~AssessmentNote.is_demo)).scalars()
    }
    assert set(notes) == set(NOTES)
    assert all(SUMBAWA in (source or "") for source in notes.values())

    # Seed cases dated after the load's day wait for a later load, as pacts do.
    today = loaded.date()
    commitments = {
        (_slug(session, c.regency_id), c.kind.value): c
        for c in session.execute(select(Commitment).where(~Commitment.is_demo)).scalars()
    }
    expected = {
        key: value
        for key, value in COMMITMENTS.items()
        if (value[0] or date(value[1] or 1, 12, 31)) <= today
    }
    assert set(commitments) == set(expected)
    for key, (signed_on, signed_year, target, source) in expected.items():
        c = commitments[key]
        assert (c.signed_on, c.signed_year) == (signed_on, signed_year), key
        got = (c.target_kind.value, c.target_value, c.target_year) if c.target_kind else None
        assert got == target, key
        assert source in (c.source or ""), key
        if c.target_kind is not None:
            # No 2023 result is recorded: the target awaits it, never met nor missed.
            view = regency_target(
                session, regency_id=c.regency_id, kind=c.target_kind, value=c.target_value,
                year=c.target_year,
            )  # fmt: skip
            assert view is not None and view.state is TargetState.AWAITING
    events = {
        (_slug(session, e.regency_id), e.kind.value): e
        for e in session.execute(select(RegencyEvent).where(~RegencyEvent.is_demo)).scalars()
    }
    expected_events = {k: v for k, v in EVENTS.items() if v[0] is None or v[0] <= today}
    assert set(events) == set(expected_events)
    for key, (day, year, source) in expected_events.items():
        assert (events[key].happened_on, events[key].happened_year) == (day, year), key
        assert source in (events[key].source or ""), key


def test_no_unsupported_year_for_bangka_barat_or_solok_selatan(
    session: Session, loaded: datetime
) -> None:
    # "Yellow for years running by 2021" names no year; "red before that" neither.
    years = {
        (_slug(session, a.regency_id), a.year)
        for a in session.execute(select(Assessment)).scalars()
    }
    assert not {y for y in years if y[0] == "bangka-barat"}
    assert {y for y in years if y[0] == "solok-selatan"} == {
        ("solok-selatan", 2021),
        ("solok-selatan", 2022),
    }
    assert Decimal("57.69") in set(session.execute(select(Assessment.score)).scalars())
