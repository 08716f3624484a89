"""Zones and grades (DOMAIN.md section 3): computed from the score and its year, never typed in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.assessments.rules import (
    DEFAULT_SCHEMES,
    SchemeSpec,
    Zone,
    classify,
    parse_score,
    scheme_for,
)

THREE_ZONE_YEARS = [2015, 2016, 2017, 2018, 2019, 2021]
FIVE_GRADE_YEARS = [2022, 2023, 2024]
PROVISIONAL_YEARS = [2025, 2030]

THREE_ZONE_SCORES = [
    ("100", Zone.GREEN),
    ("81.00", Zone.GREEN),
    ("80.99", Zone.YELLOW),
    ("51.00", Zone.YELLOW),
    ("50.99", Zone.RED),
    ("0", Zone.RED),
]

FIVE_GRADE_SCORES = [
    ("100.00", "A", Zone.GREEN),
    ("88.00", "A", Zone.GREEN),
    ("87.99", "B", Zone.GREEN),
    ("78.00", "B", Zone.GREEN),
    ("77.99", "C", Zone.YELLOW),
    ("54.00", "C", Zone.YELLOW),
    ("53.99", "D", Zone.RED),
    ("32.00", "D", Zone.RED),
    ("31.99", "E", Zone.RED),
    ("0.00", "E", Zone.RED),
]


@pytest.mark.parametrize(
    ("score", "year", "zone"),
    [
        pytest.param(score, year, zone, id=f"{year}-{score}-{zone}")
        for year in THREE_ZONE_YEARS
        for score, zone in THREE_ZONE_SCORES
    ],
)
def test_score_gets_green_yellow_or_red_zone_without_grade_up_to_2021(
    score: str, year: int, zone: Zone
) -> None:
    band = classify(Decimal(score), year, DEFAULT_SCHEMES)
    assert band is not None
    assert band.zone == zone
    assert band.grade is None


@pytest.mark.parametrize(
    ("score", "year", "grade", "zone"),
    [
        pytest.param(score, year, grade, zone, id=f"{year}-{score}-grade-{grade}-{zone}")
        for year in FIVE_GRADE_YEARS + PROVISIONAL_YEARS
        for score, grade, zone in FIVE_GRADE_SCORES
        # From 2025 the lowest band is reported as a black zone (DOMAIN.md section 3).
        if not (year in PROVISIONAL_YEARS and grade == "E")
    ]
    + [
        pytest.param(score, year, "E", Zone.BLACK, id=f"{year}-{score}-grade-E-black")
        for year in PROVISIONAL_YEARS
        for score in ("31.99", "0.00")
    ],
)
def test_score_gets_grade_a_to_e_from_2022_with_two_decimal_boundaries(
    score: str, year: int, grade: str, zone: Zone
) -> None:
    band = classify(Decimal(score), year, DEFAULT_SCHEMES)
    assert band is not None
    assert band.grade == grade
    assert band.zone == zone


@pytest.mark.parametrize(
    "year",
    [
        pytest.param(2020, id="2020-pandemic-no-assessment"),
        pytest.param(2012, id="2012-before-first-scheme"),
    ],
)
def test_score_in_a_year_without_assessment_gets_no_zone(year: int) -> None:
    assert scheme_for(year, DEFAULT_SCHEMES) is None
    assert classify(Decimal("81.00"), year, DEFAULT_SCHEMES) is None


@pytest.mark.parametrize(
    ("year", "provisional"),
    [
        pytest.param(2019, False, id="2019-official"),
        pytest.param(2021, False, id="2021-official"),
        pytest.param(2024, False, id="2024-official"),
        pytest.param(2013, True, id="2013-bands-unconfirmed-provisional"),
        pytest.param(2014, True, id="2014-bands-unconfirmed-provisional"),
        pytest.param(2025, True, id="2025-opini-ombudsman-provisional"),
        pytest.param(2030, True, id="2030-open-ended-provisional"),
    ],
)
def test_scheme_from_2025_is_marked_provisional(year: int, provisional: bool) -> None:
    scheme = scheme_for(year, DEFAULT_SCHEMES)
    assert scheme is not None
    assert scheme.is_provisional is provisional


@pytest.mark.parametrize(
    ("score", "year", "zone", "grade"),
    [
        pytest.param("64.80", 2021, Zone.YELLOW, None, id="solok-selatan-2021-64.80-yellow"),
        pytest.param("78.34", 2022, Zone.GREEN, "B", id="solok-selatan-2022-78.34-green-B"),
        pytest.param("81.22", 2023, Zone.GREEN, "B", id="paser-2023-81.22-green-B"),
        pytest.param("90.10", 2022, Zone.GREEN, "A", id="solok-selatan-disdukcapil-2022-90.10-A"),
        pytest.param("86.02", 2022, Zone.GREEN, "B", id="solok-selatan-dpm-ptsp-2022-86.02-B"),
    ],
)
def test_seed_article_scores_get_the_published_zone_and_grade(
    score: str, year: int, zone: Zone, grade: str | None
) -> None:
    band = classify(parse_score(score), year, DEFAULT_SCHEMES)
    assert band is not None
    assert band.zone == zone
    assert band.grade == grade


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("81.22", Decimal("81.22"), id="dot-decimal"),
        pytest.param("81,22", Decimal("81.22"), id="indonesian-comma-decimal"),
        pytest.param("100", Decimal("100.00"), id="hundred-no-decimals"),
        pytest.param("0", Decimal("0.00"), id="zero"),
        pytest.param("64.8", Decimal("64.80"), id="one-decimal"),
        pytest.param(" 78.34 ", Decimal("78.34"), id="surrounding-spaces"),
    ],
)
def test_score_is_read_with_dot_or_comma_and_two_decimals(text: str, expected: Decimal) -> None:
    score = parse_score(text)
    assert score == expected
    assert score.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(100, id="int-100"),
        pytest.param(0, id="int-0"),
        pytest.param(Decimal("81.22"), id="decimal-81.22"),
    ],
)
def test_score_is_read_from_int_or_decimal(value: int | Decimal) -> None:
    assert parse_score(value) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("80.995", "more than two decimals", id="three-decimals"),
        pytest.param("-1", "outside 0–100", id="negative"),
        pytest.param("-0.01", "outside 0–100", id="just-below-zero"),
        pytest.param("100.01", "outside 0–100", id="just-above-hundred"),
        pytest.param("abc", "not a number", id="letters"),
        pytest.param("", "not a number", id="empty"),
        pytest.param("NaN", "not a number", id="nan"),
        pytest.param("Infinity", "not a number", id="infinity"),
        pytest.param("-Infinity", "not a number", id="minus-infinity"),
    ],
)
def test_invalid_score_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_score(text)


ALL_SCORES = [Decimal(hundredths).scaleb(-2) for hundredths in range(10001)]


@pytest.mark.parametrize(
    "scheme",
    [pytest.param(scheme, id=scheme.name) for scheme in DEFAULT_SCHEMES],
)
def test_every_score_from_0_to_100_falls_in_exactly_one_band(scheme: SchemeSpec) -> None:
    assert len(ALL_SCORES) == 10001
    assert ALL_SCORES[0] == Decimal("0.00")
    assert ALL_SCORES[-1] == Decimal("100.00")
    gaps: list[Decimal] = []
    overlaps: list[Decimal] = []
    for score in ALL_SCORES:
        matching = [band for band in scheme.bands if band.min_score <= score <= band.max_score]
        if not matching:
            gaps.append(score)
        elif len(matching) > 1:
            overlaps.append(score)
    assert gaps == []
    assert overlaps == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("-0", id="minus-zero-reads-as-plain-zero"),
        pytest.param("-0,00", id="minus-zero-comma-reads-as-plain-zero"),
    ],
)
def test_zero_score_typed_with_a_minus_sign_shows_as_plain_zero(text: str) -> None:
    assert str(parse_score(text)) == "0.00"
