"""Closing the last finding fulfils a pact: on time or late by the regency's own calendar."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from tests.integration.services.helpers import DEADLINE, World, png
from tracker.clock import FixedClock
from tracker.findings.services import add_evidence, review_finding, submit_finding
from tracker.pacts.queries import get_pact
from tracker.pacts.rules import PactStatus
from tracker.pacts.services import extend_pact
from tracker.storage import FileStore

WITA = ZoneInfo("Asia/Makassar")


def _close_every_finding(
    session: Session, world: World, store: FileStore, clock: FixedClock, *, approved_at: datetime
) -> None:
    for finding in world.pact.findings:
        add_evidence(
            session,
            actor=world.opd_a,
            finding_id=finding.id,
            data=png(),
            caption="Foto perbaikan",
            store=store,
            now=clock.now(),
        )
        submit_finding(session, actor=world.opd_a, finding_id=finding.id, now=clock.now())
    clock.set(approved_at)
    for finding in world.pact.findings:
        review_finding(
            session,
            actor=world.admin_x,
            finding_id=finding.id,
            decision="approve",
            comment=None,
            now=clock.now(),
        )


def _status(session: Session, world: World, clock: FixedClock) -> PactStatus:
    return get_pact(session, pact_id=world.pact.id, now=clock.now(), due_soon_days=14).row.status


def test_a_pact_is_due_soon_while_its_findings_are_open(
    session: Session, world: World, clock: FixedClock
) -> None:
    # 25 March 2019 in WITA: 14 days before the deadline of 8 April.
    assert world.pact.deadline_on == DEADLINE
    assert _status(session, world, clock) is PactStatus.DUE_SOON


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
    world: World,
    store: FileStore,
    clock: FixedClock,
    approved_at: datetime,
    status: PactStatus,
) -> None:
    _close_every_finding(session, world, store, clock, approved_at=approved_at)
    assert _status(session, world, clock) is status


def test_a_pact_with_one_finding_still_open_is_not_fulfilled(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    first = world.pact.findings[0]
    add_evidence(
        session,
        actor=world.opd_a,
        finding_id=first.id,
        data=png(),
        caption="Foto",
        store=store,
        now=clock.now(),
    )
    submit_finding(session, actor=world.opd_a, finding_id=first.id, now=clock.now())
    clock.set(datetime(2019, 4, 9, 9, 0, tzinfo=WITA))
    review_finding(
        session,
        actor=world.admin_x,
        finding_id=first.id,
        decision="approve",
        comment=None,
        now=clock.now(),
    )
    assert _status(session, world, clock) is PactStatus.OVERDUE


def test_closing_before_an_extended_deadline_counts_as_on_time(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    extend_pact(
        session,
        actor=world.admin_x,
        pact_id=world.pact.id,
        new_deadline_on=date(2019, 5, 8),
        reason="Menunggu anggaran perubahan.",
        now=clock.now(),
    )
    _close_every_finding(
        session, world, store, clock, approved_at=datetime(2019, 5, 8, 23, 30, tzinfo=WITA)
    )
    detail = get_pact(session, pact_id=world.pact.id, now=clock.now(), due_soon_days=14)
    assert detail.row.status is PactStatus.FULFILLED
    assert (detail.row.original_deadline_on, detail.row.deadline_on) == (DEADLINE, date(2019, 5, 8))
