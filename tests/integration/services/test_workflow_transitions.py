"""Every step DOMAIN.md sections 4–5 allow works and leaves exactly one audit event behind."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from tests.integration.services.helpers import (
    DEADLINE,
    SIGNED_ON,
    World,
    events_after,
    last_event_id,
    png,
)
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.clock import FixedClock
from tracker.findings.models import Finding
from tracker.findings.rules import EvidenceKind, FindingStatus, ReviewDecision
from tracker.findings.services import add_evidence, load_finding, review_finding, submit_finding
from tracker.pacts.services import FindingInput, extend_pact, record_pact, withdraw_pact
from tracker.storage import FileStore


def _the_one_event(session: Session, since: int) -> AuditEvent:
    events = events_after(session, since)
    assert [e.action for e in events] and len(events) == 1, [e.action for e in events]
    return events[0]


def _assert_event(
    event: AuditEvent,
    *,
    action: str,
    actor: User,
    target: tuple[str, int],
    at: datetime,
    pact_id: int,
    regency_id: int,
) -> None:
    assert event.action == action
    assert (event.actor_id, event.actor_role) == (actor.id, actor.role.value)
    assert (event.target_type, event.target_id) == target
    assert event.at == at
    assert event.pact_id == pact_id
    assert event.regency_id == regency_id


def _to_in_progress(session: Session, world: World, store: FileStore, now: datetime) -> Finding:
    add_evidence(
        session,
        actor=world.opd_a,
        finding_id=world.finding.id,
        data=png(),
        caption="Foto ramp di pintu masuk",
        store=store,
        now=now,
    )
    return world.finding


def _to_submitted(session: Session, world: World, store: FileStore, now: datetime) -> Finding:
    finding = _to_in_progress(session, world, store, now)
    submit_finding(session, actor=world.opd_a, finding_id=finding.id, now=now)
    return finding


def test_recording_a_pact_writes_one_pact_event_and_one_per_finding(
    session: Session, world: World, clock: FixedClock
) -> None:
    since, now = last_event_id(session), clock.now()
    pact = record_pact(
        session,
        actor=world.admin_x,
        agency_id=world.b.id,
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
    _assert_event(
        recorded,
        action="pact.recorded",
        actor=world.admin_x,
        target=("pact", pact.id),
        at=now,
        pact_id=pact.id,
        regency_id=world.x.id,
    )
    assert {(e.target_id, e.pact_id) for e in events if e.action == "finding.recorded"} == {
        (f.id, pact.id) for f in pact.findings
    }


def test_evidence_on_an_open_finding_moves_it_to_in_progress(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    since, now, photo = last_event_id(session), clock.now(), png()
    evidence = add_evidence(
        session,
        actor=world.opd_a,
        finding_id=world.finding.id,
        data=photo,
        caption="Foto ramp di pintu masuk",
        store=store,
        now=now,
    )
    assert world.finding.status is FindingStatus.IN_PROGRESS
    assert (evidence.kind, evidence.content_type) == (EvidenceKind.PHOTO, "image/png")
    assert evidence.storage_key is not None and store.read(evidence.storage_key) == photo
    event = _the_one_event(session, since)
    _assert_event(
        event,
        action="evidence.added",
        actor=world.opd_a,
        target=("finding", world.finding.id),
        at=now,
        pact_id=world.pact.id,
        regency_id=world.x.id,
    )
    assert event.changes is not None
    assert event.changes["status"] == {"from": "open", "to": "in_progress"}


def test_submitting_a_finding_in_progress_sends_it_for_verification(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    finding = _to_in_progress(session, world, store, clock.now())
    clock.advance(timedelta(hours=1))
    since, now = last_event_id(session), clock.now()
    submit_finding(session, actor=world.opd_a, finding_id=finding.id, now=now, note="Sudah")
    assert (finding.status, finding.submitted_at) == (FindingStatus.SUBMITTED, now)
    _assert_event(
        _the_one_event(session, since),
        action="finding.submitted",
        actor=world.opd_a,
        target=("finding", finding.id),
        at=now,
        pact_id=world.pact.id,
        regency_id=world.x.id,
    )


def test_approving_a_submitted_finding_closes_it(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    finding = _to_submitted(session, world, store, clock.now())
    clock.advance(timedelta(days=1))
    since, now = last_event_id(session), clock.now()
    review = review_finding(
        session,
        actor=world.admin_x,
        finding_id=finding.id,
        decision="approve",
        comment=None,
        now=now,
    )
    assert review.decision is ReviewDecision.APPROVE
    assert (finding.status, finding.closed_at) == (FindingStatus.CLOSED, now)
    _assert_event(
        _the_one_event(session, since),
        action="finding.approved",
        actor=world.admin_x,
        target=("finding", finding.id),
        at=now,
        pact_id=world.pact.id,
        regency_id=world.x.id,
    )


def test_returning_a_submitted_finding_keeps_the_reviewers_comment(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    finding = _to_submitted(session, world, store, clock.now())
    since, now = last_event_id(session), clock.now()
    review = review_finding(
        session,
        actor=world.admin_x,
        finding_id=finding.id,
        decision="return",
        comment="Foto tidak menunjukkan pegangan ramp.",
        now=now,
    )
    assert finding.status is FindingStatus.RETURNED
    assert finding.closed_at is None
    assert review.comment == "Foto tidak menunjukkan pegangan ramp."
    _assert_event(
        _the_one_event(session, since),
        action="finding.returned",
        actor=world.admin_x,
        target=("finding", finding.id),
        at=now,
        pact_id=world.pact.id,
        regency_id=world.x.id,
    )


def test_new_evidence_on_a_returned_finding_moves_it_back_to_in_progress(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    finding = _to_submitted(session, world, store, clock.now())
    review_finding(
        session,
        actor=world.admin_x,
        finding_id=finding.id,
        decision="return",
        comment="Kurang jelas.",
        now=clock.now(),
    )
    clock.advance(timedelta(days=2))
    since, now = last_event_id(session), clock.now()
    add_evidence(
        session,
        actor=world.opd_a,
        finding_id=finding.id,
        data=png("blue"),
        caption="Foto pegangan ramp",
        store=store,
        now=now,
    )
    assert finding.status is FindingStatus.IN_PROGRESS
    assert len(finding.evidence) == 2
    event = _the_one_event(session, since)
    assert event.changes is not None
    assert event.changes["status"] == {"from": "returned", "to": "in_progress"}
    _assert_event(
        event,
        action="evidence.added",
        actor=world.opd_a,
        target=("finding", finding.id),
        at=now,
        pact_id=world.pact.id,
        regency_id=world.x.id,
    )


def test_extending_a_pact_sets_a_later_deadline_and_keeps_the_original(
    session: Session, world: World, clock: FixedClock
) -> None:
    since, now = last_event_id(session), clock.now()
    extension = extend_pact(
        session,
        actor=world.admin_x,
        pact_id=world.pact.id,
        new_deadline_on=date(2019, 5, 8),
        reason="Menunggu anggaran perubahan.",
        now=now,
    )
    assert extension.previous_deadline_on == DEADLINE
    assert world.pact.deadline_on == date(2019, 5, 8)
    assert world.pact.original_deadline_on == DEADLINE
    event = _the_one_event(session, since)
    _assert_event(
        event,
        action="pact.extended",
        actor=world.admin_x,
        target=("pact", world.pact.id),
        at=now,
        pact_id=world.pact.id,
        regency_id=world.x.id,
    )
    assert event.changes is not None
    assert (event.changes["from"], event.changes["to"]) == ("2019-04-08", "2019-05-08")


def test_withdrawing_a_pact_keeps_it_on_record_with_the_reason(
    session: Session, world: World, clock: FixedClock
) -> None:
    since, now = last_event_id(session), clock.now()
    withdraw_pact(
        session, actor=world.admin_x, pact_id=world.pact.id, reason="OPD digabung.", now=now
    )
    assert (world.pact.withdrawn_at, world.pact.withdrawal_reason) == (now, "OPD digabung.")
    _assert_event(
        _the_one_event(session, since),
        action="pact.withdrawn",
        actor=world.admin_x,
        target=("pact", world.pact.id),
        at=now,
        pact_id=world.pact.id,
        regency_id=world.x.id,
    )


def test_a_finding_whose_evidence_was_just_read_can_get_evidence_and_be_submitted_at_once(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    # As a page or API call that shows the (empty) evidence list, then uploads and submits.
    finding = load_finding(session, actor=world.opd_a, finding_id=world.finding.id)
    assert finding.evidence == []
    add_evidence(
        session,
        actor=world.opd_a,
        finding_id=finding.id,
        data=png(),
        caption="Foto pojok bermain anak",
        store=store,
        now=clock.now(),
    )
    assert [e.caption for e in finding.evidence] == ["Foto pojok bermain anak"]
    submit_finding(session, actor=world.opd_a, finding_id=finding.id, now=clock.now())
    review_finding(
        session,
        actor=world.admin_x,
        finding_id=finding.id,
        decision="approve",
        comment=None,
        now=clock.now(),
    )
    assert [r.decision for r in finding.reviews] == [ReviewDecision.APPROVE]
