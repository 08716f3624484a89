"""The status a pact list reads in SQL is the status the rules derive, for any pact, any instant
and any Indonesian time zone (hypothesis, on the test database: SQLite, PostgreSQL or MariaDB).

Each example records one pact with the ORM (a signing date of 2013-2040 or none, a period,
perhaps an extension, findings in every state closed at any hour, perhaps withdrawn or decided)
in a regency of one of the zones, and reads it at an instant near its deadline, often at a local
midnight of some zone. The stored facts (tracker.pacts.stored) and the SQL status against each
zone's today (SqlToday) must say what ``pact_status`` says of the raw facts: a status filter
keeps the pact under exactly that status, and the pact page shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import Config
from tests.builders import make_agency, make_regency
from tests.properties import ZONES, bounded, days, instants, local_instant, periods, zones
from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.queries import get_status, status_sql
from tracker.pacts.rules import (
    PactOutcome,
    PactStatus,
    deadline,
    effective_deadline,
    pact_status,
)
from tracker.regencies.models import Regency

DUE_SOON = Config.DUE_SOON_DAYS


@dataclass(frozen=True)
class Drawn:
    """A pact's raw facts and the instant it is read at."""

    zone: str
    signed_on: date | None
    period: int
    extension_days: int | None
    findings: tuple[tuple[FindingStatus, datetime | None], ...]
    withdrawn: bool
    outcome: PactOutcome | None
    now: datetime

    @property
    def extended_to(self) -> date | None:
        signed = effective_deadline(self.signed_on, self.period)
        if signed is None or self.extension_days is None:
            return None
        return signed + timedelta(days=self.extension_days)


@st.composite
def drawn_pacts(draw: st.DrawFn) -> Drawn:
    signed_on = draw(st.none() | days)
    period = draw(periods)
    extension = draw(st.none() | st.integers(min_value=1, max_value=730)) if signed_on else None
    signed = effective_deadline(signed_on, period)
    near = draw(days) if signed is None else signed + timedelta(days=extension or 0)
    statuses = draw(st.lists(st.sampled_from(FindingStatus), max_size=5))
    findings = tuple(
        (s, draw(instants(near=near, spread=20)) if s is FindingStatus.CLOSED else None)
        for s in statuses
    )
    # Most reads near the deadline or where "due soon" begins, many at a zone's midnight.
    now = draw(
        st.one_of(
            instants(near=near, spread=2),
            instants(near=near - timedelta(days=DUE_SOON), spread=1),
            instants(near=near, spread=40),
            instants(),
        )
    )
    return Drawn(
        zone=draw(zones),
        signed_on=signed_on,
        period=period,
        extension_days=extension,
        findings=findings,
        # Most pacts run: one in ten withdrawn, one in four with a recorded outcome.
        withdrawn=draw(st.integers(0, 9)) == 0,
        outcome=draw(st.sampled_from(PactOutcome)) if draw(st.integers(0, 3)) == 0 else None,
        now=now,
    )


@pytest.fixture
def agency_in(session: Session, now: datetime) -> dict[str, Agency]:
    """One agency in a regency of each Indonesian zone."""
    return {
        zone: make_agency(session, regency=make_regency(session, now=now, timezone=zone), now=now)
        for zone in ZONES
    }


def record(session: Session, agency: Agency, d: Drawn, now: datetime) -> Pact:
    decided = d.outcome not in (None, PactOutcome.NOT_RECORDED)
    pact = Pact(
        agency_id=agency.id,
        signatory_name="Nama Uji",
        signatory_title="Kepala Dinas Uji",
        signed_on=d.signed_on,
        period_months=d.period,
        pledge="Memperbaiki temuan dalam tiga bulan.",
        withdrawn_at=now if d.withdrawn else None,
        withdrawal_reason="Dicabut" if d.withdrawn else None,
        outcome=d.outcome,
        outcome_on=(d.signed_on or date(2020, 1, 1)) if decided else None,
        created_at=now,
    )
    session.add(pact)
    session.flush()
    for i, (status, closed_at) in enumerate(d.findings):
        session.add(
            Finding(
                agency_id=agency.id,
                pact_id=pact.id,
                category=FindingCategory.INPUT,
                title=f"Temuan uji {i + 1}",
                status=status,
                closed_at=closed_at,
                unresolvable_at=now if status is FindingStatus.UNRESOLVABLE else None,
                unresolvable_reason="Menunggu APBD-P"
                if status is FindingStatus.UNRESOLVABLE
                else None,
                created_at=now,
            )
        )
    if d.extended_to is not None:
        previous = effective_deadline(d.signed_on, d.period)
        assert previous is not None
        session.add(
            PactExtension(
                pact_id=pact.id,
                previous_deadline_on=previous,
                new_deadline_on=d.extended_to,
                reason="Alasan uji",
                created_at=now,
            )
        )
    session.flush()
    return pact


