"""Two sweeps and two delivery workers at once, each with its own connection: 500 notices, each
recorded once and delivered exactly once (matched by Message-ID), on SQLite, PostgreSQL and
MariaDB alike.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime
from time import monotonic, perf_counter, sleep
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact
from tests.conftest import TEST_NOW
from tests.integration.notifications.delivery_helpers import committed_regency, settings_for
from tests.smtp import SmtpServer
from tracker.extensions import db
from tracker.notifications.delivery import DeliveryReport, deliver_pending
from tracker.notifications.jobs import SweepRun, run_sweep
from tracker.notifications.models import Notification, NotificationState
from tracker.regencies.models import Regency

NOTICES = 500
AGENCIES = 10
# Signed 9 January 2019 (a Wednesday): deadline 9 April; the 7-day reminder of every pact is
# due on Tuesday 2 April at 08:00 WITA, a working day, and no digest falls on that day.
SIGNED_ON = date(2019, 1, 9)
SWEEP_AT = datetime.fromisoformat("2019-04-02T09:00:00+08:00")


def _build_world(app: Flask, regency_id: int) -> None:
    """500 pacts, 50 for each of 10 agencies whose heads get the reminders; committed."""
    with app.app_context(), Session(db.engine) as session:
        regency = session.get(Regency, regency_id)
        assert regency is not None
        recorded = datetime.fromisoformat("2019-01-10T10:00:00+08:00")
        for a in range(AGENCIES):
            agency = make_agency(session, regency=regency, now=recorded)
            agency.head_name = f"Kepala OPD {a + 1}"
            agency.head_email = f"kepala{a + 1}@opd.uji.go.id"
            for _ in range(NOTICES // AGENCIES):
                make_pact(session, agency=agency, now=recorded, signed_on=SIGNED_ON, findings=1)
        session.commit()


@pytest.mark.committing
def test_two_sweeps_and_two_workers_at_once_deliver_each_of_500_notices_exactly_once(
    app: Flask, smtp: SmtpServer
) -> None:
    with committed_regency(app, TEST_NOW) as regency_id:
        _build_world(app, regency_id)
        start = threading.Barrier(4)
        sweeps: list[SweepRun] = []
        deliveries: dict[str, list[DeliveryReport]] = {"w1": [], "w2": []}
        errors: list[BaseException] = []
        settings = settings_for(smtp, batch_size=50)
        # The workers stop once every notice is out (or after a minute, and the test fails).
        deadline = monotonic() + 120

        def everything_sent(session: Session) -> bool:
            counts = dict(
                session.execute(
                    select(Notification.state, func.count())
                    .where(Notification.regency_id == regency_id)
                    .group_by(Notification.state)
                ).all()
            )
            session.commit()
            return counts.get(NotificationState.SENT, 0) >= NOTICES and len(counts) == 1

        def sweeper() -> None:
            try:
                with app.app_context(), Session(db.engine) as session:
                    start.wait()
                    sweeps.append(run_sweep(session, SWEEP_AT))
            except BaseException as exc:
                errors.append(exc)

        def worker(name: str) -> None:
            try:
                with app.app_context(), Session(db.engine) as session:
                    start.wait()
                    while monotonic() < deadline and not everything_sent(session):
                        # Both workers read the same clock, as on one machine; passes repeat
                        # at the same instant (a claim is only taken over once it lapses).
                        report = deliver_pending(
                            session, settings=settings, now=SWEEP_AT, worker_id=name
                        )
                        deliveries[name].append(report)
                        if not report.claimed:
                            sleep(0.05)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=sweeper) for _ in range(2)]
        threads += [threading.Thread(target=worker, args=(name,)) for name in deliveries]
        started = perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        elapsed = perf_counter() - started
        assert not errors, errors

        with app.app_context(), Session(db.engine) as session:
            rows = session.execute(
                select(Notification.message_id, Notification.state, Notification.kind).where(
                    Notification.regency_id == regency_id
                )
            ).all()
            dialect = session.get_bind().dialect.name
        recorded_ids = {r.message_id for r in rows}
        received = Counter(smtp.message_ids())
        duplicates = sum(n - 1 for n in received.values())
        losses = len(recorded_ids - set(received))
        figures: dict[str, Any] = {
            "database": dialect,
            "notices recorded": len(rows),
            "written by each sweep": sorted(s.notices.total for s in sweeps),
            "sweep retried after a deadlock": [s.retried for s in sweeps],
            "mails received": sum(received.values()),
            "duplicates": duplicates,
            "losses": losses,
            "sent by each worker": {n: sum(r.sent for r in reps) for n, reps in deliveries.items()},
            "seconds": round(elapsed, 1),
        }
        print(f"\nconcurrency figures: {figures}")

        assert len(rows) == NOTICES and {r.kind for r in rows} == {"reminder-7d"}
        assert sum(s.notices.total for s in sweeps) == NOTICES  # recorded once between them
        assert duplicates == 0 and losses == 0
        assert set(received) == recorded_ids
        assert {r.state for r in rows} == {NotificationState.SENT}
        assert sum(sum(r.sent for r in reps) for reps in deliveries.values()) == NOTICES
