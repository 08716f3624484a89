"""Use cases of assessments: record or correct a regency's or a unit's result for a year.

The regent's office enters what the Ombudsman published: a score, only a zone where that is
all the source gives, or "not assessed this year". Zone, grade and label are computed from the
score and the year's scheme (``rules.check_result``), never typed in. Saving the same values
again writes nothing, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, AssessmentBand, AssessmentScheme, UnitResult
from tracker.assessments.rules import (
    DIMENSIONS,
    AssessmentResult,
    BandInput,
    BandSpec,
    CheckedResult,
    SchemeSpec,
    Zone,
    check_bands,
    check_rank,
    check_result,
    check_score,
)
from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.clock import local_today
from tracker.errors import Forbidden, Invalid, Message, NotFound
from tracker.regencies.models import Regency

NOTE_LIMIT = 2000
SOURCE_LIMIT = 500


class Change(StrEnum):
    """What saving a result did: a new row, a corrected one, or nothing (same values)."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


def scheme_specs(session: Session) -> list[SchemeSpec]:
    """Read every assessment scheme with its bands in one statement, oldest first."""
    rows = session.execute(
        select(AssessmentScheme)
        .options(joinedload(AssessmentScheme.bands))
        .order_by(AssessmentScheme.first_year)
    )
    return [scheme.to_spec() for scheme in rows.unique().scalars()]


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _check_texts(fields: Mapping[str, tuple[str | None, int]], errors: dict[str, Message]) -> None:
    for name, (value, limit) in fields.items():
        if len(value or "") > limit:
            errors[name] = _l("at most %(n)s characters", n=limit)


