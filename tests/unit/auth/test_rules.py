"""Account rules: login failures filling and draining, sessions lapsing, weak passwords."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.auth.rules import (
    admitted_drain,
    login_wait,
    password_problem,
    session_expired,
    token_use_is_news,
)

FAILED_AT = datetime(2019, 3, 25, 1, 0, tzinfo=UTC)


INTERVAL = timedelta(minutes=10)
FREE = 5


def _pour(drains_at: datetime | None, at: datetime) -> datetime | None:
    return admitted_drain(drains_at, at, free_attempts=FREE, interval=INTERVAL)


@pytest.mark.parametrize(
    ("drains_at", "now", "after"),
    [
        pytest.param(None, FAILED_AT, FAILED_AT + INTERVAL, id="first-failure-fills-one"),
        pytest.param(
            FAILED_AT - timedelta(hours=3), FAILED_AT, FAILED_AT + INTERVAL, id="drained-long-ago"
        ),
        pytest.param(FAILED_AT, FAILED_AT, FAILED_AT + INTERVAL, id="just-drained"),
        pytest.param(
            FAILED_AT + 3 * INTERVAL, FAILED_AT, FAILED_AT + 4 * INTERVAL, id="three-held-fourth-in"
        ),
        pytest.param(
            FAILED_AT + 4 * INTERVAL, FAILED_AT, FAILED_AT + 5 * INTERVAL, id="fifth-fills-it"
        ),
        pytest.param(FAILED_AT + 5 * INTERVAL, FAILED_AT, None, id="full-sixth-waits"),
        pytest.param(
            FAILED_AT + 5 * INTERVAL - timedelta(seconds=1),
            FAILED_AT,
            None,
            id="one-second-leaked-still-waits",
        ),
        pytest.param(FAILED_AT + 50 * INTERVAL, FAILED_AT, None, id="overfull-from-old-data"),
    ],
)
def test_each_failure_fills_the_bucket_by_one_interval_up_to_the_free_attempts(
    drains_at: datetime | None, now: datetime, after: datetime | None
) -> None:
    assert _pour(drains_at, now) == after


def test_five_failures_in_a_row_pass_and_the_sixth_waits_one_interval() -> None:
    drains_at = None
    for _ in range(FREE):
        drains_at = _pour(drains_at, FAILED_AT)
        assert drains_at is not None
    assert _pour(drains_at, FAILED_AT) is None
    wait = login_wait(drains_at, FAILED_AT, free_attempts=FREE, interval=INTERVAL)
    assert wait == INTERVAL
    assert _pour(drains_at, FAILED_AT + wait - timedelta(seconds=1)) is None
    assert _pour(drains_at, FAILED_AT + wait) is not None


@pytest.mark.parametrize(
    "every",
    [
        pytest.param(INTERVAL, id="one-try-per-interval"),
        pytest.param(timedelta(minutes=15), id="one-try-per-15-minutes"),
        pytest.param(timedelta(hours=1), id="one-try-per-hour"),
    ],
)
def test_a_trickle_no_faster_than_the_interval_never_fills_more_than_one(every: timedelta) -> None:
    # A stranger's slow guesses for three days: the owner always has four attempts left.
    drains_at: datetime | None = None
    at = FAILED_AT
    for _ in range(int(timedelta(days=3) / every)):
        drains_at = _pour(drains_at, at)
        assert drains_at is not None
        assert drains_at - at <= INTERVAL
        at += every


@pytest.mark.parametrize(
    ("drains_at", "now", "wait"),
    [
        pytest.param(None, FAILED_AT, timedelta(0), id="never-failed"),
        pytest.param(FAILED_AT + 4 * INTERVAL, FAILED_AT, timedelta(0), id="one-free-left"),
        pytest.param(FAILED_AT + 5 * INTERVAL, FAILED_AT, INTERVAL, id="full"),
        pytest.param(
            FAILED_AT + 5 * INTERVAL,
            FAILED_AT + timedelta(minutes=4),
            timedelta(minutes=6),
            id="full-four-minutes-ago",
        ),
        pytest.param(FAILED_AT - INTERVAL, FAILED_AT, timedelta(0), id="drained"),
    ],
)
def test_login_wait_says_when_the_next_attempt_fits(
    drains_at: datetime | None, now: datetime, wait: timedelta
) -> None:
    assert login_wait(drains_at, now, free_attempts=FREE, interval=INTERVAL) == wait


IDLE = timedelta(hours=2)
MAX_AGE = timedelta(hours=12)


@pytest.mark.parametrize(
    ("last_seen", "now", "expired"),
    [
        pytest.param(None, FAILED_AT + timedelta(hours=1), False, id="fresh"),
        pytest.param(None, FAILED_AT + IDLE, False, id="idle-exactly-two-hours"),
        pytest.param(None, FAILED_AT + IDLE + timedelta(seconds=1), True, id="idle-too-long"),
        pytest.param(
            FAILED_AT + timedelta(hours=9),
            FAILED_AT + timedelta(hours=10),
            False,
            id="busy-for-ten-hours",
        ),
        pytest.param(
            FAILED_AT + timedelta(hours=11, minutes=59),
            FAILED_AT + MAX_AGE + timedelta(seconds=1),
            True,
            id="busy-but-past-the-absolute-limit",
        ),
        pytest.param(
            FAILED_AT - timedelta(days=1),
            FAILED_AT + timedelta(hours=1),
            False,
            id="a-seen-time-before-the-start-counts-as-the-start",
        ),
    ],
)
def test_a_session_lapses_when_idle_too_long_or_too_old(
    last_seen: datetime | None, now: datetime, expired: bool
) -> None:
    assert session_expired(FAILED_AT, last_seen, now, idle=IDLE, absolute=MAX_AGE) is expired


@pytest.mark.parametrize(
    ("password", "email", "problem"),
    [
        pytest.param("", "budi@uji.go.id", "too_short", id="empty"),
        pytest.param("abc123xyz", "budi@uji.go.id", "too_short", id="nine-characters"),
        pytest.param("abc123xyz!", "budi@uji.go.id", None, id="ten-characters-ok"),
        pytest.param(
            "budi.santoso@uji.go.id", "budi.santoso@uji.go.id", "same_as_email", id="the-email"
        ),
        pytest.param(
            "Budi.Santoso@Uji.go.id",
            "budi.santoso@uji.go.id",
            "same_as_email",
            id="the-email-in-other-case",
        ),
        pytest.param(
            "budi.santoso", "budi.santoso@uji.go.id", "same_as_email", id="the-local-part"
        ),
        pytest.param("aaaaaaaaaaaa", "budi@uji.go.id", "too_simple", id="one-character"),
        pytest.param("abababababab", "budi@uji.go.id", "too_simple", id="two-characters"),
        pytest.param("abcabcabcabc", "budi@uji.go.id", "too_simple", id="three-characters"),
        pytest.param("abcdabcdabcd", "budi@uji.go.id", None, id="four-characters-ok"),
        pytest.param("pantau-demo-2024", "admin@paser.demo", None, id="the-demo-password"),
        pytest.param("kata sandi panjang", "budi@uji.go.id", None, id="a-passphrase"),
    ],
)
def test_password_problem_names_what_is_wrong(
    password: str, email: str, problem: str | None
) -> None:
    assert password_problem(password, email=email) == problem


@pytest.mark.parametrize(
    ("last_used_at", "used_at", "news"),
    [
        pytest.param(None, FAILED_AT, True, id="first-use"),
        pytest.param(FAILED_AT, FAILED_AT + timedelta(seconds=1), False, id="a-second-later"),
        pytest.param(FAILED_AT, FAILED_AT + timedelta(minutes=4, seconds=59), False, id="4m59s"),
        pytest.param(FAILED_AT, FAILED_AT + timedelta(minutes=5), True, id="five-minutes-later"),
        pytest.param(FAILED_AT, FAILED_AT + timedelta(days=3), True, id="days-later"),
    ],
)
def test_a_tokens_use_is_noted_to_five_minutes(
    last_used_at: datetime | None, used_at: datetime, news: bool
) -> None:
    # A busy integration calling every second writes its token's row once per five minutes.
    assert token_use_is_news(last_used_at, used_at) is news
