"""Properties of the deadline and status rules (DOMAIN.md section 4) over 2013-2040 and every
Indonesian time zone: what a regency would notice if one of them broke for some date."""

from __future__ import annotations

import calendar
from datetime import date, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from config import Config
from tests.properties import bounded, clock_times, days, local_instant, periods, zones
from tracker.clock import local_today
from tracker.pacts.rules import (
    PactOutcome,
    PactStatus,
    days_left,
    deadline,
    effective_deadline,
    is_overdue,
    pact_status,
)

DUE_SOON = Config.DUE_SOON_DAYS
RUNNING = (PactStatus.ON_TRACK, PactStatus.DUE_SOON, PactStatus.OVERDUE)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@bounded(300)
@given(signed_on=days, months=periods)
def test_a_deadline_is_the_same_day_months_later_or_that_months_last_day(
    signed_on: date, months: int
) -> None:
    due = deadline(signed_on, months)
    # Never before signing, and never fewer calendar months than the period.
    assert due > signed_on
    assert month_index(due) - month_index(signed_on) == months
    last_day = calendar.monthrange(due.year, due.month)[1]
    assert due.day == min(signed_on.day, last_day)
    # Not "90 days": a calendar month is 28 to 31 days.
    assert 28 * months <= (due - signed_on).days <= 31 * months


@bounded(300)
@given(first=days, second=days, months=periods)
def test_signing_later_never_gives_an_earlier_deadline(
    first: date, second: date, months: int
) -> None:
    early, late = sorted((first, second))
    assert deadline(early, months) <= deadline(late, months)
    # A longer period never ends sooner either.
    if months < 60:
        assert deadline(early, months) < deadline(early, months + 1)


@bounded(200)
@given(
    signed_on=st.none() | days,
    months=periods,
    extension=st.none() | st.integers(min_value=1, max_value=730),
)
def test_the_deadline_in_force_is_the_extension_else_the_signed_one(
    signed_on: date | None, months: int, extension: int | None
) -> None:
    signed = effective_deadline(signed_on, months)
    assert signed == (None if signed_on is None else deadline(signed_on, months))
    if signed is None or extension is None:
        return
    extended_to = signed + timedelta(days=extension)
    in_force = effective_deadline(signed_on, months, extended_to)
    # An extension (always later: the service refuses another) is what counts, never earlier.
    assert in_force == extended_to
    assert in_force > signed


@bounded(300)
@given(due=days, offset=st.integers(min_value=-400, max_value=400))
def test_days_left_is_zero_on_the_deadline_and_negative_exactly_after(
    due: date, offset: int
) -> None:
    today = due + timedelta(days=offset)
    assert days_left(due, today) == -offset
    assert days_left(due, due) == 0
    # The deadline day itself is still in time; the day after is overdue.
    assert is_overdue(due, today) is (offset > 0)
    assert is_overdue(due, today) is (days_left(due, today) < 0)
    assert days_left(None, today) is None
    assert not is_overdue(None, today)


@bounded(300)
@given(due=days, zone=zones, at=clock_times)
def test_a_pact_turns_overdue_at_the_regencys_own_midnight(due: date, zone: str, at: time) -> None:
    facts = {"findings_total": 2, "findings_open": 1, "last_closed_on": None}
    last_second = local_instant(due, time(23, 59, 59), zone)
    midnight = last_second + timedelta(seconds=1)
    on_the_day = local_instant(due, at, zone)
    assert on_the_day <= last_second

    def status(instant_today: date) -> PactStatus:
        return pact_status(deadline_on=due, today=instant_today, due_soon_days=DUE_SOON, **facts)

    assert status(local_today(on_the_day, zone)) is PactStatus.DUE_SOON
    assert status(local_today(last_second, zone)) is PactStatus.DUE_SOON
    assert status(local_today(midnight, zone)) is PactStatus.OVERDUE
    # The same instant read in UTC (or in the server's zone) would turn it at another hour:
    # 00:00 local is 17:00 (WIB), 16:00 (WITA) or 15:00 (WIT) of the day before in UTC.
    assert midnight.date() == due
    assert midnight.hour == {"Asia/Makassar": 16, "Asia/Jayapura": 15}.get(zone, 17)


