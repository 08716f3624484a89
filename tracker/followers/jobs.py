"""Scheduled work of following: the followers' part of every sweep (their status mail)."""

from __future__ import annotations

from tracker.followers.services import sweep_followers
from tracker.scheduling import SweepPart


def _describe(queued: int | None) -> str:
    return f"Followers: {queued or 0} status mails written."


SWEEP_PARTS = (SweepPart("followers", sweep_followers, describe=_describe),)
