"""Every step DOMAIN.md section 5 allows a finding works and leaves one audit event behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.office import Office
from tests.integration.workflow import Steps, last_event_id, the_one_event
from tracker.clock import FixedClock
from tracker.findings.models import Finding
from tracker.findings.rules import EvidenceKind, FindingStatus, ReviewDecision
from tracker.findings.services import load_finding
from tracker.pacts.models import Pact
from tracker.storage import FileStore


@pytest.fixture
def submitted(office: Office, pact: Pact, steps: Steps) -> Finding:
    """Agency A's first finding, photographed and sent for verification."""
    steps.send(office.opd_a, pact.findings[:1])
    return pact.findings[0]


def test_evidence_on_an_open_finding_moves_it_to_in_progress(
    session: Session, office: Office, pact: Pact, steps: Steps, store: FileStore, clock: FixedClock
) -> None:
    since, now, photo, finding = last_event_id(session), clock.now(), png(), pact.findings[0]
    evidence = steps.add_evidence(office.opd_a, finding, "Foto ramp di pintu masuk", photo)
    assert finding.status is FindingStatus.IN_PROGRESS
    assert (evidence.kind, evidence.content_type) == (EvidenceKind.PHOTO, "image/png")
    assert evidence.storage_key is not None and store.read(evidence.storage_key) == photo
    event = the_one_event(
        session, since, "evidence.added", actor=office.opd_a, target=finding, at=now
    )
    assert event.changes is not None
    assert event.changes["status"] == {"from": "open", "to": "in_progress"}


def test_submitting_a_finding_in_progress_sends_it_for_verification(
    session: Session, office: Office, pact: Pact, steps: Steps, clock: FixedClock
) -> None:
    finding = pact.findings[0]
    steps.add_evidence(office.opd_a, finding)
    clock.advance(timedelta(hours=1))
    since, now = last_event_id(session), clock.now()
    steps.submit(office.opd_a, finding, note="Sudah")
    assert (finding.status, finding.submitted_at) == (FindingStatus.SUBMITTED, now)
    the_one_event(session, since, "finding.submitted", actor=office.opd_a, target=finding, at=now)


def test_approving_a_submitted_finding_closes_it(
    session: Session, office: Office, submitted: Finding, steps: Steps, clock: FixedClock
) -> None:
    finding = submitted
    clock.advance(timedelta(days=1))
    since, now = last_event_id(session), clock.now()
    review = steps.review(office.admin_x, finding, "approve")
    assert review.decision is ReviewDecision.APPROVE
    assert (finding.status, finding.closed_at) == (FindingStatus.CLOSED, now)
    the_one_event(session, since, "finding.approved", actor=office.admin_x, target=finding, at=now)


def test_returning_a_submitted_finding_keeps_the_reviewers_comment(
    session: Session, office: Office, submitted: Finding, steps: Steps, clock: FixedClock
) -> None:
    finding = submitted
    since, now = last_event_id(session), clock.now()
    review = steps.review(
        office.admin_x, finding, "return", "Foto tidak menunjukkan pegangan ramp."
    )
    assert finding.status is FindingStatus.RETURNED
    assert finding.closed_at is None
    assert review.comment == "Foto tidak menunjukkan pegangan ramp."
    the_one_event(session, since, "finding.returned", actor=office.admin_x, target=finding, at=now)


def test_new_evidence_on_a_returned_finding_moves_it_back_to_in_progress(
    session: Session, office: Office, submitted: Finding, steps: Steps, clock: FixedClock
) -> None:
    finding = submitted
    steps.review(office.admin_x, finding, "return", "Kurang jelas.")
    clock.advance(timedelta(days=2))
    since, now = last_event_id(session), clock.now()
    steps.add_evidence(office.opd_a, finding, "Foto pegangan ramp", png("blue"))
    assert finding.status is FindingStatus.IN_PROGRESS
    assert len(finding.evidence) == 2
    event = the_one_event(
        session, since, "evidence.added", actor=office.opd_a, target=finding, at=now
    )
    assert event.changes is not None
    assert event.changes["status"] == {"from": "returned", "to": "in_progress"}


def test_a_finding_whose_evidence_was_just_read_can_get_evidence_and_be_submitted_at_once(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    # As a page or API call that shows the (empty) evidence list, then uploads and submits.
    finding = load_finding(session, actor=office.opd_a, finding_id=pact.findings[0].id)
    assert finding.evidence == []
    steps.add_evidence(office.opd_a, finding, "Foto pojok bermain anak")
    assert [e.caption for e in finding.evidence] == ["Foto pojok bermain anak"]
    steps.submit(office.opd_a, finding)
    steps.review(office.admin_x, finding, "approve")
    assert [r.decision for r in finding.reviews] == [ReviewDecision.APPROVE]
