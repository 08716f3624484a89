"""Pure rules for accounts: login slow-down, session lifetimes and password quality."""

from __future__ import annotations

from datetime import datetime, timedelta

MIN_PASSWORD_LENGTH = 10
# A token's last use, and a login session's last request, are noted to this precision: a busy
# integration or an active browser does not write on every call.
TOKEN_USE_PRECISION = timedelta(minutes=5)


def admitted_drain(
    drains_at: datetime | None, now: datetime, *, free_attempts: int, interval: timedelta
) -> datetime | None:
    """Count a login attempt at ``now`` against a leaky bucket; return its new drain time, or
    None when the attempt must wait.

    Each attempt pours one ``interval`` into the bucket, which empties at real speed (at
    ``drains_at`` every attempt counted is forgotten): ``free_attempts`` in a row pass, then one
    more per ``interval``. A guesser slower than one try per ``interval`` never fills it, so a
    stranger's trickle never keeps the owner out.
    """
    start = drains_at if drains_at is not None and drains_at > now else now
    drained = start + interval
    if drained - now > interval * free_attempts:
        return None
    return drained


def login_wait(
    drains_at: datetime | None, now: datetime, *, free_attempts: int, interval: timedelta
) -> timedelta:
    """Return how long the next attempt must wait (zero: it may be made now)."""
    if drains_at is None:
        return timedelta(0)
    return max(timedelta(0), drains_at - interval * (free_attempts - 1) - now)


def session_expired(
    created_at: datetime,
    last_seen_at: datetime | None,
    now: datetime,
    *,
    idle: timedelta,
    absolute: timedelta,
) -> bool:
    """Tell whether a login session has lapsed: idle for longer than ``idle`` (its last request
    is noted to TOKEN_USE_PRECISION), or older than ``absolute`` whatever its use."""
    seen = last_seen_at if last_seen_at is not None and last_seen_at > created_at else created_at
    return now - created_at > absolute or now - seen > idle


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
