"""A pact whose last open finding the regent's office declares unresolvable ("tidak dapat
ditindaklanjuti") is fulfilled: the sweep sends its fulfilment notice as when the last finding
closes, and no more reminders or rungs; a finding that cannot be followed up is never listed
as open in a reminder or an escalation letter."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.notifications.sweep_helpers import (
    addresses,
    local,
    make_office,
    one_copy,
    run_sweep,
    walk,
)
from tracker.auth.models import User
from tracker.clock import FixedClock
from tracker.findings.models import Finding
from tracker.findings.services import declare_unresolvable
from tracker.notifications.models import Notification
from tracker.pacts.models import Pact

SIGNED = date(2024, 11, 30)  # deadline 2025-02-28
REASON = "Ramp menunggu APBD-P 2025."


def _notices(session: Session, pact: Pact) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.pact_id == pact.id).order_by(Notification.id)
        )
    )


def _findings(session: Session, pact: Pact) -> list[Finding]:
    return list(session.scalars(select(Finding).where(Finding.pact_id == pact.id)))


def _declare(app: Flask, session: Session, actor_id: int, finding: Finding, at: datetime) -> None:
    with app.app_context():
        declare_unresolvable(
            session,
            actor=session.get_one(User, actor_id),
            finding_id=finding.id,
            reason=REASON,
            now=at,
        )


def test_the_last_open_finding_declared_unresolvable_sends_the_fulfilment_notice_once(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    start = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(
        session,
        agency=office.agency,
        now=start,
        signed_on=SIGNED,
        closed_at=[local("2025-02-10T10:00:00+08:00"), None],
    )
    for _ in walk(
        app, session, clock,
        start=local("2025-01-29T08:00:00+08:00"), end=local("2025-02-16T08:00:00+08:00"),
    ):  # fmt: skip
        pass
    still_open = next(f for f in _findings(session, pact) if f.closed_at is None)
    _declare(app, session, office.admin.id, still_open, local("2025-02-16T10:30:00+08:00"))
    for _ in walk(
        app, session, clock,
        start=local("2025-02-16T20:00:00+08:00"), end=local("2025-04-09T20:00:00+08:00"),
    ):  # fmt: skip
        pass

    found = [n for n in one_copy(_notices(session, pact)) if n.lang == "id"]
    assert [(n.kind, n.due_on.isoformat()) for n in found] == [
        ("reminder-30d", "2025-01-29"),
        ("reminder-14d", "2025-02-14"),
        ("fulfilled", "2025-02-16"),
    ]
    fulfilled = found[-1]
    assert addresses(fulfilled) >= {office.opd.email, office.admin.email}
    assert "tidak dapat ditindaklanjuti" in fulfilled.body_text
    assert "seluruh 2 temuan kini telah ditutup" not in fulfilled.body_text
    english = next(n for n in _notices(session, pact) if n.kind == "fulfilled" and n.lang == "en")
    assert "1 are closed and 1 cannot be followed up" in english.body_text


def test_an_escalation_never_counts_an_unresolvable_finding_as_open(
    app: Flask, session: Session
) -> None:
    start = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=SIGNED, findings=3)
    _declare(app, session, office.admin.id, _findings(session, pact)[0], start)

    run_sweep(app, session, local("2025-03-03T09:00:00+08:00"))  # rung 1, held over the weekend

    rung = next(n for n in _notices(session, pact) if n.kind == "escalation-1" and n.lang == "id")
    assert "2 dari 3 temuannya masih terbuka" in rung.body_text
