"""A stored follower's state comes from its own timestamps (found by `make mutation`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.followers.models import Follower
from tracker.followers.rules import FollowerState, state_of

NOW = datetime(2019, 3, 25, 1, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(hours=1)
LATER = NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("confirmed_at", "unsubscribed_at", "expires_at", "state"),
    [
        (None, None, LATER, FollowerState.PENDING),
        (None, None, EARLIER, FollowerState.EXPIRED),
        (EARLIER, None, EARLIER, FollowerState.FOLLOWING),
        (EARLIER, NOW, EARLIER, FollowerState.EXPIRED),
        (None, EARLIER, EARLIER, FollowerState.REFUSED),
    ],
)
def test_state_of_a_stored_follower(
    confirmed_at: datetime | None,
    unsubscribed_at: datetime | None,
    expires_at: datetime,
    state: FollowerState,
) -> None:
    follower = Follower(
        pact_id=1,
        email="warga@example.org",
        confirm_expires_at=expires_at,
        confirmed_at=confirmed_at,
        unsubscribed_at=unsubscribed_at,
    )
    assert state_of(follower, NOW) is state
