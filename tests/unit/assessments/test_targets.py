"""Whether a target was met is read from the recorded results, never guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.assessments.rules import (
    DEFAULT_SCHEMES,
    AssessmentResult,
    ResultSpec,
    TargetKind,
    TargetState,
    Zone,
    target_state,
)


def scored(year: int, score: str) -> ResultSpec:
    return ResultSpec(year, AssessmentResult.SCORED, score=Decimal(score))


def zone_only(year: int, zone: Zone) -> ResultSpec:
    return ResultSpec(year, AssessmentResult.ZONE_ONLY, zone=zone)


def state(
    kind: TargetKind,
    value: str | None,
    result: ResultSpec | None,
    previous: ResultSpec | None = None,
) -> TargetState:
    return target_state(kind, value, result=result, previous=previous, schemes=DEFAULT_SCHEMES)


@pytest.mark.parametrize(
    ("kind", "value", "result", "previous", "expected"),
    [
        # Solok Selatan: the regency pact of 7 Feb 2023 promises a better 2023 result than 78.34.
        (TargetKind.IMPROVE, None, None, scored(2022, "78.34"), TargetState.AWAITING),
        (TargetKind.IMPROVE, None, scored(2023, "78.35"), scored(2022, "78.34"), TargetState.MET),
        (
            TargetKind.IMPROVE,
            None,
            scored(2023, "78.34"),
            scored(2022, "78.34"),
            TargetState.NOT_MET,
        ),
        (TargetKind.IMPROVE, None, scored(2023, "90.00"), None, TargetState.UNDECIDABLE),
        (
            TargetKind.IMPROVE,
            None,
            zone_only(2021, Zone.YELLOW),
            zone_only(2019, Zone.YELLOW),
            TargetState.UNDECIDABLE,
        ),
        (
            TargetKind.IMPROVE,
            None,
            zone_only(2021, Zone.GREEN),
            scored(2019, "60.00"),
            TargetState.MET,
        ),
        # Grade B starts at 78.00 from 2022: two decimals decide.
        (TargetKind.GRADE, "B", scored(2023, "78.00"), None, TargetState.MET),
        (TargetKind.GRADE, "B", scored(2023, "77.99"), None, TargetState.NOT_MET),
        (TargetKind.GRADE, "B", scored(2019, "95.00"), None, TargetState.UNDECIDABLE),
        (TargetKind.ZONE, "green", scored(2019, "81.00"), None, TargetState.MET),
        (TargetKind.ZONE, "green", scored(2019, "80.99"), None, TargetState.NOT_MET),
        (TargetKind.ZONE, "yellow", zone_only(2021, Zone.GREEN), None, TargetState.MET),
        (TargetKind.ZONE, "red", scored(2025, "10.00"), None, TargetState.NOT_MET),
        (TargetKind.SCORE, "80.00", scored(2023, "80.00"), None, TargetState.MET),
        (TargetKind.SCORE, "80.00", scored(2023, "79.99"), None, TargetState.NOT_MET),
        (TargetKind.SCORE, "80.00", zone_only(2023, Zone.GREEN), None, TargetState.UNDECIDABLE),
        (
            TargetKind.SCORE,
            "80.00",
            ResultSpec(2023, AssessmentResult.NOT_ASSESSED),
            None,
            TargetState.NOT_ASSESSED,
        ),
    ],
)
def test_target_state_follows_the_recorded_results(
    kind: TargetKind,
    value: str | None,
    result: ResultSpec | None,
    previous: ResultSpec | None,
    expected: TargetState,
) -> None:
    assert state(kind, value, result, previous) is expected
