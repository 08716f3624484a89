"""What each due notice carries: the instant it fell due, its step, its key, in the regency's zone.

The sweep stores these fields and the letters print them ("7 days left", "rung 2"), so a notice
with the right kind but the wrong instant, step or key is a wrong letter or a duplicate one.
Found by `make mutation`: these tests kill mutants the older tests let live.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tracker.notifications.models import NoticeKind
from tracker.notifications.rules import (
    DueNotice,
    PactFacts,
    backoff,
    digest_due,
    due_for_pact,
    escalations_due,
    fulfilment_due,
    moment,
    reminder_due,
)

MAKASSAR = "Asia/Makassar"  # WITA, UTC+8
JAYAPURA = "Asia/Jayapura"  # WIT, UTC+9: 08:00 local is 23:00 UTC the day before
DEADLINE = date(2025, 2, 28)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_a_reminder_carries_its_instant_step_and_key() -> None:
    due = reminder_due(
        pact_id=7,
        deadline_on=DEADLINE,
        tz=MAKASSAR,
        now=at("2025-02-22T10:00:00+08:00"),
        unfulfilled=True,
    )
    assert due == DueNotice(
        kind=NoticeKind.REMINDER_7D,
        key="reminder-7d:pact:7:2025-02-28",
        due_on=date(2025, 2, 21),
        due_at=at("2025-02-21T08:00:00+08:00"),
        step=7,
    )


def test_rungs_carry_their_instants_steps_and_keys() -> None:
    due = escalations_due(
        pact_id=7,
        deadline_on=DEADLINE,
        tz=MAKASSAR,
        now=at("2025-03-30T08:00:00+08:00"),
        recorded_at=at("2024-11-30T09:00:00+08:00"),
        unfulfilled=True,
    )
    assert due == [
        DueNotice(
            kind=NoticeKind.ESCALATION_1,
            key="escalation-1:pact:7:2025-02-28",
            due_on=date(2025, 3, 1),
            due_at=at("2025-03-01T08:00:00+08:00"),
            step=1,
        ),
        DueNotice(
            kind=NoticeKind.ESCALATION_2,
            key="escalation-2:pact:7:2025-02-28",
            due_on=date(2025, 3, 14),
            due_at=at("2025-03-14T08:00:00+08:00"),
            step=2,
        ),
        DueNotice(
            kind=NoticeKind.ESCALATION_3,
            key="escalation-3:pact:7:2025-02-28",
            due_on=date(2025, 3, 30),
            due_at=at("2025-03-30T08:00:00+08:00"),
            step=3,
        ),
    ]


def test_rung_1_in_papua_falls_due_at_08_wit_while_utc_is_still_on_the_deadline_day() -> None:
    # 08:30 WIT on 1 March is 23:30 UTC on 28 February: late in Jayapura, not yet in UTC.
    due = escalations_due(
        pact_id=7,
        deadline_on=DEADLINE,
        tz=JAYAPURA,
        now=at("2025-03-01T08:30:00+09:00"),
        recorded_at=at("2024-11-30T09:00:00+09:00"),
        unfulfilled=True,
    )
    assert [(n.kind, n.due_on) for n in due] == [(NoticeKind.ESCALATION_1, date(2025, 3, 1))]


def test_a_rung_falling_due_the_instant_the_pact_is_recorded_is_sent_with_the_later_ones() -> None:
    # Recorded exactly at rung 2's moment: rung 1 fell due before (collapsed to itself, the
    # highest before), rung 2 and 3 after, so all three are sent.
    due = escalations_due(
        pact_id=7,
        deadline_on=DEADLINE,
        tz=MAKASSAR,
        now=at("2025-03-30T09:00:00+08:00"),
        recorded_at=at("2025-03-14T08:00:00+08:00"),
        unfulfilled=True,
    )
    assert [n.step for n in due] == [1, 2, 3]


def test_a_fulfilment_notice_carries_the_closing_instant_and_its_local_day() -> None:
    # 23:30 WIT on 10 February is 14:30 UTC: the local day is the 10th in Jayapura too, but
    # 00:30 WIT on the 11th is still the 10th in UTC.
    closed = at("2025-02-11T00:30:00+09:00")
    due = fulfilment_due(
        pact_id=7,
        fulfilled=True,
        withdrawn=False,
        last_closed_at=closed,
        recorded_at=at("2024-11-30T09:00:00+09:00"),
        tz=JAYAPURA,
    )
    assert due == DueNotice(
        kind=NoticeKind.FULFILLED,
        key="fulfilled:pact:7",
        due_on=date(2025, 2, 11),
        due_at=closed,
    )


def test_no_fulfilment_notice_while_a_finding_is_open_again_after_a_closing() -> None:
    due = fulfilment_due(
        pact_id=7,
        fulfilled=False,
        withdrawn=False,
        last_closed_at=at("2025-02-10T10:00:00+08:00"),
        recorded_at=at("2024-11-30T09:00:00+08:00"),
        tz=MAKASSAR,
    )
    assert due is None


def test_a_closing_at_the_instant_of_recording_was_seen_here() -> None:
    instant = at("2025-02-10T10:00:00+08:00")
    due = fulfilment_due(
        pact_id=7,
        fulfilled=True,
        withdrawn=False,
        last_closed_at=instant,
        recorded_at=instant,
        tz=MAKASSAR,
    )
    assert due is not None
    assert due.due_at == instant


@pytest.mark.parametrize(
    ("now", "monday"),
    [
        # Monday 08:30 WIT is Sunday 23:30 UTC: this Monday's digest, by Jayapura's calendar.
        pytest.param("2024-12-02T08:30:00+09:00", date(2024, 12, 2), id="monday-08-30-wit"),
        pytest.param("2024-12-02T07:30:00+09:00", date(2024, 11, 25), id="monday-07-30-wit"),
    ],
)
def test_the_digest_follows_the_regencys_calendar(now: str, monday: date) -> None:
    due = digest_due(regency_id=3, tz=JAYAPURA, now=at(now))
    assert due == DueNotice(
        kind=NoticeKind.DIGEST,
        key=f"digest:regency:3:{monday.isoformat()}",
        due_on=monday,
        due_at=moment(monday, JAYAPURA),
    )


def test_a_regency_recorded_at_the_very_moment_of_its_monday_gets_that_digest() -> None:
    monday_08 = at("2024-12-02T08:00:00+08:00")
    due = digest_due(
        regency_id=3, tz=MAKASSAR, now=at("2024-12-03T09:00:00+08:00"), since=monday_08
    )
    assert due is not None
    assert due.due_at == monday_08


def test_the_notice_moment_is_a_utc_instant_whatever_the_servers_zone() -> None:
    # scripts/mutation.sh runs the tests with TZ=America/Sao_Paulo: the process zone is not UTC.
    instant = moment(date(2025, 3, 1), MAKASSAR)
    assert instant.utcoffset() == timedelta(0)
    assert instant.isoformat() == "2025-03-01T00:00:00+00:00"


def test_due_for_pact_gives_the_whole_reminder_and_rungs_of_that_pact() -> None:
    facts = PactFacts(
        pact_id=9,
        timezone=MAKASSAR,
        deadline_on=DEADLINE,
        recorded_at=at("2024-11-30T09:00:00+08:00"),
        findings_total=2,
        findings_open=1,
    )
    before = due_for_pact(facts, at("2025-02-27T09:00:00+08:00"))
    assert before == [
        DueNotice(
            kind=NoticeKind.REMINDER_1D,
            key="reminder-1d:pact:9:2025-02-28",
            due_on=date(2025, 2, 27),
            due_at=at("2025-02-27T08:00:00+08:00"),
            step=1,
        )
    ]
    late = due_for_pact(facts, at("2025-03-01T09:00:00+08:00"))
    assert [n.key for n in late] == ["escalation-1:pact:9:2025-02-28"]
    # Withdrawn, a pact gets nothing, fulfilment notice included.
    closed = at("2025-02-20T09:00:00+08:00")
    withdrawn = PactFacts(
        pact_id=9,
        timezone=MAKASSAR,
        deadline_on=DEADLINE,
        recorded_at=facts.recorded_at,
        findings_total=2,
        findings_open=0,
        last_closed_at=closed,
        withdrawn=True,
    )
    assert due_for_pact(withdrawn, at("2025-02-20T10:00:00+08:00")) == []
    done = PactFacts(
        pact_id=9,
        timezone=MAKASSAR,
        deadline_on=DEADLINE,
        recorded_at=facts.recorded_at,
        findings_total=2,
        findings_open=0,
        last_closed_at=closed,
    )
    assert [n.key for n in due_for_pact(done, at("2025-02-20T10:00:00+08:00"))] == [
        "fulfilled:pact:9"
    ]


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 60), (1, 60), (2, 120), (3, 240), (4, 480), (5, 900), (30, 900), (10_000, 900)],
)
def test_an_unsent_notice_waits_twice_as_long_each_try_up_to_the_cap(
    attempts: int, seconds: int
) -> None:
    assert backoff(attempts, base_seconds=60, max_seconds=900) == timedelta(seconds=seconds)


def test_the_wait_never_exceeds_the_cap_even_with_a_huge_base() -> None:
    # 21 tries with a 1 s base would be 2**20 s (12 days) uncapped at the exponent; the cap wins.
    assert backoff(21, base_seconds=1, max_seconds=3_600) == timedelta(seconds=3_600)
    assert backoff(22, base_seconds=1, max_seconds=10**9) == timedelta(seconds=2**20)


def test_no_reminder_once_the_deadline_day_is_over_in_papua() -> None:
    # 00:30 WIT on 1 March is still 28 February in UTC (and further west): the day is over
    # in Jayapura, so no more "1 day left".
    due = reminder_due(
        pact_id=7,
        deadline_on=DEADLINE,
        tz=JAYAPURA,
        now=at("2025-03-01T00:30:00+09:00"),
        unfulfilled=True,
    )
    assert due is None


def test_a_naive_instant_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match=r"^the notice rules need a time-zone aware instant$"):
        digest_due(regency_id=3, tz=MAKASSAR, now=datetime(2025, 2, 1, 8))  # noqa: DTZ001
