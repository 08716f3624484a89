"""The Commitment and RegencyEvent tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.assessments.rules import TargetKind
from tracker.commitments.rules import CommitmentKind, CommitmentLimit, EventKind
from tracker.db import Base, Str500, text_enum

if TYPE_CHECKING:
    from tracker.regencies.models import Regency


class Commitment(Base):
    """A regency-wide pact, MoU or cooperation agreement, with its parties and commitments."""

    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint(
            "(target_kind IS NULL AND target_year IS NULL)"
            " OR (target_kind IS NOT NULL AND target_year IS NOT NULL)",
            name="target_has_year",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    kind: Mapped[CommitmentKind] = mapped_column(text_enum(CommitmentKind, "kind"))
    title: Mapped[str] = mapped_column(String(CommitmentLimit.TITLE))
    # Null when the source gives no day ("date not recorded").
    signed_on: Mapped[date | None]
    # The year alone, when the source gives it but not the day (Paser, reported in 2024).
    signed_year: Mapped[int | None]
    place: Mapped[str | None] = mapped_column(String(CommitmentLimit.PLACE))
    # The parties, one a line (e.g. "Pemerintah Kabupaten Paser", "Ombudsman RI").
    parties: Mapped[str | None] = mapped_column(String(CommitmentLimit.PARTIES))
    # Who signed for each party, one a line, as the source names them.
    signatories: Mapped[str | None] = mapped_column(String(CommitmentLimit.SIGNATORIES))
    # What was promised, one commitment a line.
    commitments: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # What the commitment promises of the regency's assessment in target_year (regency pacts).
    target_kind: Mapped[TargetKind | None] = mapped_column(text_enum(TargetKind, "target_kind"))
    target_value: Mapped[str | None] = mapped_column(String(8))
    target_year: Mapped[int | None]
    source: Mapped[Str500 | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]

    regency: Mapped[Regency] = relationship()


class RegencyEvent(Base):
    """A mentoring visit, a coordination channel or another event on the regency's timeline."""

    __tablename__ = "regency_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(text_enum(EventKind, "kind"))
    title: Mapped[str] = mapped_column(String(CommitmentLimit.TITLE))
    # Null when the source gives no day; happened_year alone when it gives only the year.
    happened_on: Mapped[date | None]
    happened_year: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[Str500 | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]

    regency: Mapped[Regency] = relationship()


__all__ = ["Commitment", "RegencyEvent"]
