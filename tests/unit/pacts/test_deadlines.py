"""Pact deadlines (DOMAIN.md section 4): calendar months, clamped, the deadline day included."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.pacts.rules import (
    days_left,
    deadline,
    effective_deadline,
    is_overdue,
)


@pytest.mark.parametrize(
    ("signed_on", "months", "expected"),
    [
        pytest.param(
            date(2019, 1, 8), 3, date(2019, 4, 8), id="sumbawa-barat-2019-01-08-plus-3-months"
        ),
        pytest.param(
            date(2019, 11, 30), 3, date(2020, 2, 29), id="end-of-month-clamp-into-leap-february"
        ),
        pytest.param(
            date(2023, 11, 30), 3, date(2024, 2, 29), id="end-of-month-clamp-2024-leap-february"
        ),
        pytest.param(date(2024, 5, 31), 3, date(2024, 8, 31), id="31st-to-31st-keeps-the-day"),
        pytest.param(
            date(2024, 11, 30), 3, date(2025, 2, 28), id="end-of-month-clamp-common-february"
        ),
        pytest.param(date(2019, 1, 8), 1, date(2019, 2, 8), id="period-1-month"),
        pytest.param(date(2019, 1, 31), 1, date(2019, 2, 28), id="period-1-month-clamped"),
        pytest.param(date(2019, 1, 8), 6, date(2019, 7, 8), id="period-6-months"),
        pytest.param(date(2019, 8, 31), 6, date(2020, 2, 29), id="period-6-months-clamped"),
        pytest.param(date(2019, 1, 8), 12, date(2020, 1, 8), id="period-12-months"),
        pytest.param(date(2020, 2, 29), 12, date(2021, 2, 28), id="period-12-months-from-leap-day"),
        pytest.param(date(2019, 10, 15), 3, date(2020, 1, 15), id="crosses-new-year"),
    ],
)
def test_pact_deadline_is_signing_date_plus_calendar_months_clamped_to_month_end(
    signed_on: date, months: int, expected: date
) -> None:
    assert deadline(signed_on, months) == expected


@pytest.mark.parametrize(
    "months",
    [
        pytest.param(0, id="period-zero-months"),
        pytest.param(-1, id="period-negative-months"),
    ],
)
def test_pact_period_shorter_than_one_month_is_refused(months: int) -> None:
    with pytest.raises(ValueError, match="at least one month"):
        deadline(date(2019, 1, 8), months)


@pytest.mark.parametrize(
    ("signed_on", "months", "extended_to", "expected"),
    [
        pytest.param(
            date(2019, 1, 8), 3, None, date(2019, 4, 8), id="no-extension-uses-signed-deadline"
        ),
        pytest.param(
            date(2019, 1, 8),
            3,
            date(2019, 5, 8),
            date(2019, 5, 8),
            id="extension-replaces-signed-deadline",
        ),
        pytest.param(
            date(2019, 1, 8),
            6,
            date(2019, 5, 8),
            date(2019, 5, 8),
            id="extension-wins-even-if-earlier-than-period",
        ),
        pytest.param(None, 3, None, None, id="no-signing-date-no-deadline"),
        pytest.param(
            None,
            3,
            date(2019, 5, 8),
            date(2019, 5, 8),
            id="extension-without-signing-date-still-a-deadline",
        ),
        pytest.param(
            date(2019, 11, 30), 3, None, date(2020, 2, 29), id="no-extension-clamped-deadline"
        ),
    ],
)
def test_effective_deadline_is_the_extension_else_the_signed_deadline(
    signed_on: date | None, months: int, extended_to: date | None, expected: date | None
) -> None:
    assert effective_deadline(signed_on, months, extended_to) == expected


def test_effective_deadline_defaults_to_no_extension() -> None:
    assert effective_deadline(date(2019, 1, 8), 3) == date(2019, 4, 8)


@pytest.mark.parametrize(
    ("deadline_on", "today", "expected"),
    [
        pytest.param(date(2019, 4, 8), date(2019, 3, 25), 14, id="positive-14-days-before"),
        pytest.param(date(2019, 4, 8), date(2019, 1, 8), 90, id="positive-on-signing-day"),
        pytest.param(date(2019, 4, 8), date(2019, 4, 7), 1, id="positive-day-before-deadline"),
        pytest.param(date(2019, 4, 8), date(2019, 4, 8), 0, id="zero-on-the-deadline-day"),
        pytest.param(date(2019, 4, 8), date(2019, 4, 9), -1, id="negative-day-after-deadline"),
        pytest.param(date(2019, 4, 8), date(2019, 5, 8), -30, id="negative-30-days-after"),
        pytest.param(date(2020, 3, 1), date(2020, 2, 28), 2, id="counts-leap-day-in-between"),
        pytest.param(None, date(2019, 4, 8), None, id="none-without-deadline"),
    ],
)
def test_days_left_counts_calendar_days_to_the_deadline(
    deadline_on: date | None, today: date, expected: int | None
) -> None:
    assert days_left(deadline_on, today) == expected


@pytest.mark.parametrize(
    ("deadline_on", "today", "expected"),
    [
        pytest.param(date(2019, 4, 8), date(2019, 4, 7), False, id="day-before-deadline-in-time"),
        pytest.param(
            date(2019, 4, 8), date(2019, 4, 8), False, id="deadline-day-itself-not-overdue"
        ),
        pytest.param(date(2019, 4, 8), date(2019, 4, 9), True, id="day-after-deadline-overdue"),
        pytest.param(date(2019, 4, 8), date(2020, 4, 8), True, id="a-year-later-overdue"),
        pytest.param(None, date(2030, 1, 1), False, id="no-deadline-never-overdue"),
    ],
)
def test_pact_is_overdue_from_the_day_after_its_deadline(
    deadline_on: date | None, today: date, expected: bool
) -> None:
    assert is_overdue(deadline_on, today) is expected
