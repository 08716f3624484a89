"""Pure rules of following a pact: the follower's state, link secrets and outbox keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tracker.followers.rules import (
    FollowerState,
    confirm_key,
    follower_state,
    new_token,
    status_key,
    token_hash,
    unsubscribe_token,
)

NOW = datetime(2019, 3, 25, 1, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(hours=1)
LATER = NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("confirmed_at", "unsubscribed_at", "expires_at", "state"),
    [
        (None, None, LATER, FollowerState.PENDING),
        (None, None, NOW, FollowerState.EXPIRED),
        (None, None, EARLIER, FollowerState.EXPIRED),
        (EARLIER, None, EARLIER, FollowerState.FOLLOWING),
        (EARLIER, None, LATER, FollowerState.FOLLOWING),
        (EARLIER, NOW, EARLIER, FollowerState.EXPIRED),
        (EARLIER, EARLIER, LATER, FollowerState.PENDING),
        (None, EARLIER, EARLIER, FollowerState.REFUSED),
    ],
    ids=[
        "link-out-and-valid",
        "link-expires-at-this-instant",
        "link-expired-unconfirmed",
        "confirmed",
        "confirmed-before-the-link-would-expire",
        "left-after-confirming-may-ask-again",
        "left-then-asked-again-link-valid",
        "stopped-without-confirming-never-again",
    ],
)
def test_follower_state(
    confirmed_at: datetime | None,
    unsubscribed_at: datetime | None,
    expires_at: datetime,
    state: FollowerState,
) -> None:
    assert (
        follower_state(
            confirmed_at=confirmed_at,
            unsubscribed_at=unsubscribed_at,
            confirm_expires_at=expires_at,
            now=NOW,
        )
        is state
    )


def test_link_secrets_are_long_random_and_stored_only_as_a_digest() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) == 43 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)
    token = next(iter(tokens))
    assert len(token_hash(token)) == 64 and token not in token_hash(token)


def test_unsubscribe_secret_is_stable_per_follower_and_depends_on_the_secret_key() -> None:
    assert unsubscribe_token("key", 7) == unsubscribe_token("key", 7)
    assert unsubscribe_token("key", 7) != unsubscribe_token("key", 8)
    assert unsubscribe_token("key", 7) != unsubscribe_token("other-key", 7)
    assert len(unsubscribe_token("key", 7)) == 43


def test_outbox_keys() -> None:
    assert confirm_key(12) == "follow-confirm:12"
    assert confirm_key(12, NOW) == "follow-confirm:12:20190325T010000"
    assert status_key(12, 3, "overdue", date(2019, 4, 9)) == "follow-status:12:3:overdue:2019-04-09"
