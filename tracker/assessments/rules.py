"""Zones and grades from a score and its year: pure functions over scheme data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise

from flask_babel import lazy_gettext as _l

from tracker.errors import Message

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


# --- checking a result as someone enters it (form, API, spreadsheet row) --------------------

FIRST_YEAR = 2013
# Dimension scores of a unit result (DOMAIN.md section 3), in the order they are shown.
DIMENSIONS: tuple[str, ...] = ("input_score", "process_score", "output_score", "complaints_score")
# Zone names as Indonesian sources write them, besides the English keys.
_ZONE_WORDS: dict[str, Zone] = {
    **{zone.value: zone for zone in Zone},
    "hijau": Zone.GREEN,
    "kuning": Zone.YELLOW,
    "merah": Zone.RED,
    "hitam": Zone.BLACK,
}
_RESULT_WORDS: dict[str, AssessmentResult] = {r.value: r for r in AssessmentResult}


@dataclass(frozen=True)
class CheckedResult:
    """A result that passed ``check_result``, with its band when it was scored."""

    year: int
    result: AssessmentResult
    score: Decimal | None
    zone: Zone | None
    band: BandSpec | None
    scheme: SchemeSpec | None

    def spec(self) -> ResultSpec:
        """Return the plain result the target rules read."""
        return ResultSpec(self.year, self.result, self.score, self.zone)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_score(value: str | int | Decimal | None) -> tuple[Decimal | None, Message | None]:
    """Read a two-place score in 0–100: (score, None), (None, None) when blank, or a refusal.

    A comma is read as the decimal separator ("81,22"), as Indonesians write it.
    """
    if _blank(value):
        return None, None
    if isinstance(value, float):
        return None, _l("a score is a number with at most two decimals, e.g. 81.22")
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None, _l("a score is a number with at most two decimals, e.g. 81.22")
    if not score.is_finite():
        return None, _l("a score is a number with at most two decimals, e.g. 81.22")
    if score != score.quantize(TWO_PLACES, rounding=ROUND_HALF_UP):
        return None, _l("a score has at most two decimals")
    if not MIN_SCORE <= score <= MAX_SCORE:
        return None, _l("a score is from 0 to 100")
    return abs(score).quantize(TWO_PLACES), None


def check_year(
    value: str | int | None, *, this_year: int | None = None
) -> tuple[int | None, Message | None]:
    """Read an assessment year from 2013 to next year: (year, None) or (None, refusal)."""
    last = this_year + 1 if this_year is not None else None
    try:
        year = int(str(value).strip()) if not _blank(value) else None
    except ValueError:
        year = None
    if year is None or year < FIRST_YEAR or (last is not None and year > last):
        if last is None:
            return None, _l("a year from %(first)s", first=FIRST_YEAR)
        return None, _l("a year from %(first)s to %(last)s", first=FIRST_YEAR, last=last)
    return year, None


def parse_zone(value: str | Zone | None) -> Zone | None:
    """Read a zone key or its Indonesian name (hijau, kuning, merah, hitam); None otherwise."""
    if isinstance(value, Zone):
        return value
    if _blank(value):
        return None
    return _ZONE_WORDS.get(str(value).strip().lower())


def parse_result(value: str | AssessmentResult | None) -> AssessmentResult | None:
    """Read a result kind key (scored, zone_only, not_assessed); None otherwise."""
    if isinstance(value, AssessmentResult):
        return value
    if _blank(value):
        return None
    return _RESULT_WORDS.get(str(value).strip().lower())


def check_result(
    year: str | int | None,
    result: str | AssessmentResult | None,
    score_text: str | int | Decimal | None,
    zone_text: str | Zone | None,
    schemes: Sequence[SchemeSpec],
    *,
    this_year: int | None = None,
) -> tuple[CheckedResult | None, dict[str, Message]]:
    """Check one year's result as entered: (values, {}) or (None, {field: refusal}).

    ``result`` may be left blank: a score makes it scored, a zone alone zone-only. A score needs
    the year's scheme (2020 has none: no assessment ran); a zone alone must be one of the year's
    zones and is only for zone-only results; a not-assessed year has neither. A zone given with
    a score must be the one the score lands in (the zone is computed, never typed in).
    """
    errors: dict[str, Message] = {}
    checked_year, year_error = check_year(year, this_year=this_year)
    if year_error is not None:
        errors["year"] = year_error
    kind = parse_result(result)
    if kind is None and not _blank(result):
        errors["result"] = _l("one of %(allowed)s", allowed=", ".join(_RESULT_WORDS))
    score, score_error = check_score(score_text)
    if score_error is not None:
        errors["score"] = score_error
    zone = parse_zone(zone_text)
    if zone is None and not _blank(zone_text):
        errors["zone"] = _l("one of %(allowed)s", allowed=", ".join(z.value for z in Zone))
    if errors or checked_year is None:
        return None, errors
    if kind is None:
        if not _blank(score_text):
            kind = AssessmentResult.SCORED
        elif zone is not None:
            kind = AssessmentResult.ZONE_ONLY
        else:
            return None, {"result": _l("give a score, a zone only, or say it was not assessed")}
    scheme = scheme_for(checked_year, schemes)
    band: BandSpec | None = None
    if kind is AssessmentResult.NOT_ASSESSED:
        if score is not None:
            errors["score"] = _l("a year not assessed has no score")
        if zone is not None:
            errors["zone"] = _l("a year not assessed has no zone")
    elif scheme is None:
        errors["year"] = _l(
            "no assessment scheme covers %(year)s (no assessment ran that year): record it as"
            " not assessed, or add a scheme first",
            year=checked_year,
        )
    elif kind is AssessmentResult.SCORED:
        if score is None:
            errors["score"] = _l("a scored result needs its score")
        else:
            band = classify(score, checked_year, schemes)
            if band is None:
                errors["score"] = _l(
                    "the scheme %(scheme)s has no band for %(score)s",
                    scheme=scheme.name,
                    score=score,
                )
            elif zone is not None and zone is not band.zone:
                errors["zone"] = _l(
                    "the zone is computed from the score: leave it empty (%(score)s is %(zone)s"
                    " in %(year)s)",
                    score=score,
                    zone=band.zone.value,
                    year=checked_year,
                )
        zone = None
    else:  # ZONE_ONLY
        if score is not None:
            errors["score"] = _l("a zone-only result has no score: record it as scored")
        if zone is None:
            errors["zone"] = _l("a zone-only result needs its zone")
        elif zone not in {b.zone for b in scheme.bands}:
            errors["zone"] = _l(
                "the scheme %(scheme)s has no %(zone)s zone", scheme=scheme.name, zone=zone.value
            )
    if errors:
        return None, errors
    return CheckedResult(checked_year, kind, score, zone, band, scheme), {}


def check_rank(
    rank: str | int | None, rank_of: str | int | None
) -> tuple[tuple[int | None, int | None], dict[str, Message]]:
    """Read a published rank "rank of rank_of": both blank, or 1 <= rank <= rank_of."""
    errors: dict[str, Message] = {}
    values: list[int | None] = []
    for name, value in (("rank", rank), ("rank_of", rank_of)):
        if _blank(value):
            values.append(None)
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            number = 0
        if number < 1:
            errors[name] = _l("a whole number from 1")
        values.append(number)
    first, total = values
    if not errors:
        if first is not None and total is None:
            errors["rank_of"] = _l("a rank needs the number ranked, e.g. 128 of 199")
        elif first is not None and total is not None and first > total:
            errors["rank"] = _l("a rank cannot exceed the number ranked (%(n)s)", n=total)
        elif first is None and total is not None:
            errors["rank"] = _l("the number ranked needs the rank")
    if errors:
        return (None, None), errors
    return (first, total), {}


@dataclass(frozen=True)
class BandInput:
    """A band as someone enters it on the scheme page (text, checked by ``check_bands``)."""

    min_score: str
    max_score: str
    zone: str
    grade: str = ""
    label: str = ""


def check_bands(
    rows: Sequence[BandInput],
) -> tuple[tuple[BandSpec, ...], dict[str, Message]]:
    """Check a scheme's bands: they cover 0.00–100.00 on two decimals with no gap or overlap.

    Field names are ``bands[i].<field>`` by the row's place in ``rows``; a refusal about the
    bands together is under ``bands``.
    """
    errors: dict[str, Message] = {}
    bands: list[tuple[int, BandSpec]] = []
    for i, row in enumerate(rows):
        prefix = f"bands[{i}]"
        low, low_error = check_score(row.min_score)
        high, high_error = check_score(row.max_score)
        for name, value, error in (("min_score", low, low_error), ("max_score", high, high_error)):
            if error is not None:
                errors[f"{prefix}.{name}"] = error
            elif value is None:
                errors[f"{prefix}.{name}"] = _l("a band needs both ends")
        zone = parse_zone(row.zone)
        if zone is None:
            errors[f"{prefix}.zone"] = _l(
                "one of %(allowed)s", allowed=", ".join(z.value for z in Zone)
            )
        grade = (row.grade or "").strip().upper() or None
        if grade is not None and grade not in GRADES:
            errors[f"{prefix}.grade"] = _l("a grade from A to E, or none")
        label = (row.label or "").strip()
        if not label:
            errors[f"{prefix}.label"] = _l("a band needs its label, e.g. kualitas tinggi")
        if low is not None and high is not None and low > high:
            errors[f"{prefix}.max_score"] = _l("the upper end is below the lower end")
        if zone is not None and low is not None and high is not None and label:
            bands.append((i, BandSpec(low, high, zone, grade, label)))
    if errors:
        return (), errors
    if not bands:
        return (), {"bands": _l("a scheme needs at least one band")}
    ordered = sorted(bands, key=lambda item: item[1].min_score)
    if ordered[0][1].min_score != MIN_SCORE:
        errors[f"bands[{ordered[0][0]}].min_score"] = _l("the lowest band starts at 0.00")
    if ordered[-1][1].max_score != MAX_SCORE:
        errors[f"bands[{ordered[-1][0]}].max_score"] = _l("the highest band ends at 100.00")
    for (_, below), (j, above) in pairwise(ordered):
        expected = below.max_score + TWO_PLACES
        if above.min_score > expected:
            errors[f"bands[{j}].min_score"] = _l(
                "gap: nothing covers %(low)s to %(high)s",
                low=expected,
                high=above.min_score - TWO_PLACES,
            )
        elif above.min_score < expected:
            errors[f"bands[{j}].min_score"] = _l(
                "overlap: %(score)s is already in the band below", score=above.min_score
            )
    grades = [b.grade for _, b in bands if b.grade]
    if len(grades) != len(set(grades)):
        errors["bands"] = _l("each grade is given to one band only")
    if errors:
        return (), errors
    return tuple(b for _, b in reversed(ordered)), {}


def check_target(
    kind: str | TargetKind | None,
    value: str | int | Decimal | None,
    year: str | int | None,
    *,
    this_year: int | None = None,
) -> tuple[tuple[TargetKind | None, str | None, int | None], dict[str, Message]]:
    """Check a pact's target: none at all, or a kind, its value and the assessment year.

    A zone target names a zone, a grade target a grade from A to E, a score target a two-place
    score; "improve" takes no value. Field names: target_kind, target_value, target_year.
    """
    if _blank(kind) and _blank(value) and _blank(year):
        return (None, None, None), {}
    errors: dict[str, Message] = {}
    try:
        target = kind if isinstance(kind, TargetKind) else TargetKind(str(kind or "").strip())
    except ValueError:
        errors["target_kind"] = _l(
            "one of %(allowed)s", allowed=", ".join(k.value for k in TargetKind)
        )
        return (None, None, None), errors
    checked_year, year_error = check_year(year, this_year=this_year)
    if year_error is not None:
        errors["target_year"] = year_error
    text: str | None = None
    if target is TargetKind.IMPROVE:
        if not _blank(value):
            errors["target_value"] = _l("a better result needs no value")
    elif target is TargetKind.ZONE:
        zone = parse_zone(value if not isinstance(value, int | Decimal) else None)
        if zone is None:
            errors["target_value"] = _l(
                "a zone: %(allowed)s", allowed=", ".join(z.value for z in Zone)
            )
        else:
            text = zone.value
    elif target is TargetKind.GRADE:
        grade = str(value or "").strip().upper()
        if grade not in GRADES:
            errors["target_value"] = _l("a grade from A to E")
        else:
            text = grade
    else:
        score, score_error = check_score(value)
        if score_error is not None or score is None:
            errors["target_value"] = score_error or _l("a score target needs its score")
        else:
            text = str(score)
    if errors:
        return (None, None, None), errors
    return (target, text, checked_year), {}
