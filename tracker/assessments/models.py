"""Assessment schemes with their bands, regency assessments and unit results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.assessments.rules import BandSpec, SchemeSpec, Zone
from tracker.db import Base, Str120, Str500, text_enum

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


class Assessment(Base):
    """A regency's yearly compliance score."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("regency_id", "year"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    year: Mapped[int]
    score: Mapped[Decimal] = mapped_column(SCORE)
    source: Mapped[Str500 | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]

    regency: Mapped[Regency] = relationship()


class UnitResult(Base):
    """An agency's (service unit's) yearly compliance score."""

    __tablename__ = "unit_results"
    __table_args__ = (
        UniqueConstraint("agency_id", "year"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int]
    score: Mapped[Decimal] = mapped_column(SCORE)
    source: Mapped[Str500 | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]

    agency: Mapped[Agency] = relationship()


__all__ = ["Assessment", "AssessmentBand", "AssessmentScheme", "UnitResult"]
