"""Steps the workflow does not allow are refused with a reason and change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.integration.services.helpers import DEADLINE, World, png, refused
from tracker.clock import FixedClock
from tracker.errors import Conflict, Invalid
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.findings.services import add_evidence, review_finding, submit_finding
from tracker.pacts.services import extend_pact, withdraw_pact
from tracker.storage import FileStore


def _files(store: FileStore) -> list[Path]:
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


def _evidence(session: Session, world: World, store: FileStore, clock: FixedClock) -> None:
    add_evidence(
        session,
        actor=world.opd_a,
        finding_id=world.finding.id,
        data=png(),
        caption="Foto ramp",
        store=store,
        now=clock.now(),
    )


def _submit(session: Session, world: World, clock: FixedClock) -> None:
    submit_finding(session, actor=world.opd_a, finding_id=world.finding.id, now=clock.now())


def _approve(session: Session, world: World, clock: FixedClock) -> None:
    review_finding(
        session,
        actor=world.admin_x,
        finding_id=world.finding.id,
        decision="approve",
        comment=None,
        now=clock.now(),
    )


def _closed(session: Session, world: World, store: FileStore, clock: FixedClock) -> Finding:
    _evidence(session, world, store, clock)
    _submit(session, world, clock)
    _approve(session, world, clock)
    assert world.finding.status is FindingStatus.CLOSED
    return world.finding


def test_approving_an_open_finding_is_refused(
    session: Session, world: World, clock: FixedClock
) -> None:
    error = refused(session, Conflict, lambda: _approve(session, world, clock))
    assert "not yet followed up" in str(error.detail).lower()
    assert world.finding.status is FindingStatus.OPEN


def test_submitting_a_finding_without_evidence_is_refused(
    session: Session, world: World, clock: FixedClock
) -> None:
    error = refused(session, Conflict, lambda: _submit(session, world, clock))
    assert "evidence" in str(error.detail)


def test_submitting_a_closed_finding_is_refused(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    _closed(session, world, store, clock)
    error = refused(session, Conflict, lambda: _submit(session, world, clock))
    assert "closed" in str(error.detail).lower()


def test_submitting_twice_is_refused(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    _evidence(session, world, store, clock)
    _submit(session, world, clock)
    refused(session, Conflict, lambda: _submit(session, world, clock))


@pytest.mark.parametrize("second", ["approve", "return"])
def test_reviewing_a_finding_twice_is_refused(
    session: Session, world: World, store: FileStore, clock: FixedClock, second: str
) -> None:
    _closed(session, world, store, clock)
    error = refused(
        session,
        Conflict,
        lambda: review_finding(
            session,
            actor=world.admin_x,
            finding_id=world.finding.id,
            decision=second,
            comment="Sekali lagi",
            now=clock.now(),
        ),
    )
    assert "closed" in str(error.detail).lower()
    assert len(world.finding.reviews) == 1


def test_returning_a_finding_without_a_comment_is_refused(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    _evidence(session, world, store, clock)
    _submit(session, world, clock)
    error = refused(
        session,
        Invalid,
        lambda: review_finding(
            session,
            actor=world.admin_x,
            finding_id=world.finding.id,
            decision="return",
            comment="   ",
            now=clock.now(),
        ),
    )
    assert set(error.fields) == {"comment"}
    assert world.finding.status is FindingStatus.SUBMITTED


def test_an_unknown_review_decision_is_refused(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    _evidence(session, world, store, clock)
    _submit(session, world, clock)
    error = refused(
        session,
        Invalid,
        lambda: review_finding(
            session,
            actor=world.admin_x,
            finding_id=world.finding.id,
            decision="maybe",
            comment=None,
            now=clock.now(),
        ),
    )
    assert set(error.fields) == {"decision"}


def test_adding_evidence_to_a_closed_finding_is_refused_and_stores_no_file(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    _closed(session, world, store, clock)
    files = _files(store)
    error = refused(session, Conflict, lambda: _evidence(session, world, store, clock))
    assert "closed" in str(error.detail).lower()
    assert _files(store) == files


def test_adding_evidence_while_awaiting_verification_is_refused(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    _evidence(session, world, store, clock)
    _submit(session, world, clock)
    files = _files(store)
    refused(session, Conflict, lambda: _evidence(session, world, store, clock))
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
    world: World,
    store: FileStore,
    clock: FixedClock,
    data: bytes,
    caption: str,
    field: str,
) -> None:
    error = refused(
        session,
        Invalid,
        lambda: add_evidence(
            session,
            actor=world.opd_a,
            finding_id=world.finding.id,
            data=data,
            caption=caption,
            store=store,
            now=clock.now(),
        ),
    )
    assert set(error.fields) == {field}
    assert _files(store) == []
    assert world.finding.status is FindingStatus.OPEN


def _extend(
    session: Session, world: World, clock: FixedClock, to: date | None, reason: str
) -> None:
    extend_pact(
        session,
        actor=world.admin_x,
        pact_id=world.pact.id,
        new_deadline_on=to,
        reason=reason,
        now=clock.now(),
    )


def _withdraw(session: Session, world: World, clock: FixedClock) -> None:
    withdraw_pact(
        session,
        actor=world.admin_x,
        pact_id=world.pact.id,
        reason="Restrukturisasi OPD",
        now=clock.now(),
    )


def test_extending_a_withdrawn_pact_is_refused(
    session: Session, world: World, clock: FixedClock
) -> None:
    _withdraw(session, world, clock)
    error = refused(
        session, Conflict, lambda: _extend(session, world, clock, date(2019, 5, 8), "Anggaran")
    )
    assert "withdrawn" in str(error.detail)
    assert world.pact.deadline_on == DEADLINE


@pytest.mark.parametrize(
    "to",
    [
        pytest.param(DEADLINE - timedelta(days=1), id="earlier"),
        pytest.param(DEADLINE, id="same-day"),
        pytest.param(None, id="missing"),
    ],
)
def test_extending_a_pact_to_a_date_not_after_its_deadline_is_refused(
    session: Session, world: World, clock: FixedClock, to: date | None
) -> None:
    error = refused(session, Invalid, lambda: _extend(session, world, clock, to, "Anggaran"))
    assert set(error.fields) == {"new_deadline"}
    assert world.pact.deadline_on == DEADLINE


def test_extending_a_pact_without_a_reason_is_refused(
    session: Session, world: World, clock: FixedClock
) -> None:
    error = refused(session, Invalid, lambda: _extend(session, world, clock, date(2019, 5, 8), ""))
    assert set(error.fields) == {"reason"}


def test_extending_a_fulfilled_pact_is_refused(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    for finding in world.pact.findings:
        add_evidence(
            session,
            actor=world.opd_a,
            finding_id=finding.id,
            data=png(),
            caption="Foto",
            store=store,
            now=clock.now(),
        )
        submit_finding(session, actor=world.opd_a, finding_id=finding.id, now=clock.now())
        review_finding(
            session,
            actor=world.admin_x,
            finding_id=finding.id,
            decision="approve",
            comment=None,
            now=clock.now(),
        )
    refused(session, Conflict, lambda: _extend(session, world, clock, date(2019, 5, 8), "Lagi"))


def test_withdrawing_a_pact_twice_is_refused(
    session: Session, world: World, clock: FixedClock
) -> None:
    _withdraw(session, world, clock)
    first = world.pact.withdrawn_at
    clock.advance(timedelta(days=1))
    error = refused(session, Conflict, lambda: _withdraw(session, world, clock))
    assert "already withdrawn" in str(error.detail)
    assert world.pact.withdrawn_at == first


def test_withdrawing_a_pact_without_a_reason_is_refused(
    session: Session, world: World, clock: FixedClock
) -> None:
    error = refused(
        session,
        Invalid,
        lambda: withdraw_pact(
            session, actor=world.admin_x, pact_id=world.pact.id, reason=" ", now=clock.now()
        ),
    )
    assert set(error.fields) == {"reason"}
    assert world.pact.withdrawn_at is None
