"""Pure rules for accounts: login slow-down and password quality."""

from __future__ import annotations

from datetime import datetime, timedelta

FREE_ATTEMPTS = 3
MAX_DELAY = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
# A token's last use is noted to this precision: a busy integration does not write on every call.
TOKEN_USE_PRECISION = timedelta(minutes=5)


def login_delay(failed_logins: int) -> timedelta:
    """Return how long an account waits before the next attempt after ``failed_logins`` failures.

    The first few mistakes cost nothing; then the wait doubles from 2 seconds up to 15 minutes.
    """
    if failed_logins < FREE_ATTEMPTS:
        return timedelta(0)
    seconds = 2 ** (failed_logins - FREE_ATTEMPTS + 1)
    return timedelta(seconds=min(seconds, MAX_DELAY.total_seconds()))


def next_login_allowed_at(failed_logins: int, last_failed_at: datetime | None) -> datetime | None:
    """Return when the account may try again, or None if it may try now."""
    if last_failed_at is None:
        return None
    delay = login_delay(failed_logins)
    return last_failed_at + delay if delay else None


def password_problem(password: str, *, email: str) -> str | None:
    """Return why a password is too weak, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if password.lower() in {email.lower(), email.split("@")[0].lower()}:
        return "same_as_email"
    if len(set(password)) < 4:
        return "too_simple"
    return None


def token_use_is_news(last_used_at: datetime | None, now: datetime) -> bool:
    """Tell whether a token's use at ``now`` changes its noted last use (at TOKEN_USE_PRECISION)."""
    return last_used_at is None or now - last_used_at >= TOKEN_USE_PRECISION
