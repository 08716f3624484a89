"""Scheduled work of open data: the weekly snapshot, taken by the first sweep of the week."""

from __future__ import annotations

from tracker.opendata.models import DataSnapshot
from tracker.opendata.snapshots import take_due_snapshot
from tracker.scheduling import SweepPart


def _describe(snapshot: DataSnapshot | None) -> str | None:
    if snapshot is None:
        return None
    return f"Open-data snapshot of {snapshot.as_of.isoformat()} taken."


SWEEP_PARTS = (SweepPart("open-data snapshot", take_due_snapshot, describe=_describe),)
