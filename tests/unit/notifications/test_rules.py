"""When reminders, escalation rungs, fulfilment notices and digests fall due, and their keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.notifications.models import NoticeKind
from tracker.notifications.rules import (
    PactFacts,
    digest_due,
    digest_key,
    due_for_pact,
    escalation_key,
    escalations_due,
    fulfilment_due,
    fulfilment_key,
    language_key,
    moment,
    reminder_due,
    reminder_key,
)

MAKASSAR = "Asia/Makassar"  # WITA, UTC+8
JAKARTA = "Asia/Jakarta"  # WIB, UTC+7
JAYAPURA = "Asia/Jayapura"  # WIT, UTC+9
# The pact of the timeline test: signed 2024-11-30, three months -> 2025-02-28 (clamped).
DEADLINE = date(2025, 2, 28)


def at(text: str) -> datetime:
    """Parse a local instant written with its offset."""
    return datetime.fromisoformat(text).astimezone(UTC)


def reminder(now: str, *, deadline_on: date | None = DEADLINE, tz: str = MAKASSAR, open_=True):
    return reminder_due(pact_id=7, deadline_on=deadline_on, tz=tz, now=at(now), unfulfilled=open_)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param("2025-01-29T07:59:59+08:00", None, id="30d-one-second-before-08-local"),
        pytest.param("2025-01-29T08:00:00+08:00", ("reminder-30d", "2025-01-29"), id="30d-at-08"),
        pytest.param("2025-02-13T23:00:00+08:00", ("reminder-30d", "2025-01-29"), id="30d-still"),
        pytest.param("2025-02-14T08:00:00+08:00", ("reminder-14d", "2025-02-14"), id="14d-at-08"),
        pytest.param("2025-02-21T08:30:00+08:00", ("reminder-7d", "2025-02-21"), id="7d"),
        pytest.param("2025-02-27T08:00:00+08:00", ("reminder-1d", "2025-02-27"), id="1d"),
        pytest.param(
            "2025-02-28T23:59:00+08:00", ("reminder-1d", "2025-02-27"), id="deadline-day-23:59"
        ),
        pytest.param("2025-03-01T00:00:00+08:00", None, id="none-once-the-deadline-day-is-over"),
        pytest.param("2024-12-30T12:00:00+08:00", None, id="none-more-than-30-days-before"),
        pytest.param(
            "2025-02-25T10:00:00+08:00",
            ("reminder-7d", "2025-02-21"),
            id="after-downtime-only-the-most-recent-missed",
        ),
    ],
)
def test_reminder_due_at_08_local_most_recent_only(
    now: str, expected: tuple[str, str] | None
) -> None:
    due = reminder(now)
    if expected is None:
        assert due is None
    else:
        assert due is not None
        assert (due.kind.value, due.due_on.isoformat()) == expected
        assert due.key == f"{expected[0]}:pact:7:2025-02-28"


def test_reminder_moment_follows_the_regencys_zone_not_utc() -> None:
    # 08:00 WIT in Jayapura is 07:00 WITA and 06:00 WIB: the same UTC instant is 23:00 UTC.
    due = reminder("2025-01-29T08:00:00+09:00", tz=JAYAPURA)
    assert due is not None and due.kind is NoticeKind.REMINDER_30D
    assert reminder("2025-01-29T07:59:00+09:00", tz=JAYAPURA) is None
    # The same instant is only 06:00 in Jakarta: not yet due there.
    assert reminder("2025-01-29T08:00:00+09:00", tz=JAKARTA) is None
    assert moment(date(2025, 1, 29), JAKARTA) == at("2025-01-29T08:00:00+07:00")


@pytest.mark.parametrize(
    ("deadline_on", "open_"),
    [
        pytest.param(None, True, id="no-deadline-no-reminder"),
        pytest.param(DEADLINE, False, id="fulfilled-or-withdrawn-no-reminder"),
    ],
)
def test_no_reminder_without_deadline_or_once_fulfilled(
    deadline_on: date | None, open_: bool
) -> None:
    assert reminder("2025-02-27T09:00:00+08:00", deadline_on=deadline_on, open_=open_) is None


def test_extended_deadline_gives_reminders_against_the_new_date() -> None:
    extended = date(2025, 3, 31)
    # 14 days before the old deadline: the new one is 45 days away, nothing due.
    assert reminder("2025-02-14T09:00:00+08:00", deadline_on=extended) is None
    due = reminder("2025-03-01T08:00:00+08:00", deadline_on=extended)
    assert due is not None
    assert due.key == "reminder-30d:pact:7:2025-03-31"
    assert due.key != reminder_key(30, 7, DEADLINE)


def rungs(now: str, *, recorded: str = "2024-11-30T09:00:00+08:00", open_: bool = True):
    due = escalations_due(
        pact_id=7,
        deadline_on=DEADLINE,
        tz=MAKASSAR,
        now=at(now),
        recorded_at=at(recorded),
        unfulfilled=open_,
    )
    return [(n.kind.value, n.due_on.isoformat()) for n in due]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param("2025-02-28T23:59:00+08:00", [], id="deadline-day-is-in-time"),
        pytest.param("2025-03-01T07:59:00+08:00", [], id="day-1-before-08"),
        pytest.param(
            "2025-03-01T08:00:00+08:00", [("escalation-1", "2025-03-01")], id="rung-1-day-1-08"
        ),
        pytest.param(
            "2025-03-14T08:00:00+08:00",
            [("escalation-1", "2025-03-01"), ("escalation-2", "2025-03-14")],
            id="rung-2-day-14",
        ),
        pytest.param(
            "2025-03-30T08:00:00+08:00",
            [
                ("escalation-1", "2025-03-01"),
                ("escalation-2", "2025-03-14"),
                ("escalation-3", "2025-03-30"),
            ],
            id="rung-3-day-30",
        ),
        pytest.param(
            "2025-05-01T10:00:00+08:00",
            [
                ("escalation-1", "2025-03-01"),
                ("escalation-2", "2025-03-14"),
                ("escalation-3", "2025-03-30"),
            ],
            id="missed-rungs-are-all-still-due",
        ),
    ],
)
def test_escalation_rungs_fall_due_at_1_14_30_days_overdue(
    now: str, expected: list[tuple[str, str]]
) -> None:
    assert rungs(now) == expected


@pytest.mark.parametrize(
    ("recorded", "now", "expected"),
    [
        pytest.param(
            "2025-03-20T10:00:00+08:00",
            "2025-03-20T10:00:00+08:00",
            [("escalation-2", "2025-03-14")],
            id="recorded-19-days-overdue-gets-rung-2-only",
        ),
        pytest.param(
            "2025-03-20T10:00:00+08:00",
            "2025-03-30T08:00:00+08:00",
            [("escalation-2", "2025-03-14"), ("escalation-3", "2025-03-30")],
            id="rungs-after-recording-are-all-sent",
        ),
        pytest.param(
            "2025-06-01T10:00:00+08:00",
            "2025-06-01T10:00:00+08:00",
            [("escalation-3", "2025-03-30")],
            id="imported-long-overdue-gets-current-rung-once",
        ),
    ],
)
def test_rungs_before_the_pact_was_recorded_collapse_to_the_highest(
    recorded: str, now: str, expected: list[tuple[str, str]]
) -> None:
    assert rungs(now, recorded=recorded) == expected


def test_no_escalation_once_fulfilled_or_withdrawn() -> None:
    assert rungs("2025-04-01T09:00:00+08:00", open_=False) == []


def test_escalation_key_carries_the_missed_deadline() -> None:
    assert escalation_key(2, 7, DEADLINE) == "escalation-2:pact:7:2025-02-28"


def test_fulfilment_due_once_the_last_finding_closed_while_tracked() -> None:
    closed = at("2025-02-10T23:30:00+08:00")
    due = fulfilment_due(
        pact_id=7,
        fulfilled=True,
        withdrawn=False,
        last_closed_at=closed,
        recorded_at=at("2024-11-30T09:00:00+08:00"),
        tz=MAKASSAR,
    )
    assert due is not None
    assert due.key == fulfilment_key(7) == "fulfilled:pact:7"
    # The local day of the closing, not UTC's (15:30 UTC on the 10th is still the 10th in WITA).
    assert due.due_on == date(2025, 2, 10)


@pytest.mark.parametrize(
    ("fulfilled", "withdrawn", "closed", "recorded"),
    [
        pytest.param(False, False, None, "2024-11-30T09:00:00+08:00", id="findings-still-open"),
        pytest.param(True, True, "2025-02-10", "2024-11-30T09:00:00+08:00", id="withdrawn"),
        pytest.param(
            True, False, "2019-04-01", "2024-11-30T09:00:00+08:00", id="closed-pre-import"
        ),
    ],
)
def test_no_fulfilment_notice(
    fulfilled: bool, withdrawn: bool, closed: str | None, recorded: str
) -> None:
    due = fulfilment_due(
        pact_id=7,
        fulfilled=fulfilled,
        withdrawn=withdrawn,
        last_closed_at=at(closed + "T10:00:00+08:00") if closed else None,
        recorded_at=at(recorded),
        tz=MAKASSAR,
    )
    assert due is None


@pytest.mark.parametrize(
    ("now", "monday"),
    [
        pytest.param("2024-12-02T08:00:00+08:00", "2024-12-02", id="monday-08-local"),
        pytest.param("2024-12-02T07:59:00+08:00", "2024-11-25", id="monday-before-08-last-week"),
        pytest.param("2024-12-08T23:00:00+08:00", "2024-12-02", id="sunday-night"),
        pytest.param("2024-12-05T12:00:00+08:00", "2024-12-02", id="after-downtime-most-recent"),
    ],
)
def test_digest_on_the_most_recent_monday_08_local(now: str, monday: str) -> None:
    due = digest_due(regency_id=3, tz=MAKASSAR, now=at(now))
    assert due is not None
    assert due.kind is NoticeKind.DIGEST
    assert due.due_on.isoformat() == monday
    assert due.key == digest_key(3, date.fromisoformat(monday))
    assert due.key == f"digest:regency:3:{monday}"


def test_no_digest_for_a_monday_before_the_regency_existed() -> None:
    since = at("2024-11-30T09:00:00+08:00")
    assert (
        digest_due(regency_id=3, tz=MAKASSAR, now=at("2024-12-01T09:00:00+08:00"), since=since)
        is None
    )
    assert digest_due(regency_id=3, tz=MAKASSAR, now=at("2024-12-02T08:00:00+08:00"), since=since)


def test_language_key_suffix_for_languages_other_than_indonesian() -> None:
    assert language_key("reminder-14d:pact:7:2025-02-28", "id") == "reminder-14d:pact:7:2025-02-28"
    assert (
        language_key("reminder-14d:pact:7:2025-02-28", "en") == "reminder-14d:pact:7:2025-02-28:en"
    )


def facts(**changes: object) -> PactFacts:
    base: dict[str, object] = {
        "pact_id": 7,
        "timezone": MAKASSAR,
        "deadline_on": DEADLINE,
        "recorded_at": at("2024-11-30T09:00:00+08:00"),
        "findings_total": 2,
        "findings_open": 1,
    }
    base.update(changes)
    return PactFacts(**base)  # type: ignore[arg-type]


def test_due_for_pact_combines_the_rules() -> None:
    now = at("2025-03-14T09:00:00+08:00")
    kinds = [n.kind.value for n in due_for_pact(facts(), now)]
    assert kinds == ["escalation-1", "escalation-2"]
    assert due_for_pact(facts(withdrawn=True), now) == []
    closed = now - timedelta(hours=1)
    done = due_for_pact(facts(findings_open=0, last_closed_at=closed), now)
    assert [n.kind.value for n in done] == ["fulfilled"]


def test_pact_without_findings_is_judged_on_its_deadline_alone() -> None:
    empty = facts(findings_total=0, findings_open=0)
    assert not empty.fulfilled
    kinds = [n.kind.value for n in due_for_pact(empty, at("2025-03-01T08:00:00+08:00"))]
    assert kinds == ["escalation-1"]


def test_naive_instant_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        reminder_due(
            pact_id=1,
            deadline_on=DEADLINE,
            tz=MAKASSAR,
            now=datetime(2025, 2, 1, 8),  # noqa: DTZ001 - the point of the test
            unfulfilled=True,
        )


def test_moment_is_08_local_as_utc() -> None:
    assert moment(date(2025, 3, 1), ZoneInfo(MAKASSAR)) == datetime(2025, 3, 1, 0, tzinfo=UTC)
