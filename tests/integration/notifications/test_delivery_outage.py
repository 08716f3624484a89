"""The SMTP server is down for a whole day of sweeps, then comes back: nothing is lost.

The scheduler's rhythm is replayed with the injectable clock: a sweep and a delivery pass
every 5 minutes from midnight to midnight (Asia/Makassar), the server refusing connections.
The notices of that day wait in the outbox with every attempt recorded; the first pass after
the server is back sends them all at once.

Decision (see ``tracker.notifications.delivery``): a row held back by an *outage* (the SMTP
server unreachable) is sent by the first pass that reaches the server again, whatever its
backoff said; the backoff (capped at an hour) only spaces the attempts while the server is
away, and an outage never spends the retry budget (see
``test_delivery.test_an_outage_longer_than_the_retry_budget_fails_nothing_and_recovery_sends_all``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.notifications.delivery_helpers import settings_for
from tests.smtp import SmtpServer, free_port
from tracker.clock import FixedClock
from tracker.notifications.delivery import OUTAGE_PREFIX, deliver_pending
from tracker.notifications.jobs import run_sweep
from tracker.notifications.models import Notification, NotificationState
from tracker.regencies.models import EscalationContact

WITA = "+08:00"
# Deadlines around the outage day (Thursday 4 April 2019, a working day): at 08:00 WITA that
# day the 30-, 14-, 7- and 1-day reminders and the first escalation rung all fall due.
SIGNED = {
    "reminder-30d": date(2019, 2, 4),  # deadline 4 May
    "reminder-14d": date(2019, 1, 18),  # deadline 18 April
    "reminder-7d": date(2019, 1, 11),  # deadline 11 April
    "reminder-1d": date(2019, 1, 5),  # deadline 5 April
    "escalation-1": date(2019, 1, 3),  # deadline 3 April: one day overdue on 4 April
}


def test_a_day_long_smtp_outage_loses_nothing_and_the_first_pass_after_sends_everything(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    with app.app_context():  # the sweep renders templates with the app's configuration
        _replay_the_outage(session, clock)


def _replay_the_outage(session: Session, clock: FixedClock) -> None:
    recorded_at = datetime.fromisoformat(f"2019-01-01T09:00:00{WITA}")
    regency = make_regency(session, now=recorded_at, timezone="Asia/Makassar")
    session.add(
        EscalationContact(
            regency_id=regency.id,
            rung=1,
            name="Inspektur Daerah",
            title="Inspektur",
            email="inspektur@uji.go.id",
            created_at=recorded_at,
        )
    )
    agency = make_agency(session, regency=regency, now=recorded_at)
    agency.head_name, agency.head_email = "Kepala Dinas Uji", "kepala@dinas.uji.go.id"
    for signed_on in SIGNED.values():
        make_pact(session, agency=agency, now=recorded_at, signed_on=signed_on)
    session.commit()

    port = free_port()
    settings = settings_for(None, server="127.0.0.1", port=port)
    # The evening before, the server works: the catch-up notices go out.
    clock.set(datetime.fromisoformat(f"2019-04-03T23:00:00{WITA}"))
    with SmtpServer(port=port) as smtp:
        run_sweep(session, clock.now())
        deliver_pending(session, settings=settings, now=clock.now(), worker_id="evening")
        before = set(smtp.message_ids())
    assert before, "the catch-up reminders of the evening before"

    # Midnight to midnight: the server refuses every connection.
    clock.set(datetime.fromisoformat(f"2019-04-04T00:00:00{WITA}"))
    end = datetime.fromisoformat(f"2019-04-05T00:00:00{WITA}")
    passes = 0
    while clock.now() < end:
        run_sweep(session, clock.now())
        report = deliver_pending(session, settings=settings, now=clock.now(), worker_id="w")
        assert report.sent == 0 and report.failed == 0
        passes += 1
        clock.advance(timedelta(minutes=5))
    assert passes == 288

    waiting = session.scalars(
        select(Notification).where(
            Notification.regency_id == regency.id,
            Notification.state == NotificationState.PENDING,
        )
    ).all()
    assert Counter(row.kind for row in waiting) == Counter(SIGNED.keys())  # each once
    for row in waiting:
        assert row.last_error is not None and row.last_error.startswith(OUTAGE_PREFIX)
        # Recorded at 08:00: attempts after 1, 2, 4, 8, 16, 32 minutes, then hourly.
        assert 15 <= row.attempts < settings.max_attempts, (row.kind, row.attempts)
        assert row.next_attempt_at is not None and row.next_attempt_at > clock.now()
    attempts = {row.message_id: row.attempts for row in waiting}

    # The server is back at midnight: one sweep, one delivery pass.
    with SmtpServer(port=port) as smtp:
        run_sweep(session, clock.now())
        report = deliver_pending(session, settings=settings, now=clock.now(), worker_id="w")
        received = smtp.message_ids()

    assert report.sent == len(waiting) and report.pending == 0
    assert sorted(received) == sorted(attempts)  # everything, each once
    assert not set(received) & before
    for row in waiting:
        session.refresh(row)
        assert row.state is NotificationState.SENT and row.sent_at == clock.now()
        assert row.attempts == attempts[row.message_id] + 1
        assert row.last_error is None
