"""Pact status (DOMAIN.md section 4): derived from the deadline, the findings and local today."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from config import Config
from tracker.clock import local_today
from tracker.pacts.rules import PactOutcome, PactStatus, days_left, pact_status

DEADLINE = date(2019, 4, 8)  # Sumbawa Barat: signed 2019-01-08, three months.
# The threshold the app reads (TRACKER_DUE_SOON_DAYS overrides it).
DUE_SOON_DAYS = Config.DUE_SOON_DAYS


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param(
            {"today": date(2019, 3, 24), "findings_total": 3, "findings_open": 3},
            PactStatus.ON_TRACK,
            id="on-track-15-days-left",
        ),
        pytest.param(
            {"today": date(2019, 1, 8), "findings_total": 3, "findings_open": 2},
            PactStatus.ON_TRACK,
            id="on-track-on-signing-day-some-closed",
        ),
        pytest.param(
            {"today": date(2019, 3, 25), "findings_total": 3, "findings_open": 3},
            PactStatus.DUE_SOON,
            id="due-soon-exactly-14-days-left",
        ),
        pytest.param(
            {"today": date(2019, 4, 8), "findings_total": 3, "findings_open": 1},
            PactStatus.DUE_SOON,
            id="due-soon-0-days-left-on-deadline-day",
        ),
        pytest.param(
            {"today": date(2019, 4, 9), "findings_total": 3, "findings_open": 1},
            PactStatus.OVERDUE,
            id="overdue-1-day-after-deadline",
        ),
        pytest.param(
            {
                "today": date(2019, 4, 20),
                "findings_total": 3,
                "findings_open": 0,
                "last_closed_on": date(2019, 4, 8),
            },
            PactStatus.FULFILLED,
            id="fulfilled-last-closed-on-deadline-day",
        ),
        pytest.param(
            {
                "today": date(2019, 3, 1),
                "findings_total": 3,
                "findings_open": 0,
                "last_closed_on": date(2019, 2, 28),
            },
            PactStatus.FULFILLED,
            id="fulfilled-early-before-deadline",
        ),
        pytest.param(
            {
                "today": date(2019, 4, 20),
                "findings_total": 3,
                "findings_open": 0,
                "last_closed_on": date(2019, 4, 9),
            },
            PactStatus.FULFILLED_LATE,
            id="fulfilled-late-last-closed-day-after-deadline",
        ),
        pytest.param(
            {
                "today": date(2019, 3, 1),
                "findings_total": 3,
                "findings_open": 3,
                "withdrawn": True,
            },
            PactStatus.WITHDRAWN,
            id="withdrawn-wins-over-on-track",
        ),
        pytest.param(
            {
                "today": date(2019, 5, 1),
                "findings_total": 3,
                "findings_open": 2,
                "withdrawn": True,
            },
            PactStatus.WITHDRAWN,
            id="withdrawn-wins-over-overdue",
        ),
        pytest.param(
            {
                "today": date(2019, 4, 20),
                "findings_total": 3,
                "findings_open": 0,
                "last_closed_on": date(2019, 4, 1),
                "withdrawn": True,
            },
            PactStatus.WITHDRAWN,
            id="withdrawn-wins-even-over-fulfilled",
        ),
        pytest.param(
            {
                "today": date(2019, 4, 20),
                "findings_total": 3,
                "findings_open": 0,
                "last_closed_on": date(2019, 4, 15),
                "withdrawn": True,
            },
            PactStatus.WITHDRAWN,
            id="withdrawn-wins-even-over-fulfilled-late",
        ),
        pytest.param(
            {
                "deadline_on": None,
                "today": date(2030, 1, 1),
                "findings_total": 3,
                "findings_open": 3,
            },
            PactStatus.UNDATED,
            id="no-signing-date-never-overdue",
        ),
        pytest.param(
            {
                "deadline_on": None,
                "today": date(2030, 1, 1),
                "findings_total": 2,
                "findings_open": 0,
                "last_closed_on": date(2029, 6, 1),
            },
            PactStatus.FULFILLED,
            id="no-signing-date-all-closed-fulfilled",
        ),
        pytest.param(
            {"today": date(2019, 3, 1), "findings_total": 0, "findings_open": 0},
            PactStatus.ON_TRACK,
            id="zero-findings-follows-deadline-on-track",
        ),
        pytest.param(
            {"today": date(2019, 4, 1), "findings_total": 0, "findings_open": 0},
            PactStatus.DUE_SOON,
            id="zero-findings-follows-deadline-due-soon",
        ),
        pytest.param(
            {"today": date(2019, 4, 9), "findings_total": 0, "findings_open": 0},
            PactStatus.OVERDUE,
            id="zero-findings-not-fulfilled-overdue",
        ),
        pytest.param(
            {
                "today": date(2019, 3, 9),
                "findings_total": 3,
                "findings_open": 3,
                "due_soon_days": 30,
            },
            PactStatus.DUE_SOON,
            id="custom-due-soon-30-days-at-30-left",
        ),
        pytest.param(
            {
                "today": date(2019, 3, 8),
                "findings_total": 3,
                "findings_open": 3,
                "due_soon_days": 30,
            },
            PactStatus.ON_TRACK,
            id="custom-due-soon-30-days-at-31-left",
        ),
        pytest.param(
            {
                "today": date(2019, 4, 1),
                "findings_total": 3,
                "findings_open": 3,
                "due_soon_days": 0,
            },
            PactStatus.ON_TRACK,
            id="custom-due-soon-0-days-7-left-on-track",
        ),
        pytest.param(
            {
                "today": date(2019, 4, 8),
                "findings_total": 3,
                "findings_open": 3,
                "due_soon_days": 0,
            },
            PactStatus.DUE_SOON,
            id="custom-due-soon-0-days-only-deadline-day",
        ),
    ],
)
def test_pact_status_is_derived_from_deadline_findings_and_today(
    kwargs: dict[str, Any], expected: PactStatus
) -> None:
    arguments: dict[str, Any] = {
        "deadline_on": DEADLINE,
        "last_closed_on": None,
        "due_soon_days": DUE_SOON_DAYS,
        **kwargs,
    }
    assert pact_status(**arguments) == expected


def test_every_pact_status_is_reachable() -> None:
    def status(today: date, open_: int, closed_on: date | None = None, **kw: Any) -> PactStatus:
        return pact_status(
            deadline_on=kw.pop("deadline_on", DEADLINE),
            today=today,
            findings_total=2,
            findings_open=open_,
            last_closed_on=closed_on,
            due_soon_days=DUE_SOON_DAYS,
            **kw,
        )

    reached = {
        status(date(2019, 2, 1), 2),
        status(date(2019, 4, 1), 2),
        status(date(2019, 4, 9), 2),
        status(date(2019, 4, 9), 0, date(2019, 4, 8)),
        status(date(2019, 4, 9), 0, date(2019, 4, 9)),
        status(date(2019, 4, 9), 2, withdrawn=True),
        status(date(2019, 4, 9), 2, outcome=PactOutcome.REPRIMAND),
        status(date(2019, 4, 9), 2, outcome=PactOutcome.NOT_RECORDED),
        status(date(2019, 4, 9), 2, deadline_on=None),
    }
    assert reached == set(PactStatus)


@pytest.mark.parametrize("outcome", [o for o in PactOutcome if o is not PactOutcome.NOT_RECORDED])
def test_a_recorded_decision_ends_the_pact_whatever_its_findings(outcome: PactOutcome) -> None:
    for open_ in (0, 2):
        assert (
            pact_status(
                deadline_on=DEADLINE,
                today=date(2019, 6, 1),
                findings_total=2,
                findings_open=open_,
                last_closed_on=date(2019, 5, 1) if open_ == 0 else None,
                due_soon_days=DUE_SOON_DAYS,
                outcome=outcome,
            )
            is PactStatus.DECIDED
        )


def test_an_unrecorded_outcome_is_never_overdue_and_withdrawal_still_wins() -> None:
    def status(**kw: Any) -> PactStatus:
        return pact_status(
            deadline_on=DEADLINE,
            today=date(2026, 12, 5),
            findings_total=3,
            findings_open=3,
            last_closed_on=None,
            due_soon_days=DUE_SOON_DAYS,
            **kw,
        )

    assert status() is PactStatus.OVERDUE
    assert status(outcome=PactOutcome.NOT_RECORDED) is PactStatus.NOT_RECORDED
    assert status(outcome=PactOutcome.NOT_RECORDED, withdrawn=True) is PactStatus.WITHDRAWN


def _utc(year: int, month: int, day: int, hour: int, minute: int, tz: str) -> datetime:
    """An instant given as a local wall-clock time in ``tz``, returned in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz)).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "tz", "expected_today", "expected_left", "expected_status"),
    [
        pytest.param(
            _utc(2019, 4, 8, 23, 30, "Asia/Makassar"),
            "Asia/Makassar",
            date(2019, 4, 8),
            0,
            PactStatus.DUE_SOON,
            id="makassar-23:30-on-deadline-day-due-soon",
        ),
        pytest.param(
            _utc(2019, 4, 9, 0, 30, "Asia/Makassar"),
            "Asia/Makassar",
            date(2019, 4, 9),
            -1,
            PactStatus.OVERDUE,
            id="makassar-00:30-day-after-overdue",
        ),
        pytest.param(
            _utc(2019, 4, 9, 0, 0, "Asia/Makassar"),
            "Asia/Makassar",
            date(2019, 4, 9),
            -1,
            PactStatus.OVERDUE,
            id="makassar-overdue-from-00:00-local",
        ),
        pytest.param(
            _utc(2019, 4, 8, 23, 30, "Asia/Jakarta"),
            "Asia/Jakarta",
            date(2019, 4, 8),
            0,
            PactStatus.DUE_SOON,
            id="jakarta-23:30-on-deadline-day-due-soon",
        ),
        pytest.param(
            _utc(2019, 4, 9, 0, 30, "Asia/Jakarta"),
            "Asia/Jakarta",
            date(2019, 4, 9),
            -1,
            PactStatus.OVERDUE,
            id="jakarta-00:30-day-after-overdue",
        ),
        pytest.param(
            _utc(2019, 4, 8, 23, 30, "Asia/Jayapura"),
            "Asia/Jayapura",
            date(2019, 4, 8),
            0,
            PactStatus.DUE_SOON,
            id="jayapura-23:30-on-deadline-day-due-soon",
        ),
        pytest.param(
            _utc(2019, 4, 9, 0, 30, "Asia/Jayapura"),
            "Asia/Jayapura",
            date(2019, 4, 9),
            -1,
            PactStatus.OVERDUE,
            id="jayapura-00:30-day-after-overdue",
        ),
        pytest.param(
            _utc(2019, 4, 8, 23, 30, "Asia/Pontianak"),
            "Asia/Pontianak",
            date(2019, 4, 8),
            0,
            PactStatus.DUE_SOON,
            id="pontianak-23:30-on-deadline-day-due-soon",
        ),
        # 2019-04-08T16:30Z is one instant: already the 9th east of Jakarta, still the 8th in it.
        pytest.param(
            datetime(2019, 4, 8, 16, 30, tzinfo=UTC),
            "Asia/Makassar",
            date(2019, 4, 9),
            -1,
            PactStatus.OVERDUE,
            id="same-utc-instant-16:30Z-already-overdue-in-makassar",
        ),
        pytest.param(
            datetime(2019, 4, 8, 16, 30, tzinfo=UTC),
            "Asia/Jakarta",
            date(2019, 4, 8),
            0,
            PactStatus.DUE_SOON,
            id="same-utc-instant-16:30Z-still-due-soon-in-jakarta",
        ),
        pytest.param(
            datetime(2019, 4, 8, 16, 30, tzinfo=UTC),
            "Asia/Jayapura",
            date(2019, 4, 9),
            -1,
            PactStatus.OVERDUE,
            id="same-utc-instant-16:30Z-already-overdue-in-jayapura",
        ),
        pytest.param(
            datetime(2019, 4, 8, 15, 30, tzinfo=UTC),
            "Asia/Jayapura",
            date(2019, 4, 9),
            -1,
            PactStatus.OVERDUE,
            id="same-utc-instant-15:30Z-overdue-in-jayapura-only",
        ),
        pytest.param(
            datetime(2019, 4, 8, 15, 30, tzinfo=UTC),
            "Asia/Makassar",
            date(2019, 4, 8),
            0,
            PactStatus.DUE_SOON,
            id="same-utc-instant-15:30Z-still-due-soon-in-makassar",
        ),
    ],
)
def test_pact_turns_overdue_at_local_midnight_in_the_regencys_time_zone(
    now: datetime,
    tz: str,
    expected_today: date,
    expected_left: int,
    expected_status: PactStatus,
) -> None:
    assert now.utcoffset() is not None and now.utcoffset() == UTC.utcoffset(None)
    today = local_today(now, tz)
    assert today == expected_today
    assert days_left(DEADLINE, today) == expected_left
    status = pact_status(
        deadline_on=DEADLINE,
        today=today,
        findings_total=7,
        findings_open=2,
        last_closed_on=None,
        due_soon_days=DUE_SOON_DAYS,
    )
    assert status == expected_status
