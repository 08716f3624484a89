"""Recorded results as people read them, and whether a pact's or a regency pact's target was met.

Every result carries what its year's scheme makes of it: the zone (computed from the score, or
the zone alone the source gives), the grade, the official label ("B, Kualitas Tinggi") and
whether the scheme is provisional (shown "sementara" wherever a zone from it is shown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tracker.assessments.models import Assessment, AssessmentNote, UnitResult
from tracker.assessments.rules import (
    AssessmentResult,
    ResultSpec,
    SchemeSpec,
    TargetKind,
    TargetState,
    Zone,
    classify,
    scheme_for,
    target_state,
)
from tracker.assessments.services import scheme_specs
from tracker.pacts.models import Pact


def official_label(grade: str | None, label: str | None) -> str | None:
    """Return the label as the Ombudsman writes it, with the grade first: "B, Kualitas Tinggi"."""
    if not label:
        return grade
    words = " ".join(word[:1].upper() + word[1:] for word in label.split())
    return f"{grade}, {words}" if grade else words


@dataclass(frozen=True)
class ResultView:
    """One year's recorded result of a regency or a unit, classified by its year's scheme."""

    year: int
    result: AssessmentResult
    score: Decimal | None
    zone: Zone | None
    grade: str | None
    # The official label with its grade, e.g. "B, Kualitas Tinggi"; None for a zone only.
    label: str | None
    is_provisional: bool
    source: str | None
    is_demo: bool
    rank: int | None = None
    rank_of: int | None = None
    note: str | None = None
    dimensions: tuple[Decimal | None, ...] = ()

    @property
    def is_scored(self) -> bool:
        return self.result is AssessmentResult.SCORED

    @property
    def is_zone_only(self) -> bool:
        return self.result is AssessmentResult.ZONE_ONLY

    @property
    def is_not_assessed(self) -> bool:
        return self.result is AssessmentResult.NOT_ASSESSED

    def spec(self) -> ResultSpec:
        """Return the plain result the target rules read."""
        return ResultSpec(self.year, self.result, self.score, self.zone)


def result_view(row: Assessment | UnitResult, specs: Sequence[SchemeSpec]) -> ResultView:
    """Classify one stored result by the scheme of its year."""
    scheme = scheme_for(row.year, specs)
    zone, grade, label = row.zone, None, None
    score = Decimal(row.score) if row.score is not None else None
    if row.result is AssessmentResult.SCORED and score is not None:
        band = classify(score, row.year, specs)
        if band is not None:
            zone, grade, label = band.zone, band.grade, official_label(band.grade, band.label)
    if isinstance(row, Assessment):
        extra: dict[str, object] = {"rank": row.rank, "rank_of": row.rank_of, "note": row.note}
    else:
        extra = {
            "dimensions": (
                row.input_score,
                row.process_score,
                row.output_score,
                row.complaints_score,
            )
        }
    return ResultView(
        year=row.year,
        result=row.result,
        score=score,
        zone=zone,
        grade=grade,
        label=label,
        is_provisional=bool(scheme and scheme.is_provisional and zone is not None),
        source=row.source,
        is_demo=row.is_demo,
        **extra,  # type: ignore[arg-type]
    )


def regency_results(
    session: Session, regency_id: int, specs: Sequence[SchemeSpec] | None = None
) -> list[ResultView]:
    """Return a regency's recorded results, oldest first."""
    rows = session.execute(
        select(Assessment).where(Assessment.regency_id == regency_id).order_by(Assessment.year)
    ).scalars()
    specs = scheme_specs(session) if specs is None else specs
    return [result_view(row, specs) for row in rows]


def unit_results(
    session: Session, owner: ColumnElement[bool], specs: Sequence[SchemeSpec] | None = None
) -> list[tuple[int, ResultView]]:
    """Return (agency id, result) of the unit results matching ``owner``, by year then agency."""
    rows = session.execute(
        select(UnitResult).where(owner).order_by(UnitResult.year, UnitResult.agency_id)
    ).scalars()
    specs = scheme_specs(session) if specs is None else specs
    return [(row.agency_id, result_view(row, specs)) for row in rows]


@dataclass(frozen=True)
class NoteView:
    """A note the source gives in general, with whom it applies to."""

    year: int
    text: str
    applies_to: str | None
    source: str | None
    is_demo: bool


def regency_notes(session: Session, regency_id: int) -> list[NoteView]:
    """Return a regency's general assessment notes, newest year first, in recorded order."""
    rows = session.execute(
        select(AssessmentNote)
        .where(AssessmentNote.regency_id == regency_id)
        .order_by(AssessmentNote.year.desc(), AssessmentNote.id)
    ).scalars()
    return [NoteView(n.year, n.text, n.applies_to, n.source, n.is_demo) for n in rows]


# --- targets: the loop closed ---------------------------------------------------------------


@dataclass(frozen=True)
class TargetView:
    """A target, the results that answer it, and whether it was met.

    ``previous`` is the latest assessed result before the target year (IMPROVE compares with
    it); years "not assessed" are passed over.
    """

    kind: TargetKind
    value: str | None
    year: int
    state: TargetState
    result: ResultView | None
    previous: ResultView | None


def _target(
    kind: TargetKind | None,
    value: str | None,
    year: int | None,
    results: Sequence[ResultView],
    specs: Sequence[SchemeSpec],
) -> TargetView | None:
    if kind is None or year is None:
        return None
    result = next((r for r in results if r.year == year), None)
    earlier = [r for r in results if r.year < year and not r.is_not_assessed]
    previous = earlier[-1] if earlier else None
    state = target_state(
        kind,
        value,
        result=result.spec() if result else None,
        previous=previous.spec() if previous else None,
        schemes=specs,
    )
    return TargetView(kind, value, year, state, result, previous)


def unit_target(
    session: Session,
    *,
    agency_id: int,
    kind: TargetKind | None,
    value: str | None,
    year: int | None,
) -> TargetView | None:
    """Return a pact's target against its agency's unit results; None without a target."""
    if kind is None or year is None:
        return None
    specs = scheme_specs(session)
    results = [r for _, r in unit_results(session, UnitResult.agency_id == agency_id, specs)]
    return _target(kind, value, year, results, specs)


def regency_target(
    session: Session,
    *,
    regency_id: int,
    kind: TargetKind | None,
    value: str | None,
    year: int | None,
) -> TargetView | None:
    """Return a regency pact's (commitment's) target against the regency's results."""
    if kind is None or year is None:
        return None
    specs = scheme_specs(session)
    return _target(kind, value, year, regency_results(session, regency_id, specs), specs)


def pact_target(session: Session, pact_id: int) -> TargetView | None:
    """Return an agency head's pact's target against the agency's unit results, or None."""
    row = session.execute(
        select(Pact.agency_id, Pact.target_kind, Pact.target_value, Pact.target_year).where(
            Pact.id == pact_id
        )
    ).first()
    if row is None:
        return None
    return unit_target(
        session,
        agency_id=row.agency_id,
        kind=row.target_kind,
        value=row.target_value,
        year=row.target_year,
    )


__all__ = [
    "NoteView",
    "ResultView",
    "TargetView",
    "official_label",
    "pact_target",
    "regency_notes",
    "regency_results",
    "regency_target",
    "result_view",
    "unit_results",
    "unit_target",
]
