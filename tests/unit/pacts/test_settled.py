"""Which statuses count as fulfilled or settled, and a pact with a single finding.

Found by `make mutation`: no unit test read is_fulfilled / is_settled, and no status test had a
pact of exactly one finding.
"""

from __future__ import annotations

from datetime import date

import pytest

from tracker.pacts.rules import PactStatus, is_fulfilled, is_settled, pact_status


def test_a_pact_whose_only_finding_is_closed_is_fulfilled() -> None:
    status = pact_status(
        deadline_on=date(2025, 2, 28),
        today=date(2025, 2, 1),
        findings_total=1,
        findings_open=0,
        last_closed_on=date(2025, 1, 20),
        due_soon_days=14,
    )
    assert status is PactStatus.FULFILLED


@pytest.mark.parametrize(
    ("status", "fulfilled", "settled"),
    [
        (PactStatus.ON_TRACK, False, False),
        (PactStatus.DUE_SOON, False, False),
        (PactStatus.OVERDUE, False, False),
        (PactStatus.UNDATED, False, False),
        (PactStatus.FULFILLED, True, True),
        (PactStatus.FULFILLED_LATE, True, True),
        (PactStatus.WITHDRAWN, False, True),
        (PactStatus.DECIDED, False, True),
        (PactStatus.NOT_RECORDED, False, True),
    ],
)
def test_only_a_settled_pact_stops_counting_days(
    status: PactStatus, fulfilled: bool, settled: bool
) -> None:
    assert is_fulfilled(status) is fulfilled
    assert is_settled(status) is settled
