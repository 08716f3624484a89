"""Zones and grades from a score and its year: pure functions over scheme data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

TWO_PLACES = Decimal("0.01")
MIN_SCORE = Decimal("0.00")
MAX_SCORE = Decimal("100.00")


class Zone(StrEnum):
    """Compliance zone (zona kepatuhan)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    # "Zona hitam": the lowest band of the provisional Opini Ombudsman scheme (2025 onward).
    BLACK = "black"


class AssessmentResult(StrEnum):
    """What a source gives for a year: a score, only a zone, or that no assessment took place."""

    SCORED = "scored"
    ZONE_ONLY = "zone_only"
    NOT_ASSESSED = "not_assessed"


class TargetKind(StrEnum):
    """What a pact or a regency pact promises of the next assessment."""

    # At least this zone (green better than yellow better than red better than black).
    ZONE = "zone"
    # At least this grade (A best).
    GRADE = "grade"
    # At least this score.
    SCORE = "score"
    # A higher score than the year before (Solok Selatan 2023: "raise next year's result").
    IMPROVE = "improve"


@dataclass(frozen=True)
class BandSpec:
    """A closed score interval [min_score, max_score] and what it means."""

    min_score: Decimal
    max_score: Decimal
    zone: Zone
    grade: str | None
    label: str


@dataclass(frozen=True)
class SchemeSpec:
    """The bands in force for a range of assessment years (last_year None: open-ended)."""

    name: str
    first_year: int
    last_year: int | None
    bands: tuple[BandSpec, ...]
    is_provisional: bool = False

    def covers(self, year: int) -> bool:
        """Tell whether this scheme applies to ``year``."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


def parse_score(value: str | int | Decimal) -> Decimal:
    """Read a score with at most two decimals in 0–100; raise ValueError otherwise."""
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not score.is_finite():
        raise ValueError(f"{value!r} is not a number")
    if score != score.quantize(TWO_PLACES, rounding=ROUND_HALF_UP):
        raise ValueError(f"{value!r} has more than two decimals")
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"{value!r} is outside 0–100")
    # abs(): "-0" is zero, and must not be stored or shown as -0.00.
    return abs(score).quantize(TWO_PLACES)


def scheme_for(year: int, schemes: Sequence[SchemeSpec]) -> SchemeSpec | None:
    """Return the scheme in force for ``year``, or None (e.g. 2020: no assessment)."""
    for scheme in schemes:
        if scheme.covers(year):
            return scheme
    return None


def classify(score: Decimal, year: int, schemes: Sequence[SchemeSpec]) -> BandSpec | None:
    """Return the band a two-decimal ``score`` falls in for ``year``, or None without a scheme."""
    scheme = scheme_for(year, schemes)
    if scheme is None:
        return None
    value = score.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    for band in scheme.bands:
        if band.min_score <= value <= band.max_score:
            return band
    return None


def _band(lo: str, hi: str, zone: Zone, grade: str | None, label: str) -> BandSpec:
    return BandSpec(Decimal(lo), Decimal(hi), zone, grade, label)


_THREE_ZONES = (
    _band("81.00", "100.00", Zone.GREEN, None, "kepatuhan tinggi"),
    _band("51.00", "80.99", Zone.YELLOW, None, "kepatuhan sedang"),
    _band("0.00", "50.99", Zone.RED, None, "kepatuhan rendah"),
)
_FIVE_GRADES = (
    _band("88.00", "100.00", Zone.GREEN, "A", "kualitas tertinggi"),
    _band("78.00", "87.99", Zone.GREEN, "B", "kualitas tinggi"),
    _band("54.00", "77.99", Zone.YELLOW, "C", "kualitas sedang"),
    _band("32.00", "53.99", Zone.RED, "D", "kualitas rendah"),
    _band("0.00", "31.99", Zone.RED, "E", "kualitas terendah"),
)

# DOMAIN.md section 3. The database holds the live copy (seeded by a migration, editable by an
# admin); this tuple is the reference the migration test compares against.
DEFAULT_SCHEMES: tuple[SchemeSpec, ...] = (
    # The survey ran with the same three colours; its exact bands are unconfirmed.
    SchemeSpec(
        "Penilaian Kepatuhan 2013–2014 (provisional)",
        2013,
        2014,
        _THREE_ZONES,
        is_provisional=True,
    ),
    SchemeSpec("Penilaian Kepatuhan 2015–2019", 2015, 2019, _THREE_ZONES),
    SchemeSpec("Penilaian Kepatuhan 2021", 2021, 2021, _THREE_ZONES),
    SchemeSpec("Penilaian Kepatuhan 2022–2024", 2022, 2024, _FIVE_GRADES),
    # The lowest band is reported as a black zone (one source, 2026); thresholds unconfirmed.
    SchemeSpec(
        "Opini Ombudsman 2025– (provisional)",
        2025,
        None,
        (*_FIVE_GRADES[:-1], _band("0.00", "31.99", Zone.BLACK, "E", "kualitas terendah")),
        is_provisional=True,
    ),
)


# Better zones first; a zone target is met by that zone or a better one.
ZONE_ORDER: tuple[Zone, ...] = (Zone.GREEN, Zone.YELLOW, Zone.RED, Zone.BLACK)
GRADES: tuple[str, ...] = ("A", "B", "C", "D", "E")


class TargetState(StrEnum):
    """Whether a pact's target was met, as far as the recorded assessments tell."""

    MET = "met"
    NOT_MET = "not_met"
    # The target year's result is not recorded (yet): nothing can be said.
    AWAITING = "awaiting"
    # The source says the unit or regency was not assessed that year.
    NOT_ASSESSED = "not_assessed"
    # A result is recorded but cannot answer the target (a zone only against a score target).
    UNDECIDABLE = "undecidable"


