"""Properties of the working-day rules (DOMAIN.md section 6) over 2013-2040, every Indonesian
time zone and generated holiday calendars: a notice never goes out on a closed day, never
before it was due, and time-to-verify never counts a closed day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from tests.properties import bounded, closed_days, days, instants, local_instant, zones
from tracker.workdays.catalogue import HOLIDAYS
from tracker.workdays.rules import (
    OPENING_TIME,
    is_working_day,
    next_working_day,
    send_at,
    working_days_between,
)

# The shipped calendar (2019 onwards) or one generated around the day.
CATALOGUE = frozenset(day for day, *_ in HOLIDAYS)


@st.composite
def calendars(draw: st.DrawFn, around: date) -> frozenset[date]:
    return draw(st.just(CATALOGUE) | st.just(frozenset()) | closed_days(around=around))


@bounded(300)
@given(day=days, data=st.data())
def test_the_next_working_day_is_the_first_open_day_from_that_day_on(
    day: date, data: st.DataObject
) -> None:
    closed = data.draw(calendars(day))
    found = next_working_day(day, closed)
    assert found >= day
    assert is_working_day(found, closed)
    assert found.weekday() < 5 and found not in closed
    assert not any(is_working_day(day + timedelta(i), closed) for i in range((found - day).days))
    # A working day is its own next working day.
    assert next_working_day(found, closed) == found


@bounded(400)
@given(instant=instants(), zone=zones, data=st.data())
def test_a_notice_never_goes_out_on_a_closed_day_nor_before_it_was_due(
    instant: datetime, zone: str, data: st.DataObject
) -> None:
    local_day = instant.astimezone(ZoneInfo(zone)).date()
    closed = data.draw(calendars(local_day))
    sent = send_at(instant, zone, closed)
    sent_local = sent.astimezone(ZoneInfo(zone))
    assert sent >= instant
    assert is_working_day(sent_local.date(), closed)
    if is_working_day(local_day, closed):
        assert sent == instant  # an open day's notice is not held back
    else:
        assert sent_local.time() == OPENING_TIME
        assert sent_local.date() == next_working_day(local_day, closed)
    # Sending again what is already due on an open day changes nothing.
    assert send_at(sent, zone, closed) == sent


@bounded(300)
@given(
    start=instants(),
    hours=st.integers(min_value=-48, max_value=24 * 40),
    minutes=st.integers(min_value=0, max_value=59),
    zone=zones,
    data=st.data(),
)
def test_time_to_verify_counts_only_the_hours_of_open_days(
    start: datetime, hours: int, minutes: int, zone: str, data: st.DataObject
) -> None:
    tz = ZoneInfo(zone)
    closed = data.draw(calendars(start.astimezone(tz).date()))
    end = start + timedelta(hours=hours, minutes=minutes)
    taken = working_days_between(start, end, zone, closed)
    elapsed = (end - start).total_seconds() / 86400
    assert 0.0 <= taken <= max(elapsed, 0.0) + 1e-9
    if end <= start:
        assert taken == 0.0
        return
    # Split anywhere, the two parts add up to the whole.
    middle = start + (end - start) * data.draw(st.floats(min_value=0, max_value=1))
    parts = working_days_between(start, middle, zone, closed) + working_days_between(
        middle, end, zone, closed
    )
    assert abs(parts - taken) < 1e-6
    # Within one local day, the whole span counts on an open day and nothing on a closed one;
    # with the split above this decides every span.
    day = start.astimezone(tz).date()
    until = min(end, local_instant(day + timedelta(days=1), time(0), zone))
    within = working_days_between(start, until, zone, closed)
    whole = (until - start).total_seconds() / 86400
    assert abs(within - (whole if is_working_day(day, closed) else 0.0)) < 1e-9
