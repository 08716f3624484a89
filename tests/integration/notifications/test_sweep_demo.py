"""The sweep over the demo data: every notice written once, no faults, and how long it takes."""

from __future__ import annotations

from datetime import timedelta
from time import perf_counter

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.notifications.sweep_helpers import local, run_sweep
from tracker.clock import FixedClock
from tracker.demo.services import DemoReport, load_demo
from tracker.notifications.models import Notification
from tracker.pacts.models import Pact
from tracker.pacts.queries import list_pacts
from tracker.pacts.rules import PactStatus


def test_sweep_over_the_demo_data_writes_each_due_notice_once(
    app: Flask, session: Session, clock: FixedClock, demo: DemoReport
) -> None:
    pacts = session.scalar(select(func.count(Pact.id)))
    first = run_sweep(app, session, clock.now())
    assert first.errors == []
    assert first.total > 0
    started = perf_counter()
    second = run_sweep(app, session, clock.now() + timedelta(minutes=5))
    repeat_ms = (perf_counter() - started) * 1000
    assert second.errors == []
    assert second.total == 0

    # Four weeks on (a Monday): the invented overdue pact (due 25 February) is 56 days late.
    later = local("2019-04-22T08:00:00+08:00")
    third = run_sweep(app, session, later)
    assert third.errors == []
    kinds = session.scalars(
        select(Notification.kind).where(Notification.created_at == later).distinct()
    ).all()
    assert "digest" in kinds
    assert "escalation-3" in kinds
    print(
        f"\nDemo data: {pacts} pacts. First sweep {first.duration_seconds * 1000:.0f} ms "
        f"({first.total} rows: {dict(first.created)}); a repeat with nothing to write "
        f"{repeat_ms:.0f} ms; four weeks later {third.duration_seconds * 1000:.0f} ms "
        f"({third.total} rows: {dict(third.created)})."
    )


def test_pacts_recorded_long_overdue_get_their_current_rung_once_not_every_missed_one(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    # The demo loaded on Wednesday 12 June 2019, after Idul Fitri: its invented overdue pact
    # (Barito Selatan, WIB) was signed four months earlier (12 February), due on 12 May, so
    # rungs 1 (13 May), 2 (Sunday 26 May: sent on the 27th) and 3 (11 June) all fell due
    # before anyone here could have sent them. One letter: the current rung. The Sumbawa Barat
    # pacts of 8 January, whose outcome no source reports, get no notice at all.
    loaded = local("2019-06-12T08:00:00+08:00")
    clock.set(loaded)
    with app.app_context():
        load_demo(session, now=loaded)
    report = run_sweep(app, session, loaded)
    assert report.errors == []
    rows = list_pacts(session, now=loaded, due_soon_days=14)
    overdue = [r for r in rows if r.status is PactStatus.OVERDUE]
    assert overdue and all(r.is_demo for r in overdue)
    for row in overdue:
        kinds = session.scalars(
            select(Notification.kind).where(
                Notification.pact_id == row.id, Notification.kind.like("escalation-%")
            )
        ).all()
        assert set(kinds) == {"escalation-3"}, (row.agency_name, kinds)
    real = [r.id for r in rows if not r.is_demo]
    assert len(real) == 7
    told = session.scalars(select(Notification.kind).where(Notification.pact_id.in_(real))).all()
    assert told == []
    # No fulfilment notice for pacts whose findings were closed before they were recorded.
    assert report.created["fulfilled"] == 0
