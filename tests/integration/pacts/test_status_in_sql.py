"""The status read in SQL (stored standing, deadline against each zone's today) is the derived one.

An invented country in all four zones, read at an instant when Jakarta's date is still the day
before Makassar's and Jayapura's: every status filter, the counts by regency and status, and
the nearest and longest overdue deadlines agree with the rule applied to every pact in Python.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tracker.agencies.models import Agency
from tracker.demo.generator import Size, generate
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.pacts.models import Pact
from tracker.pacts.queries import (
    deadline_extremes,
    list_pacts,
    most_overdue,
    nearest_deadlines,
    page_pacts,
    status_counts,
)
from tracker.pacts.rules import PactStanding, PactStatus
from tracker.regencies.models import Regency

DUE_SOON = 14


@pytest.fixture
def country(app: Flask, session: Session, now: datetime) -> None:
    with app.app_context():
        generate(session, size=Size(8, 6, 3, seed=11), now=now)


@pytest.mark.parametrize(
    "instant",
    [
        pytest.param(timedelta(0), id="morning-in-every-zone"),
        # 16:30 UTC: 23:30 in Jakarta, already tomorrow in Makassar and Jayapura.
        pytest.param(timedelta(hours=15, minutes=30), id="midnight-between-wib-and-wita"),
        pytest.param(timedelta(days=40, hours=15, minutes=30), id="forty-days-later"),
    ],
)
def test_status_filters_counts_and_extremes_match_the_rule(
    session: Session, now: datetime, country: None, instant: timedelta
) -> None:
    at = now.astimezone(UTC).replace(hour=1, minute=0) + instant
    every = list_pacts(session, now=at, due_soon_days=DUE_SOON)
    by_status = Counter(r.status for r in every)
    assert len(by_status) >= 6, by_status
    for status in PactStatus:
        expected = sorted(r.id for r in every if r.status is status)
        page = page_pacts(
            session, now=at, page=1, per_page=1000, status=status, due_soon_days=DUE_SOON
        )
        assert sorted(r.id for r in page.items) == expected, status
        assert page.total == len(expected), status
        listed = list_pacts(session, now=at, status=status, due_soon_days=DUE_SOON)
        assert sorted(r.id for r in listed) == expected, status

    regency_of = dict(session.execute(select(Regency.slug, Regency.id)).all())
    expected_counts: dict[int, Counter[PactStatus]] = {}
    for r in every:
        expected_counts.setdefault(regency_of[r.regency_slug], Counter())[r.status] += 1
    counts = status_counts(session, now=at, due_soon_days=DUE_SOON)
    assert {k: Counter(v) for k, v in counts.items()} == expected_counts

    nearest, overdue = deadline_extremes(session, now=at, due_soon_days=DUE_SOON, limit=5)
    assert [r.id for r in nearest] == [r.id for r in nearest_deadlines(every, 5)]
    assert [r.id for r in overdue] == [r.id for r in most_overdue(every, 5)]


def test_the_stored_facts_follow_every_change_through_the_orm(
    session: Session, now: datetime, country: None
) -> None:
    agency = session.scalars(select(Agency)).first()
    assert agency is not None
    pact = make_pact(session, agency=agency, now=now, signed_on=now.date(), findings=2)
    session.flush()
    assert (pact.findings_total, pact.findings_closed, pact.standing) == (
        2,
        0,
        PactStanding.RUNNING,
    )
    for finding in pact.findings:
        finding.status = FindingStatus.CLOSED
        finding.closed_at = now
    session.flush()
    assert (pact.findings_closed, pact.standing) == (2, PactStanding.FULFILLED)
    assert pact.last_closed_on == now.date()
    session.add(
        Finding(
            agency_id=agency.id,
            pact_id=pact.id,
            category="input",
            title="Temuan tambahan",
            created_at=now,
        )
    )
    session.flush()
    assert (pact.findings_total, pact.standing) == (3, PactStanding.RUNNING)
    pact.withdrawn_at, pact.withdrawal_reason = now, "Dicabut"
    session.flush()
    assert pact.standing is PactStanding.WITHDRAWN
    assert session.get(Pact, pact.id) is pact


def test_a_regency_moved_to_another_zone_gets_its_pacts_closing_days_in_that_zone(
    session: Session, now: datetime
) -> None:
    from tests.builders import make_agency, make_regency

    regency = make_regency(session, now=now, timezone="Asia/Jakarta")
    agency = make_agency(session, regency=regency, now=now)
    pact = make_pact(session, agency=agency, now=now, signed_on=now.date(), findings=1)
    # 16:30 UTC: 23:30 in Jakarta, already the next day in Makassar.
    closed_at = now.astimezone(UTC).replace(hour=16, minute=30)
    pact.findings[0].status, pact.findings[0].closed_at = FindingStatus.CLOSED, closed_at
    session.flush()
    assert pact.last_closed_on == closed_at.date()

    regency.timezone = "Asia/Makassar"
    session.flush()

    assert pact.last_closed_on == closed_at.date() + timedelta(days=1)
