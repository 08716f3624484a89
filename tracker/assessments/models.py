"""Assessment schemes with their bands, regency assessments and unit results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.assessments.rules import AssessmentResult, BandSpec, SchemeSpec, Zone
from tracker.db import Base, Str120, Str500, text_enum
from tracker.findings.rules import FindingCategory

if TYPE_CHECKING:
    from tracker.agencies.models import Agency
    from tracker.regencies.models import Regency

SCORE = Numeric(5, 2, asdecimal=True)


class AssessmentScheme(Base):
    """The bands in force for a range of years; 2026 needs a row, not a release."""

    __tablename__ = "assessment_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Str120] = mapped_column(unique=True)
    first_year: Mapped[int]
    last_year: Mapped[int | None]
    is_provisional: Mapped[bool] = mapped_column(default=False, server_default=false())

    bands: Mapped[list[AssessmentBand]] = relationship(
        back_populates="scheme", order_by="AssessmentBand.min_score.desc()", cascade="all"
    )

    def to_spec(self) -> SchemeSpec:
        """Return the plain data the zone rules work on."""
        return SchemeSpec(
            name=self.name,
            first_year=self.first_year,
            last_year=self.last_year,
            is_provisional=self.is_provisional,
            bands=tuple(b.to_spec() for b in self.bands),
        )


class AssessmentBand(Base):
    """A closed score interval of a scheme, with its zone, grade and label."""

    __tablename__ = "assessment_bands"
    __table_args__ = (
        UniqueConstraint("scheme_id", "min_score"),
        CheckConstraint("min_score <= max_score", name="min_below_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_schemes.id"), index=True)
    min_score: Mapped[Decimal] = mapped_column(SCORE)
    max_score: Mapped[Decimal] = mapped_column(SCORE)
    zone: Mapped[Zone] = mapped_column(text_enum(Zone, "zone"))
    grade: Mapped[str | None] = mapped_column(String(2))
    label: Mapped[Str120]

    scheme: Mapped[AssessmentScheme] = relationship(back_populates="bands")

    def to_spec(self) -> BandSpec:
        """Return the plain data of this band."""
        return BandSpec(self.min_score, self.max_score, self.zone, self.grade, self.label)


# What a result row holds, by kind: a score; only a zone; or neither (not assessed that year).
_RESULT_SHAPE = (
    "(result = 'scored' AND score IS NOT NULL AND zone IS NULL)"
    " OR (result = 'zone_only' AND score IS NULL AND zone IS NOT NULL)"
    " OR (result = 'not_assessed' AND score IS NULL AND zone IS NULL)"
)


class Assessment(Base):
    """A regency's result for a year: its score, only a zone, or "not assessed this year"."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("regency_id", "year"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        CheckConstraint(_RESULT_SHAPE, name="result_shape"),
        CheckConstraint(
            "rank IS NULL OR (rank >= 1 AND rank_of IS NOT NULL AND rank <= rank_of)",
            name="rank_within",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    year: Mapped[int]
    result: Mapped[AssessmentResult] = mapped_column(
        text_enum(AssessmentResult, "result"),
        default=AssessmentResult.SCORED,
        server_default=AssessmentResult.SCORED.value,
    )
    # Two decimals; null unless result is SCORED. Zone and grade are computed from it and the year.
    score: Mapped[Decimal | None] = mapped_column(SCORE)
    # Only for ZONE_ONLY: the zone is all the source gives.
    zone: Mapped[Zone | None] = mapped_column(text_enum(Zone, "zone"))
    # The published rank, e.g. 128 of 199 regencies surveyed.
    rank: Mapped[int | None]
    rank_of: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[Str500 | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]

    regency: Mapped[Regency] = relationship()


class UnitResult(Base):
    """An agency's (service unit's) result for a year, optionally with its dimension scores."""

    __tablename__ = "unit_results"
    __table_args__ = (
        UniqueConstraint("agency_id", "year"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        CheckConstraint(_RESULT_SHAPE, name="result_shape"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int]
    result: Mapped[AssessmentResult] = mapped_column(
        text_enum(AssessmentResult, "result"),
        default=AssessmentResult.SCORED,
        server_default=AssessmentResult.SCORED.value,
    )
    score: Mapped[Decimal | None] = mapped_column(SCORE)
    zone: Mapped[Zone | None] = mapped_column(text_enum(Zone, "zone"))
    # The four weighted dimension scores (DOMAIN.md section 3), each optional, two decimals.
    input_score: Mapped[Decimal | None] = mapped_column(SCORE)
    process_score: Mapped[Decimal | None] = mapped_column(SCORE)
    output_score: Mapped[Decimal | None] = mapped_column(SCORE)
    complaints_score: Mapped[Decimal | None] = mapped_column(SCORE)
    source: Mapped[Str500 | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()


class AssessmentNote(Base):
    """A note of a regency's assessment the source gives in general, not per agency.

    Sumbawa Barat 2018: the Ombudsman NTB's notes on the seven dinas "in general" (no play room,
    no disability access, SOPs not accessible) belong to the regency, not to each agency.
    """

    __tablename__ = "assessment_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    year: Mapped[int]
    category: Mapped[FindingCategory | None] = mapped_column(text_enum(FindingCategory, "category"))
    # Code from the finding catalogue, or null.
    code: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    # Whom the note concerns, in the source's words (e.g. "the seven dinas that signed").
    applies_to: Mapped[Str500 | None]
    source: Mapped[Str500 | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]

    regency: Mapped[Regency] = relationship()


__all__ = ["Assessment", "AssessmentBand", "AssessmentNote", "AssessmentScheme", "UnitResult"]
