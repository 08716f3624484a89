"""Live the planned pacts' histories through the services, each step at its day in the past.

Each pact is recorded by its regency's admin on the day it was signed (at once if undated); then
every later step runs in time order, with ``now`` set to its instant: the agency's OPD account
adds a photo and sends the finding for verification, the admin approves it, extends the deadline
or withdraws the pact. The services check each step as they check the pages' and the API's, and
write the audit trail that the public timeline and the feeds show.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from itertools import count
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.clock import local_today
from tracker.demo.accounts import opd_email
from tracker.demo.scenario import FindingPlan, PactPlan
from tracker.demo.tenants import Tenants
from tracker.findings.models import Finding
from tracker.findings.services import add_evidence, review_finding, submit_finding
from tracker.pacts.models import Pact
from tracker.pacts.rules import PactOutcome
from tracker.pacts.services import (
    FindingInput,
    extend_pact,
    record_outcome,
    record_pact,
    withdraw_pact,
)
from tracker.storage import FileStore, get_file_store

# A finding awaiting verification was sent this long before the load; a closed one this long
# before its approval.
_SENT_AGO = timedelta(days=2)
_REVIEW_TIME = timedelta(days=2)


def _at(day: date, tz: ZoneInfo, hour: int = 10) -> datetime:
    """Return an instant on a local day (demo events happen in office hours)."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


