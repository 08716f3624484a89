"""The working-day rules: weekends and the calendar's closed days, deferral to 08:00, durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.notifications.rules import PactFacts, digest_due, due_for_pact, reminder_due
from tracker.workdays.catalogue import HOLIDAYS
from tracker.workdays.rules import (
    is_working_day,
    next_working_day,
    opening,
    send_at,
    working_days_between,
)

MAKASSAR = ZoneInfo("Asia/Makassar")
CLOSED = frozenset(day for day, *_ in HOLIDAYS)
# Idul Fitri 1445 H: cuti bersama 8, 9, 12 and 15 April 2024, the feast on 10 and 11 April.
LEBARAN_2024 = [date(2024, 4, d) for d in (8, 9, 10, 11, 12, 13, 14, 15)]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_idul_fitri_week_is_closed_from_monday_to_the_next_monday() -> None:
    assert [is_working_day(d, CLOSED) for d in LEBARAN_2024] == [False] * 8
    assert is_working_day(date(2024, 4, 5), CLOSED)
    assert is_working_day(date(2024, 4, 16), CLOSED)
    assert next_working_day(date(2024, 4, 8), CLOSED) == date(2024, 4, 16)


def test_weekends_close_without_any_calendar_and_weekdays_open() -> None:
    assert not is_working_day(date(2019, 3, 24))  # a Sunday
    assert not is_working_day(date(2019, 3, 23))  # a Saturday
    assert is_working_day(date(2019, 3, 25))  # a Monday
    assert is_working_day(date(2019, 3, 22))  # a Friday
    assert next_working_day(date(2019, 3, 23)) == date(2019, 3, 25)
    assert next_working_day(date(2019, 3, 25)) == date(2019, 3, 25)


def test_a_calendar_closing_more_than_sixty_days_in_a_row_is_refused() -> None:
    everything = frozenset(date(2030, 1, 1) + timedelta(days=n) for n in range(120))
    with pytest.raises(ValueError, match="60 days"):
        next_working_day(date(2030, 1, 1), everything)
    # Fifty-nine closed days and a weekend are not too many.
    some = frozenset(date(2030, 1, 1) + timedelta(days=n) for n in range(57))
    assert next_working_day(date(2030, 1, 1), some) == date(2030, 2, 27)


def test_a_notice_due_on_a_sunday_goes_out_on_monday_at_08_local() -> None:
    sunday_morning = at("2019-03-24T08:00:00+08:00")
    assert send_at(sunday_morning, MAKASSAR, CLOSED) == at("2019-03-25T08:00:00+08:00")
    assert send_at(sunday_morning, "Asia/Makassar", CLOSED).tzinfo is UTC
    weekday = at("2019-03-25T14:30:00+08:00")
    assert send_at(weekday, MAKASSAR, CLOSED) == weekday
    assert opening(date(2019, 3, 25), "Asia/Jayapura") == at("2019-03-25T08:00:00+09:00")


def test_the_day_is_the_regency_s_own_day() -> None:
    # 16:30 UTC on Friday is already Saturday 00:30 in Makassar (closed), still 23:30 in Jakarta.
    friday_utc = datetime(2019, 3, 22, 16, 30, tzinfo=UTC)
    assert send_at(friday_utc, MAKASSAR) == at("2019-03-25T08:00:00+08:00")
    assert send_at(friday_utc, "Asia/Jakarta") == friday_utc


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        send_at(datetime(2019, 3, 24, 8), MAKASSAR)  # noqa: DTZ001
    naive = datetime(2019, 3, 24)  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware"):
        working_days_between(naive, at("2019-03-25T08:00:00+08:00"), MAKASSAR)
    with pytest.raises(ValueError, match="aware"):
        working_days_between(at("2019-03-25T08:00:00+08:00"), naive, MAKASSAR)


def test_time_to_verify_counts_only_working_days_hours() -> None:
    friday = at("2019-03-22T15:00:00+08:00")
    monday = at("2019-03-25T09:00:00+08:00")
    assert working_days_between(friday, monday, MAKASSAR) == pytest.approx(0.75)
    assert working_days_between(monday, friday, MAKASSAR) == 0.0
    assert working_days_between(monday, monday, MAKASSAR) == 0.0
    same_day = working_days_between(monday, at("2019-03-25T21:00:00+08:00"), MAKASSAR)
    assert same_day == pytest.approx(0.5)
    # Submitted the Friday before Lebaran 2024, decided the Tuesday after: 1 day + 1 hour.
    before = at("2024-04-05T00:00:00+08:00")
    after = at("2024-04-16T01:00:00+08:00")
    assert working_days_between(before, after, MAKASSAR, CLOSED) == pytest.approx(1 + 1 / 24)
    assert working_days_between(before, after, MAKASSAR) == pytest.approx(7 + 1 / 24)


def facts(deadline_on: date, *, closed: frozenset[date] | None) -> PactFacts:
    return PactFacts(
        pact_id=7,
        timezone="Asia/Makassar",
        deadline_on=deadline_on,
        recorded_at=at("2019-01-01T00:00:00+08:00"),
        findings_total=2,
        findings_open=2,
        closed=closed,
    )


def test_a_reminder_due_in_the_idul_fitri_week_waits_for_16_april_and_keeps_its_key() -> None:
    deadline = date(2024, 5, 10)  # its 30-day reminder falls on 10 April, Idul Fitri
    during = at("2024-04-12T09:00:00+08:00")
    assert due_for_pact(facts(deadline, closed=CLOSED), during) == []
    # Without a calendar it went out on the feast day itself.
    (old,) = due_for_pact(facts(deadline, closed=None), during)
    assert old.due_at == at("2024-04-10T08:00:00+08:00")
    (notice,) = due_for_pact(facts(deadline, closed=CLOSED), at("2024-04-16T08:00:00+08:00"))
    assert notice.due_at == at("2024-04-16T08:00:00+08:00")
    assert notice.due_on == date(2024, 4, 10)
    assert notice.key == old.key == "reminder-30d:pact:7:2024-05-10"
    assert due_for_pact(facts(deadline, closed=CLOSED), at("2024-04-16T07:59:00+08:00")) == []


def test_a_deadline_on_a_holiday_escalates_on_the_next_working_day_after_it() -> None:
    deadline = date(2024, 5, 10)  # cuti bersama; rung 1 on Saturday 11 May
    saturday = at("2024-05-11T09:00:00+08:00")
    assert [n.kind for n in due_for_pact(facts(deadline, closed=CLOSED), saturday)] == []
    monday = at("2024-05-13T08:00:00+08:00")
    (rung,) = due_for_pact(facts(deadline, closed=CLOSED), monday)
    assert rung.key == "escalation-1:pact:7:2024-05-10"
    assert rung.due_at == monday


def test_a_reminder_pushed_past_the_deadline_leaves_the_earlier_one_due() -> None:
    # Deadline Tuesday 16 April 2024: the 7-day reminder (9 April) and the 1-day one (15 April)
    # both fall in the Lebaran week; on 16 April the office opens on the deadline day itself.
    deadline = date(2024, 4, 16)
    notice = reminder_due(
        pact_id=1,
        deadline_on=deadline,
        tz="Asia/Makassar",
        now=at("2024-04-16T08:00:00+08:00"),
        unfulfilled=True,
        closed=CLOSED,
    )
    assert notice is not None and notice.step == 1
    assert notice.due_at == at("2024-04-16T08:00:00+08:00")


def test_a_closed_monday_s_digest_goes_out_on_tuesday() -> None:
    # Monday 15 April 2024 is cuti bersama.
    monday = digest_due(
        regency_id=3, tz="Asia/Makassar", now=at("2024-04-15T12:00:00+08:00"), closed=CLOSED
    )
    # Last Monday's (8 April, cuti bersama too) would also go out on 16 April: superseded.
    assert monday is None
    tuesday = digest_due(
        regency_id=3, tz="Asia/Makassar", now=at("2024-04-16T08:00:00+08:00"), closed=CLOSED
    )
    assert tuesday is not None
    assert tuesday.due_on == date(2024, 4, 15)
    assert tuesday.key == "digest:regency:3:2024-04-15"
    assert tuesday.due_at == at("2024-04-16T08:00:00+08:00")


def test_a_fulfilment_on_a_sunday_waits_for_monday_morning() -> None:
    closed_on_sunday = at("2019-03-24T10:00:00+08:00")
    base = facts(date(2019, 6, 1), closed=CLOSED)
    done = PactFacts(**{**base.__dict__, "findings_open": 0, "last_closed_at": closed_on_sunday})
    assert due_for_pact(done, at("2019-03-24T23:00:00+08:00")) == []
    (notice,) = due_for_pact(done, at("2019-03-25T08:00:00+08:00"))
    assert notice.key == "fulfilled:pact:7"
    assert notice.due_at == at("2019-03-25T08:00:00+08:00")
    on_a_weekday = PactFacts(**{**done.__dict__, "last_closed_at": at("2019-03-25T10:00:00+08:00")})
    (weekday,) = due_for_pact(on_a_weekday, at("2019-03-25T10:00:00+08:00"))
    assert weekday.due_at == at("2019-03-25T10:00:00+08:00")


def test_the_seed_has_one_row_per_day_each_with_a_kind_and_a_source() -> None:
    days = [day for day, *_ in HOLIDAYS]
    assert days == sorted(set(days))
    assert {kind for _, kind, _, _ in HOLIDAYS} == {"holiday", "cuti_bersama"}
    assert all(source for *_, source in HOLIDAYS)
    assert {d.year for d in days} == set(range(2018, 2026))
    # Two holidays on 13 May 2021 share the day.
    (both,) = [name for day, _, name, _ in HOLIDAYS if day == date(2021, 5, 13)]
    assert "Kenaikan" in both and "Idul Fitri" in both
