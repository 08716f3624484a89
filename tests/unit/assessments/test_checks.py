"""What the assessment forms, the import and the scheme page accept, and the refusal a person reads
beside each field otherwise (found by `make mutation`: no unit test read these checks).

Each case gives what was typed and what comes back: the values, or every refusal, word for word.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tracker.assessments.rules import (
    DEFAULT_SCHEMES,
    AssessmentResult,
    BandInput,
    BandSpec,
    CheckedResult,
    ResultSpec,
    TargetKind,
    TargetState,
    Zone,
    check_bands,
    check_rank,
    check_result,
    check_score,
    check_target,
    check_year,
    parse_result,
    parse_zone,
    scheme_for,
    target_state,
    zone_grade_of,
)

NOT_A_SCORE = "a score is a number with at most two decimals, e.g. 81.22"
ZONES = "one of green, yellow, red, black"
KINDS = "one of scored, zone_only, not_assessed"


def texts(errors: dict[str, Any]) -> dict[str, str]:
    return {field: str(message) for field, message in errors.items()}


@pytest.mark.parametrize(
    ("typed", "score", "refusal"),
    [
        (None, None, None),
        ("", None, None),
        ("   ", None, None),
        ("81.22", Decimal("81.22"), None),
        (" 81,2 ", Decimal("81.20"), None),
        (75, Decimal("75.00"), None),
        (Decimal("0"), Decimal("0.00"), None),
        ("-0", Decimal("0.00"), None),
        ("100", Decimal("100.00"), None),
        ("100.01", None, "a score is from 0 to 100"),
        ("-0.01", None, "a score is from 0 to 100"),
        ("81.225", None, "a score has at most two decimals"),
        ("delapan", None, NOT_A_SCORE),
        ("NaN", None, NOT_A_SCORE),
        ("Infinity", None, NOT_A_SCORE),
        (81.5, None, NOT_A_SCORE),
    ],
)
def test_check_score(typed: Any, score: Decimal | None, refusal: str | None) -> None:
    value, error = check_score(typed)
    assert value == score
    assert (str(error) if error is not None else None) == refusal
    if value is not None:
        assert str(value) == f"{value:.2f}"  # always two places, never "-0.00"
        assert not str(value).startswith("-")


@pytest.mark.parametrize(
    ("typed", "this_year", "year", "refusal"),
    [
        ("2013", None, 2013, None),
        (" 2024 ", 2025, 2024, None),
        (2026, 2025, 2026, None),
        (2027, 2025, None, "a year from 2013 to 2026"),
        (2012, 2025, None, "a year from 2013 to 2026"),
        (2012, None, None, "a year from 2013"),
        ("", None, None, "a year from 2013"),
        (None, 2025, None, "a year from 2013 to 2026"),
        ("dua ribu", None, None, "a year from 2013"),
    ],
)
def test_check_year(
    typed: Any, this_year: int | None, year: int | None, refusal: str | None
) -> None:
    value, error = check_year(typed, this_year=this_year)
    assert value == year
    assert (str(error) if error is not None else None) == refusal


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        (Zone.RED, Zone.RED),
        ("green", Zone.GREEN),
        (" Hijau ", Zone.GREEN),
        ("KUNING", Zone.YELLOW),
        ("merah", Zone.RED),
        ("hitam", Zone.BLACK),
        ("black", Zone.BLACK),
        ("", None),
        (None, None),
        ("biru", None),
    ],
)
def test_parse_zone_reads_keys_and_indonesian_names(typed: Any, zone: Zone | None) -> None:
    assert parse_zone(typed) is zone


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        (AssessmentResult.SCORED, AssessmentResult.SCORED),
        (" Zone_Only ", AssessmentResult.ZONE_ONLY),
        ("not_assessed", AssessmentResult.NOT_ASSESSED),
        ("  ", None),
        (None, None),
        ("dinilai", None),
    ],
)
def test_parse_result(typed: Any, kind: AssessmentResult | None) -> None:
    assert parse_result(typed) is kind


def result(year: Any, kind: Any, score: Any, zone: Any, this_year: int | None = 2025) -> Any:
    checked, errors = check_result(year, kind, score, zone, DEFAULT_SCHEMES, this_year=this_year)
    return checked, texts(errors)


def test_a_score_makes_a_scored_result_with_its_band() -> None:
    checked, errors = result("2023", "", "81,22", None)
    assert errors == {}
    scheme = scheme_for(2023, DEFAULT_SCHEMES)
    assert scheme is not None
    assert checked == CheckedResult(
        2023, AssessmentResult.SCORED, Decimal("81.22"), None, scheme.bands[1], scheme
    )
    assert checked.band == BandSpec(
        Decimal("78.00"), Decimal("87.99"), Zone.GREEN, "B", "kualitas tinggi"
    )
    assert checked.spec() == ResultSpec(2023, AssessmentResult.SCORED, Decimal("81.22"), None)


def test_a_score_with_the_zone_it_lands_in_is_accepted_and_the_zone_is_not_kept() -> None:
    checked, errors = result(2023, "scored", "81.22", "hijau")
    assert errors == {}
    assert checked is not None
    assert checked.zone is None
    assert checked.band is not None and checked.band.zone is Zone.GREEN


def test_a_zone_alone_makes_a_zone_only_result() -> None:
    checked, errors = result(2018, None, "", "kuning")
    assert errors == {}
    scheme = scheme_for(2018, DEFAULT_SCHEMES)
    assert checked == CheckedResult(
        2018, AssessmentResult.ZONE_ONLY, None, Zone.YELLOW, None, scheme
    )
    assert checked.spec() == ResultSpec(2018, AssessmentResult.ZONE_ONLY, None, Zone.YELLOW)


def test_a_year_not_assessed_needs_no_scheme() -> None:
    checked, errors = result(2020, "not_assessed", None, None)
    assert errors == {}
    assert checked == CheckedResult(2020, AssessmentResult.NOT_ASSESSED, None, None, None, None)


@pytest.mark.parametrize(
    ("year", "kind", "score", "zone", "refusals"),
    [
        pytest.param(
            "2030",
            "bagus",
            "x",
            "biru",
            {
                "year": "a year from 2013 to 2026",
                "result": KINDS,
                "score": NOT_A_SCORE,
                "zone": ZONES,
            },
            id="every-field-wrong-at-once",
        ),
        pytest.param(
            2023,
            None,
            None,
            None,
            {"result": "give a score, a zone only, or say it was not assessed"},
            id="nothing-given",
        ),
        pytest.param(
            2020,
            None,
            "70",
            None,
            {
                "year": "no assessment scheme covers 2020 (no assessment ran that year): record"
                " it as not assessed, or add a scheme first"
            },
            id="no-scheme-in-2020",
        ),
        pytest.param(
            2020,
            None,
            None,
            "merah",
            {
                "year": "no assessment scheme covers 2020 (no assessment ran that year): record"
                " it as not assessed, or add a scheme first"
            },
            id="zone-in-2020",
        ),
        pytest.param(
            2023,
            "not_assessed",
            "70",
            "red",
            {
                "score": "a year not assessed has no score",
                "zone": "a year not assessed has no zone",
            },
            id="not-assessed-with-values",
        ),
        pytest.param(
            2023,
            "scored",
            None,
            None,
            {"score": "a scored result needs its score"},
            id="scored-without-score",
        ),
        pytest.param(
            2023,
            "scored",
            "81.22",
            "red",
            {
                "zone": "the zone is computed from the score: leave it empty (81.22 is green in"
                " 2023)"
            },
            id="zone-disagrees-with-score",
        ),
        pytest.param(
            2023,
            "zone_only",
            "70",
            "red",
            {"score": "a zone-only result has no score: record it as scored"},
            id="zone-only-with-score",
        ),
        pytest.param(
            2023,
            "zone_only",
            None,
            None,
            {"zone": "a zone-only result needs its zone"},
            id="zone-only-without-zone",
        ),
        pytest.param(
            2023,
            "zone_only",
            None,
            "black",
            {"zone": "the scheme Penilaian Kepatuhan 2022–2024 has no black zone"},
            id="zone-the-scheme-lacks",
        ),
    ],
)
def test_check_result_refusals(
    year: Any, kind: Any, score: Any, zone: Any, refusals: dict[str, str]
) -> None:
    checked, errors = result(year, kind, score, zone)
    assert checked is None
    assert errors == refusals


def test_a_score_no_band_covers_is_refused_with_the_schemes_name() -> None:
    gap = DEFAULT_SCHEMES[3]
    schemes = (
        type(gap)(gap.name, gap.first_year, gap.last_year, gap.bands[:2], gap.is_provisional),
    )
    checked, errors = check_result(2023, "scored", "40", None, schemes, this_year=2025)
    assert checked is None
    assert texts(errors) == {
        "score": "the scheme Penilaian Kepatuhan 2022–2024 has no band for 40.00"
    }


@pytest.mark.parametrize(
    ("rank", "rank_of", "values", "refusals"),
    [
        (None, None, (None, None), {}),
        ("", " ", (None, None), {}),
        ("128", " 199 ", (128, 199), {}),
        (1, 1, (1, 1), {}),
        (199, 199, (199, 199), {}),
        ("200", "199", (None, None), {"rank": "a rank cannot exceed the number ranked (199)"}),
        ("128", None, (None, None), {"rank_of": "a rank needs the number ranked, e.g. 128 of 199"}),
        (None, "199", (None, None), {"rank": "the number ranked needs the rank"}),
        ("0", "199", (None, None), {"rank": "a whole number from 1"}),
        (
            "satu",
            "0",
            (None, None),
            {"rank": "a whole number from 1", "rank_of": "a whole number from 1"},
        ),
        ("5", "-3", (None, None), {"rank_of": "a whole number from 1"}),
    ],
)
def test_check_rank(
    rank: Any, rank_of: Any, values: tuple[Any, Any], refusals: dict[str, str]
) -> None:
    got, errors = check_rank(rank, rank_of)
    assert got == values
    assert texts(errors) == refusals


def band(lo: str, hi: str, zone: str = "green", grade: str = "", label: str = "pita") -> BandInput:
    return BandInput(lo, hi, zone, grade, label)


def test_three_bands_covering_0_to_100_are_kept_highest_first() -> None:
    bands, errors = check_bands(
        [
            band("51.00", "80.99", "kuning", " b ", " sedang "),
            band("0", "50.99", "red", "", "rendah"),
            band("81", "100", "hijau", "a", "tinggi"),
        ]
    )
    assert errors == {}
    assert bands == (
        BandSpec(Decimal("81.00"), Decimal("100.00"), Zone.GREEN, "A", "tinggi"),
        BandSpec(Decimal("51.00"), Decimal("80.99"), Zone.YELLOW, "B", "sedang"),
        BandSpec(Decimal("0.00"), Decimal("50.99"), Zone.RED, None, "rendah"),
    )


@pytest.mark.parametrize(
    ("rows", "refusals"),
    [
        pytest.param([], {"bands": "a scheme needs at least one band"}, id="no-band"),
        pytest.param(
            [band("", "x", "biru", "F", "  ")],
            {
                "bands[0].min_score": "a band needs both ends",
                "bands[0].max_score": NOT_A_SCORE,
                "bands[0].zone": ZONES,
                "bands[0].grade": "a grade from A to E, or none",
                "bands[0].label": "a band needs its label, e.g. kualitas tinggi",
            },
            id="every-field-wrong",
        ),
        pytest.param(
            [band("0", "")], {"bands[0].max_score": "a band needs both ends"}, id="no-upper-end"
        ),
        pytest.param(
            [band("0", "100"), band("60", "50")],
            {"bands[1].max_score": "the upper end is below the lower end"},
            id="upside-down",
        ),
        pytest.param(
            [band("0.01", "99.99")],
            {
                "bands[0].min_score": "the lowest band starts at 0.00",
                "bands[0].max_score": "the highest band ends at 100.00",
            },
            id="not-0-to-100",
        ),
        pytest.param(
            [band("50.00", "100"), band("0", "49.98")],
            {"bands[0].min_score": "gap: nothing covers 49.99 to 49.99"},
            id="gap-of-one-hundredth",
        ),
        pytest.param(
            [band("0", "50.00"), band("50.00", "100")],
            {"bands[1].min_score": "overlap: 50.00 is already in the band below"},
            id="overlap-of-one-hundredth",
        ),
        pytest.param(
            [band("0", "49.99", grade="A"), band("50", "100", grade="a")],
            {"bands": "each grade is given to one band only"},
            id="grade-twice",
        ),
    ],
)
def test_check_bands_refusals(rows: list[BandInput], refusals: dict[str, str]) -> None:
    bands, errors = check_bands(rows)
    assert bands == ()
    assert texts(errors) == refusals


def test_bands_that_meet_exactly_pass_and_an_ungraded_scheme_may_repeat_no_grade() -> None:
    bands, errors = check_bands([band("0", "49.99"), band("50", "100")])
    assert errors == {}
    assert [b.min_score for b in bands] == [Decimal("50.00"), Decimal("0.00")]


@pytest.mark.parametrize(
    ("kind", "value", "year", "expected", "refusals"),
    [
        (None, None, None, (None, None, None), {}),
        ("", " ", "", (None, None, None), {}),
        ("zone", "Hijau", "2026", (TargetKind.ZONE, "green", 2026), {}),
        (TargetKind.GRADE, " b ", 2025, (TargetKind.GRADE, "B", 2025), {}),
        (" score ", "81,5", 2025, (TargetKind.SCORE, "81.50", 2025), {}),
        ("improve", "", 2025, (TargetKind.IMPROVE, None, 2025), {}),
        (
            "naik",
            "",
            2025,
            (None, None, None),
            {"target_kind": "one of zone, grade, score, improve"},
        ),
        (
            None,
            "A",
            2025,
            (None, None, None),
            {"target_kind": "one of zone, grade, score, improve"},
        ),
        (
            "improve",
            "A",
            2025,
            (None, None, None),
            {"target_value": "a better result needs no value"},
        ),
        (
            "zone",
            "biru",
            2025,
            (None, None, None),
            {"target_value": "a zone: green, yellow, red, black"},
        ),
        (
            "zone",
            81,
            2025,
            (None, None, None),
            {"target_value": "a zone: green, yellow, red, black"},
        ),
        ("grade", "F", 2025, (None, None, None), {"target_value": "a grade from A to E"}),
        ("grade", None, 2025, (None, None, None), {"target_value": "a grade from A to E"}),
        ("score", "", 2025, (None, None, None), {"target_value": "a score target needs its score"}),
        ("score", "101", 2025, (None, None, None), {"target_value": "a score is from 0 to 100"}),
        (
            "grade",
            "A",
            "2030",
            (None, None, None),
            {"target_year": "a year from 2013 to 2026"},
        ),
    ],
)
def test_check_target(
    kind: Any, value: Any, year: Any, expected: tuple[Any, ...], refusals: dict[str, str]
) -> None:
    got, errors = check_target(kind, value, year, this_year=2025)
    assert got == expected
    assert texts(errors) == refusals


def test_an_empty_label_is_refused_and_a_one_score_band_is_fine() -> None:
    bands, errors = check_bands([band("0", "99.99"), band("100", "100", label="")])
    assert texts(errors) == {"bands[1].label": "a band needs its label, e.g. kualitas tinggi"}
    bands, errors = check_bands([band("0", "99.99"), band("100", "100", label="sempurna")])
    assert errors == {}
    assert bands[0] == BandSpec(Decimal("100.00"), Decimal("100.00"), Zone.GREEN, None, "sempurna")


def test_a_wrong_score_alone_is_refused_for_what_it_is() -> None:
    checked, errors = result(2023, None, "81.225", None)
    assert checked is None
    assert errors == {"score": "a score has at most two decimals"}


@pytest.mark.parametrize(
    ("kind", "value", "year", "refusals"),
    [
        ("grade", "A", "", {"target_year": "a year from 2013 to 2026"}),
        ("improve", "", "", {"target_year": "a year from 2013 to 2026"}),
        ("", "A", "", {"target_kind": "one of zone, grade, score, improve"}),
        (None, None, "2025", {"target_kind": "one of zone, grade, score, improve"}),
    ],
    ids=["no-year", "kind-alone", "value-alone", "year-alone"],
)
def test_a_target_given_in_part_is_refused(
    kind: Any, value: Any, year: Any, refusals: dict[str, str]
) -> None:
    got, errors = check_target(kind, value, year, this_year=2025)
    assert got == (None, None, None)
    assert texts(errors) == refusals


# 2020 has no scheme: a score recorded for it (an import of history) lands in no band.
NO_BAND = ResultSpec(2020, AssessmentResult.SCORED, Decimal("85.00"))


def test_a_result_without_a_band_has_no_zone_or_grade() -> None:
    assert zone_grade_of(NO_BAND, DEFAULT_SCHEMES) == (None, None)
    unscored = ResultSpec(2023, AssessmentResult.SCORED, None)
    assert zone_grade_of(unscored, DEFAULT_SCHEMES) == (None, None)


@pytest.mark.parametrize(
    ("kind", "value", "result_", "previous", "state"),
    [
        (TargetKind.ZONE, "green", NO_BAND, None, TargetState.UNDECIDABLE),
        (
            TargetKind.ZONE,
            None,
            ResultSpec(2018, AssessmentResult.ZONE_ONLY, None, Zone.GREEN),
            None,
            TargetState.UNDECIDABLE,
        ),
        (
            TargetKind.IMPROVE,
            None,
            ResultSpec(2018, AssessmentResult.ZONE_ONLY, None, Zone.GREEN),
            NO_BAND,
            TargetState.UNDECIDABLE,
        ),
        (
            TargetKind.IMPROVE,
            None,
            ResultSpec(2018, AssessmentResult.ZONE_ONLY, None, Zone.RED),
            ResultSpec(2017, AssessmentResult.ZONE_ONLY, None, Zone.YELLOW),
            TargetState.NOT_MET,
        ),
        (
            TargetKind.IMPROVE,
            None,
            ResultSpec(2018, AssessmentResult.ZONE_ONLY, None, Zone.YELLOW),
            ResultSpec(2017, AssessmentResult.ZONE_ONLY, None, Zone.RED),
            TargetState.MET,
        ),
    ],
    ids=["zone-target-no-band", "zone-target-no-value", "improve-on-no-band", "worse", "better"],
)
def test_what_a_target_can_and_cannot_tell(
    kind: TargetKind,
    value: str | None,
    result_: ResultSpec,
    previous: ResultSpec | None,
    state: TargetState,
) -> None:
    got = target_state(kind, value, result=result_, previous=previous, schemes=DEFAULT_SCHEMES)
    assert got is state
