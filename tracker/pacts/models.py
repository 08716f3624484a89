"""The Pact and PactExtension tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.assessments.rules import TargetKind
from tracker.db import Base, Str64, Str500, text_enum
from tracker.pacts.rules import (
    DEFAULT_PERIOD_MONTHS,
    PactLimit,
    PactOutcome,
    PactStanding,
    effective_deadline,
)

if TYPE_CHECKING:
    from tracker.agencies.models import Agency
    from tracker.auth.models import User
    from tracker.findings.models import Finding


class Pact(Base):
    """A signed pledge by an agency head to fix listed findings by a deadline."""

    __tablename__ = "pacts"
    __table_args__ = (
        UniqueConstraint("agency_id", "reference"),
        CheckConstraint(
            f"period_months >= 1 AND period_months <= {PactLimit.PERIOD_MONTHS}",
            name="period_range",
        ),
        CheckConstraint(
            "(withdrawn_at IS NULL AND withdrawal_reason IS NULL)"
            " OR (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL)",
            name="withdrawal_has_reason",
        ),
        # A decision has its date; "not recorded" has none, since no source gives one.
        CheckConstraint(
            "outcome IS NULL OR outcome = 'not_recorded' OR outcome_on IS NOT NULL",
            name="decision_has_date",
        ),
        CheckConstraint(
            "(target_kind IS NULL AND target_year IS NULL)"
            " OR (target_kind IS NOT NULL AND target_year IS NOT NULL)",
            name="target_has_year",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    # Document number of the signed paper, or an import key; unique within the agency.
    reference: Mapped[Str64 | None]
    # Null when the source does not name the signatory.
    signatory_name: Mapped[str | None] = mapped_column(String(PactLimit.SIGNATORY_NAME))
    signatory_title: Mapped[str] = mapped_column(String(PactLimit.SIGNATORY_TITLE))
    # Null when the signing date is unknown: no deadline, never overdue.
    signed_on: Mapped[date | None]
    period_months: Mapped[int] = mapped_column(default=DEFAULT_PERIOD_MONTHS, server_default="3")
    pledge: Mapped[str] = mapped_column(Text)
    sanction: Mapped[str | None] = mapped_column(String(PactLimit.SANCTION))
    witnesses: Mapped[str | None] = mapped_column(String(PactLimit.WITNESSES))
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[Str500 | None]
    # The scan of the signed paper (PDF), kept by the file store like evidence.
    scan_storage_key: Mapped[Str64 | None] = mapped_column(info={"file_key": True})
    scan_sha256: Mapped[Str64 | None]
    scan_size_bytes: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The recorded outcome (DOMAIN.md section 2.5): the regent's decision with its date, note
    # and optional document (PDF, kept by the file store), or NOT_RECORDED for a pact entered
    # from the past whose end no source reports. Null: nothing recorded, the status is derived.
    outcome: Mapped[PactOutcome | None] = mapped_column(text_enum(PactOutcome, "outcome"))
    outcome_on: Mapped[date | None]
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_document_key: Mapped[Str64 | None] = mapped_column(info={"file_key": True})
    outcome_document_sha256: Mapped[Str64 | None] = mapped_column(info={"public_sha": True})
    outcome_document_size_bytes: Mapped[int | None]
    outcome_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome_recorded_at: Mapped[datetime | None]
    # What the pact promises of the agency's unit result in target_year (optional).
    target_kind: Mapped[TargetKind | None] = mapped_column(text_enum(TargetKind, "target_kind"))
    # The zone, grade or score the target names; null for IMPROVE.
    target_value: Mapped[str | None] = mapped_column(String(8))
    target_year: Mapped[int | None]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    # Facts read from the rows above and the pact's findings and extensions, kept here by
    # tracker.pacts.stored whenever they change, so that lists filter, count and order pacts in
    # SQL (indexed) instead of aggregating every finding on each request. None of them depends
    # on today: the status of a running pact comes from its deadline and its regency's today.
    current_deadline_on: Mapped[date | None]
    findings_total: Mapped[int] = mapped_column(default=0, server_default="0")
    findings_closed: Mapped[int] = mapped_column(default=0, server_default="0")
    findings_unresolvable: Mapped[int] = mapped_column(default=0, server_default="0")
    # The regency-local day its last closed finding was closed.
    last_closed_on: Mapped[date | None]
    standing: Mapped[PactStanding] = mapped_column(
        text_enum(PactStanding, "standing"),
        default=PactStanding.RUNNING,
        server_default=PactStanding.RUNNING.value,
    )

    agency: Mapped[Agency] = relationship()
    findings: Mapped[list[Finding]] = relationship(back_populates="pact", order_by="Finding.id")
    extensions: Mapped[list[PactExtension]] = relationship(
        back_populates="pact", order_by="PactExtension.new_deadline_on"
    )

    @property
    def original_deadline_on(self) -> date | None:
        """Return the deadline as signed, before any extension."""
        return effective_deadline(self.signed_on, self.period_months)

    @property
    def deadline_on(self) -> date | None:
        """Return the deadline in force (the latest extension wins)."""
        latest = self.extensions[-1].new_deadline_on if self.extensions else None
        return effective_deadline(self.signed_on, self.period_months, latest)


# The lists' filters and orders (issue 14): a status is a standing and, while running, a
# deadline range; the newest signed first.
Index("ix_pacts_standing_current_deadline_on", Pact.standing, Pact.current_deadline_on)
Index("ix_pacts_signed_on_id", Pact.signed_on, Pact.id)
# The lists' default order exactly (newest signed first, undated last, id as tie-breaker), so a
# page of 50 reads 50 rows from the index, not every pact of the country; MariaDB has no index
# on an expression (its backward scan of ix_pacts_signed_on_id serves instead).
Index(
    "ix_pacts_newest_first", Pact.signed_on.is_(None), Pact.signed_on.desc(), Pact.id.desc()
).ddl_if(dialect=("postgresql", "sqlite"))  # type: ignore[arg-type]  # a tuple is accepted


class PactExtension(Base):
    """A later deadline granted with a reason; the earlier one stays on record."""

    __tablename__ = "pact_extensions"
    __table_args__ = (
        CheckConstraint("new_deadline_on > previous_deadline_on", name="extends_forward"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id"), index=True)
    previous_deadline_on: Mapped[date]
    new_deadline_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    pact: Mapped[Pact] = relationship(back_populates="extensions")
    created_by: Mapped[User | None] = relationship()
