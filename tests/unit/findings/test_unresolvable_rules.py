"""Declaring a finding impossible to follow up, and taking that back.

Found by `make mutation`: no unit test read can_mark_unresolvable / reopened_status.
"""

from __future__ import annotations

import pytest

from tracker.findings.rules import FindingStatus, can_mark_unresolvable, reopened_status


@pytest.mark.parametrize("status", [s for s in FindingStatus if s is not FindingStatus.CLOSED])
def test_any_finding_not_closed_may_be_declared_unresolvable(status: FindingStatus) -> None:
    if status is FindingStatus.UNRESOLVABLE:
        assert not can_mark_unresolvable(status)
    else:
        assert can_mark_unresolvable(status)


def test_a_closed_finding_cannot_be_declared_unresolvable() -> None:
    assert not can_mark_unresolvable(FindingStatus.CLOSED)


def test_taken_back_a_finding_with_evidence_is_in_progress_else_open() -> None:
    assert reopened_status(has_evidence=True) is FindingStatus.IN_PROGRESS
    assert reopened_status(has_evidence=False) is FindingStatus.OPEN
