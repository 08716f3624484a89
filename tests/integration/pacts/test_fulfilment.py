"""Closing the last finding fulfils a pact: on time or late by the regency's own calendar."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.workflow import DEADLINE, Steps
from tracker.clock import FixedClock
from tracker.pacts.models import Pact
from tracker.pacts.queries import get_pact
from tracker.pacts.rules import PactStatus

WITA = ZoneInfo("Asia/Makassar")


def _close_every_finding(
    office: Office, pact: Pact, steps: Steps, clock: FixedClock, *, approved_at: datetime
) -> None:
    steps.send(office.opd_a, pact.findings)
    clock.set(approved_at)
    for finding in pact.findings:
        steps.review(office.admin_x, finding)


def _status(session: Session, pact: Pact, clock: FixedClock) -> PactStatus:
    return get_pact(session, pact_id=pact.id, now=clock.now(), due_soon_days=14).row.status


def test_a_pact_is_due_soon_while_its_findings_are_open(
    session: Session, pact: Pact, clock: FixedClock
) -> None:
    # 25 March 2019 in WITA: 14 days before the deadline of 8 April.
    assert pact.deadline_on == DEADLINE
    assert _status(session, pact, clock) is PactStatus.DUE_SOON


@pytest.mark.parametrize(
    ("approved_at", "status"),
    [
        pytest.param(
            datetime(2019, 4, 2, 10, 0, tzinfo=WITA), PactStatus.FULFILLED, id="a-week-early"
        ),
        pytest.param(
            datetime(2019, 4, 8, 23, 30, tzinfo=WITA),
            PactStatus.FULFILLED,
            id="deadline-day-23:30-wita",
        ),
        # 00:30 WITA on 9 April is still 8 April in UTC: only the local date makes it late.
        pytest.param(
            datetime(2019, 4, 9, 0, 30, tzinfo=WITA),
            PactStatus.FULFILLED_LATE,
            id="next-day-00:30-wita",
        ),
        pytest.param(
            datetime(2019, 5, 2, 10, 0, tzinfo=WITA), PactStatus.FULFILLED_LATE, id="weeks-late"
        ),
    ],
)
def test_closing_the_last_finding_fulfils_the_pact_on_time_or_late(
    session: Session,
    office: Office,
    pact: Pact,
    steps: Steps,
    clock: FixedClock,
    approved_at: datetime,
    status: PactStatus,
) -> None:
    _close_every_finding(office, pact, steps, clock, approved_at=approved_at)
    assert _status(session, pact, clock) is status


def test_a_pact_with_one_finding_still_open_is_not_fulfilled(
    session: Session, office: Office, pact: Pact, steps: Steps, clock: FixedClock
) -> None:
    first = pact.findings[0]
    steps.send(office.opd_a, [first])
    clock.set(datetime(2019, 4, 9, 9, 0, tzinfo=WITA))
    steps.review(office.admin_x, first)
    assert _status(session, pact, clock) is PactStatus.OVERDUE


def test_closing_before_an_extended_deadline_counts_as_on_time(
    session: Session, office: Office, pact: Pact, steps: Steps, clock: FixedClock
) -> None:
    steps.extend(office.admin_x, pact, date(2019, 5, 8), "Menunggu anggaran perubahan.")
    _close_every_finding(
        office, pact, steps, clock, approved_at=datetime(2019, 5, 8, 23, 30, tzinfo=WITA)
    )
    detail = get_pact(session, pact_id=pact.id, now=clock.now(), due_soon_days=14)
    assert detail.row.status is PactStatus.FULFILLED
    assert (detail.row.original_deadline_on, detail.row.deadline_on) == (DEADLINE, date(2019, 5, 8))
