"""Properties of the reminder and escalation schedule (DOMAIN.md section 6) over 2013-2040 and
every Indonesian time zone, with and without a holiday calendar: what an agency head, the
regent's office or the Sekda would notice if a notice came early, twice, or on a closed day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from tests.properties import bounded, closed_days, days, instants, zones
from tracker.clock import local_today
from tracker.notifications.rules import (
    ESCALATION_RUNGS,
    NOTICE_TIME,
    REMINDER_OFFSETS,
    backoff,
    digest_due,
    escalations_due,
    fulfilment_due,
    moment,
    reminder_due,
)
from tracker.workdays.rules import is_working_day


@dataclass(frozen=True)
class Schedule:
    """A pact's deadline, its zone, a holiday calendar (or none) and a sweep's instant."""

    due: date
    tz: str
    closed: frozenset[date] | None
    now: datetime


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    """A schedule whose sweep runs within 45 days of the deadline."""
    due = draw(days)
    return Schedule(
        due=due,
        tz=draw(zones),
        closed=draw(st.none() | closed_days(around=due, span=45)),
        now=draw(instants(near=due, spread=45)),
    )


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


def goes_out_on_an_open_day_at_eight(
    at: datetime, about: date, tz: str, closed: frozenset[date] | None
) -> None:
    """A notice about ``about`` goes out at 08:00 local on that day or, when the office is
    closed then, on the first working day after it, never on a closed day."""
    sent = local(at, tz)
    assert sent.time() == NOTICE_TIME
    assert sent.date() >= about
    if closed is None:
        assert sent.date() == about
        return
    assert is_working_day(sent.date(), closed)
    skipped = (about + timedelta(days=i) for i in range((sent.date() - about).days))
    assert not any(is_working_day(day, closed) for day in skipped)


@bounded(400)
@given(schedule=schedules())
def test_the_reminder_due_is_the_latest_one_whose_moment_passed_never_one_early(
    schedule: Schedule,
) -> None:
    due, tz, closed, now = schedule.due, schedule.tz, schedule.closed, schedule.now
    notice = reminder_due(
        pact_id=7, deadline_on=due, tz=tz, now=now, unfulfilled=True, closed=closed
    )
    today = local_today(now, tz)
    if today > due:
        assert notice is None  # the deadline day is over: escalation takes over
        return
    passed = [
        offset
        for offset in REMINDER_OFFSETS
        if goes_out(due - timedelta(days=offset), tz, closed) <= now
    ]
    if not passed:
        assert notice is None
        return
    assert notice is not None
    assert notice.step == min(passed)
    assert notice.due_on == due - timedelta(days=min(passed))
    assert notice.due_at <= now
    goes_out_on_an_open_day_at_eight(notice.due_at, notice.due_on, tz, closed)
    # The key names the deadline in force: an extended pact is reminded of its new date.
    assert notice.key.endswith(f":pact:7:{due.isoformat()}")
    # Nobody is reminded of a deadline once every finding is closed.
    assert (
        reminder_due(pact_id=7, deadline_on=due, tz=tz, now=now, unfulfilled=False, closed=closed)
        is None
    )


def goes_out(day: date, tz: str, closed: frozenset[date] | None) -> datetime:
    """When the notice about ``day`` goes out, found by walking the calendar day by day."""
    while closed is not None and not is_working_day(day, closed):
        day += timedelta(days=1)
    return moment(day, tz)


@bounded(300)
@given(schedule=schedules(), later=st.integers(min_value=0, max_value=40 * 24))
def test_reminders_only_count_down_as_the_deadline_nears(schedule: Schedule, later: int) -> None:
    due, tz, closed, now = schedule.due, schedule.tz, schedule.closed, schedule.now

    def step(at: datetime) -> int | None:
        notice = reminder_due(
            pact_id=1, deadline_on=due, tz=tz, now=at, unfulfilled=True, closed=closed
        )
        return None if notice is None else notice.step

    first, second = step(now), step(now + timedelta(hours=later))
    # Once told "7 days left", an agency is never told "30 days left" afterwards.
    if first is not None and second is not None:
        assert second <= first


@bounded(400)
@given(
    schedule=schedules(),
    recorded_days=st.integers(min_value=-60, max_value=60),
)
def test_escalation_rungs_climb_once_each_after_the_deadline_day(
    schedule: Schedule, recorded_days: int
) -> None:
    due, tz, closed, now = schedule.due, schedule.tz, schedule.closed, schedule.now
    recorded_at = moment(due, tz) + timedelta(days=recorded_days)
    rungs = escalations_due(
        pact_id=3,
        deadline_on=due,
        tz=tz,
        now=now,
        recorded_at=recorded_at,
        unfulfilled=True,
        closed=closed,
    )
    if local_today(now, tz) <= due:
        # Nobody is escalated on the deadline day itself, whatever the hour.
        assert rungs == []
        return
    steps = [n.step for n in rungs]
    assert steps == sorted(set(steps))  # lowest first, each once
    passed = [
        r for r, d in ESCALATION_RUNGS.items() if goes_out(due + timedelta(d), tz, closed) <= now
    ]
    for notice in rungs:
        assert notice.step in passed
        assert notice.due_at <= now
        assert notice.due_on == due + timedelta(days=ESCALATION_RUNGS[notice.step or 0])
        goes_out_on_an_open_day_at_eight(notice.due_at, notice.due_on, tz, closed)
    # Rungs that fell due after the pact was recorded are all sent; the ones before it are
    # collapsed to the highest (an import long overdue gets one letter, not three).
    after = [
        r
        for r in passed
        if goes_out(due + timedelta(ESCALATION_RUNGS[r]), tz, closed) >= recorded_at
    ]
    assert set(after) <= set(steps)
    assert len(steps) <= len(after) + 1
    if passed:
        assert max(passed) in steps
    assert (
        escalations_due(
            pact_id=3,
            deadline_on=due,
            tz=tz,
            now=now,
            recorded_at=recorded_at,
            unfulfilled=False,
            closed=closed,
        )
        == []
    )


@bounded(300)
@given(
    closed_at=instants(),
    tz=zones,
    recorded_hours=st.integers(min_value=-2000, max_value=2000),
    calendar=st.booleans(),
    data=st.data(),
)
def test_the_fulfilment_notice_waits_for_an_open_day_and_only_follows_a_closing_seen_here(
    closed_at: datetime,
    tz: str,
    recorded_hours: int,
    calendar: bool,
    data: st.DataObject,
) -> None:
    closed = data.draw(closed_days(around=local_today(closed_at, tz))) if calendar else None
    recorded_at = closed_at + timedelta(hours=recorded_hours)
    notice = fulfilment_due(
        pact_id=5,
        fulfilled=True,
        withdrawn=False,
        last_closed_at=closed_at,
        recorded_at=recorded_at,
        tz=tz,
        closed=closed,
    )
    if closed_at < recorded_at:
        assert notice is None
        return
    assert notice is not None
    assert notice.due_on == local_today(closed_at, tz)
    assert notice.due_at >= closed_at
    if closed is None or is_working_day(notice.due_on, closed):
        assert notice.due_at == closed_at
    else:
        goes_out_on_an_open_day_at_eight(notice.due_at, notice.due_on, tz, closed)


@bounded(300)
@given(now=instants(), tz=zones, calendar=st.booleans(), data=st.data())
def test_the_digest_is_last_mondays_sent_on_an_open_day_at_eight(
    now: datetime, tz: str, calendar: bool, data: st.DataObject
) -> None:
    closed = data.draw(closed_days(around=local_today(now, tz), span=20)) if calendar else None
    notice = digest_due(regency_id=2, tz=tz, now=now, closed=closed)
    if notice is None:
        # Only a long closure can hold back both this week's and last week's digest.
        assert closed is not None
        return
    assert notice.due_on.weekday() == 0
    assert notice.due_at <= now
    assert local_today(now, tz) - notice.due_on < timedelta(days=14)
    goes_out_on_an_open_day_at_eight(notice.due_at, notice.due_on, tz, closed)
    if closed is None:
        # Without a calendar it is this week's Monday once 08:00 has passed, else last week's.
        assert now - notice.due_at < timedelta(days=7)


@bounded(200)
@given(
    attempts=st.integers(min_value=0, max_value=200),
    base=st.integers(min_value=1, max_value=600),
    cap=st.integers(min_value=1, max_value=86400),
)
def test_a_failed_delivery_waits_longer_each_time_up_to_the_cap(
    attempts: int, base: int, cap: int
) -> None:
    wait = backoff(attempts, base_seconds=base, max_seconds=cap)
    following = backoff(attempts + 1, base_seconds=base, max_seconds=cap)
    assert timedelta(0) < wait <= following <= timedelta(seconds=max(cap, 1))
    assert wait == timedelta(seconds=min(base * 2 ** min(max(attempts - 1, 0), 20), cap))
