"""APScheduler 3, one per database, running every capability's JOBS (sweep, delivery).

``flask --app tracker scheduler`` runs it in the foreground (production: its own process);
``make run`` embeds a background one in the single development web process. Either way the
scheduler holds the database lease of :mod:`tracker.notifications.lock` while it works: a
second scheduler on the same database keeps trying for the lease and runs nothing until it
gets it (or, with ``--no-wait``, exits). Every job catches database errors, logs them and
carries on at its next run, so a database restart costs a run or two, not the scheduler
(the engine's ``pool_pre_ping`` replaces the connections the restart killed).
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, timedelta
from types import FrameType
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from tracker.clock import SystemClock
from tracker.extensions import db_session
from tracker.notifications import jobs, lock
from tracker.scheduling import Job, schedule_of

log = logging.getLogger(__name__)

LEASE_JOB = "notifications.lease"


class LeaseKeeper:
    """Holds (or waits for) the scheduler's database lease on behalf of one scheduler."""

    def __init__(self, app: Flask, owner: str | None = None) -> None:
        self.app = app
        self.owner = owner or jobs.worker_name()
        self.held = False
        self.message = ""
        self._guard = threading.Lock()

    @property
    def ttl(self) -> timedelta:
        """Return how long one renewal keeps the lease."""
        return timedelta(seconds=int(self.app.config["SCHEDULER_LEASE_SECONDS"]))

    def tick(self) -> bool:
        """Renew the lease when held, else try to take it; return whether it is held now."""
        with self._guard, self.app.app_context():
            session = db_session()
            # A lease is about processes being alive: wall-clock time, even when the app's
            # "now" is frozen (TRACKER_FROZEN_NOW), or a crashed holder's lease never lapses.
            now = SystemClock().now()
            try:
                if self.held and lock.renew(session, owner=self.owner, now=now, ttl=self.ttl):
                    return True
                if self.held:
                    log.error("the scheduler lock was taken over; jobs pause until it is ours")
                    self.held = False
                lease = lock.acquire(session, owner=self.owner, now=now, ttl=self.ttl)
            except Exception as exc:
                session.rollback()
                # Keep "held" as it was: the lease is valid until it expires, even if the
                # database is away for a moment; the next tick renews or finds out.
                self._say(f"cannot reach the scheduler lock: {exc}", logging.ERROR)
                return self.held
            self.held = lease.held
            if lease.held:
                self._say(f"holding the scheduler lock as {self.owner}", logging.INFO)
            else:
                self._say(lease.describe(), logging.WARNING)
            return self.held

    def release(self) -> None:
        """Give the lease up (at shutdown)."""
        with self._guard, self.app.app_context():
            if not self.held:
                return
            try:
                lock.release(db_session(), owner=self.owner)
            except Exception:
                log.exception("could not release the scheduler lock (it will lapse)")
            self.held = False

    def _say(self, message: str, level: int) -> None:
        # Log a change of situation once, not at every renewal.
        if message != self.message:
            log.log(level, message)
            self.message = message


def _guarded(app: Flask, keeper: LeaseKeeper, job: Job) -> None:
    """Run a job if we hold the lease; log any error and let the next run try again."""
    if not keeper.held:
        return
    with app.app_context():
        try:
            log.info("%s: %s", job.id, job.run())
        except Exception:
            log.exception("%s failed; the next run tries again", job.id)
            try:
                db_session().rollback()
            except Exception:
                log.exception("%s: rollback failed too", job.id)


def build(app: Flask, scheduler: BaseScheduler, keeper: LeaseKeeper) -> BaseScheduler:
    """Add the lease job and every capability's jobs (``JOBS`` in its jobs.py) to ``scheduler``."""
    config = app.config
    # Scheduling is wall-clock business (APScheduler's own); the jobs read the app's clock.
    start = SystemClock().now()
    common: dict[str, Any] = {"coalesce": True, "max_instances": 1, "replace_existing": True}
    scheduler.add_job(
        keeper.tick,
        "interval",
        seconds=int(config["SCHEDULER_RENEW_SECONDS"]),
        id=LEASE_JOB,
        misfire_grace_time=int(config["SCHEDULER_RENEW_SECONDS"]),
        **common,
    )
    for job in schedule_of(app).jobs:
        seconds = int(config[job.every])
        scheduler.add_job(
            _guarded,
            "interval",
            args=(app, keeper, job),
            seconds=seconds,
            id=job.id,
            next_run_time=start + timedelta(seconds=job.delay_seconds),
            misfire_grace_time=seconds,
            **common,
        )
    return scheduler


def run_foreground(app: Flask, *, wait: bool, say: Callable[[str], None]) -> int:
    """Run the blocking scheduler until interrupted; return the process exit status.

    Without ``wait``, a lease held by another scheduler ends the command at once with
    status 1 and the holder's name.
    """
    keeper = LeaseKeeper(app)
    if not keeper.tick():
        if not wait:
            say(keeper.message or "the scheduler lock is not available")
            return 1
        say(f"{keeper.message}; waiting for it")
    else:
        say(
            f"scheduler {keeper.owner}: sweeping every {app.config['SCHEDULER_SWEEP_SECONDS']} s,"
            f" delivering every {app.config['SCHEDULER_DELIVER_SECONDS']} s (Ctrl-C stops)"
        )
    scheduler = build(app, BlockingScheduler(timezone=UTC), keeper)

    def _stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        keeper.release()
        signal.signal(signal.SIGTERM, previous)
    say("scheduler stopped")
    return 0


def start_embedded(app: Flask) -> BackgroundScheduler | None:
    """Start a background scheduler in this web process (``make run`` only).

    Not in the Werkzeug reloader's watching parent: only the child that serves runs jobs.
    """
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    keeper = LeaseKeeper(app)
    scheduler = build(app, BackgroundScheduler(timezone=UTC, daemon=True), keeper)
    keeper.tick()
    scheduler.start()

    @atexit.register
    def _stop() -> None:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        keeper.release()

    app.extensions["tracker.scheduler"] = scheduler
    return scheduler