def _this_year(now: datetime, regency: Regency) -> int:
    return local_today(now, ZoneInfo(regency.timezone)).year


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def _apply(row: Assessment | UnitResult, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set ``values`` on ``row``; return what changed as {field: [old, new]}."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(row, name)
        if old is not None and isinstance(old, Decimal) and new is not None:
            same = Decimal(old) == Decimal(new)
        else:
            same = old == new
        if not same:
            changes[name] = [_plain(old), _plain(new)]
            setattr(row, name, new)
    return changes


# The values a result row would hold, checked without a session: the save functions below and
# the spreadsheet import's preview (assessments.imports) both use them, so a preview says what
# a save would do.
Values = dict[str, Any]


def check_regency_values(
    year: int | str | None,
    result: str | AssessmentResult | None,
    score: str | Decimal | None,
    zone: str | Zone | None,
    *,
    rank: int | str | None,
    rank_of: int | str | None,
    note: str | None,
    source: str | None,
    schemes: Sequence[SchemeSpec],
    this_year: int | None,
) -> tuple[CheckedResult | None, Values, dict[str, Message]]:
    """Check a regency's result as entered: (checked, the row's values, {}) or the refusals."""
    checked, errors = check_result(year, result, score, zone, schemes, this_year=this_year)
    (rank_value, rank_of_value), rank_errors = check_rank(rank, rank_of)
    errors.update(rank_errors)
    not_assessed = checked is not None and checked.result is AssessmentResult.NOT_ASSESSED
    if not_assessed and rank_value is not None:
        errors["rank"] = _l("a year not assessed has no rank")
    _check_texts(
        {"note": (_text(note), NOTE_LIMIT), "source": (_text(source), SOURCE_LIMIT)}, errors
    )
    if errors or checked is None:
        return None, {}, errors
    values: Values = {
        "result": checked.result,
        "score": checked.score,
        "zone": checked.zone,
        "rank": rank_value,
        "rank_of": rank_of_value,
        "note": _text(note),
        "source": _text(source),
    }
    return checked, values, {}


def check_unit_values(
    year: int | str | None,
    result: str | AssessmentResult | None,
    score: str | Decimal | None,
    zone: str | Zone | None,
    *,
    dimensions: Sequence[str | Decimal | None],
    source: str | None,
    schemes: Sequence[SchemeSpec],
    this_year: int | None,
) -> tuple[CheckedResult | None, Values, dict[str, Message]]:
    """Check a unit's result as entered (``dimensions`` in the order of rules.DIMENSIONS)."""
    checked, errors = check_result(year, result, score, zone, schemes, this_year=this_year)
    scores: dict[str, Decimal | None] = {}
    for name, text in zip(DIMENSIONS, dimensions, strict=True):
        scores[name], error = check_score(text)
        if error is not None:
            errors[name] = error
    if checked is not None and checked.result is not AssessmentResult.SCORED:
        for name, value in scores.items():
            if value is not None:
                errors[name] = _l("dimension scores only come with a unit's score")
    _check_texts({"source": (_text(source), SOURCE_LIMIT)}, errors)
    if errors or checked is None:
        return None, {}, errors
    values: Values = {
        "result": checked.result,
        "score": checked.score,
        "zone": checked.zone,
        **scores,
        "source": _text(source),
    }
    return checked, values, {}


def load_regency_for_assessments(session: Session, *, actor: User, regency_id: int) -> Regency:
    """Return a regency whose results the actor records; NotFound or Forbidden otherwise.

    Regencies are public (the portal lists them): refusing one leaks nothing.
    """
    regency = session.get(Regency, regency_id)
    if regency is None:
        raise NotFound(_l("There is no regency with id %(id)s.", id=regency_id))
    if not policy.can_record_assessments(actor, regency_id):
        raise Forbidden(_l("Only the regent's office of this regency records its assessments."))
    return regency


def save_regency_result(
    session: Session,
    *,
    actor: User,
    regency_id: int,
    year: int | str,
    result: str | AssessmentResult | None,
    score: str | Decimal | None,
    zone: str | Zone | None,
    rank: int | str | None = None,
    rank_of: int | str | None = None,
    note: str | None = None,
    source: str | None = None,
    now: datetime,
    is_demo: bool = False,
    schemes: Sequence[SchemeSpec] | None = None,
) -> Change:
    """Record or correct a regency's result for a year; the same values again change nothing.

    ``schemes``: the schemes already read (``scheme_specs``), for a caller saving many rows.
    """
    regency = load_regency_for_assessments(session, actor=actor, regency_id=regency_id)
    checked, values, errors = check_regency_values(
        year, result, score, zone, rank=rank, rank_of=rank_of, note=note, source=source,
        schemes=schemes if schemes is not None else scheme_specs(session),
        this_year=_this_year(now, regency),
    )  # fmt: skip
    if errors or checked is None:
        raise Invalid(_l("The assessment could not be saved."), fields=errors)

    row = session.execute(
        select(Assessment).where(
            Assessment.regency_id == regency.id, Assessment.year == checked.year
        )
    ).scalar_one_or_none()
    outcome = Change.CHANGED
    if row is None:
        row = Assessment(regency_id=regency.id, year=checked.year, created_at=now, is_demo=is_demo)
        session.add(row)
        outcome = Change.NEW
    changes = _apply(row, values)
    if not changes and outcome is Change.CHANGED:
        return Change.UNCHANGED
    row.recorded_by_id = actor.id
    if outcome is Change.CHANGED:
        row.updated_at = now
    session.flush()
    record(
        session, actor=actor,
        action="assessment.recorded" if outcome is Change.NEW else "assessment.corrected",
        target_type="assessment", target_id=row.id, regency_id=regency.id, at=now,
        changes={"year": checked.year, **changes},
    )  # fmt: skip
    return outcome


def save_unit_result(
    session: Session,
    *,
    actor: User,
    agency_id: int,
    year: int | str,
    result: str | AssessmentResult | None,
    score: str | Decimal | None,
    zone: str | Zone | None,
    input_score: str | Decimal | None = None,
    process_score: str | Decimal | None = None,
    output_score: str | Decimal | None = None,
    complaints_score: str | Decimal | None = None,
    source: str | None = None,
    now: datetime,
    is_demo: bool = False,
    schemes: Sequence[SchemeSpec] | None = None,
) -> Change:
    """Record or correct an agency's (unit's) result for a year; the same values change nothing.

    The four dimension scores are optional and only for a scored result.
    """
    agency = session.get(Agency, agency_id)
    if agency is None or not policy.can_view_agency(actor, agency):
        raise Invalid(
            _l("There is no agency with id %(id)s.", id=agency_id),
            fields={"agency_id": _l("unknown agency")},
        )
    if not policy.can_record_assessments(actor, agency.regency_id):
        raise Forbidden(_l("Only the regent's office of this regency records its assessments."))
    checked, values, errors = check_unit_values(
        year, result, score, zone,
        dimensions=(input_score, process_score, output_score, complaints_score), source=source,
        schemes=schemes if schemes is not None else scheme_specs(session),
        this_year=_this_year(now, agency.regency),
    )  # fmt: skip
    if errors or checked is None:
        raise Invalid(_l("The unit's result could not be saved."), fields=errors)

    row = session.execute(
        select(UnitResult).where(UnitResult.agency_id == agency.id, UnitResult.year == checked.year)
    ).scalar_one_or_none()
    outcome = Change.CHANGED
    if row is None:
        row = UnitResult(agency_id=agency.id, year=checked.year, created_at=now, is_demo=is_demo)
        session.add(row)
        outcome = Change.NEW
    changes = _apply(row, values)
    if not changes and outcome is Change.CHANGED:
        return Change.UNCHANGED
    row.recorded_by_id = actor.id
    if outcome is Change.CHANGED:
        row.updated_at = now
    session.flush()
    record(
        session, actor=actor,
        action="unit_result.recorded" if outcome is Change.NEW else "unit_result.corrected",
        target_type="unit_result", target_id=row.id, regency_id=agency.regency_id, at=now,
        changes={"year": checked.year, "agency_id": agency.id, **changes},
    )  # fmt: skip
    return outcome


def remove_unit_result(
    session: Session, *, actor: User, agency_id: int, year: int, now: datetime
) -> Change:
    """Remove a unit's result entered by mistake (the unit was not sampled that year).

    Returns UNCHANGED when there is none. Audited with the values removed.
    """
    agency = session.get(Agency, agency_id)
    if agency is None or not policy.can_view_agency(actor, agency):
        raise Invalid(
            _l("There is no agency with id %(id)s.", id=agency_id),
            fields={"agency_id": _l("unknown agency")},
        )
    if not policy.can_record_assessments(actor, agency.regency_id):
        raise Forbidden(_l("Only the regent's office of this regency records its assessments."))
    row = session.execute(
        select(UnitResult).where(UnitResult.agency_id == agency.id, UnitResult.year == year)
    ).scalar_one_or_none()
    if row is None:
        return Change.UNCHANGED
    removed = {"result": row.result.value, "score": _plain(row.score), "zone": _plain(row.zone)}
    record(
        session, actor=actor, action="unit_result.removed", target_type="unit_result",
        target_id=row.id, regency_id=agency.regency_id, at=now,
        changes={"year": year, "agency_id": agency.id, **removed},
    )  # fmt: skip
    session.delete(row)
    session.flush()
    return Change.CHANGED


def year_overview(session: Session, *, regency_id: int) -> list[tuple[int, Assessment | None, int]]:
    """Return (year, the regency's result or None, number of unit results) per recorded year."""
    results = {
        a.year: a
        for a in session.execute(
            select(Assessment).where(Assessment.regency_id == regency_id)
        ).scalars()
    }
    units: dict[int, int] = {}
    for (year,) in session.execute(
        select(UnitResult.year)
        .join(Agency, Agency.id == UnitResult.agency_id)
        .where(Agency.regency_id == regency_id)
    ):
        units[year] = units.get(year, 0) + 1
    years = sorted(set(results) | set(units), reverse=True)
    return [(y, results.get(y), units.get(y, 0)) for y in years]


def save_scheme(
    session: Session,
    *,
    actor: User,
    scheme_id: int | None,
    name: str,
    first_year: int,
    last_year: int | None,
    is_provisional: bool,
    bands: Sequence[BandInput],
    now: datetime,
) -> AssessmentScheme:
    """Add a scheme (``scheme_id`` None) or change one: its years, provisional flag and bands.

    The bands must cover 0.00–100.00 with no gap or overlap; the years must not overlap another
    scheme's. Every result of the scheme's years is classified by the new bands from now on.
    """
    if not policy.can_edit_schemes(actor):
        raise Forbidden(_l("Only a superadmin changes the assessment schemes."))
    scheme = session.get(AssessmentScheme, scheme_id) if scheme_id is not None else None
    if scheme_id is not None and scheme is None:
        raise NotFound(_l("There is no scheme with id %(id)s.", id=scheme_id))
    specs, errors = check_bands(bands)
    name = (name or "").strip()
    if not name:
        errors["name"] = _l("a scheme needs a name")
    elif len(name) > 120:
        errors["name"] = _l("at most %(n)s characters", n=120)
    if last_year is not None and last_year < first_year:
        errors["last_year"] = _l("the last year is before the first")
    others = session.execute(
        select(AssessmentScheme).where(AssessmentScheme.id != (scheme_id or 0))
    ).scalars()
    for other in others:
        if other.name == name:
            errors["name"] = _l("another scheme has this name")
        other_end = other.last_year if other.last_year is not None else 10_000
        end = last_year if last_year is not None else 10_000
        if first_year <= other_end and other.first_year <= end:
            errors["first_year"] = _l("the years overlap the scheme %(name)s", name=other.name)
    if errors:
        raise Invalid(_l("The scheme could not be saved."), fields=errors)

    def plain(items: Sequence[BandSpec]) -> list[list[str | None]]:
        return [[str(b.min_score), str(b.max_score), b.zone.value, b.grade, b.label] for b in items]

    action = "scheme.changed"
    before: dict[str, Any] = {}
    if scheme is None:
        scheme = AssessmentScheme(name=name, first_year=first_year)
        session.add(scheme)
        action = "scheme.added"
    else:
        before = {
            "name": scheme.name,
            "first_year": scheme.first_year,
            "last_year": scheme.last_year,
            "is_provisional": scheme.is_provisional,
            "bands": plain([b.to_spec() for b in scheme.bands]),
        }
    after = {
        "name": name,
        "first_year": first_year,
        "last_year": last_year,
        "is_provisional": is_provisional,
        "bands": plain(specs),
    }
    if before == after:
        return scheme
    scheme.name, scheme.first_year, scheme.last_year = name, first_year, last_year
    scheme.is_provisional = is_provisional
    if before.get("bands") != after["bands"]:
        for band in list(scheme.bands):
            scheme.bands.remove(band)
            session.delete(band)
        session.flush()
        for spec in specs:
            scheme.bands.append(
                AssessmentBand(
                    min_score=spec.min_score,
                    max_score=spec.max_score,
                    zone=spec.zone,
                    grade=spec.grade,
                    label=spec.label,
                )
            )
    session.flush()
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    record(
        session, actor=actor, action=action, target_type="assessment_scheme",
        target_id=scheme.id, regency_id=None, at=now, changes=changes,
    )  # fmt: skip
    return scheme