@cache
def _photo() -> bytes:
    """Return the demo's evidence photo: a placeholder PNG, the same for every finding."""
    image = Image.new("RGB", (480, 320), "#eceff1")
    ImageDraw.Draw(image).rectangle((60, 60, 420, 260), outline="#607d8b", width=8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _record_outcome(
    session: Session,
    *,
    actor: User,
    pact_id: int,
    outcome: PactOutcome,
    outcome_on: date | None,
    note: str | None,
    now: datetime,
) -> None:
    """Record a pact's outcome through the service: the regent's decision, or "not recorded".

    "Not recorded" is for a pact whose deadline has passed. A demo loaded on a clock before a
    seed pact's deadline (the tests' 25 March 2019) records it as the service does, with the
    same audit event: its source reports no end, and the record must never turn into a breach
    when the deadline passes.
    """
    pact = session.get(Pact, pact_id)
    if pact is None:
        return
    today = local_today(now, ZoneInfo(pact.agency.regency.timezone))
    deadline_on = pact.deadline_on
    if outcome is PactOutcome.NOT_RECORDED and (deadline_on is None or today <= deadline_on):
        pact.outcome, pact.outcome_recorded_by_id, pact.outcome_recorded_at = outcome, actor.id, now
        record(
            session, actor=actor, action="pact.outcome_recorded", target_type="pact",
            target_id=pact.id, regency_id=pact.agency.regency_id, pact_id=pact.id, at=now,
            changes={"before": None, "after": {"outcome": outcome.value, "outcome_on": None,
                                               "note": None, "document_sha256": None}},
        )  # fmt: skip
        session.flush()
        return
    record_outcome(
        session, actor=actor, pact_id=pact.id, kind=outcome.value, decided_on=outcome_on,
        note=note, now=now,
    )  # fmt: skip


@dataclass
class _History:
    """The planned steps of one load: service calls waiting for their instant."""

    tenants: Tenants
    store: FileStore
    # (instant, order of planning, the service call taking ``now``)
    steps: list[tuple[datetime, int, Callable[..., object]]] = field(default_factory=list)
    order: count[int] = field(default_factory=count)

    def chain(self, start: datetime, *events: tuple[datetime, Callable[..., object]]) -> None:
        """Plan events that follow each other (never before ``start``, never after now)."""
        floor = start
        for at, call in events:
            floor = min(max(at, floor), self.tenants.now)
            self.steps.append((floor, next(self.order), call))

    def finding(
        self, plan: FindingPlan, finding_id: int, pact: PactPlan, tz: ZoneInfo, start: datetime
    ) -> None:
        """Plan the agency's evidence and submission, and the admin's approval if it closed."""
        session, now = self.tenants.session, self.tenants.now
        opd = self.tenants.actors.get(opd_email(pact.regency, pact.agency))
        work = partial(
            add_evidence, session, actor=opd, finding_id=finding_id, data=_photo(),
            caption=f"(Contoh rekaan) Foto perbaikan: {plan.title}", store=self.store,
        )  # fmt: skip
        send = partial(submit_finding, session, actor=opd, finding_id=finding_id)
        if plan.closed_on is None:
            self.chain(start, (now - _SENT_AGO, work), (now - _SENT_AGO, send))
            return
        approve = partial(
            review_finding, session, actor=self.tenants.admin(pact.regency),
            finding_id=finding_id, decision="approve", comment=None,
        )  # fmt: skip
        approved_at = _at(plan.closed_on, tz, 14)
        sent_at = _at(plan.closed_on - _REVIEW_TIME, tz)
        self.chain(start, (sent_at, work), (sent_at, send), (approved_at, approve))

    def pact(self, plan: PactPlan) -> bool:
        """Record a planned pact and plan what followed; False if it was signed after today."""
        session, now = self.tenants.session, self.tenants.now
        tz = ZoneInfo(self.tenants.regencies[plan.regency].timezone)
        if plan.signed_on is not None and plan.signed_on > local_today(now, tz):
            return False
        # An invented pact is recorded on its signing day, in office hours; a real one when the
        # loader enters it: its source gives the day it was signed, never an hour.
        recorded_at = min(_at(plan.signed_on, tz), now) if plan.signed_on and plan.is_demo else now
        admin = self.tenants.admin(plan.regency)
        pact = record_pact(
            session, actor=admin, agency_id=self.tenants.agencies[(plan.regency, plan.agency)].id,
            signatory_name=plan.signatory_name, signatory_title=plan.signatory_title,
            signed_on=plan.signed_on, pledge=plan.pledge, sanction=plan.sanction,
            witnesses=plan.witnesses, reference=plan.reference, source=plan.source,
            is_demo=plan.is_demo, now=recorded_at,
            findings=[FindingInput(f.title, f.category, code=f.code) for f in plan.findings],
        )  # fmt: skip
        found = select(Finding.code, Finding.id).where(Finding.pact_id == pact.id)
        ids = dict(session.execute(found).all())
        for f in plan.findings:
            if f.worked_on:
                self.finding(f, ids[f.code], plan, tz, recorded_at)
        if plan.extended_to and plan.extension_reason and pact.original_deadline_on:
            asked_on = pact.original_deadline_on - timedelta(days=5)
            extend = partial(
                extend_pact, session, actor=admin, pact_id=pact.id,
                new_deadline_on=plan.extended_to, reason=plan.extension_reason,
            )  # fmt: skip
            self.chain(recorded_at, (_at(asked_on, tz), extend))
        if plan.outcome is not None:
            decide = partial(
                _record_outcome, session, actor=admin, pact_id=pact.id, outcome=plan.outcome,
                outcome_on=plan.outcome_on, note=plan.outcome_note,
            )  # fmt: skip
            decided_at = _at(plan.outcome_on, tz) if plan.outcome_on else recorded_at
            self.chain(recorded_at, (decided_at, decide))
        if plan.withdrawn_on and plan.withdrawal_reason:
            withdraw = partial(
                withdraw_pact, session, actor=admin, pact_id=pact.id, reason=plan.withdrawal_reason
            )
            self.chain(recorded_at, (_at(plan.withdrawn_on, tz), withdraw))
        return True


def load_pacts(tenants: Tenants, *, plans: list[PactPlan], store: FileStore | None) -> None:
    """Record the planned pacts not there yet (by agency and reference), then their histories.

    ``store`` keeps the evidence photos (the app's upload folder if None).
    """
    missing = [
        plan
        for plan in plans
        if tenants.session.execute(
            select(Pact.id).where(
                Pact.agency_id == tenants.agencies[(plan.regency, plan.agency)].id,
                Pact.reference == plan.reference,
            )
        ).first()
        is None
    ]
    if not missing:
        return
    history = _History(tenants, store or get_file_store())
    for plan in missing:
        if history.pact(plan):
            tenants.added["pacts"] += 1
            tenants.added["findings"] += len(plan.findings)
    for at, _, call in sorted(history.steps, key=lambda step: step[:2]):
        call(now=at)
