"""An extension never moves a deadline earlier (hypothesis, through the service): whatever new
date the regent's office asks for, the deadline in force either stays as it was (the request is
refused, nothing written) or moves later, by at most 24 months, with its audit event."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.office import Office
from tests.properties import bounded, days, periods
from tracker.audit.models import AuditEvent
from tracker.errors import Invalid
from tracker.findings.models import Finding
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.rules import PactLimit
from tracker.pacts.services import extend_pact


@bounded(60, database=True)
@given(
    signed_on=days.filter(lambda d: d <= date(2019, 3, 25)),
    period=periods,
    asks=st.lists(st.integers(min_value=-400, max_value=1200), min_size=1, max_size=3),
)
def test_an_extension_moves_the_deadline_later_or_not_at_all(
    session: Session, office: Office, now: datetime, signed_on: date, period: int, asks: list[int]
) -> None:
    savepoint = session.begin_nested()
    try:
        pact = make_pact(session, agency=office.a, now=now, signed_on=signed_on, findings=1)
        pact.period_months = period
        session.flush()
        for ask in asks:
            before = pact.deadline_on
            assert before is not None
            events = session.scalar(select(func.count(AuditEvent.id)))
            refused: Invalid | None = None
            try:
                extend_pact(
                    session, actor=office.admin_x, pact_id=pact.id,
                    new_deadline_on=before + timedelta(days=ask), reason="Menunggu APBD-P",
                    now=now,
                )  # fmt: skip
            except Invalid as exc:
                refused = exc
            if refused is not None:
                assert set(refused.fields) == {"new_deadline"}
                session.expire_all()
                assert pact.deadline_on == before
                assert session.scalar(select(func.count(AuditEvent.id))) == events
                continue
            session.expire_all()
            after = pact.deadline_on
            assert after is not None
            assert before < after <= before + relativedelta(months=PactLimit.EXTENSION_MONTHS)
            assert pact.current_deadline_on == after
            # The original deadline stays on record, and the extension says what it replaced.
            assert pact.original_deadline_on == signed_on + relativedelta(months=period)
            last = session.scalars(
                select(PactExtension).where(PactExtension.pact_id == pact.id)
                .order_by(PactExtension.id.desc())
            ).first()  # fmt: skip
            assert last is not None and last.previous_deadline_on == before
            assert session.scalar(select(func.count(AuditEvent.id))) == (events or 0) + 1
    finally:
        savepoint.rollback()
        # SQLite hands the rolled-back rows' ids out again: forget the objects that held them.
        for obj in list(session):
            if isinstance(obj, Pact | PactExtension | Finding | AuditEvent):
                session.expunge(obj)
