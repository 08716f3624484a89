"""Working days: pure functions over a set of closed days (holidays and cuti bersama).

Offices work Monday to Friday; a day in ``closed`` (national holidays and cuti bersama, read
from the holiday calendar) closes them too. Deadlines stay calendar dates; a notice due on a
closed day goes out at 08:00 on the next working day; a deadline on a closed day is flagged;
time-to-verify counts only the hours of working days.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Local hour at which a deferred notice goes out.
OPENING_TIME = time(8, 0)
# Saturday and Sunday (date.weekday()).
WEEKEND = frozenset({5, 6})
# A calendar never closes more than this many days in a row; a longer run means bad data.
MAX_CLOSED_RUN = 60


def is_working_day(day: date, closed: Collection[date] = frozenset()) -> bool:
    """Tell whether offices are open on ``day``: Monday to Friday and not a closed day."""
    return day.weekday() not in WEEKEND and day not in closed


def next_working_day(day: date, closed: Collection[date] = frozenset()) -> date:
    """Return ``day`` if it is a working day, else the first working day after it."""
    for _ in range(MAX_CLOSED_RUN):
        if is_working_day(day, closed):
            return day
        day += timedelta(days=1)
    raise ValueError("the holiday calendar closes more than 60 days in a row")


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def opening(day: date, tz: str | ZoneInfo) -> datetime:
    """Return 08:00 on ``day`` in zone ``tz``, as an aware UTC instant."""
    return datetime.combine(day, OPENING_TIME, tzinfo=_zone(tz)).astimezone(UTC)


def send_at(
    instant: datetime, tz: str | ZoneInfo, closed: Collection[date] = frozenset()
) -> datetime:
    """Return when a notice due at ``instant`` goes out.

    On a working day (in the regency's zone), at ``instant`` itself; on a closed day, at 08:00
    on the next working day.
    """
    if instant.tzinfo is None:
        raise ValueError("the working-day rules need a time-zone aware instant")
    zone = _zone(tz)
    day = instant.astimezone(zone).date()
    if is_working_day(day, closed):
        return instant
    return opening(next_working_day(day, closed), zone)


def working_days_between(
    start: datetime, end: datetime, tz: str | ZoneInfo, closed: Collection[date] = frozenset()
) -> float:
    """Return the time from ``start`` to ``end`` in days, counting only working days' hours.

    A submission on Friday at 15:00 decided on Monday at 09:00 (local) took 9 + 9 hours:
    0.75 working days. Zero when ``end`` is not after ``start``.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("the working-day rules need time-zone aware instants")
    if end <= start:
        return 0.0
    zone = _zone(tz)
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    seconds = 0.0
    while day <= last:
        if is_working_day(day, closed):
            begin = datetime.combine(day, time(0), tzinfo=zone)
            finish = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            overlap = min(end, finish) - max(start, begin)
            seconds += max(overlap.total_seconds(), 0.0)
        day += timedelta(days=1)
    return seconds / 86400
