"""Scheduled entry points: one sweep (notices into the outbox) and one delivery pass.

The scheduler and ``flask --app tracker sweep`` call these; each opens and commits its own
unit of work, so a notice is only ever sent after the transaction that recorded it committed.
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
from time import sleep
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from tracker.clock import Clock, get_clock
from tracker.followers.services import sweep_followers
from tracker.notifications.delivery import DeliveryReport, DeliverySettings, deliver_pending
from tracker.notifications.sweep import SweepReport, sweep
from tracker.opendata.models import DataSnapshot
from tracker.opendata.snapshots import take_due_snapshot

log = logging.getLogger(__name__)

# SQLSTATEs and MariaDB error numbers that mean "run the transaction again".
# A sweep that meets a deadlock runs again, at most this many times in all.
SWEEP_ATTEMPTS = 5
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_RETRY_MYSQL_CODES = {1205, 1213}  # lock wait timeout, deadlock found


@dataclass
class SweepRun:
    """What one scheduled sweep did: the notices, the followers' mail, the weekly snapshot."""

    notices: SweepReport
    follower_notices: int = 0
    snapshot: DataSnapshot | None = None
    # True when the first try hit a deadlock or serialization failure and the sweep ran again.
    retried: bool = False
    # The followers' part or the snapshot failed (rolled back alone; the notices were kept).
    errors: list[str] = field(default_factory=list)

    @property
    def per_kind(self) -> dict[str, int]:
        """Return the outbox rows written per kind (followers' mail included)."""
        counts = dict(self.notices.created)
        if self.follower_notices:
            counts["follow-status"] = counts.get("follow-status", 0) + self.follower_notices
        return counts

    def summary(self) -> str:
        """Return what happened, for the operator (one line per part)."""
        lines = [self.notices.summary()]
        lines.append(f"Followers: {self.follower_notices} status mails written.")
        if self.snapshot is not None:
            lines.append(f"Open-data snapshot of {self.snapshot.as_of.isoformat()} taken.")
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

    The notices of the ladder, the followers' status mail and the weekly open-data snapshot
    are written together; a fault in the followers' part or the snapshot rolls back that part
    alone (reported in ``SweepRun.errors``; the next sweep tries it again). Two sweeps at once
    record each notice once (the outbox's unique key); when the database answers a concurrent
    insert with a deadlock or a serialization failure (MariaDB does, under two sweeps inserting
    into the same unique index), the whole sweep runs again after a short random pause, up to
    SWEEP_ATTEMPTS times in all.
    """
    for attempt in range(1, SWEEP_ATTEMPTS + 1):
        if session.in_transaction():
            session.commit()
        # SQLite: take the write lock first, so two sweeps queue instead of failing.
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        try:
            notices = sweep(session, now)
            errors: list[str] = []
            followers = _apart(session, "followers", lambda: sweep_followers(session, now), errors)
            snapshot = _apart(
                session, "open-data snapshot", lambda: take_due_snapshot(session, now), errors
            )
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            if attempt == SWEEP_ATTEMPTS or not is_retryable(exc):
                raise
            log.warning("sweep at %s ran into %s; running it again", now, exc.orig)
            # Jitter, so two sweeps that collided do not collide again in step.
            sleep(random.uniform(0.05, 0.25) * attempt)  # noqa: S311 - not for security
            continue
        return SweepRun(notices, followers or 0, snapshot, retried=attempt > 1, errors=errors)
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
