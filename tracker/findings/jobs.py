"""Scheduled work over stored files: the pending-file sweep, a few seconds after the scheduler
starts and then daily (``flask --app tracker files-sweep`` does the same by hand)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.scheduling import Job
from tracker.storage import SweepReport, get_file_store, sweep_pending
from tracker.web.step import unit_of_work

# A pending file younger than this may belong to a transaction still open: it is left alone.
PENDING_AGE_MINUTES = 60


def sweep_files(session: Session, *, older_than_minutes: int = PENDING_AGE_MINUTES) -> SweepReport:
    """Rename the pending files older than ``older_than_minutes`` that a row points to (a
    commit whose rename was interrupted) and remove the others (a save that never committed)."""
    cutoff = get_clock().now() - timedelta(minutes=older_than_minutes)
    return sweep_pending(session, get_file_store(), older_than=cutoff)


def sweep_files_now() -> str:
    """Scheduled pending-file sweep; return its summary."""
    # It only reads rows (which files they point to): no write lock on SQLite.
    with unit_of_work(db_session(), writes=False) as session:
        return sweep_files(session).summary()


JOBS = (
    Job(
        "findings.files_sweep",
        sweep_files_now,
        every="SCHEDULER_FILES_SWEEP_SECONDS",
        command="files-sweep",
        delay_seconds=5,
    ),
)
