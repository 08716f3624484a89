"""The scheduler's lease: one row in ``scheduler_locks`` that one scheduler per database holds.

A database lock rather than a file, so that schedulers on different machines (or containers)
sharing one database still exclude each other. The holder renews the lease well before it
expires; a scheduler that dies stops renewing, and another takes the lease over once it has
lapsed. Each call is its own short unit of work (``tracker.web.step.unit_of_work``): it commits,
or rolls back when anything fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.notifications.models import SchedulerLock
from tracker.web.step import unit_of_work

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
    # The caller may have left a transaction open: end it, so the lease has one of its own.
    if session.in_transaction():
        session.commit()


def acquire(
    session: Session, *, owner: str, now: datetime, ttl: timedelta, name: str = SCHEDULER_LOCK
) -> Lease:
    """Take the lock when it is free, lapsed or already ours; otherwise say who holds it."""
    expires_at = now + ttl
    _fresh(session)
    with unit_of_work(session):
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
            return Lease(held=True, owner=owner, expires_at=expires_at)
        try:
            with session.begin_nested():
                session.add(
                    SchedulerLock(name=name, owner=owner, acquired_at=now, expires_at=expires_at)
                )
        except IntegrityError:
            # Someone holds it (or another scheduler inserted it a moment ago): say who.
            held_by, until = session.execute(
                select(SchedulerLock.owner, SchedulerLock.expires_at).where(
                    SchedulerLock.name == name
                )
            ).one()
            return Lease(held=False, owner=held_by, expires_at=until)
        return Lease(held=True, owner=owner, expires_at=expires_at)


def renew(
    session: Session, *, owner: str, now: datetime, ttl: timedelta, name: str = SCHEDULER_LOCK
) -> bool:
    """Extend our lease; False when it is no longer ours (it lapsed and was taken over)."""
    _fresh(session)
    with unit_of_work(session):
        result = session.execute(
            update(SchedulerLock)
            .where(SchedulerLock.name == name, SchedulerLock.owner == owner)
            .values(expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def release(session: Session, *, owner: str, name: str = SCHEDULER_LOCK) -> None:
    """Give the lock up (at shutdown), if it is still ours."""
    _fresh(session)
    with unit_of_work(session):
        session.execute(
            delete(SchedulerLock)
            .where(SchedulerLock.name == name, SchedulerLock.owner == owner)
            .execution_options(synchronize_session=False)
        )


def holder(session: Session, *, name: str = SCHEDULER_LOCK) -> SchedulerLock | None:
    """Return the lock row, if any (for messages and tests)."""
    return session.get(SchedulerLock, name)
