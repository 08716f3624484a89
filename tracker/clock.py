"""The one place that reads the wall clock.

Everything else receives ``now`` (an aware UTC instant) or ``today`` (a regency's
local date) as an argument. ``TRACKER_FROZEN_NOW`` freezes the clock for a process.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from flask import current_app


class Clock(Protocol):
    """Anything that can tell the current instant."""

    def now(self) -> datetime:
        """Return the current instant, time-zone aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the wall-clock instant in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved (demos, screenshots, tests)."""

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a time-zone aware instant")
        self._instant = instant.astimezone(UTC)

    def now(self) -> datetime:
        """Return the frozen instant."""
        return self._instant

    def set(self, instant: datetime) -> None:
        """Move the clock to another instant."""
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a time-zone aware instant")
        self._instant = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self._instant += delta


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant that carries its offset; refuse a naive one."""
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset (write e.g. 2019-03-25T09:00:00+08:00)")
    return instant.astimezone(UTC)


def clock_from_config(frozen_now: str | None) -> Clock:
    """Build the process clock: frozen when configured, the real time otherwise."""
    if frozen_now:
        return FixedClock(parse_instant(frozen_now))
    return SystemClock()


def get_clock() -> Clock:
    """Return the clock of the current application."""
    clock: Clock = current_app.extensions["tracker.clock"]
    return clock


def local_today(now: datetime, tz: str | ZoneInfo) -> date:
    """Return the calendar date at ``now`` in time zone ``tz`` (a regency's "today")."""
    if now.tzinfo is None:
        # A naive instant would be read in the server's zone: refuse rather than guess.
        raise ValueError("local_today needs a time-zone aware instant")
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return now.astimezone(zone).date()
