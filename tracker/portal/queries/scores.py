"""Published compliance scores of a regency or an agency, each with its year's zone and grade."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from tracker.assessments.models import Assessment, AssessmentScheme, UnitResult
from tracker.assessments.rules import SchemeSpec, Zone, classify


@dataclass(frozen=True)
class ScoreYear:
    """A published compliance score with the zone and grade of its year's scheme."""

    year: int
    score: Decimal
    zone: Zone | None
    grade: str | None
    band_label: str | None
    source: str | None
    is_demo: bool


def schemes(session: Session) -> list[SchemeSpec]:
    """Read every assessment scheme with its bands in one statement."""
    rows = session.execute(
        select(AssessmentScheme)
        .options(joinedload(AssessmentScheme.bands))
        .order_by(AssessmentScheme.first_year)
    )
    return [scheme.to_spec() for scheme in rows.unique().scalars()]


def score_year(
    year: int,
    score: Decimal,
    source: str | None,
    is_demo: bool,
    specs: Sequence[SchemeSpec],
) -> ScoreYear:
    """Classify one year's score by the scheme in force that year."""
    band = classify(Decimal(score), year, specs)
    return ScoreYear(
        year=year,
        score=Decimal(score),
        zone=band.zone if band else None,
        grade=band.grade if band else None,
        band_label=band.label if band else None,
        source=source,
        is_demo=is_demo,
    )


def scores_by_year(
    session: Session,
    results: type[Assessment] | type[UnitResult],
    owner: ColumnElement[bool],
) -> list[ScoreYear]:
    """Return the scores of one regency (Assessment) or agency (UnitResult), oldest first.

    Two statements: the scores, then the schemes that classify them.
    """
    rows = list(
        session.execute(
            select(results.year, results.score, results.source, results.is_demo)
            .where(owner)
            .order_by(results.year)
        )
    )
    specs = schemes(session)
    return [score_year(r.year, r.score, r.source, r.is_demo, specs) for r in rows]
