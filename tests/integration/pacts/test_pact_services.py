"""Recording, extending and withdrawing a pact (DOMAIN.md section 4): each allowed step leaves one
audit event behind; each step the rules refuse gives a reason and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.workflow import (
    DEADLINE,
    SIGNED_ON,
    Steps,
    events_after,
    last_event_id,
    refused,
    the_one_event,
)
from tracker.clock import FixedClock
from tracker.errors import Conflict, Invalid
from tracker.findings.rules import FindingStatus
from tracker.pacts.models import Pact
from tracker.pacts.services import FindingInput, record_pact

# --- what is allowed -------------------------------------------------------------------------


def test_recording_a_pact_writes_one_pact_event_and_one_per_finding(
    session: Session, office: Office, clock: FixedClock
) -> None:
    since, now = last_event_id(session), clock.now()
    pact = record_pact(
        session,
        actor=office.admin_x,
        agency_id=office.b.id,
        signatory_name="Ir. Contoh",
        signatory_title="Kepala Dinas",
        signed_on=SIGNED_ON,
        pledge="Memperbaiki layanan dalam tiga bulan.",
        now=now,
        findings=[
            FindingInput(title="Belum ada ramp", code="IN-FAC-RAMP"),
            FindingInput(title="SOP belum dipajang", category="process"),
        ],
    )
    assert pact.deadline_on == DEADLINE
    assert [f.status for f in pact.findings] == [FindingStatus.OPEN, FindingStatus.OPEN]
    events = events_after(session, since)
    assert sorted(e.action for e in events) == [
        "finding.recorded",
        "finding.recorded",
        "pact.recorded",
    ]
    (recorded,) = (e for e in events if e.action == "pact.recorded")
    assert (recorded.actor_id, recorded.actor_role) == (office.admin_x.id, "admin")
    assert (recorded.target_type, recorded.target_id) == ("pact", pact.id)
    assert (recorded.at, recorded.pact_id, recorded.regency_id) == (now, pact.id, office.x.id)
    assert {(e.target_id, e.pact_id) for e in events if e.action == "finding.recorded"} == {
        (f.id, pact.id) for f in pact.findings
    }


def test_extending_a_pact_sets_a_later_deadline_and_keeps_the_original(
    session: Session, office: Office, pact: Pact, steps: Steps, clock: FixedClock
) -> None:
    since, now = last_event_id(session), clock.now()
    extension = steps.extend(office.admin_x, pact, date(2019, 5, 8), "Menunggu anggaran perubahan.")
    assert extension.previous_deadline_on == DEADLINE
    assert pact.deadline_on == date(2019, 5, 8)
    assert pact.original_deadline_on == DEADLINE
    event = the_one_event(
        session, since, "pact.extended", actor=office.admin_x, target=pact, at=now
    )
    assert event.changes is not None
    assert (event.changes["from"], event.changes["to"]) == ("2019-04-08", "2019-05-08")


def test_withdrawing_a_pact_keeps_it_on_record_with_the_reason(
    session: Session, office: Office, pact: Pact, steps: Steps, clock: FixedClock
) -> None:
    since, now = last_event_id(session), clock.now()
    steps.withdraw(office.admin_x, pact, "OPD digabung.")
    assert (pact.withdrawn_at, pact.withdrawal_reason) == (now, "OPD digabung.")
    the_one_event(session, since, "pact.withdrawn", actor=office.admin_x, target=pact, at=now)


# --- what the rules refuse -------------------------------------------------------------------


def test_extending_a_withdrawn_pact_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    steps.withdraw(office.admin_x, pact)
    error = refused(
        session, Conflict, lambda: steps.extend(office.admin_x, pact, date(2019, 5, 8), "Anggaran")
    )
    assert "withdrawn" in str(error.detail)
    assert pact.deadline_on == DEADLINE


@pytest.mark.parametrize(
    "to",
    [
        pytest.param(DEADLINE - timedelta(days=1), id="earlier"),
        pytest.param(DEADLINE, id="same-day"),
        pytest.param(None, id="missing"),
    ],
)
def test_extending_a_pact_to_a_date_not_after_its_deadline_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps, to: date | None
) -> None:
    error = refused(session, Invalid, lambda: steps.extend(office.admin_x, pact, to, "Anggaran"))
    assert set(error.fields) == {"new_deadline"}
    assert pact.deadline_on == DEADLINE


def test_extending_a_pact_without_a_reason_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    error = refused(
        session, Invalid, lambda: steps.extend(office.admin_x, pact, date(2019, 5, 8), "")
    )
    assert set(error.fields) == {"reason"}


def test_extending_a_fulfilled_pact_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    steps.close(office.opd_a, office.admin_x, pact.findings)
    refused(session, Conflict, lambda: steps.extend(office.admin_x, pact, date(2019, 5, 8), "Lagi"))


def test_withdrawing_a_pact_twice_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps, clock: FixedClock
) -> None:
    steps.withdraw(office.admin_x, pact)
    first = pact.withdrawn_at
    clock.advance(timedelta(days=1))
    error = refused(session, Conflict, lambda: steps.withdraw(office.admin_x, pact))
    assert "already withdrawn" in str(error.detail)
    assert pact.withdrawn_at == first


def test_withdrawing_a_pact_without_a_reason_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    error = refused(session, Invalid, lambda: steps.withdraw(office.admin_x, pact, " "))
    assert set(error.fields) == {"reason"}
    assert pact.withdrawn_at is None