@st.composite
def running_facts(draw: st.DrawFn) -> dict[str, object]:
    total = draw(st.integers(min_value=0, max_value=6))
    return {
        "deadline_on": draw(days),
        "findings_total": total,
        "findings_open": draw(st.integers(min_value=1, max_value=total)) if total else 0,
        "last_closed_on": draw(st.none() | days),
    }


@bounded(300)
@given(facts=running_facts(), today=days, later=st.integers(min_value=0, max_value=400))
def test_a_running_pact_goes_on_track_then_due_soon_then_overdue_and_never_back(
    facts: dict[str, object], today: date, later: int
) -> None:
    before = pact_status(today=today, due_soon_days=DUE_SOON, **facts)
    after = pact_status(
        today=today + timedelta(days=later),
        due_soon_days=DUE_SOON,
        **facts,
    )
    assert before in RUNNING and after in RUNNING
    assert RUNNING.index(before) <= RUNNING.index(after)
    left = days_left(facts["deadline_on"], today)
    assert left is not None
    expected = (
        PactStatus.OVERDUE
        if left < 0
        else PactStatus.DUE_SOON
        if left <= DUE_SOON
        else PactStatus.ON_TRACK
    )
    assert before is expected


@bounded(300)
@given(
    deadline_on=st.none() | days,
    today=days,
    closings=st.lists(days, min_size=1, max_size=6),
)
def test_every_finding_closed_is_fulfilled_or_fulfilled_late_by_the_last_closing(
    deadline_on: date | None, today: date, closings: list[date]
) -> None:
    status = pact_status(
        deadline_on=deadline_on,
        today=today,
        findings_total=len(closings),
        findings_open=0,
        last_closed_on=max(closings),
        due_soon_days=DUE_SOON,
    )
    late = deadline_on is not None and max(closings) > deadline_on
    assert status is (PactStatus.FULFILLED_LATE if late else PactStatus.FULFILLED)


@bounded(300)
@given(
    deadline_on=st.none() | days,
    today=days,
    total=st.integers(min_value=0, max_value=6),
    open_share=st.floats(min_value=0, max_value=1),
    last_closed_on=st.none() | days,
    withdrawn=st.booleans(),
    outcome=st.none() | st.sampled_from(PactOutcome),
)
def test_a_pact_is_called_overdue_only_when_a_known_deadline_passed_and_nothing_ended_it(
    deadline_on: date | None,
    today: date,
    total: int,
    open_share: float,
    last_closed_on: date | None,
    withdrawn: bool,
    outcome: PactOutcome | None,
) -> None:
    findings_open = round(total * open_share)
    status = pact_status(
        deadline_on=deadline_on,
        today=today,
        findings_total=total,
        findings_open=findings_open,
        last_closed_on=last_closed_on,
        due_soon_days=DUE_SOON,
        withdrawn=withdrawn,
        outcome=outcome,
    )
    if status is PactStatus.OVERDUE:
        assert deadline_on is not None and today > deadline_on
        assert not withdrawn and outcome is None
        assert findings_open > 0 or total == 0
    # A missing date is not a breach; a withdrawal or a recorded end wins over every date.
    if deadline_on is None and not withdrawn and outcome is None:
        assert status in {PactStatus.UNDATED, PactStatus.FULFILLED}
    if withdrawn:
        assert status is PactStatus.WITHDRAWN
    elif outcome is PactOutcome.NOT_RECORDED:
        assert status is PactStatus.NOT_RECORDED
    elif outcome is not None:
        assert status is PactStatus.DECIDED