@dataclass(frozen=True)
class ResultSpec:
    """A recorded result of one year: a score, only a zone, or not assessed."""

    year: int
    result: AssessmentResult
    score: Decimal | None = None
    zone: Zone | None = None


def zone_grade_of(
    result: ResultSpec, schemes: Sequence[SchemeSpec]
) -> tuple[Zone | None, str | None]:
    """Return a result's zone and grade: computed from its score, else the zone the source gave."""
    if result.result is AssessmentResult.SCORED and result.score is not None:
        band = classify(result.score, result.year, schemes)
        return (band.zone, band.grade) if band else (None, None)
    if result.result is AssessmentResult.ZONE_ONLY:
        return result.zone, None
    return None, None


def target_state(
    kind: TargetKind,
    value: str | None,
    *,
    result: ResultSpec | None,
    previous: ResultSpec | None,
    schemes: Sequence[SchemeSpec],
) -> TargetState:
    """Tell whether ``result`` (the target year's) meets a target of ``kind`` and ``value``.

    ``previous`` is the latest recorded result before the target year (IMPROVE compares with
    it). Nothing is inferred that the results do not give: a zone alone cannot meet a score.
    """
    if result is None:
        return TargetState.AWAITING
    if result.result is AssessmentResult.NOT_ASSESSED:
        return TargetState.NOT_ASSESSED
    zone, grade = zone_grade_of(result, schemes)
    if kind is TargetKind.SCORE:
        if result.score is None or value is None:
            return TargetState.UNDECIDABLE
        return TargetState.MET if result.score >= parse_score(value) else TargetState.NOT_MET
    if kind is TargetKind.ZONE:
        if zone is None or value is None:
            return TargetState.UNDECIDABLE
        met = ZONE_ORDER.index(zone) <= ZONE_ORDER.index(Zone(value))
        return TargetState.MET if met else TargetState.NOT_MET
    if kind is TargetKind.GRADE:
        if grade is None or value is None:
            return TargetState.UNDECIDABLE
        met = GRADES.index(grade) <= GRADES.index(value)
        return TargetState.MET if met else TargetState.NOT_MET
    # IMPROVE: a higher score than the previous one; with zones only, a better zone.
    if previous is None or previous.result is AssessmentResult.NOT_ASSESSED:
        return TargetState.UNDECIDABLE
    if result.score is not None and previous.score is not None:
        return TargetState.MET if result.score > previous.score else TargetState.NOT_MET
    previous_zone, _ = zone_grade_of(previous, schemes)
    if zone is None or previous_zone is None or zone == previous_zone:
        return TargetState.UNDECIDABLE
    better = ZONE_ORDER.index(zone) < ZONE_ORDER.index(previous_zone)
    return TargetState.MET if better else TargetState.NOT_MET
