"""Steps of a finding that DOMAIN.md section 5 does not allow are refused with a reason and change
nothing, neither in the database nor in the file store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.builders import png
from tests.integration.office import Office
from tests.integration.workflow import Steps, refused
from tracker.errors import Conflict, Invalid
from tracker.findings.rules import FindingStatus
from tracker.pacts.models import Pact
from tracker.storage import FileStore


def _files(store: FileStore) -> list[Path]:
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


def test_approving_an_open_finding_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    finding = pact.findings[0]
    error = refused(session, Conflict, lambda: steps.review(office.admin_x, finding))
    assert "not yet followed up" in str(error.detail).lower()
    assert finding.status is FindingStatus.OPEN


def test_submitting_a_finding_without_evidence_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    error = refused(session, Conflict, lambda: steps.submit(office.opd_a, pact.findings[0]))
    assert "evidence" in str(error.detail)


def test_submitting_a_closed_finding_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    steps.close(office.opd_a, office.admin_x, pact.findings[:1])
    error = refused(session, Conflict, lambda: steps.submit(office.opd_a, pact.findings[0]))
    assert "closed" in str(error.detail).lower()


def test_submitting_twice_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    steps.send(office.opd_a, pact.findings[:1])
    refused(session, Conflict, lambda: steps.submit(office.opd_a, pact.findings[0]))


@pytest.mark.parametrize("second", ["approve", "return"])
def test_reviewing_a_finding_twice_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps, second: str
) -> None:
    finding = pact.findings[0]
    steps.close(office.opd_a, office.admin_x, [finding])
    error = refused(
        session, Conflict, lambda: steps.review(office.admin_x, finding, second, "Sekali lagi")
    )
    assert "closed" in str(error.detail).lower()
    assert len(finding.reviews) == 1


def test_returning_a_finding_without_a_comment_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    finding = pact.findings[0]
    steps.send(office.opd_a, [finding])
    error = refused(
        session, Invalid, lambda: steps.review(office.admin_x, finding, "return", "   ")
    )
    assert set(error.fields) == {"comment"}
    assert finding.status is FindingStatus.SUBMITTED


def test_an_unknown_review_decision_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps
) -> None:
    finding = pact.findings[0]
    steps.send(office.opd_a, [finding])
    error = refused(session, Invalid, lambda: steps.review(office.admin_x, finding, "maybe"))
    assert set(error.fields) == {"decision"}


def test_adding_evidence_to_a_closed_finding_is_refused_and_stores_no_file(
    session: Session, office: Office, pact: Pact, steps: Steps, store: FileStore
) -> None:
    steps.close(office.opd_a, office.admin_x, pact.findings[:1])
    files = _files(store)
    error = refused(session, Conflict, lambda: steps.add_evidence(office.opd_a, pact.findings[0]))
    assert "closed" in str(error.detail).lower()
    assert _files(store) == files


def test_adding_evidence_while_awaiting_verification_is_refused(
    session: Session, office: Office, pact: Pact, steps: Steps, store: FileStore
) -> None:
    steps.send(office.opd_a, pact.findings[:1])
    files = _files(store)
    refused(session, Conflict, lambda: steps.add_evidence(office.opd_a, pact.findings[0]))
    assert _files(store) == files


@pytest.mark.parametrize(
    ("data", "caption", "field"),
    [
        pytest.param(b"<html>not a photo</html>", "Foto", "file", id="not-a-photo-or-pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "Foto", "file", id="png-header-only"),
        pytest.param(b"", "Foto", "file", id="empty-file"),
        pytest.param(png(), "  ", "caption", id="no-caption"),
    ],
)
def test_evidence_that_is_not_a_real_photo_or_lacks_a_caption_is_refused(
    session: Session,
    office: Office,
    pact: Pact,
    steps: Steps,
    store: FileStore,
    data: bytes,
    caption: str,
    field: str,
) -> None:
    finding = pact.findings[0]
    error = refused(
        session, Invalid, lambda: steps.add_evidence(office.opd_a, finding, caption, data)
    )
    assert set(error.fields) == {field}
    assert _files(store) == []
    assert finding.status is FindingStatus.OPEN
