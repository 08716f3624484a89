"""Scheduled entry points: one sweep (notices into the outbox) and one delivery pass.

The scheduler and ``flask --app tracker sweep`` call these; each opens and commits its own
unit of work, so a notice is only ever sent after the transaction that recorded it committed.
Other capabilities' share of the sweep (``SWEEP_PARTS`` in their ``jobs.py``) comes from the
schedule the app factory collected (:mod:`tracker.scheduling`), never from an import.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from time import sleep
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from tracker.clock import Clock, get_clock
from tracker.extensions import db_session
from tracker.notifications.delivery import DeliveryReport, DeliverySettings, deliver_pending
from tracker.notifications.sweep import SweepReport, sweep
from tracker.scheduling import Job, SweepPart, schedule_of

log = logging.getLogger(__name__)

# SQLSTATEs and MariaDB error numbers that mean "run the transaction again".
# A sweep that meets a deadlock runs again, at most this many times in all.
SWEEP_ATTEMPTS = 5
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_RETRY_MYSQL_CODES = {1205, 1213}  # lock wait timeout, deadlock found


@dataclass
class SweepRun:
    """What one scheduled sweep did: the notices, then each part's result (None if it failed)."""

    notices: SweepReport
    parts: list[tuple[SweepPart[Any], object]] = field(default_factory=list)
    # True when the first try hit a deadlock or serialization failure and the sweep ran again.
    retried: bool = False
    # The parts that failed (each rolled back alone; the notices were kept).
    errors: list[str] = field(default_factory=list)

    def result(self, name: str) -> object:
        """Return what the part called ``name`` returned (None when it failed)."""
        return next(result for part, result in self.parts if part.name == name)

    def summary(self) -> str:
        """Return what happened, for the operator (one line per part)."""
        lines = [self.notices.summary()]
        lines.extend(line for part, result in self.parts if (line := part.describe(result)))
        if self.retried:
            lines.append("The first try met a deadlock and was run again.")
        lines.extend(f"Failed, left for the next sweep: {error}" for error in self.errors)
        return "\n".join(lines)


def is_retryable(error: BaseException) -> bool:
    """Tell whether a database error is a deadlock or serialization failure worth one rerun.

    The whole chain is read: on MariaDB a deadlock rolls the transaction back on the server,
    and the error that reaches us is the failed ROLLBACK TO SAVEPOINT that came after it.
    """
    seen: BaseException | None = error
    while seen is not None:
        orig: Any = seen.orig if isinstance(seen, DBAPIError) else seen
        if getattr(orig, "sqlstate", None) in _RETRY_SQLSTATES:
            return True
        args = getattr(orig, "args", ())
        if args and isinstance(args[0], int) and args[0] in _RETRY_MYSQL_CODES:
            return True
        if "database is locked" in str(orig):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


T = TypeVar("T")


def _apart(session: Session, name: str, work: Callable[[], T], errors: list[str]) -> T | None:
    """Run one optional part of a sweep in a savepoint of its own; on a fault, roll back only it.

    The fault is logged and reported, and the notices already written stay. A deadlock, a
    serialization failure or a lost connection dooms the whole transaction: it is raised, and
    :func:`run_sweep` runs the sweep again.
    """
    try:
        with session.begin_nested():
            return work()
    except DBAPIError as exc:
        if isinstance(exc, OperationalError) or is_retryable(exc):
            raise
        error: Exception = exc
    except Exception as exc:
        error = exc
    log.error("Sweep: %s failed: %r", name, error, exc_info=error)
    errors.append(f"{name}: {type(error).__name__}: {error}")
    return None


def worker_name() -> str:
    """Return a name for this delivery pass's claims: host, process and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_sweep(session: Session, now: datetime) -> SweepRun:
    """Record the notices due at ``now`` in one transaction and commit it.

    The notices of the ladder come first, then each sweep part the capabilities declared (the
    followers' status mail, the weekly open-data snapshot); a fault in a part rolls back that
    part alone (reported in ``SweepRun.errors``; the next sweep tries it again). Two sweeps at
    once record each notice once (the outbox's unique key); when the database answers a
    concurrent insert with a deadlock or a serialization failure (MariaDB does, under two sweeps
    inserting into the same unique index), the whole sweep runs again after a short random
    pause, up to SWEEP_ATTEMPTS times in all.
    """
    parts = schedule_of().sweep_parts
    for attempt in range(1, SWEEP_ATTEMPTS + 1):
        if session.in_transaction():
            session.commit()
        # SQLite: take the write lock first, so two sweeps queue instead of failing.
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        try:
            notices = sweep(session, now)
            errors: list[str] = []
            results = [
                (part, _apart(session, part.name, partial(part.run, session, now), errors))
                for part in parts
            ]
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            if attempt == SWEEP_ATTEMPTS or not is_retryable(exc):
                raise
            log.warning("sweep at %s ran into %s; running it again", now, exc.orig)
            # Jitter, so two sweeps that collided do not collide again in step.
            sleep(random.uniform(0.05, 0.25) * attempt)  # noqa: S311 - not for security
            continue
        return SweepRun(notices, results, retried=attempt > 1, errors=errors)
    raise AssertionError("unreachable")  # pragma: no cover


def run_delivery(
    session: Session,
    *,
    config: Mapping[str, Any],
    now: datetime | Clock | None = None,
    worker_id: str | None = None,
) -> DeliveryReport:
    """Send the due notices with the app's mail settings (commits).

    By default the app's clock is read for each batch: mail goes out, and its claims run, on
    the real time, whatever instant a sweep was replayed at.
    """
    return deliver_pending(
        session,
        settings=DeliverySettings.from_config(config),
        now=get_clock() if now is None else now,
        worker_id=worker_id or worker_name(),
    )


def sweep_now() -> str:
    """Scheduled sweep: record the notices due now; return the summary."""
    return run_sweep(db_session(), get_clock().now()).summary()


def deliver_now() -> str:
    """Scheduled delivery pass: send what is due; return the summary."""
    return run_delivery(db_session(), config=current_app.config).summary()


JOBS = (
    Job("notifications.sweep", sweep_now, every="SCHEDULER_SWEEP_SECONDS", command="sweep"),
    Job(
        "notifications.deliver",
        deliver_now,
        every="SCHEDULER_DELIVER_SECONDS",
        command="sweep",
        delay_seconds=1,
    ),
)
