"""The clock (tracker/clock.py): aware UTC instants in, the regency's local date out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tracker.clock import FixedClock, SystemClock, clock_from_config, local_today, parse_instant

WITA = ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        pytest.param(
            datetime(2019, 3, 25, 1, 0, tzinfo=UTC),
            datetime(2019, 3, 25, 1, 0, tzinfo=UTC),
            id="utc-stays-utc",
        ),
        pytest.param(
            datetime(2019, 3, 25, 9, 0, tzinfo=WITA),
            datetime(2019, 3, 25, 1, 0, tzinfo=UTC),
            id="makassar-09:00-is-01:00Z",
        ),
        pytest.param(
            datetime(2019, 3, 25, 3, 0, tzinfo=timezone(timedelta(hours=7))),
            datetime(2019, 3, 24, 20, 0, tzinfo=UTC),
            id="plus-07-offset-early-morning-is-previous-utc-day",
        ),
    ],
)
def test_fixed_clock_tells_the_instant_in_utc(instant: datetime, expected: datetime) -> None:
    now = FixedClock(instant).now()
    assert now == expected
    assert now.tzinfo is UTC


def test_fixed_clock_advance_moves_it_forward() -> None:
    clock = FixedClock(datetime(2019, 4, 8, 15, 30, tzinfo=UTC))
    clock.advance(timedelta(hours=1))
    assert clock.now() == datetime(2019, 4, 8, 16, 30, tzinfo=UTC)
    clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2019, 4, 9, 16, 30, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        pytest.param(
            datetime(2020, 1, 1, 0, 0, tzinfo=UTC),
            datetime(2020, 1, 1, 0, 0, tzinfo=UTC),
            id="set-to-utc-instant",
        ),
        pytest.param(
            datetime(2019, 4, 9, 0, 30, tzinfo=WITA),
            datetime(2019, 4, 8, 16, 30, tzinfo=UTC),
            id="set-to-makassar-instant-converted",
        ),
        pytest.param(
            datetime(2018, 1, 1, 0, 0, tzinfo=UTC),
            datetime(2018, 1, 1, 0, 0, tzinfo=UTC),
            id="set-back-in-time",
        ),
    ],
)
def test_fixed_clock_set_moves_it_to_another_instant(instant: datetime, expected: datetime) -> None:
    clock = FixedClock(datetime(2019, 3, 25, 1, 0, tzinfo=UTC))
    clock.set(instant)
    assert clock.now() == expected
    assert clock.now().tzinfo is UTC


def test_fixed_clock_refuses_a_naive_start_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2019, 3, 25, 9, 0))  # noqa: DTZ001


def test_fixed_clock_refuses_being_set_to_a_naive_instant() -> None:
    clock = FixedClock(datetime(2019, 3, 25, 1, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2019, 3, 25, 9, 0))  # noqa: DTZ001
    assert clock.now() == datetime(2019, 3, 25, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2019-03-25T09:00:00+08:00",
            datetime(2019, 3, 25, 1, 0, tzinfo=UTC),
            id="makassar-offset-plus-08",
        ),
        pytest.param(
            "2019-03-25T08:00:00+07:00",
            datetime(2019, 3, 25, 1, 0, tzinfo=UTC),
            id="jakarta-offset-plus-07",
        ),
        pytest.param(
            "2019-03-25T10:00:00+09:00",
            datetime(2019, 3, 25, 1, 0, tzinfo=UTC),
            id="jayapura-offset-plus-09",
        ),
        pytest.param(
            "2019-03-25T01:00:00+00:00",
            datetime(2019, 3, 25, 1, 0, tzinfo=UTC),
            id="utc-offset-zero",
        ),
        pytest.param(
            "2019-03-25T01:00:00Z",
            datetime(2019, 3, 25, 1, 0, tzinfo=UTC),
            id="utc-z-suffix",
        ),
        pytest.param(
            "2019-04-09T00:30:00+08:00",
            datetime(2019, 4, 8, 16, 30, tzinfo=UTC),
            id="local-after-midnight-is-previous-utc-day",
        ),
    ],
)
def test_configured_instant_with_offset_is_read_as_utc(text: str, expected: datetime) -> None:
    instant = parse_instant(text)
    assert instant == expected
    assert instant.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2019-03-25T09:00:00", id="naive-date-time"),
        pytest.param("2019-03-25", id="date-only"),
    ],
)
def test_configured_instant_without_offset_is_refused_with_a_hint(text: str) -> None:
    with pytest.raises(ValueError, match="no UTC offset") as caught:
        parse_instant(text)
    assert "+08:00" in str(caught.value)


@pytest.mark.parametrize(
    "frozen_now",
    [
        pytest.param(None, id="not-configured"),
        pytest.param("", id="empty-string"),
    ],
)
def test_unconfigured_clock_is_the_system_clock_in_utc(frozen_now: str | None) -> None:
    clock = clock_from_config(frozen_now)
    assert isinstance(clock, SystemClock)
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert now > datetime(2024, 1, 1, tzinfo=UTC)


def test_configured_frozen_now_gives_a_fixed_clock() -> None:
    clock = clock_from_config("2019-03-25T09:00:00+08:00")
    assert isinstance(clock, FixedClock)
    assert clock.now() == datetime(2019, 3, 25, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        pytest.param(
            datetime(2019, 4, 8, 15, 59, tzinfo=UTC),
            "Asia/Makassar",
            date(2019, 4, 8),
            id="makassar-23:59-still-same-day",
        ),
        pytest.param(
            datetime(2019, 4, 8, 16, 0, tzinfo=UTC),
            "Asia/Makassar",
            date(2019, 4, 9),
            id="makassar-00:00-next-day",
        ),
        pytest.param(
            datetime(2019, 4, 8, 16, 30, tzinfo=UTC),
            "Asia/Makassar",
            date(2019, 4, 9),
            id="makassar-00:30-next-day-while-utc-is-previous",
        ),
        pytest.param(
            datetime(2019, 4, 8, 16, 30, tzinfo=UTC),
            WITA,
            date(2019, 4, 9),
            id="makassar-as-zoneinfo-object",
        ),
        pytest.param(
            datetime(2019, 4, 9, 0, 30, tzinfo=WITA),
            "Asia/Makassar",
            date(2019, 4, 9),
            id="makassar-local-instant-given-directly",
        ),
        pytest.param(
            datetime(2019, 12, 31, 16, 0, tzinfo=UTC),
            "Asia/Makassar",
            date(2020, 1, 1),
            id="makassar-new-year-before-utc",
        ),
        pytest.param(
            datetime(2019, 4, 8, 16, 30, tzinfo=UTC),
            "Asia/Jakarta",
            date(2019, 4, 8),
            id="jakarta-23:30-same-instant-still-previous-day",
        ),
        pytest.param(
            datetime(2019, 4, 8, 15, 0, tzinfo=UTC),
            "Asia/Jayapura",
            date(2019, 4, 9),
            id="jayapura-00:00-next-day",
        ),
    ],
)
def test_today_is_the_regencys_local_date_across_midnight(
    now: datetime, tz: str | ZoneInfo, expected: date
) -> None:
    assert local_today(now, tz) == expected


def test_local_today_refuses_a_naive_instant_instead_of_using_the_server_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_today(datetime(2019, 4, 8, 16, 30), "Asia/Makassar")  # noqa: DTZ001
