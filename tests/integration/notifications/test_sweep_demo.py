"""The sweep over the demo data: every notice written once, no faults, and how long it takes."""

from __future__ import annotations

from datetime import timedelta
from time import perf_counter

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.notifications.sweep_helpers import local, run_sweep
from tracker.clock import FixedClock
from tracker.demo.services import DemoReport
from tracker.notifications.models import Notification
from tracker.pacts.models import Pact


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

    # Four weeks on (a Monday): the Sumbawa Barat pacts of 8 January 2019 are 14 days late.
    later = local("2019-04-22T08:00:00+08:00")
    third = run_sweep(app, session, later)
    assert third.errors == []
    kinds = session.scalars(
        select(Notification.kind).where(Notification.created_at == later).distinct()
    ).all()
    assert "digest" in kinds
    assert "escalation-2" in kinds
    print(
        f"\nDemo data: {pacts} pacts. First sweep {first.duration_seconds * 1000:.0f} ms "
        f"({first.total} rows: {dict(first.created)}); a repeat with nothing to write "
        f"{repeat_ms:.0f} ms; four weeks later {third.duration_seconds * 1000:.0f} ms "
        f"({third.total} rows: {dict(third.created)})."
    )
