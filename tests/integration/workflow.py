"""The follow-up through the services, in few words: its steps, its audit trail, its refusals.

``Steps`` runs each step at the clock's time with the test's file store; ``refused`` runs a step
the services must refuse and checks that it changed nothing; ``events_after`` reads the audit
events a step left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import png
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.clock import FixedClock
from tracker.db import Base
from tracker.errors import DomainError
from tracker.findings.models import Evidence, Finding, Review
from tracker.findings.services import add_evidence, review_finding, submit_finding
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.services import FindingInput, extend_pact, record_pact, withdraw_pact
from tracker.storage import FileStore

# Signed in Sumbawa Barat (WITA, UTC+8) on 8 January 2019: the deadline is 8 April 2019.
SIGNED_ON = date(2019, 1, 8)
DEADLINE = date(2019, 4, 8)

E = TypeVar("E", bound=DomainError)
T = TypeVar("T")


@dataclass
class Steps:
    """The steps of a pact's follow-up through the services, at the clock's time."""

    session: Session
    store: FileStore
    clock: FixedClock

    def _run(self, service: Callable[..., T], **arguments: Any) -> T:
        return service(self.session, now=self.clock.now(), **arguments)

    def add_evidence(
        self, actor: User, finding: Finding, caption: str = "Foto ramp", data: bytes | None = None
    ) -> Evidence:
        photo = png() if data is None else data
        return self._run(
            add_evidence, actor=actor, finding_id=finding.id, data=photo, caption=caption,
            store=self.store,
        )  # fmt: skip

    def submit(self, actor: User, finding: Finding, note: str | None = None) -> Finding:
        return self._run(submit_finding, actor=actor, finding_id=finding.id, note=note)

    def review(
        self, actor: User, finding: Finding, decision: str = "approve", comment: str | None = None
    ) -> Review:
        return self._run(
            review_finding, actor=actor, finding_id=finding.id, decision=decision, comment=comment
        )

    def extend(self, actor: User, pact: Pact, to: date | None, reason: str) -> PactExtension:
        return self._run(
            extend_pact, actor=actor, pact_id=pact.id, new_deadline_on=to, reason=reason
        )

    def withdraw(self, actor: User, pact: Pact, reason: str = "Restrukturisasi OPD") -> Pact:
        return self._run(withdraw_pact, actor=actor, pact_id=pact.id, reason=reason)

    def send(self, actor: User, findings: Iterable[Finding]) -> None:
        """Photograph each finding and send it for verification."""
        for finding in findings:
            self.add_evidence(actor, finding)
            self.submit(actor, finding)

    def close(self, opd: User, admin: User, findings: Iterable[Finding]) -> None:
        """Send each finding for verification and approve it."""
        for finding in findings:
            self.send(opd, [finding])
            self.review(admin, finding)


@dataclass
class Recorded:
    """Agency A's pact as the regent's office recorded it: two catalogue findings."""

    pact: Pact
    ramp: Finding
    play_corner: Finding


def record_ramp_pact(session: Session, *, actor: User, agency_id: int, now: datetime) -> Recorded:
    """Signed on 1 March 2019 for three months (deadline 1 June): a ramp and a play corner."""
    pact = record_pact(
        session,
        actor=actor,
        agency_id=agency_id,
        signatory_name="Kepala Dinas A",
        signatory_title="Kepala Dinas",
        signed_on=date(2019, 3, 1),
        pledge="Memperbaiki temuan dalam tiga bulan atau mengundurkan diri.",
        now=now,
        findings=[
            FindingInput(title="Belum ada ramp untuk kursi roda", code="IN-FAC-RAMP"),
            FindingInput(title="Belum ada ruang bermain anak", code="IN-FAC-PLAY"),
        ],
    )
    session.commit()
    ramp, play_corner = pact.findings
    return Recorded(pact, ramp, play_corner)


def record(
    session: Session, *, actor: User, agency_id: int, titles: Iterable[str], **changes: Any
) -> Pact:
    """Record a pact of ``agency_id`` through the service, one input finding per title."""
    fields: dict[str, Any] = {
        "signatory_name": None,
        "signatory_title": "Kepala Dinas",
        "signed_on": SIGNED_ON,
        "pledge": "Janji",
        **changes,
    }
    findings = [FindingInput(title=title, category="input") for title in titles]
    return record_pact(session, actor=actor, agency_id=agency_id, findings=findings, **fields)


def the_one_event(
    session: Session, since: int, action: str, *, actor: User, target: Pact | Finding, at: datetime
) -> AuditEvent:
    """The single audit event written after ``since``: its action, actor, target, time and place."""
    events = events_after(session, since)
    assert [e.action for e in events] == [action]
    event = events[0]
    pact = target if isinstance(target, Pact) else target.pact
    assert (event.actor_id, event.actor_role) == (actor.id, actor.role.value)
    assert (event.target_type, event.target_id) == (
        "pact" if isinstance(target, Pact) else "finding",
        target.id,
    )
    assert event.at == at
    assert (event.pact_id, event.regency_id) == (pact.id, pact.agency.regency_id)
    return event


def last_event_id(session: Session) -> int:
    return session.execute(select(func.max(AuditEvent.id))).scalar_one() or 0


def events_after(session: Session, event_id: int) -> list[AuditEvent]:
    return list(
        session.execute(
            select(AuditEvent).where(AuditEvent.id > event_id).order_by(AuditEvent.id)
        ).scalars()
    )


# The tables the workflow services write to.
WORKFLOW_TABLES = (
    "pacts",
    "pact_extensions",
    "findings",
    "evidence",
    "reviews",
    "audit_events",
    "users",
)


def snapshot(
    session: Session, tables: tuple[str, ...] = WORKFLOW_TABLES, uploads: Path | None = None
) -> dict[str, list[Any]]:
    """Read every row of the tables (reading also flushes anything left pending), and the files
    stored under ``uploads`` when it is given."""
    result = {}
    for name in tables:
        table = Base.metadata.tables[name]
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        result[name] = [tuple(row) for row in rows]
    if uploads is not None:
        files = (p for p in uploads.rglob("*") if p.is_file())
        result["files"] = sorted((str(p.relative_to(uploads)), p.read_bytes()) for p in files)
    return result


def refused(session: Session, error: type[E], change: Callable[[], object]) -> E:
    """Run a change the services must refuse; check it gives a reason and changes nothing."""
    before = snapshot(session)
    with pytest.raises(error) as caught:
        change()
    assert str(caught.value.detail).strip(), "the refusal gives no reason"
    assert snapshot(session) == before, "a refused change left something in the database"
    return caught.value
