"""A pact whose outcome is recorded, or that has no date, is never reminded or escalated.

Through the real sweep, day after day: a pact whose end no source reports (not recorded), one
the regent decided, and one without a signing date get no reminder, no escalation letter, and
no line in the weekly digest's overdue list; a control pact beside them is escalated as usual.
A decision recorded while a pact runs stops its reminders from that day on.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact
from tests.integration.notifications.sweep_helpers import local, make_office, one_copy, rows, walk
from tracker.clock import FixedClock
from tracker.notifications.models import Notification
from tracker.pacts import services

SIGNED = date(2024, 11, 30)  # deadline 2025-02-28
DAILY = timedelta(days=1)


def _kinds(session: Session, pact_id: int) -> list[str]:
    """Return the kinds of a pact's notices, one per notice (in Indonesian)."""
    found = session.scalars(
        select(Notification)
        .where(Notification.pact_id == pact_id, Notification.lang == "id")
        .order_by(Notification.id)
    )
    return [n.kind for n in one_copy(found)]


def test_settled_and_undated_pacts_get_no_reminder_escalation_or_digest_line(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2025-03-03T07:00:00+08:00")  # a Monday, before the 08:00 notices
    office = make_office(session, now=start)
    agencies = [make_agency(session, regency=office.regency, now=start) for _ in range(3)]
    not_recorded = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED)
    decided = make_pact(session, agency=agencies[0], now=start, signed_on=SIGNED)
    undated = make_pact(session, agency=agencies[1], now=start, signed_on=None)
    control = make_pact(session, agency=agencies[2], now=start, signed_on=SIGNED)
    services.record_outcome(
        session, actor=office.admin, pact_id=not_recorded.id, kind="not_recorded",
        decided_on=None, note=None, now=start,
    )  # fmt: skip
    services.record_outcome(
        session, actor=office.admin, pact_id=decided.id, kind="reprimand",
        decided_on=date(2025, 3, 1), note="Teguran tertulis", now=start,
    )  # fmt: skip
    session.commit()

    for _ in walk(app, session, clock, start=start, end=start + 40 * DAILY, step=DAILY / 2):
        pass

    for quiet in (not_recorded, decided, undated):
        assert _kinds(session, quiet.id) == [], quiet.id
    # The control pact, overdue with its findings open, is escalated as before.
    assert "escalation-1" in _kinds(session, control.id)
    digests = [n for n in rows(session, regency=office.regency) if n.kind == "digest"]
    assert len(digests) >= 5
    for digest in digests:
        assert agencies[2].name in digest.body_text  # the control pact, overdue
        for quiet_agency in (office.agency, agencies[0], agencies[1]):
            assert quiet_agency.name not in digest.body_text, digest.key


def test_a_decision_recorded_while_a_pact_runs_stops_its_reminders(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2025-03-01T07:00:00+08:00")
    office = make_office(session, now=start)
    running = make_pact(session, agency=office.agency, now=start, signed_on=date(2025, 1, 10))
    session.commit()  # deadline 2025-04-10: the 30-day reminder falls on 11 March
    for _ in walk(app, session, clock, start=start, end=local("2025-03-12T09:00:00+08:00")):
        pass
    assert _kinds(session, running.id) == ["reminder-30d"]
    services.record_outcome(
        session, actor=office.admin, pact_id=running.id, kind="replaced",
        decided_on=date(2025, 3, 12), note=None, now=clock.now(),
    )  # fmt: skip
    session.commit()
    for _ in walk(
        app, session, clock, start=clock.now(), end=local("2025-05-20T09:00:00+08:00"), step=DAILY
    ):
        pass
    assert _kinds(session, running.id) == ["reminder-30d"]