def expected_status(d: Drawn) -> PactStatus:
    """The rule applied to the raw facts, in the regency's zone."""
    closed = [at for status, at in d.findings if status is FindingStatus.CLOSED and at]
    unresolvable = sum(status is FindingStatus.UNRESOLVABLE for status, _ in d.findings)
    return pact_status(
        deadline_on=effective_deadline(d.signed_on, d.period, d.extended_to),
        today=local_today(d.now, d.zone),
        findings_total=len(d.findings),
        findings_open=len(d.findings) - len(closed) - unresolvable,
        last_closed_on=local_today(max(closed), d.zone) if closed else None,
        due_soon_days=DUE_SOON,
        withdrawn=d.withdrawn,
        outcome=d.outcome,
    )


@bounded(150, database=True)
@given(d=drawn_pacts())
def test_the_status_read_in_sql_is_the_status_the_rules_derive(
    session: Session, now: datetime, agency_in: dict[str, Agency], d: Drawn
) -> None:
    savepoint = session.begin_nested()
    try:
        pact = record(session, agency_in[d.zone], d, now)
        expected = expected_status(d)
        assert pact.current_deadline_on == effective_deadline(d.signed_on, d.period, d.extended_to)

        reading = status_sql(session, now=d.now, due_soon_days=DUE_SOON)
        of_pact = (
            select(func.count(Pact.id))
            .join(Agency, Pact.agency_id == Agency.id)
            .join(Regency, Agency.regency_id == Regency.id)
            .where(Pact.id == pact.id)
        )
        in_sql = session.scalar(of_pact.with_only_columns(reading.status))
        assert in_sql == expected.value
        # A status filter of a list keeps it under that status and no other.
        kept = {s for s in PactStatus if session.scalar(of_pact.where(*reading.condition(s)))}
        assert kept == {expected}
        # The pact page and the API read the stored facts on the regency's today.
        assert get_status(session, pact_id=pact.id, now=d.now, due_soon_days=DUE_SOON) is expected
    finally:
        savepoint.rollback()


@bounded(25, database=True)
@given(due=days)
def test_a_running_pact_turns_overdue_at_its_own_regencys_midnight_in_sql(
    session: Session, now: datetime, agency_in: dict[str, Agency], due: date
) -> None:
    """Four pacts due the same day, one per zone, read at each zone's last second of that day
    and at its next midnight: each turns overdue at its own regency's midnight, not before."""
    savepoint = session.begin_nested()
    try:
        # Signed four months before and extended to ``due``: any day can be a deadline.
        signed_on = due - relativedelta(months=4)
        extension = (due - deadline(signed_on, 3)).days
        pacts = {
            zone: record(
                session,
                agency,
                Drawn(
                    zone, signed_on, 3, extension, ((FindingStatus.OPEN, None),), False, None, now
                ),
                now,
            )
            for zone, agency in agency_in.items()
        }
        for turning in ZONES:
            midnight = local_instant(due + timedelta(days=1), time(0), turning)
            for at in (midnight - timedelta(seconds=1), midnight):
                reading = status_sql(session, now=at, due_soon_days=DUE_SOON)
                for zone, pact in pacts.items():
                    assert pact.current_deadline_on == due
                    status = session.scalar(
                        select(reading.status)
                        .select_from(Pact)
                        .join(Agency, Pact.agency_id == Agency.id)
                        .join(Regency, Agency.regency_id == Regency.id)
                        .where(Pact.id == pact.id)
                    )
                    past = local_today(at, zone) > due
                    assert status == (PactStatus.OVERDUE if past else PactStatus.DUE_SOON), (
                        zone,
                        at,
                    )
                    if zone == turning:
                        assert past is (at == midnight)
    finally:
        savepoint.rollback()
