"""The scheduler's lease: one row in ``scheduler_locks`` that one scheduler per database holds.

A database lock rather than a file, so that schedulers on different machines (or containers)
sharing one database still exclude each other. The holder renews the lease well before it
expires; a scheduler that dies stops renewing, and another takes the lease over once it has
lapsed. Each call is its own short transaction and commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.notifications.models import SchedulerLock

SCHEDULER_LOCK = "scheduler"


@dataclass(frozen=True)
class Lease:
    """Who holds a lock, and until when; ``held`` tells whether that is the caller."""

    held: bool
    owner: str
    expires_at: datetime

    def describe(self) -> str:
        """Return the operator's message for a lock held by someone else."""
        return (
            f"another scheduler holds the lock: {self.owner} until "
            f"{self.expires_at.isoformat(timespec='seconds')}"
        )


def _fresh(session: Session) -> None:
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def acquire(
    session: Session, *, owner: str, now: datetime, ttl: timedelta, name: str = SCHEDULER_LOCK
) -> Lease:
    """Take the lock when it is free, lapsed or already ours; otherwise say who holds it."""
    expires_at = now + ttl
    _fresh(session)
    taken = session.execute(
        update(SchedulerLock)
        .where(
            SchedulerLock.name == name,
            or_(SchedulerLock.owner == owner, SchedulerLock.expires_at < now),
        )
        .values(owner=owner, acquired_at=now, expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        session.commit()
        return Lease(held=True, owner=owner, expires_at=expires_at)
    try:
        with session.begin_nested():
            session.add(
                SchedulerLock(name=name, owner=owner, acquired_at=now, expires_at=expires_at)
            )
    except IntegrityError:
        # Someone holds it (or another scheduler inserted it a moment ago): report the holder.
        held_by, until = session.execute(
            select(SchedulerLock.owner, SchedulerLock.expires_at).where(SchedulerLock.name == name)
        ).one()
        session.commit()
        return Lease(held=False, owner=held_by, expires_at=until)
    session.commit()
    return Lease(held=True, owner=owner, expires_at=expires_at)


def renew(
    session: Session, *, owner: str, now: datetime, ttl: timedelta, name: str = SCHEDULER_LOCK
) -> bool:
    """Extend our lease; False when it is no longer ours (it lapsed and was taken over)."""
    _fresh(session)
    result = session.execute(
        update(SchedulerLock)
        .where(SchedulerLock.name == name, SchedulerLock.owner == owner)
        .values(expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def release(session: Session, *, owner: str, name: str = SCHEDULER_LOCK) -> None:
    """Give the lock up (at shutdown), if it is still ours."""
    _fresh(session)
    session.execute(
        delete(SchedulerLock)
        .where(SchedulerLock.name == name, SchedulerLock.owner == owner)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def holder(session: Session, *, name: str = SCHEDULER_LOCK) -> SchedulerLock | None:
    """Return the lock row, if any (for messages and tests)."""
    return session.get(SchedulerLock, name)
