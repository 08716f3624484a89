"""Pure rules of following a pact: a follower's state, the link secrets and the outbox keys.

Only SHA-256 digests of the link secrets are stored. The confirmation secret is random and
appears in one mail only. The unsubscribe secret must appear in every later mail, which the
sweep renders long after the request, so it is derived: HMAC-SHA256 of the follower id under
the app's SECRET_KEY (a rotated secret key makes old unsubscribe links unknown).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime
from enum import StrEnum

from tracker.followers.models import Follower

# The longest secret a link may carry (ours are 43 characters); longer is not worth hashing.
MAX_TOKEN_LENGTH = 100


class FollowerState(StrEnum):
    """Where a follower stands, derived from its timestamps and the instant."""

    PENDING = "pending"  # a confirmation link is out and still valid
    FOLLOWING = "following"  # confirmed and not unsubscribed: gets status mails
    EXPIRED = "expired"  # the link expired unconfirmed, or an unsubscribed follower's
    REFUSED = "refused"  # unsubscribed without ever confirming: never mailed again


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest stored for a link secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Return a fresh random link secret (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def unsubscribe_token(secret_key: str, follower_id: int) -> str:
    """Return a follower's unsubscribe secret: stable, so every mail can carry it."""
    mac = hmac.new(secret_key.encode(), f"follow-unsubscribe:{follower_id}".encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def follower_state(
    *,
    confirmed_at: datetime | None,
    unsubscribed_at: datetime | None,
    confirm_expires_at: datetime,
    now: datetime,
) -> FollowerState:
    """Derive a follower's state; a confirmation link is valid strictly before its expiry."""
    if confirmed_at is not None and unsubscribed_at is None:
        return FollowerState.FOLLOWING
    if now < confirm_expires_at:
        return FollowerState.PENDING
    if unsubscribed_at is not None and confirmed_at is None:
        return FollowerState.REFUSED
    return FollowerState.EXPIRED


def state_of(follower: Follower, now: datetime) -> FollowerState:
    """Derive the state of a stored follower."""
    return follower_state(
        confirmed_at=follower.confirmed_at,
        unsubscribed_at=follower.unsubscribed_at,
        confirm_expires_at=follower.confirm_expires_at,
        now=now,
    )


def confirm_key(follower_id: int, round_started: datetime | None = None) -> str:
    """Return the outbox key of a confirmation mail (a repeat request after expiry is dated)."""
    if round_started is None:
        return f"follow-confirm:{follower_id}"
    return f"follow-confirm:{follower_id}:{round_started.strftime('%Y%m%dT%H%M%S')}"


def status_key(follower_id: int, pact_id: int, status: str, local_day: date) -> str:
    """Return the outbox key of a status mail: one per follower, status and local day."""
    return f"follow-status:{follower_id}:{pact_id}:{status}:{local_day.isoformat()}"
