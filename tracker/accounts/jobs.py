"""Scheduled work of accounts: forget the login buckets whose every failure is forgotten."""

from __future__ import annotations

from tracker.auth.services import forget_drained_buckets
from tracker.scheduling import SweepPart

# No line in the sweep's summary: the number of strangers' guesses forgotten is nobody's news.
SWEEP_PARTS = (SweepPart("logins", forget_drained_buckets),)
