"""The id pattern in URLs matches exactly the numbers an id column can hold."""

from __future__ import annotations

import re

import pytest

from tracker.web.routing import MAX_ID, up_to


@pytest.mark.parametrize("limit", [7, 10, 200, 999, 1000, MAX_ID])
def test_the_pattern_matches_every_number_up_to_the_limit_and_none_above(limit: int) -> None:
    pattern = re.compile(up_to(limit) + r"\Z")
    near = range(max(0, limit - 1200), limit + 1200)
    samples = [*range(0, 1200), *near, limit * 10, limit * 10 + 9, 10 ** len(str(limit))]
    for number in samples:
        assert bool(pattern.match(str(number))) == (number <= limit), number
