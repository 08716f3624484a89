"""Account rules: how long repeated login failures wait, and which passwords are too weak."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.auth.rules import (
    login_delay,
    next_login_allowed_at,
    password_problem,
    token_use_is_news,
)

FAILED_AT = datetime(2019, 3, 25, 1, 0, tzinfo=UTC)
FIFTEEN_MINUTES = timedelta(minutes=15)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [
        pytest.param(0, timedelta(0), id="no-failures-no-wait"),
        pytest.param(1, timedelta(0), id="one-typo-free"),
        pytest.param(2, timedelta(0), id="two-typos-free"),
        pytest.param(3, timedelta(seconds=2), id="third-failure-2s"),
        pytest.param(4, timedelta(seconds=4), id="doubles-to-4s"),
        pytest.param(5, timedelta(seconds=8), id="doubles-to-8s"),
        pytest.param(6, timedelta(seconds=16), id="doubles-to-16s"),
        pytest.param(10, timedelta(seconds=256), id="ten-failures-256s"),
        pytest.param(11, timedelta(seconds=512), id="last-step-under-the-cap"),
        pytest.param(12, FIFTEEN_MINUTES, id="capped-at-15-minutes"),
        pytest.param(30, FIFTEEN_MINUTES, id="thirty-failures-still-15-minutes"),
        # A patient guesser (one try per 15 minutes) reaches this in a day: no overflow, no 500.
        pytest.param(100, FIFTEEN_MINUTES, id="hundred-failures-still-15-minutes"),
        pytest.param(10_000, FIFTEEN_MINUTES, id="ten-thousand-failures-still-15-minutes"),
    ],
)
def test_login_delay_is_free_for_two_typos_then_doubles_up_to_15_minutes(
    failures: int, delay: timedelta
) -> None:
    assert login_delay(failures) == delay


@pytest.mark.parametrize(
    ("failures", "last_failed_at", "allowed_at"),
    [
        pytest.param(0, None, None, id="never-failed"),
        pytest.param(2, FAILED_AT, None, id="free-attempts-left"),
        pytest.param(3, FAILED_AT, FAILED_AT + timedelta(seconds=2), id="third-failure"),
        pytest.param(5, FAILED_AT, FAILED_AT + timedelta(seconds=8), id="fifth-failure"),
        pytest.param(50, FAILED_AT, FAILED_AT + FIFTEEN_MINUTES, id="many-failures"),
        pytest.param(3, None, None, id="count-without-a-time"),
    ],
)
def test_next_login_allowed_at_counts_from_the_last_failure(
    failures: int, last_failed_at: datetime | None, allowed_at: datetime | None
) -> None:
    assert next_login_allowed_at(failures, last_failed_at) == allowed_at


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
